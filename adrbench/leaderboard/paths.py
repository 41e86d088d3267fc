"""Where the leaderboards/ data folder is: $ADRBENCH_LEADERBOARDS, else the checkout's leaderboards/."""

from __future__ import annotations

import os
from pathlib import Path


def default_leaderboard_dir() -> Path:
    """The leaderboards/ folder: the environment variable ADRBENCH_LEADERBOARDS, else the source checkout's."""
    env = os.environ.get("ADRBENCH_LEADERBOARDS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "leaderboards"
