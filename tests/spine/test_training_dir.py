"""The runner gives a trainable model a folder for in-progress training state, and clears it once saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrbench.models.base import Model
from adrbench.runner import _fit_or_load
from adrbench.runs import MODEL_DIR, TRAINING_DIR, RunConfig


class Checkpointing(Model):
    name = "checkpointing"
    trainable = True

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.seen: list[Path | None] = []

    def fit(self, data, seed: int) -> None:
        self.seen.append(self.work_dir)
        assert self.work_dir is not None
        self.work_dir.mkdir(parents=True, exist_ok=True)
        (self.work_dir / "epoch-1").write_text("state")
        if self.fail:
            raise RuntimeError("killed")

    def predict(self, data, items):
        return []

    def save(self, directory: Path) -> bool:
        (directory / "weights").write_text("w")
        return True


def test_training_state_is_kept_until_the_model_is_saved(tmp_path: Path) -> None:
    config = RunConfig(model="checkpointing")
    killed = Checkpointing(fail=True)
    with pytest.raises(RuntimeError, match="killed"):
        _fit_or_load(killed, None, config, tmp_path, lambda *a: None)
    assert killed.seen == [tmp_path / TRAINING_DIR]
    assert (tmp_path / TRAINING_DIR / "epoch-1").is_file()  # left for the next attempt to resume from
    assert _fit_or_load(Checkpointing(), None, config, tmp_path, lambda *a: None)
    assert (tmp_path / MODEL_DIR / "weights").is_file() and not (tmp_path / TRAINING_DIR).exists()
