"""Errors that the CLI turns into a clear message and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path


class AdrbenchError(Exception):
    """Base class of errors meant for the user; the message says what is wrong and what to do."""

    exit_code = 2


class DataError(AdrbenchError):
    """Bad or missing input data: names the file, the line (if any) and the field."""

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path, self.line, self.field, self.hint = str(path), line, field, hint
        where = (
            self.path
            + (f", line {line}" if line is not None else "")
            + (f", field {field!r}" if field else "")
        )
        super().__init__(f"{where}: {message}" + (f" ({hint})" if hint else ""))


class ConfigError(AdrbenchError):
    """Bad arguments or options."""


class Interrupted(AdrbenchError):
    """Ctrl-C: the message says what was saved and how to go on; exit code 130, as a shell gives for SIGINT."""

    exit_code = 130
