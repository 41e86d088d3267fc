"""Where adrbench keeps what it can rebuild: one cache folder, `$ADRBENCH_CACHE` or ~/.cache/adrbench.

Every cache (synthetic twins, per-video features, LLM replies, the arranged WordNet) lives under `cache_root()`;
setting `ADRBENCH_CACHE` moves all of them. A leading `~` in the variable is expanded.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "ADRBENCH_CACHE"


def cache_root() -> Path:
    """`$ADRBENCH_CACHE` (with `~` expanded) if set and not empty, else ~/.cache/adrbench; read on every call."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "adrbench"
