"""`adrbench tables`: print or write the paper's tables, the measured tables, or both side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adrbench.atomic import write_atomic
from adrbench.errors import AdrbenchError, ConfigError
from adrbench.leaderboard.entries import find_entries, leaderboard_entries
from adrbench.leaderboard.figures import all_figures
from adrbench.leaderboard.generate import regenerate
from adrbench.leaderboard.html_page import html_page
from adrbench.leaderboard.measured import MIN_N
from adrbench.leaderboard.paths import default_leaderboard_dir
from adrbench.leaderboard.render import EXTENSIONS
from adrbench.leaderboard.run_figures import scatter_figures
from adrbench.leaderboard.store import store_run
from adrbench.leaderboard.tables import build_grids, render_grids

FORMAT_CHOICES = ("md", "latex", "csv", "html")


def tables(
    source: Annotated[
        str, typer.Option(help="paper | measured | both (paper and measured rows in one table)")
    ] = "paper",
    fmt: Annotated[str, typer.Option("--format", "-f", help="md | latex | csv | html")] = "md",
    out: Annotated[
        Path | None, typer.Option(help="folder to write one file per table into (default: print)")
    ] = None,
    runs: Annotated[
        list[Path] | None, typer.Option("--runs", help="run folder(s), or folders holding runs")
    ] = None,
    leaderboard_dir: Annotated[Path | None, typer.Option(help="the leaderboards/ folder")] = None,
    min_n: Annotated[int, typer.Option(help="mark measured cells with fewer items than this with †")] = MIN_N,
    figures: Annotated[
        Path | None,
        typer.Option(help="also draw figures here (PNG + SVG): per-sport bars; predicted vs true for --runs"),
    ] = None,
    update: Annotated[
        bool, typer.Option("--update", help="rewrite leaderboards/generated/ from the data")
    ] = False,
    store: Annotated[
        bool, typer.Option("--store", help="copy the --runs into leaderboards/measured/, rewrite generated/")
    ] = False,
    baseline: Annotated[
        str, typer.Option(help="with --store: the model whose run on the same task the paired tests compare with")
    ] = "mean",
) -> None:
    """Regenerate the paper's Tables 2–9 from data, or build the same tables from measured runs."""
    console, errors = Console(), Console(stderr=True)
    try:
        if fmt not in FORMAT_CHOICES:
            raise ConfigError(f"unknown format {fmt!r}; choose one of {', '.join(FORMAT_CHOICES)}")
        root = leaderboard_dir or default_leaderboard_dir()
        if store:
            found = [e for e in find_entries(list(runs or [])) if e.source == "run"]
            baselines = {e.task: e.path for e in found if e.meta.get("model") == baseline}
            for entry in found:
                stored = store_run(entry.path, root, baselines.get(entry.task))
                console.print(f"stored {stored}", markup=False, highlight=False)
            runs, update = [], True
        grids = build_grids(source, root, list(runs or []), min_n)
        if fmt == "html":
            texts = {"leaderboard": html_page(grids)}
            ext = "html"
        else:
            texts, ext = render_grids(grids, fmt), EXTENSIONS[fmt]
        if out is None:
            for text in texts.values():
                console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            for table_id, text in texts.items():
                write_atomic(out / f"{table_id}.{ext}", text)
            console.print(f"wrote {len(texts)} file(s) to {out}", markup=False, highlight=False)
        if not texts:
            errors.print("no tables: no measured results found (give --runs or submit entries)", markup=False)
        if figures is not None:
            entries = leaderboard_entries(root) + find_entries(list(runs or []))
            drawn = all_figures(entries, figures) + scatter_figures(find_entries(list(runs or [])), figures)
            console.print(f"drew {len(drawn)} figure file(s) in {figures}", markup=False, highlight=False)
        if update:
            written = regenerate(root, min_n)
            console.print(
                f"updated {len(written)} file(s) under {root / 'generated'}", markup=False, highlight=False
            )
    except AdrbenchError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False, style="red", soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
