"""Fixtures of the audit tests: a hand-made ADR folder and a cache that is never ~/.cache."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_fixtures import write_folder


@pytest.fixture
def adr_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "adr"
    write_folder(folder)
    return folder


@pytest.fixture(autouse=True)
def _no_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "default-cache"))
    for env in ("OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(env, raising=False)
