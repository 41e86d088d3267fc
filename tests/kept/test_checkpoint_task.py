"""A KEPT checkpoint used on another task, through the real CLI: one clear line, exit code 2, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from kept_fixtures import TINY_ARGS

TRAINED_ON = "was trained on jigsaws-synth (skeleton tools, 12 joints); this task is fitnessaqa-synth"


def _cli(*args: str) -> subprocess.CompletedProcess:
    """`adrbench ARGS` as a user runs it, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-c", "from adrbench.cli.main import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def _error_line(proc: subprocess.CompletedProcess) -> str:
    """The one `error:` line of a refused command (exit code 2, no traceback)."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


@pytest.fixture(scope="module")
def jigsaws_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny KEPT trained by `adrbench run` on jigsaws-synth: its run folder's model/."""
    out = tmp_path_factory.mktemp("kept-jigsaws") / "run"
    tiny = [f"-M{k}={v}" for k, v in {**TINY_ARGS, "epochs": "1", "threads": "1"}.items()]
    proc = _cli(
        "run", "--model", "kept", "--task", "jigsaws-synth", *tiny, "--n-bootstrap", "0", "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    saved = json.loads((out / "model/kept.json").read_text(encoding="utf-8"))["meta"]
    assert {k: saved[k] for k in ("family", "skeleton", "n_joints")} == {
        "family": "jigsaws",
        "skeleton": "tools",
        "n_joints": 12,
    }
    return out / "model"


def test_run_with_a_checkpoint_of_another_task_is_one_clear_line(
    jigsaws_checkpoint: Path, tmp_path: Path
) -> None:
    out = tmp_path / "f"
    args = ("run", "--model", "kept", "--task", "fitnessaqa-synth", "--limit", "3", "--out", str(out))
    line = _error_line(_cli(*args, "-M", f"checkpoint={jigsaws_checkpoint}"))
    assert f"checkpoint {jigsaws_checkpoint} {TRAINED_ON} (skeleton body, 17 joints)" in line
    assert "train on this task or pass a checkpoint of it" in line
    assert not out.exists()  # refused before the run folder is made

    missing = _error_line(_cli(*args, "-M", f"checkpoint={tmp_path / 'nowhere'}"))
    assert "no checkpoint in" in missing and not out.exists()


def test_explain_with_a_checkpoint_of_another_task_is_one_clear_line(
    jigsaws_checkpoint: Path, tmp_path: Path
) -> None:
    png = tmp_path / "paths.png"
    proc = _cli("explain", "--task", "fitnessaqa-synth", "--pair", "any", "--checkpoint", str(jigsaws_checkpoint),
                "--out", str(png))  # fmt: skip
    assert TRAINED_ON in _error_line(proc) and not png.exists()


def test_a_checkpoint_older_than_the_record_still_loads_and_is_still_checked(
    jigsaws_checkpoint: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old"
    old.mkdir()
    (old / "model.safetensors").write_bytes((jigsaws_checkpoint / "model.safetensors").read_bytes())
    saved = json.loads((jigsaws_checkpoint / "kept.json").read_text(encoding="utf-8"))
    for key in ("family", "skeleton"):  # what checkpoints recorded before the task record
        del saved["meta"][key]
    (old / "kept.json").write_text(json.dumps(saved), encoding="utf-8")

    ok = _cli("run", "--model", "kept", "--task", "jigsaws-synth", "-M", f"checkpoint={old}", "--limit", "2",
              "--n-bootstrap", "0", "--out", str(tmp_path / "j"))  # fmt: skip
    assert ok.returncode == 0, ok.stderr[-3000:]
    assert "run folder:" in ok.stdout and "2 predicted" in ok.stdout

    line = _error_line(_cli("run", "--model", "kept", "--task", "fitnessaqa-synth", "-M", f"checkpoint={old}",
                            "--out", str(tmp_path / "f")))  # fmt: skip
    assert "was trained on jigsaws-synth (12 joints); this task is fitnessaqa-synth (skeleton body" in line
