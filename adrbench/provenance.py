"""What a run records about where it ran: package versions, git revision, time."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import adrbench

_PACKAGES = ("numpy", "scipy", "torch", "transformers", "nltk", "rouge-score", "scikit-learn", "pydantic")


def versions() -> dict[str, str]:
    """Versions of Python, adrbench and the libraries that can change a number."""
    found = {"python": platform.python_version(), "adrbench": adrbench.__version__}
    for name in _PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def git_revision() -> str | None:
    """The git commit of the adrbench checkout in use (with '+dirty' if it has changes), or None."""
    root = Path(adrbench.__file__).resolve().parent.parent
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        if rev.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return rev.stdout.strip() + ("+dirty" if dirty else "")


def now() -> str:
    """The current UTC time, ISO 8601."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def command_line() -> list[str]:
    return list(sys.argv)
