"""Keypoint-guided tree search: path enumeration, the batched score net against a naive reference, eqs. 1-3."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from kept.tree import (
    PathScorer,
    kl_loss,
    normalised_entropy,
    path_distribution,
    selection_weights,
    temperature,
    tree_paths,
)


@pytest.mark.parametrize("groups", [3, 4])
@pytest.mark.parametrize("depth", [3, 4, 5, 6])
def test_path_count_is_j_to_the_k_minus_1(groups: int, depth: int) -> None:
    paths = tree_paths(groups, depth)
    assert paths.shape == (groups ** (depth - 1), depth - 1)
    assert len({tuple(p) for p in paths.tolist()}) == len(paths)
    assert paths.min() == 0 and paths.max() == groups - 1


def _naive_scores(net: PathScorer, nodes: torch.Tensor, video: torch.Tensor) -> torch.Tensor:
    """Q(l) computed path by path the slow way: concatenate, F_M, keyframe mean, MHCA with residual, F_R."""
    out = []
    for path in net.paths.tolist():
        f_m = torch.cat([nodes[:, :, g] for g in path], dim=-1)  # B×N×(K-1)h
        query = net.second(F.gelu(net.first(f_m))).mean(dim=1, keepdim=True)
        attn = net.attn(query, video, video, need_weights=False)[0]
        out.append(net.readout(query + attn).squeeze(-1).squeeze(-1))
    return torch.stack(out, dim=1)


def test_batched_scorer_matches_naive_reference() -> None:
    torch.manual_seed(0)
    net = PathScorer(stat_dim=10, d=16, heads=4, n_groups=4, depth=4).eval()
    nodes, video = torch.randn(2, 6, 4, 10), torch.randn(2, 6, 16)
    q, proj, _ = net(nodes, video)
    assert q.shape == (2, 64) and proj.shape == (2, 3, 4, 6, 16)
    assert net.hidden(proj).shape == (2, 64, 6, 16)
    torch.testing.assert_close(q, _naive_scores(net, nodes, video), atol=1e-5, rtol=1e-4)
    _, _, own = net(nodes, video, own=True)  # each path's own keyframe-averaged f'_M(l), for path credit
    path = net.paths[37].tolist()
    expected = net.second(F.gelu(net.first(torch.cat([nodes[:, :, g] for g in path], dim=-1)))).mean(dim=1)
    assert own is not None and own.shape == (2, 64, 16)
    torch.testing.assert_close(own[:, 37], expected, atol=1e-5, rtol=1e-4)


def test_path_features_pick_the_chosen_path() -> None:
    torch.manual_seed(1)
    net = PathScorer(stat_dim=5, d=8, heads=2, n_groups=3, depth=3)
    nodes = torch.randn(1, 4, 3, 5)
    _, proj, _ = net(nodes, torch.randn(1, 4, 8))
    path = net.paths[5].tolist()
    expected = net.second(F.gelu(net.first(torch.cat([nodes[:, :, g] for g in path], dim=-1))))
    weights = F.one_hot(torch.tensor([5]), 9).float()
    torch.testing.assert_close(net.path_features(proj, weights), expected, atol=1e-5, rtol=1e-4)


def test_selection_is_argmax_forward_and_reaches_the_score_net() -> None:
    q = torch.tensor([[0.2, 0.9, 0.4]], requires_grad=True)
    p = path_distribution(torch.logit(q))
    torch.testing.assert_close(p, q / q.sum())
    assert torch.allclose(p.sum(), torch.tensor(1.0))
    assert selection_weights(p, "straight_through", training=False).tolist() == [[0.0, 1.0, 0.0]]
    st = selection_weights(p, "straight_through", training=True)
    torch.testing.assert_close(st.detach(), torch.tensor([[0.0, 1.0, 0.0]]))
    (st * torch.tensor([[1.0, 2.0, 3.0]])).sum().backward()
    assert q.grad is not None and q.grad.abs().sum() > 0
    torch.testing.assert_close(selection_weights(p, "mixture", training=True), p)
    torch.testing.assert_close(selection_weights(p, "mixture", training=False), p)


def test_chosen_features_equal_the_one_hot_mixture() -> None:
    torch.manual_seed(2)
    net = PathScorer(stat_dim=5, d=8, heads=2, n_groups=3, depth=4)
    nodes = torch.randn(3, 4, 3, 5)
    _, proj, _ = net(nodes, torch.randn(3, 4, 8))
    best = torch.tensor([0, 13, 26])
    one_hot = F.one_hot(best, 27).float()
    torch.testing.assert_close(
        net.chosen_features(proj, best), net.path_features(proj, one_hot), atol=1e-5, rtol=1e-4
    )


def test_temperature_sharpens_p_towards_the_argmax_of_q() -> None:
    logits = torch.tensor([[0.0, 1.0, -1.0, 0.5]])
    p1, p_cold = path_distribution(logits), path_distribution(logits, 0.05)
    assert p1.argmax() == p_cold.argmax() == 1  # the same l* = argmax Q (eq. 1) at any temperature
    assert normalised_entropy(p_cold) < 0.2 < normalised_entropy(p1)
    torch.testing.assert_close(path_distribution(logits, 0.5), p1**2 / (p1**2).sum())  # p ∝ Q^(1/T)
    assert temperature(1.0, 0.1, 0.0) == 1.0 and temperature(1.0, 0.1, 1.0) == pytest.approx(0.1)
    assert temperature(1.0, 0.01, 0.5) == pytest.approx(0.1)  # geometric
    assert temperature(1.0, 0.1, 2.0) == pytest.approx(0.1)  # clamped after training


def test_odds_weighting_keeps_a_choice_when_every_q_saturates() -> None:
    saturated = torch.tensor([[15.0, 16.0, 14.5, 15.2]])  # every Q ≈ 1: what one action drifted to on adr-synth
    assert normalised_entropy(path_distribution(saturated, 0.05)) > 0.999  # eq. 3 is flat there
    odds = path_distribution(saturated, 0.05, "odds")
    assert odds.argmax() == 1 and normalised_entropy(odds) < 0.01
    torch.testing.assert_close(odds, (saturated / 0.05).softmax(dim=-1))
    small = torch.tensor([[-9.0, -7.0, -8.0]])  # every Q ≪ 1: odds ≈ Q, the paper's p_r
    torch.testing.assert_close(path_distribution(small, 1.0, "odds"), path_distribution(small), atol=1e-3, rtol=0)


def test_normalised_entropy_bounds() -> None:
    assert normalised_entropy(torch.full((1, 64), 1 / 64)).item() == pytest.approx(1.0)
    assert normalised_entropy(F.one_hot(torch.tensor([3]), 64).float()).item() == pytest.approx(0.0, abs=1e-6)


def test_gumbel_samples_paths_in_proportion_to_p_and_chooses_l_star_at_test() -> None:
    torch.manual_seed(0)
    p = torch.tensor([[0.7, 0.2, 0.1]]).repeat(4000, 1).requires_grad_()
    w = selection_weights(p, "gumbel", training=True)
    freq = w.detach().mean(dim=0)
    torch.testing.assert_close(freq, torch.tensor([0.7, 0.2, 0.1]), atol=0.03, rtol=0)
    assert set(w.detach().sum(dim=1).tolist()) == {1.0} and set(w.detach().flatten().tolist()) <= {0.0, 1.0}
    (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert p.grad is not None and p.grad.abs().sum() > 0  # straight-through: the sample's gradient reaches p
    assert selection_weights(p[:1], "gumbel", training=False).tolist() == [[1.0, 0.0, 0.0]]


def test_kl_loss_on_known_distributions() -> None:
    p = torch.tensor([[0.5, 0.5]])
    q = torch.tensor([[0.25, 0.75]])
    assert kl_loss(p, p).item() == pytest.approx(0.0, abs=1e-6)
    expected = 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75)
    assert kl_loss(p, q).item() == pytest.approx(expected, rel=1e-5)
    assert kl_loss(q, p).item() != pytest.approx(expected, rel=1e-3)  # KL is not symmetric


def test_chunked_scoring_equals_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    import kept.tree

    torch.manual_seed(2)
    net = PathScorer(stat_dim=10, d=16, heads=4, n_groups=4, depth=5).eval()
    nodes, video = torch.randn(5, 6, 4, 10), torch.randn(5, 6, 16)
    weights = torch.rand(5, 256).softmax(dim=-1)
    q_one, proj, _ = net(nodes, video)
    mix_one = net.path_features(proj, weights)
    monkeypatch.setattr(kept.tree, "CHUNK_ELEMENTS", 2 * 256 * 6 * 16)  # two videos a chunk: 3 chunks
    assert len(net._chunks(proj)) == 3
    q_chunked, _, _ = net(nodes, video)
    torch.testing.assert_close(q_chunked, q_one)
    torch.testing.assert_close(net.path_features(proj, weights), mix_one)


def test_path_distribution_survives_underflow() -> None:
    logits = torch.tensor([[-120.0, -110.0, -200.0]])  # σ underflows to 0 in float32 for all three
    assert torch.sigmoid(logits).sum() == 0
    p = path_distribution(logits)
    assert torch.isfinite(p).all() and p.sum().item() == pytest.approx(1.0)
    assert p.argmax().item() == 1
