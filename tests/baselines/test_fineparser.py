"""FineParser-lite: stage parsing, resampling and voting on known inputs; the model on a tiny dataset."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr

from adrbench.models.registry import get_model_class
from baselines.fineparser import DEFAULTS as FP_DEFAULTS
from baselines.fineparser import (
    FineParserModel,
    FineParserNet,
    resample_time,
    stage_resampler,
    transitions,
    voter_indices,
)
from baselines.sanity import MeanBaseline


def test_transitions_follow_the_cumulative_change() -> None:
    # All change happens between frames 2→3 and 6→7 of 9: stages split there.
    seq = np.zeros((9, 2))
    seq[3:] += 1.0
    seq[7:] += 1.0
    bounds = transitions(seq, 3)
    assert bounds[0] == 0.0 and bounds[-1] == 9.0
    assert 2.0 <= bounds[1] <= 3.0 and 6.0 <= bounds[2] <= 7.0
    assert np.allclose(transitions(np.ones((6, 3)), 3), [0, 2, 4, 6])  # no change → equal stages


def test_stage_resampler_interpolates_within_each_stage() -> None:
    w = stage_resampler(np.array([0.0, 2.0, 4.0]), n_frames=4, n_tokens=2)
    assert w.shape == (4, 4) and np.allclose(w.sum(axis=1), 1.0)
    frames = np.arange(4.0)
    # Stage 0 covers frames [0, 2): its 2 tokens sit at frames 0 and 1; stage 1 at 2 and 3.
    assert np.allclose(w @ frames, [0.0, 1.0, 2.0, 3.0])


def test_resample_time() -> None:
    seq = np.array([[0.0], [2.0]])
    assert np.allclose(resample_time(seq, 3)[:, 0], [0.0, 1.0, 2.0])
    assert resample_time(seq, 2) is not None and np.allclose(resample_time(seq, 2), seq)


def test_voting_is_seeded_per_video_only() -> None:
    a = voter_indices(30, 10, seed=0, video_id="v1")
    assert np.array_equal(a, voter_indices(30, 10, seed=0, video_id="v1"))
    assert len(set(a.tolist())) == 10 and a.max() < 30
    assert not np.array_equal(a, voter_indices(30, 10, seed=0, video_id="v2"))
    assert not np.array_equal(a, voter_indices(30, 10, seed=1, video_id="v1"))
    assert np.array_equal(voter_indices(4, 10, seed=0, video_id="v1"), np.arange(4))


def test_stage_weights_start_at_the_3_5_2_prior() -> None:
    net = FineParserNet(5, FP_DEFAULTS, n_labels=0)
    assert torch.allclose(torch.softmax(net.stage_logits, 0), torch.tensor([0.3, 0.5, 0.2]))


def test_relative_scores_are_antisymmetric_after_training(adr) -> None:
    model = FineParserModel(epochs="15")
    model.fit(adr, seed=0)
    net = model._net
    videos = adr.videos_of("train")[:6]
    q, e, rq, re = model._batch(adr, videos, videos[::-1])
    with torch.no_grad():
        d_qe, _ = net.relative(net.tokens_of(q, rq), net.tokens_of(e, re))
        d_eq, _ = net.relative(net.tokens_of(e, re), net.tokens_of(q, rq))
    # The symmetric loss teaches Δ(q, e) ≈ −Δ(e, q).
    assert np.corrcoef(d_qe.numpy(), -d_eq.numpy())[0, 1] > 0.8


def test_fineparser_beats_mean_on_tiny_adr_and_is_batch_independent(adr) -> None:
    assert get_model_class("fineparser") is FineParserModel
    model = FineParserModel(epochs="20")
    model.fit(adr, seed=0)
    test = adr.items("test")
    preds = model.predict(adr, test)
    truth = [adr.videos[v].score for p in test for v in (p.video_1, p.video_2)]
    rho = spearmanr([s for p in preds for s in (p.score_1, p.score_2)], truth).statistic
    mean = MeanBaseline()
    mean.fit(adr, 0)
    base = spearmanr([s for p in mean.predict(adr, test) for s in (p.score_1, p.score_2)], truth).statistic
    assert rho > base and rho > 0.8
    assert preds[0].description is None and "text" not in FineParserModel.outputs  # score-only, declared
    # A fresh model with the same seed, predicting in reverse order one at a time, gives the same numbers.
    again = FineParserModel(epochs="20")
    again.fit(adr, seed=0)
    single = [again.predict(adr, [p])[0] for p in reversed(test)][::-1]
    assert [p.model_dump() for p in single] == [p.model_dump() for p in preds]


def test_fineparser_fitness_labels(fitness) -> None:
    model = FineParserModel(epochs="20")
    model.fit(fitness, seed=0)
    preds = model.predict(fitness, fitness.items("test"))
    right = [
        p.labels[f"{v.group}_err"] == v.labels[f"{v.group}_err"]
        for p, v in zip(preds, fitness.items("test"), strict=True)
    ]
    assert np.mean(right) >= 0.8


def test_fineparser_save_load(jigsaws, tmp_path) -> None:
    model = FineParserModel(epochs="5", voters="3")
    model.fit(jigsaws, seed=2)
    assert model.save(tmp_path)
    fresh = FineParserModel()
    assert fresh.load(tmp_path)
    test = jigsaws.items("test")
    assert [p.model_dump() for p in fresh.predict(jigsaws, test)] == [
        p.model_dump() for p in model.predict(jigsaws, test)
    ]


def test_fineparser_bad_arguments() -> None:
    from adrbench.errors import ConfigError

    with pytest.raises(ConfigError):
        FineParserModel(voters="0")
