"""MAGR-lite: the graph regulariser, buffer and sessions on known inputs; the model on a tiny dataset."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr

from adrbench.errors import ConfigError
from adrbench.models.registry import get_model_class
from baselines.magr import (
    MagrModel,
    Projector,
    angular_distances,
    graph_regulariser,
    score_sessions,
    stratified_pick,
    symmetric_kl,
)
from baselines.sanity import MeanBaseline


def test_angular_distances_of_known_vectors() -> None:
    f = torch.tensor([[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0]])
    a = angular_distances(f)
    assert a[0, 1].item() == pytest.approx(math.pi / 2, abs=1e-3)
    assert a[0, 2].item() == pytest.approx(math.pi, abs=1e-2)
    assert torch.allclose(a, a.T)


def test_symmetric_kl_is_zero_for_equal_rows_and_symmetric() -> None:
    p = torch.tensor([[0.0, 1.0, 2.0], [2.0, 0.0, 1.0]])
    q = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    assert symmetric_kl(p, p + 5.0).item() == pytest.approx(0.0, abs=1e-6)  # softmax ignores a row shift
    assert symmetric_kl(p, q).item() == pytest.approx(symmetric_kl(q, p).item())
    # Hand computation for one row, base 2.
    pr, qr = torch.softmax(p[0], 0), torch.softmax(q[0], 0)
    expected = 0.5 * ((pr * (pr / qr).log2()).sum() + (qr * (qr / pr).log2()).sum())
    assert symmetric_kl(p[:1], q[:1]).item() == pytest.approx(expected.item(), rel=1e-5)


def test_graph_regulariser_prefers_features_ordered_like_scores() -> None:
    scores = torch.tensor([0.0, 1.0, 2.0, 3.0])
    angles = torch.tensor([0.0, 0.5, 1.0, 1.5])  # angle grows with the score
    aligned = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
    shuffled = aligned[torch.tensor([2, 0, 3, 1])]
    assert graph_regulariser(aligned, scores) < graph_regulariser(shuffled, scores)
    # The blocked form adds the four buffer/current blocks to the joint term.
    assert graph_regulariser(aligned, scores, block=2) > graph_regulariser(aligned, scores)


def test_graph_regulariser_gradient_moves_features_towards_the_score_graph() -> None:
    torch.manual_seed(0)
    f = torch.randn(8, 4, requires_grad=True)
    scores = torch.arange(8.0)
    before = graph_regulariser(f, scores).item()
    opt = torch.optim.SGD([f], lr=0.5)
    for _ in range(50):
        opt.zero_grad()
        graph_regulariser(f, scores).backward()
        opt.step()
    assert graph_regulariser(f, scores).item() < before


def test_projector_is_residual() -> None:
    p = Projector(8)
    for param in p.parameters():
        torch.nn.init.zeros_(param)
    x = torch.randn(3, 8)
    assert torch.equal(p(x), x)


def test_score_sessions_and_stratified_buffer() -> None:
    z = np.array([5.0, 1.0, 3.0, 0.0, 4.0, 2.0])
    sessions = score_sessions(z, 3)
    assert [sorted(z[s].tolist()) for s in sessions] == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    picked = stratified_pick(np.arange(6), z, 3)
    assert z[picked].tolist() == [0.0, 2.0, 5.0] or z[picked].tolist() == [0.0, 3.0, 5.0]
    assert z[picked].min() == 0.0 and z[picked].max() == 5.0


def test_magr_beats_mean_on_tiny_adr_and_is_deterministic(adr) -> None:
    assert get_model_class("magr") is MagrModel
    test = adr.items("test")
    truth = [adr.videos[v].score for p in test for v in (p.video_1, p.video_2)]

    def rho(model) -> float:
        model.fit(adr, seed=0)
        preds = model.predict(adr, test)
        return spearmanr([s for p in preds for s in (p.score_1, p.score_2)], truth).statistic

    a, b = MagrModel(epochs="30"), MagrModel(epochs="30")
    assert rho(a) > rho(MeanBaseline()) and rho(a) > 0.8
    assert [p.model_dump() for p in a.predict(adr, test)] == [
        p.model_dump() for p in (b.fit(adr, 0) or b.predict(adr, test))
    ]
    pred = a.predict(adr, test[:1])[0]
    assert pred.description is None and "text" not in MagrModel.outputs  # score-only, declared


def test_magr_continual_sessions_run(adr) -> None:
    model = MagrModel(epochs="10", sessions="3", buffer="9")
    model.fit(adr, seed=1)
    preds = model.predict(adr, adr.items("test"))
    assert all(p.score_1 is not None and np.isfinite(p.score_1) for p in preds)


def test_magr_fitness_labels_and_jigsaws_scores(fitness, jigsaws) -> None:
    model = MagrModel(epochs="30")
    model.fit(fitness, seed=0)
    preds = model.predict(fitness, fitness.items("test"))
    right = [
        p.labels[f"{v.group}_err"] == v.labels[f"{v.group}_err"]
        for p, v in zip(preds, fitness.items("test"), strict=True)
    ]
    assert np.mean(right) >= 0.8
    model = MagrModel(epochs="30")
    model.fit(jigsaws, seed=0)
    preds = model.predict(jigsaws, jigsaws.items("test"))
    assert spearmanr([p.score for p in preds], [v.score for v in jigsaws.items("test")]).statistic > 0.5


def test_magr_save_load(adr, tmp_path) -> None:
    model = MagrModel(epochs="5")
    assert not model.save(tmp_path)
    model.fit(adr, seed=0)
    assert model.save(tmp_path)
    fresh = MagrModel(epochs="5")
    assert fresh.load(tmp_path)
    test = adr.items("test")
    assert [p.model_dump() for p in fresh.predict(adr, test)] == [
        p.model_dump() for p in model.predict(adr, test)
    ]


def test_magr_bad_arguments() -> None:
    with pytest.raises(ConfigError, match="magr: unknown model-arg .nope."):
        MagrModel(nope="1")
    with pytest.raises(ConfigError, match="magr: model-arg epochs=.many. is not an integer"):
        MagrModel(epochs="many")
    with pytest.raises(ConfigError, match="unknown feature source"):
        MagrModel(features="sound")
