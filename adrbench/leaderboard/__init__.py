"""Leaderboards: the paper's tables as data, measured tables, figures, the HTML page, and submissions."""

from adrbench.leaderboard.layouts import PAPER_LAYOUTS, TableLayout
from adrbench.leaderboard.tables import build_grids, paper_grids, render_grids, render_paper_tables

__all__ = [
    "PAPER_LAYOUTS",
    "TableLayout",
    "build_grids",
    "paper_grids",
    "render_grids",
    "render_paper_tables",
]
