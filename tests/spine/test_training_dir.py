"""The runner: a folder for in-progress training state, cleared once the model is saved; non-finite scores."""

from __future__ import annotations

import os
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


def test_non_finite_scores_fail_their_item_only() -> None:
    from adrbench.records import PairPrediction, VideoPrediction
    from adrbench.runner import _finite

    ok = PairPrediction(pair_id="p", score_1=3.0, score_2=4.0, description="x")
    assert _finite(ok) is ok
    nan = _finite(PairPrediction(pair_id="p", score_1=float("nan"), score_2=4.0, description="x"))
    assert nan.score_1 is None and nan.score_2 == 4.0 and nan.description == "x"
    assert nan.meta["error"] == "non-finite score_1 from the model"
    inf = _finite(VideoPrediction(video_id="v", score=float("inf"), meta={"path": ["tip"]}))
    assert inf.score is None and inf.meta == {"path": ["tip"], "error": "non-finite score from the model"}


class Unloadable(Checkpointing):
    """A model whose saved state cannot be loaded (e.g. another version): it trains again over model/."""

    def __init__(self, version: str) -> None:
        super().__init__()
        self.version = version

    def load(self, directory: Path) -> bool:
        return False

    def save(self, directory: Path) -> bool:
        (directory / "weights").write_text(self.version)
        return True


def test_a_new_model_replaces_the_old_one_by_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = RunConfig(model="checkpointing")
    assert _fit_or_load(Unloadable("v1"), None, config, tmp_path, lambda *a: None)
    assert _fit_or_load(Unloadable("v2"), None, config, tmp_path, lambda *a: None)
    assert (tmp_path / MODEL_DIR / "weights").read_text() == "v2"
    assert sorted(p.name for p in tmp_path.iterdir()) == [MODEL_DIR]  # no staged or old folder left

    # interrupted between the two renames: the old model is put back, never lost
    real_replace = os.replace

    def interrupted(src, dst):  # noqa: ANN001
        if Path(dst).name == MODEL_DIR and Path(src).name.endswith(".tmp"):
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _fit_or_load(Unloadable("v3"), None, config, tmp_path, lambda *a: None)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (tmp_path / MODEL_DIR / "weights").read_text() == "v2"
    assert sorted(p.name for p in tmp_path.iterdir()) == [MODEL_DIR, TRAINING_DIR]  # the training state kept
