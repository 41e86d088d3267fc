"""Fixtures of the LVLM tests: a loopback server and a cache folder that is never ~/.cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adrbench.llm.loopback import Faults, LoopbackServer


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(Faults()) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _no_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every default-path cache inside the test's temporary folder, never in ~/.cache."""
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "default-cache"))
