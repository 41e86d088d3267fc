"""The sanity baselines on tiny datasets whose answers are known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from adrbench.errors import ConfigError
from adrbench.models.registry import get_model_class
from adrbench.records import PairPrediction, Video, VideoPrediction
from baselines.sanity import MeanBaseline, NearestNeighbourBaseline, majority_labels, most_common


def test_registry_names() -> None:
    assert get_model_class("mean") is MeanBaseline
    assert get_model_class("nn") is NearestNeighbourBaseline


def test_most_common_breaks_ties_by_text() -> None:
    assert most_common(["b", "a", "b", "a", "c"]) == "a"
    assert most_common(["z", "y", "z"]) == "z"
    assert most_common([]) is None


def test_majority_labels_counts_only_videos_with_the_label() -> None:
    def v(i: int, labels: dict[str, int]) -> Video:
        return Video(id=str(i), task="fitnessaqa", split="train", group="g", category="c", performer="p",
                     labels=labels)  # fmt: skip

    videos = [v(0, {"a": 1}), v(1, {"a": 1}), v(2, {"a": 0, "b": 1}), v(3, {"b": 0})]
    assert majority_labels(videos, ["a", "b", "c"]) == {"a": 1, "b": 0}  # b is a tie → no error


def test_mean_adr(adr) -> None:
    model = MeanBaseline()
    model.fit(adr, seed=0)
    preds = model.predict(adr, adr.items("test"))
    assert len(preds) == len(adr.splits["test"]) and all(isinstance(p, PairPrediction) for p in preds)
    train = adr.videos_of("train")
    for pred, pair in zip(preds, adr.items("test"), strict=True):
        expected = np.mean([v.score for v in train if v.group == pair.group])
        assert pred.score_1 == pytest.approx(expected) and pred.score_2 == pytest.approx(expected)
    descriptions = [p.description for p in adr.items("train")]
    assert {p.description for p in preds} == {most_common(descriptions)}


def test_mean_falls_back_to_global_mean(jigsaws) -> None:
    model = MeanBaseline()
    model.fit(jigsaws, seed=0)
    stranger = jigsaws.items("test")[0].model_copy(update={"group": "unseen"})
    (pred,) = model.predict(jigsaws, [stranger])
    assert pred.score == pytest.approx(np.mean([v.score for v in jigsaws.videos_of("train")]))


def test_mean_fitness_majority_per_exercise(fitness) -> None:
    model = MeanBaseline()
    model.fit(fitness, seed=0)
    preds = model.predict(fitness, fitness.items("test"))
    for pred, video in zip(preds, fitness.items("test"), strict=True):
        train = [v for v in fitness.videos_of("train") if v.group == video.group]
        name = f"{video.group}_err"
        assert set(pred.labels) == {name}
        assert pred.labels[name] == int(2 * sum(v.labels[name] for v in train) > len(train))


def test_nn_scores_copy_the_nearest_training_video(jigsaws) -> None:
    model = NearestNeighbourBaseline()
    model.fit(jigsaws, seed=0)
    train_scores = {v.score for v in jigsaws.videos_of("train")}
    preds = model.predict(jigsaws, jigsaws.items("test"))
    assert all(isinstance(p, VideoPrediction) and p.score in train_scores for p in preds)
    truth = [v.score for v in jigsaws.items("test")]
    rho = spearmanr([p.score for p in preds], truth).statistic
    assert rho > 0.5  # the swing amplitude is in the pose statistics, so the neighbour is informative
    # A training video is its own nearest neighbour.
    (self_pred,) = model.predict(jigsaws, [jigsaws.items("train")[3]])
    assert self_pred.score == jigsaws.items("train")[3].score


def test_nn_adr_retrieves_a_pair_description_and_beats_mean(adr) -> None:
    nn, mean = NearestNeighbourBaseline(), MeanBaseline()
    nn.fit(adr, seed=0)
    mean.fit(adr, seed=0)
    test = adr.items("test")
    preds = nn.predict(adr, test)
    train_texts = {p.description for p in adr.items("train")}
    assert all(p.description in train_texts for p in preds)
    # The same group's descriptions are retrieved.
    assert all(pair.group in pred.description for pair, pred in zip(test, preds, strict=True))
    # A training pair retrieves its own description.
    pair = adr.items("train")[5]
    assert nn.predict(adr, [pair])[0].description == pair.description
    truth = [adr.videos[v].score for p in test for v in (p.video_1, p.video_2)]
    guess = [s for p in preds for s in (p.score_1, p.score_2)]
    assert spearmanr(guess, truth).statistic > 0.5


def test_nn_fitness_labels_and_determinism(fitness) -> None:
    a, b = NearestNeighbourBaseline(), NearestNeighbourBaseline()
    a.fit(fitness, seed=0)
    b.fit(fitness, seed=7)
    pa, pb = a.predict(fitness, fitness.items("test")), b.predict(fitness, fitness.items("test"))
    assert [p.model_dump() for p in pa] == [p.model_dump() for p in pb]
    correct = [
        p.labels[f"{v.group}_err"] == v.labels[f"{v.group}_err"]
        for p, v in zip(pa, fitness.items("test"), strict=True)
    ]
    assert np.mean(correct) >= 0.75


def test_nn_computes_each_video_summary_once(adr, monkeypatch) -> None:
    calls: list[str] = []
    original = adr.keypoints

    def counting(video_id: str):
        calls.append(video_id)
        return original(video_id)

    monkeypatch.setattr(adr, "keypoints", counting)
    model = NearestNeighbourBaseline()
    model.fit(adr, seed=0)
    model.predict(adr, adr.items("test"))
    model.predict(adr, adr.items("test"))
    assert sorted(calls) == sorted(set(calls)) == sorted(adr.videos)


@pytest.mark.parametrize("cls", [MeanBaseline, NearestNeighbourBaseline])
def test_save_load_round_trip(cls, adr, tmp_path) -> None:
    model = cls()
    model.fit(adr, seed=0)
    assert model.save(tmp_path)
    fresh = cls()
    assert fresh.load(tmp_path)
    test = adr.items("test")
    assert [p.model_dump() for p in fresh.predict(adr, test)] == [
        p.model_dump() for p in model.predict(adr, test)
    ]
    assert not cls().load(tmp_path / "empty")


def test_unknown_argument_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no --model-arg"):
        MeanBaseline(k="1")
