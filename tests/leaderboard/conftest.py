"""Fixtures for the leaderboard tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adrbench.leaderboard.paths import default_leaderboard_dir


@pytest.fixture
def lb_dir(tmp_path: Path) -> Path:
    """A leaderboards/ folder holding a copy of the paper's data."""
    root = tmp_path / "leaderboards"
    shutil.copytree(default_leaderboard_dir() / "paper", root / "paper")
    return root
