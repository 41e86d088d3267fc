"""Fixtures of the data tests: the three synthetic twins, generated once per test session into a private cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adrbench.data.synth.cache import ensure_synth


@pytest.fixture(scope="session")
def synth_cache(tmp_path_factory: pytest.TempPathFactory):
    """ADRBENCH_CACHE pointed at a fresh folder for the whole session (restored afterwards)."""
    root = tmp_path_factory.mktemp("adrbench-cache")
    old = os.environ.get("ADRBENCH_CACHE")
    os.environ["ADRBENCH_CACHE"] = str(root)
    yield root
    if old is None:
        os.environ.pop("ADRBENCH_CACHE", None)
    else:
        os.environ["ADRBENCH_CACHE"] = old


@pytest.fixture(scope="session")
def adr_synth_dir(synth_cache: Path) -> Path:
    return ensure_synth("adr-synth", 0)


@pytest.fixture(scope="session")
def jigsaws_synth_dir(synth_cache: Path) -> Path:
    return ensure_synth("jigsaws-synth", 0)


@pytest.fixture(scope="session")
def fitnessaqa_synth_dir(synth_cache: Path) -> Path:
    return ensure_synth("fitnessaqa-synth", 0)
