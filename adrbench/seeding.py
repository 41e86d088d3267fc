"""One call that seeds every random generator a run touches.

Python's string hashing (the iteration order of sets of strings) is fixed when the interpreter starts, from
PYTHONHASHSEED; setting that variable from inside a running process changes nothing, so this module does not.
adrbench's results do not depend on it (whatever a set holds is sorted before it is used); to pin it anyway,
start the process with it set, e.g. `PYTHONHASHSEED=0 adrbench run ...`.
"""

from __future__ import annotations

import random

import numpy as np


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and (if importable) torch, for byte-identical CPU runs."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(seed)
