"""Build and render the paper's tables, the measured tables, or both side by side."""

from __future__ import annotations

from pathlib import Path

from adrbench.errors import ConfigError
from adrbench.leaderboard.entries import find_entries, leaderboard_entries
from adrbench.leaderboard.grid import Grid, paper_grid
from adrbench.leaderboard.layouts import PAPER_LAYOUTS
from adrbench.leaderboard.measured import MIN_N, measured_grids, side_by_side
from adrbench.leaderboard.paper import load_paper_records
from adrbench.leaderboard.paths import default_leaderboard_dir
from adrbench.leaderboard.render import FORMATS, render

SOURCES = ("paper", "measured", "both")


def paper_grids(leaderboard_dir: Path | None = None) -> dict[str, Grid]:
    """Every paper table (Tables 2–9) as a Grid, from leaderboards/paper/."""
    records = load_paper_records(leaderboard_dir or default_leaderboard_dir())
    return {table_id: paper_grid(table_id, records) for table_id in PAPER_LAYOUTS}


def render_grids(grids: dict[str, Grid], fmt: str) -> dict[str, str]:
    """Render every grid in `fmt`."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown table format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return {table_id: render(grid, fmt) for table_id, grid in grids.items()}


def render_paper_tables(fmt: str = "md", leaderboard_dir: Path | None = None) -> dict[str, str]:
    """The paper's Tables 2–9 regenerated from data: table id → text in `fmt` ('md', 'latex', 'csv')."""
    return render_grids(paper_grids(leaderboard_dir), fmt)


def build_grids(
    source: str, leaderboard_dir: Path | None = None, runs: list[Path] | None = None, min_n: int = MIN_N
) -> dict[str, Grid]:
    """The grids for `source`: 'paper', 'measured' (runs + leaderboards/measured/) or 'both'."""
    if source not in SOURCES:
        raise ConfigError(f"unknown source {source!r}; choose one of {', '.join(SOURCES)}")
    root = leaderboard_dir or default_leaderboard_dir()
    if source == "paper":
        return paper_grids(root)
    entries = leaderboard_entries(root) + find_entries(list(runs or []))
    if source == "measured":
        return measured_grids(entries, min_n)
    return side_by_side(paper_grids(root), entries, min_n)
