"""Small helpers shared by the CLI commands: k=v arguments, the console, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from adrbench.errors import ConfigError

console = Console()
err_console = Console(stderr=True)


def parse_kv(pairs: list[str] | None, option: str) -> dict[str, str]:
    """['a=1', 'b=x'] → {'a': '1', 'b': 'x'}; a malformed item names the option."""
    found: dict[str, str] = {}
    for item in pairs or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"{option} expects key=value, got {item!r}")
        found[key.strip()] = value
    return found


@contextmanager
def progress_bar() -> Iterator:
    """A rich progress bar whose callback(stage, done, total) shows one line per stage."""
    with Progress(
        TextColumn("{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
        disable=not err_console.is_terminal,
    ) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
