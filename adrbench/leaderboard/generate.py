"""leaderboards/generated/: the paper's tables, the measured tables and the HTML page, rendered from data alone."""

from __future__ import annotations

from pathlib import Path

from adrbench.atomic import write_atomic
from adrbench.leaderboard.entries import Entry, leaderboard_entries
from adrbench.leaderboard.html_page import html_page
from adrbench.leaderboard.measured import MIN_N, measured_grids
from adrbench.leaderboard.render import EXTENSIONS, FORMATS
from adrbench.leaderboard.tables import paper_grids, render_grids

GENERATED = "generated"
PAGE = "leaderboard.html"


def generated_files(
    leaderboard_dir: Path, entries: list[Entry] | None = None, min_n: int = MIN_N
) -> dict[str, str]:
    """Relative path under generated/ → text, for the paper tables, the measured tables and the HTML page."""
    if entries is None:
        entries = leaderboard_entries(leaderboard_dir)
    paper = paper_grids(leaderboard_dir)
    measured = measured_grids(entries, min_n)
    files: dict[str, str] = {}
    for kind, grids in (("paper", paper), ("measured", measured)):
        for fmt in FORMATS:
            for table_id, text in render_grids(grids, fmt).items():
                files[f"{kind}/{table_id}.{EXTENSIONS[fmt]}"] = text
    files[PAGE] = html_page({**measured, **paper})
    return files


def write_generated(leaderboard_dir: Path, files: dict[str, str]) -> list[Path]:
    """Write the files atomically, one by one, and remove generated tables that no longer exist."""
    root = leaderboard_dir / GENERATED
    written = []
    for rel, text in sorted(files.items()):
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text)
        written.append(path)
    for kind in ("paper", "measured"):
        folder = root / kind
        if folder.is_dir():
            for stale in sorted(folder.iterdir()):
                if stale.is_file() and f"{kind}/{stale.name}" not in files:
                    stale.unlink()
    return written


def regenerate(leaderboard_dir: Path, min_n: int = MIN_N) -> list[Path]:
    """Render everything from leaderboards/ data and write it under leaderboards/generated/."""
    return write_generated(leaderboard_dir, generated_files(leaderboard_dir, min_n=min_n))
