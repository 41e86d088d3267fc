"""Run `adrbench` as a user would, in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def cli(
    *args: str, cwd: Path | None = None, check: bool = False, timeout: float = 600
) -> subprocess.CompletedProcess:
    """Run `adrbench ARGS` as a user would, in a subprocess."""
    proc = subprocess.run(
        [sys.executable, "-c", "from adrbench.cli.main import main; main()", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"adrbench {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc
