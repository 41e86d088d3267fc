"""A score-only model (Model.outputs without "text") has its text metrics shown as not applicable, not as
failed zeros; the same predictions from a describing model are failures."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.records import Pair, PairPrediction, Video
from adrbench.scoring import score_predictions


def _data() -> Dataset:
    videos = {
        f"v{i}": Video(
            id=f"v{i}",
            task="adr",
            split="test",
            group="g",
            category="Soccer",
            performer=f"p{i}",
            score=float(i + 1),
        )
        for i in range(4)
    }
    pairs = {
        f"v{i}__v{j}": Pair(
            id=f"v{i}__v{j}",
            task="adr",
            split="test",
            group="g",
            category="Soccer",
            video_1=f"v{i}",
            video_2=f"v{j}",
            description=f"Player 2 is better at knee {i}{j}.",
        )
        for i in range(4)
        for j in range(i + 1, 4)
    }
    return Dataset(
        task="adr-synth",
        unit="pair",
        videos=videos,
        pairs=pairs,
        splits={"test": list(pairs)},
        skeleton=BODY,
        root=Path("."),
        score_range=(1, 10),
        keypoint_loader=lambda v: np.zeros((2, 17, 3), np.float32),
    )


def test_score_only_model_has_no_text_failures() -> None:
    data = _data()
    preds = [
        PairPrediction(
            pair_id=p.id,
            score_1=data.videos[p.video_1].score,
            score_2=data.videos[p.video_2].score,
        )
        for p in data.items("test")
    ]
    result = score_predictions(data, preds, n_bootstrap=0, describes=False)
    assert result["n_failed"] == 0 and result["failures"]["text"] == "not applicable"
    assert result["metrics"]["bleu"]["value"] is None and result["metrics"]["spearman"]["value"] == 1.0


def test_missing_descriptions_of_a_describing_model_are_failures() -> None:
    data = _data()
    preds = [PairPrediction(pair_id=p.id, score_1=1.0, score_2=2.0) for p in data.items("test")]
    result = score_predictions(data, preds, n_bootstrap=0)
    assert result["failures"]["by_field"]["description"] == 6 and result["metrics"]["bleu"]["value"] == 0.0


def test_protocols_reading_text_are_not_applicable_for_a_score_only_model() -> None:
    from adrbench.evaluate import evaluate

    data = _data()
    preds = [PairPrediction(pair_id=p.id, score_1=1.0, score_2=2.0) for p in data.items("test")]
    metrics = evaluate(data, preds, n_bootstrap=0, outputs={"scores"})["metrics"]
    assert metrics["order_acc"]["value"] is not None  # ordering reads scores
    for key in ("judge_winner_agreement", "probe_acc", "mcq_acc", "part_recall"):
        assert metrics[key]["value"] is None and metrics[key]["n"] == 0
        assert metrics[key]["higher_is_better"] is True
    describing = evaluate(data, preds, n_bootstrap=0)["metrics"]
    assert describing["part_recall"]["value"] == 0.0 and describing["part_recall"]["n"] > 0


def test_a_score_only_model_declares_it() -> None:
    from adrbench.models import get_model_class
    from adrbench.models.base import ALL_OUTPUTS

    assert (
        "text" not in get_model_class("magr").outputs and "text" not in get_model_class("fineparser").outputs
    )
    assert get_model_class("kept").outputs == ALL_OUTPUTS and get_model_class("nn").outputs == ALL_OUTPUTS
