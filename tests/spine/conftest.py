"""Fixtures for the spine tests: the plugin package on the path, and a way to run the real CLI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PLUGIN_DIR = Path(__file__).parent / "plugin"


@pytest.fixture
def plugin_path(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the test plugin package importable and discoverable, in this process and in subprocesses."""
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(PLUGIN_DIR), os.environ.get("PYTHONPATH")]))
    )
    return PLUGIN_DIR
