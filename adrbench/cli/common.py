"""Small helpers shared by the CLI commands: k=v arguments, the console, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from adrbench.options import parse_pairs as parse_kv  # the one key=value parser, under its CLI name

__all__ = ["console", "err_console", "parse_kv", "progress_bar"]

console = Console()
err_console = Console(stderr=True)


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
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update
