"""Torch's settings for one block of model work, restored afterwards (models must not change them for the rest
of the process): the intra-op thread count and, on CPU, deterministic kernels."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def torch_threads(n: int, deterministic: bool = True) -> Iterator[None]:
    """Run the block with `n` intra-op torch threads (0: leave the current setting) and, if `deterministic`,
    torch's deterministic kernels; then restore the caller's settings.

    Small networks are fastest on one thread (no spin-waiting on a busy machine), and a fixed count gives the
    same bytes whatever the core count. With two or more threads some CPU backward kernels accumulate in an
    order that varies from process to process: KEPT trained twice on 2 threads gave other weights each time
    until the deterministic kernels were asked for (`tests/kept/test_model.py`). Callers training on CUDA pass
    `deterministic=False`: there the deterministic mode needs CUBLAS_WORKSPACE_CONFIG and refuses some ops.
    """
    import torch

    before = torch.get_num_threads()
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    if n > 0:
        torch.set_num_threads(n)
    if deterministic:
        torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.set_num_threads(before)
        torch.use_deterministic_algorithms(was_deterministic)
