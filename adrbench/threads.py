"""Torch's intra-op thread count for one block of work, restored afterwards (models must not change it for the
rest of the process)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run the block with `n` intra-op torch threads (0: leave the current setting), then restore the caller's.

    Small networks are fastest on one thread (no spin-waiting on a busy machine), and a fixed count gives the
    same bytes whatever the core count.
    """
    import torch

    before = torch.get_num_threads()
    if n > 0:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
