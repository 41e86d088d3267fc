"""Shards of a run: which test items shard i of N predicts (`adrbench run --shard i/N`).

An item's shard is the sha256 of its id modulo N, so it depends on neither the order of the items nor on which
other shards are run: shard 3/8 holds the same items on every machine and in every Slurm array. Shards are
numbered 0..N-1 (as `sbatch --array=0-7` numbers $SLURM_ARRAY_TASK_ID). `--limit` cuts the split first, then the
first `limit` items are sharded, so the shards of a limited run merge into that limited run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from adrbench.errors import ConfigError

Shard = tuple[int, int]  # (i, N)


def parse_shard(text: str) -> Shard:
    """'2/8' → (2, 8); anything but i/N with 0 <= i < N is refused."""
    parts = text.split("/")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ConfigError(f"--shard takes i/N (shard i of N, i from 0 to N-1), not {text!r}")
    i, n = (int(p) for p in parts)
    if not 0 <= i < n:
        raise ConfigError(f"--shard {text}: i must be 0 to {n - 1} (shards are numbered from 0)")
    return i, n


def format_shard(shard: Shard) -> str:
    """(2, 8) → '2/8', as --shard takes it."""
    return f"{shard[0]}/{shard[1]}"


def shard_of(item_id: str, n: int) -> int:
    """The shard (0..n-1) that item `item_id` belongs to among `n`."""
    return int.from_bytes(hashlib.sha256(item_id.encode("utf-8")).digest()[:8], "big") % n


def shard_ids(ids: Sequence[str], shard: Shard | None) -> list[str]:
    """The ids of `shard`, in their order in `ids` (all of them without a shard)."""
    if shard is None:
        return list(ids)
    i, n = shard
    return [item for item in ids if shard_of(item, n) == i]
