"""Small helpers shared by the CLI commands: k=v arguments, the console, listing tables, progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from adrbench.options import parse_pairs as parse_kv  # the one key=value parser, under its CLI name

__all__ = ["console", "err_console", "listing", "parse_kv", "print_listing", "progress_bar"]

console = Console()
err_console = Console(stderr=True)


def listing(*columns: str, title: str | None = None) -> Table:
    """A table of names and descriptions whose cells are never cut short: long words wrap onto the next line."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def print_listing(table: Table) -> None:
    """Print a listing whole: wrapped to the width of a terminal; piped or redirected, as wide as its widest row,
    so each row stays on one line for grep and for a wider window."""
    if console.is_terminal:
        console.print(table)
        return
    wide = Measurement.get(console, console.options.update_width(10_000), table).maximum
    Console(file=console.file, width=max(wide, console.width), no_color=console.no_color).print(table)


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
