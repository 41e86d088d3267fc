"""Expert alignment loss (eq. 4), the implicit knowledge graph (eq. 5) and the keypoint graph / score (eq. 6)."""

from __future__ import annotations

import pytest
import torch

from adrbench.data.skeletons import BODY
from kept.graph import ImplicitKnowledgeGraph, KeypointGraph, semantic_loss, skeleton_adjacency


def test_semantic_loss_on_known_inputs() -> None:
    a = torch.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    b = torch.tensor([[2.0, 0.0], [0.0, 3.0], [-1.0, 0.0]])
    torch.testing.assert_close(semantic_loss(a, b), torch.tensor([0.0, 1.0, 2.0]))


def _ikg(tau: float) -> ImplicitKnowledgeGraph:
    torch.manual_seed(0)
    return ImplicitKnowledgeGraph(8, skeleton_adjacency(len(BODY.joints), BODY.edges), tau)


def test_ikg_lives_on_the_skeleton_complement_and_is_normalised() -> None:
    ikg = _ikg(0.0)
    x = torch.randn(3, len(BODY.joints), 8)
    prob = ikg.probabilities(x)
    torch.testing.assert_close(prob.sum(dim=(-1, -2)), torch.ones(3))
    for a, b in BODY.edges:
        assert (prob[:, a, b] == 0).all() and (prob[:, b, a] == 0).all()
    assert (torch.diagonal(prob, dim1=-2, dim2=-1) == 0).all()
    n_pairs = 17 * 16 - 2 * len(BODY.edges)
    assert ikg.tau == pytest.approx(1.0 / n_pairs)


def test_ikg_threshold() -> None:
    x = torch.randn(2, len(BODY.joints), 8)
    ikg = _ikg(0.0)
    prob = ikg.probabilities(x).detach()
    for tau in (float(prob.max()) + 1e-6, float(prob[prob > 0].min()), float(prob[prob > 0].median())):
        ikg.tau = tau
        hard, _ = ikg(x)
        expected = ((prob >= tau) & ikg.complement).float()
        torch.testing.assert_close(hard.detach(), expected)
    ikg.tau = float(prob.max()) + 1e-6
    assert ikg(x)[0].detach().sum() == 0  # above every probability: no implicit edge
    ikg.tau = 1e-12
    assert ikg(x)[0].detach().sum() == 2 * ikg.complement.sum()  # below all: the whole complement


@pytest.mark.parametrize("gnn", [True, False])
def test_keypoint_graph_shapes(gnn: bool) -> None:
    torch.manual_seed(0)
    p = len(BODY.joints)
    graph = KeypointGraph(
        traj_dim=10,
        n_joints=p,
        d=16,
        heads=2,
        skeleton_adj=skeleton_adjacency(p, BODY.edges),
        tau=0.0,
        use_gnn=gnn,
        n_outputs=3,
    )
    out = graph(torch.randn(4, 2, p, 10), torch.randn(4, 6, 16))
    assert out["H"].shape == (4, p, 16)
    assert out["out"].shape == (4, 3)
    assert out["ikg"].shape == (4, 2, p, p)


def test_activity_readout_starts_at_the_mean_and_weighs_keypoints_per_action() -> None:
    """score_pool=activity: zero-initialised queries give the plain mean over keypoints (eq. 6 as printed); once
    an action's query is learnt, only that action's scores move."""
    p = len(BODY.joints)
    torch.manual_seed(0)
    kwargs = dict(traj_dim=10, n_joints=p, d=16, heads=2, skeleton_adj=skeleton_adjacency(p, BODY.edges), tau=0.0)
    pooled = KeypointGraph(**kwargs, use_gnn=True, n_outputs=1, n_activities=3)
    plain = KeypointGraph(**kwargs, use_gnn=True, n_outputs=1)
    plain.load_state_dict({k: v for k, v in pooled.state_dict().items() if not k.startswith("pool.")})
    pooled.eval(), plain.eval()
    joints, f_vm, activity = torch.randn(4, 2, p, 10), torch.randn(4, 6, 16), torch.tensor([0, 1, 2, 3])
    torch.testing.assert_close(pooled(joints, f_vm, activity)["out"], plain(joints, f_vm)["out"])
    with torch.no_grad():
        pooled.pool.weight[2] = torch.randn(16) * 200
    moved = (pooled(joints, f_vm, activity)["out"] - plain(joints, f_vm)["out"]).abs().squeeze(1)
    assert moved[2] > 1e-4 and torch.all(moved[[0, 1, 3]] < 1e-6)
