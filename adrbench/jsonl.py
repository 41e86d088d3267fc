"""The one JSON Lines reader/writer of adrbench: typed records, errors with file and line, atomic writes
(through `adrbench.atomic.write_atomic`, the one atomic writer)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TypeVar

from pydantic import BaseModel, ValidationError

from adrbench.atomic import write_atomic
from adrbench.errors import DataError

R = TypeVar("R", bound=BaseModel)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what universal newlines split on


def dumps(obj: object) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept; the same object always gives the same bytes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def read_records(path: str | Path, record: type[R]) -> list[R]:
    """Read a JSON Lines file of `record`s; a bad line raises DataError naming the file, line and field."""
    return list(iter_records(path, record))


def iter_records(path: str | Path, record: type[R]) -> Iterator[R]:
    """The `record`s of a JSON Lines file, one by one (blank lines skipped)."""
    return (rec for _, rec in iter_numbered(path, record))


def iter_numbered(path: str | Path, record: type[R]) -> Iterator[tuple[int, R]]:
    """(line number, record) for each non-blank line; a bad line raises DataError naming the file, line, field."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except IsADirectoryError:
        raise DataError(path, "not a file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, "not UTF-8 text", line=raw[: exc.start].count(b"\n") + 1) from None
    for lineno, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        try:
            yield lineno, record.model_validate_json(line)
        except ValidationError as exc:
            err = exc.errors()[0]
            if err["type"] == "json_invalid":
                raise DataError(path, f"not valid JSON ({err['msg']})", line=lineno) from None
            field = ".".join(str(p) for p in err["loc"]) or None
            raise DataError(path, err["msg"], line=lineno, field=field) from None


def cut_torn_tail(path: str | Path) -> None:
    """Cut an incomplete last line off a file appended line by line (`append_record`): what a kill leaves."""
    path = Path(path)
    if not path.exists():
        return
    raw = path.read_bytes()
    keep = raw.rfind(b"\n") + 1
    if keep != len(raw):
        with path.open("r+b") as handle:
            handle.truncate(keep)


def read_appended(path: str | Path, record: type[R]) -> list[R]:
    """The records of a file written by `append_record`, for resuming: an absent file has none, and a torn last
    line (its writer killed mid-line) is cut off the file first; any other bad line raises DataError."""
    path = Path(path)
    if not path.exists():
        return []
    cut_torn_tail(path)
    return read_records(path, record)


def write_records(path: str | Path, records: Iterable[BaseModel]) -> None:
    """Write a whole JSON Lines file atomically."""
    write_atomic(path, "".join(dumps(r.model_dump(mode="json")) + "\n" for r in records))


def write_json(path: str | Path, obj: object) -> None:
    """Write a canonical, indented JSON file atomically (same object → same bytes)."""
    write_atomic(path, json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def append_record(handle: IO[str], record: BaseModel) -> None:
    """Append one record and flush it to disk, so a killed process loses at most the line being written."""
    handle.write(dumps(record.model_dump(mode="json")) + "\n")
    handle.flush()
    os.fsync(handle.fileno())
