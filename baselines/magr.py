"""MAGR-lite: Manifold-Aligned Graph Regularization (Zhou et al., ECCV 2024) on cached per-video features.

The method's core, re-implemented (no code copied) from the paper's description and the reference code's
structure (``ZhouKanglei/MAGR_CAQA``; notes in docs/baselines.md):

- a trainable feature adapter (it stands in for the fine-tuned I3D, the part that drifts between sessions),
- the Manifold Projector P: residual MLP, y = ReLU(fc2(ReLU(fc1 x))) + x, mapping old-session features onto the
  new feature manifold,
- the regressor R: a DAE head giving (μ, log σ²), trained on μ + σ·ε,
- the graph regulariser GR (IIJ-GR): row-softmax of the pairwise angular feature distances vs row-softmax of the
  target gaps, compared by a symmetric KL (base 2), over the joint matrix and its four buffer/current blocks,
- a score-stratified feature buffer (samples spread evenly over sorted scores) and, with ``sessions=N`` (N ≥ 2),
  the continual protocol: train sessions are score-range bands; later sessions add the replay, projector
  alignment and graph terms (α = β = 1) and slow the adapter's learning rate.

What differs from the original (why "-lite"): frozen cached features (pose statistics on the synthetic twins,
or any visual encoder) instead of an end-to-end fine-tuned I3D; the input is the mean/std/max of the K×D
feature sequence plus a one-hot sub-activity; targets are standardised per sub-activity (the GR softmax then
sees a fixed scale); the base session applies GR to the adapter features, where the reference code applies it
to the 1-d outputs; prediction uses μ (the reference samples z at test time too, so its outputs vary); default
is a single session (ordinary training), the continual protocol is opt-in. FitnessAQA: the same trunk with one
binary head per error (masked BCE, positives weighted by the negative/positive ratio), and GR with the label vectors' L1 gaps. No text: ADR descriptions are None.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.records import Video
from baselines.aqa_common import (
    FEATURE_DEFAULTS,
    FeatureModel,
    Targets,
    VideoOutput,
    epochs_for,
    pooled,
    positive_weight,
    standardiser,
)

DEFAULTS: dict[str, Any] = {
    **FEATURE_DEFAULTS,
    "hidden": 128,
    "epochs": 60,
    "batch": 32,
    "max_samples": 20000,  # cap on training queries seen (epochs × train videos); 0 = no cap
    "lr": 1e-3,
    "weight_decay": 1e-5,
    "alpha": 1.0,  # projector alignment weight (later sessions)
    "beta": 1.0,  # graph regulariser weight
    "sessions": 1,  # ≥ 2: continual score-range sessions
    "buffer": 50,
    "replay_batch": 8,
    "slow_lr": 0.01,  # adapter lr factor after the base session
}


def angular_distances(features: torch.Tensor) -> torch.Tensor:
    """N×N matrix of angles (radians) between feature vectors: arccos of the cosine similarity."""
    unit = nn.functional.normalize(features, dim=1, eps=1e-8)
    return torch.arccos((unit @ unit.T).clamp(-1 + 1e-6, 1 - 1e-6))


def symmetric_kl(p_logits: torch.Tensor, q_logits: torch.Tensor) -> torch.Tensor:
    """Mean over rows of ½KL(p‖q) + ½KL(q‖p) (base 2) between the row softmaxes of two matrices."""
    log_p = torch.log_softmax(p_logits, dim=1)
    log_q = torch.log_softmax(q_logits, dim=1)
    kl_pq = (log_p.exp() * (log_p - log_q)).sum(dim=1)
    kl_qp = (log_q.exp() * (log_q - log_p)).sum(dim=1)
    return (0.5 * (kl_pq + kl_qp)).mean() / np.log(2.0)


def graph_regulariser(
    features: torch.Tensor, targets: torch.Tensor, block: int | None = None
) -> torch.Tensor:
    """IIJ-GR: the feature graph (angles) should rank neighbours like the target graph (gaps |y_i − y_j|₁).

    With `block` = number of leading buffer rows, the four buffer/current blocks are added to the joint term.
    """
    targets = targets.reshape(len(targets), -1)
    angles = angular_distances(features)
    gaps = torch.cdist(targets, targets, p=1)
    loss = symmetric_kl(angles, gaps)
    if block is not None and 0 < block < len(features):
        parts = (slice(0, block), slice(block, None))
        for rows in parts:
            for cols in parts:
                loss = loss + symmetric_kl(angles[rows, cols], gaps[rows, cols])
    return loss


class Projector(nn.Module):
    """Manifold projector: residual two-layer MLP (old-session features → new manifold)."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(dim, dim // 2), nn.Linear(dim // 2, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.fc2(torch.relu(self.fc1(x)))) + x


class DaeRegressor(nn.Module):
    """Score head giving a mean and a log-variance; training samples μ + σ·ε, prediction uses μ."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(dim, 64), nn.ReLU())
        self.mu, self.logvar = nn.Linear(64, 1), nn.Linear(64, 1)

    def forward(self, f: torch.Tensor, sample: bool) -> torch.Tensor:
        h = self.body(f)
        mu = self.mu(h).squeeze(1)
        if not sample:
            return mu
        return mu + torch.exp(0.5 * self.logvar(h).squeeze(1)) * torch.randn_like(mu)


class MagrNet(nn.Module):
    """Adapter (drifting feature extractor) + projector + regressor + per-error binary heads."""

    def __init__(self, in_dim: int, hidden: int, n_labels: int) -> None:
        super().__init__()
        self.adapter = nn.Sequential(
            nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU()
        )
        self.projector = Projector(hidden)
        self.regressor = DaeRegressor(hidden)
        self.labels = nn.Linear(hidden, max(n_labels, 1))


def score_sessions(z: np.ndarray, n_sessions: int) -> list[np.ndarray]:
    """Indices of each score-range session: bands cut at the percentiles of the training scores."""
    order = np.argsort(z, kind="stable")
    return [np.sort(part) for part in np.array_split(order, n_sessions)]


def stratified_pick(indices: np.ndarray, z: np.ndarray, k: int) -> np.ndarray:
    """`k` of `indices` spread evenly over their sorted scores (the score-stratified buffer rule)."""
    ranked = indices[np.argsort(z[indices], kind="stable")]
    if k >= len(ranked):
        return ranked
    return ranked[np.round(np.linspace(0, len(ranked) - 1, k)).astype(int)]


@dataclass
class TrainSet:
    """Standardised inputs and masked targets of the training videos, as tensors."""

    x: torch.Tensor
    z: torch.Tensor
    z_mask: torch.Tensor
    y: torch.Tensor
    y_mask: torch.Tensor
    pos_weight: torch.Tensor
    graph_y: torch.Tensor  # the targets the graph regulariser compares: score and error labels

    @classmethod
    def build(cls, x: torch.Tensor, targets: Targets, videos: Sequence[Video]) -> TrainSet:
        z, z_mask = (torch.as_tensor(a) for a in targets.scores(videos))
        y, y_mask = (torch.as_tensor(a) for a in targets.labels(videos))
        graph_y = torch.cat([(z * z_mask)[:, None], y * y_mask], dim=1)
        return cls(x, z, z_mask, y, y_mask, positive_weight(y.numpy(), y_mask.numpy()), graph_y)

    def task_loss(self, net: MagrNet, f: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
        """Masked MSE on standardised scores (DAE sample) + masked, positive-weighted BCE on error labels."""
        z, zm, y, ym = self.z[idx], self.z_mask[idx], self.y[idx], self.y_mask[idx]
        loss = f.new_zeros(())
        if zm.sum() > 0:
            loss = loss + ((net.regressor(f, sample=True) - z) ** 2 * zm).sum() / zm.sum()
        if ym.sum() > 0:
            logits = net.labels(f)[:, : y.shape[1]]
            bce = nn.functional.binary_cross_entropy_with_logits(
                logits, y, reduction="none", pos_weight=self.pos_weight
            )
            loss = loss + (bce * ym).sum() / ym.sum()
        return loss


@dataclass
class FeatureBuffer:
    """MAGR's memory: adapter features (not videos) of score-stratified samples of past sessions."""

    idx: np.ndarray
    features: torch.Tensor

    @torch.no_grad()
    def add_session(self, net: MagrNet, train: TrainSet, session: np.ndarray, k: int) -> None:
        """Carry old features onto the new manifold with the projector, then add k samples of this session."""
        if len(self.idx):
            self.features = net.projector(self.features)
        pick = stratified_pick(session, train.z.numpy(), k)
        self.features = torch.cat([self.features, net.adapter(train.x[torch.as_tensor(pick)])])
        self.idx = np.concatenate([self.idx, pick])


class MagrModel(FeatureModel):
    """MAGR-lite regressor on cached per-video features (see the module docstring for what differs)."""

    name = "magr"
    variant = "magr-lite"
    _net: MagrNet | None
    defaults = DEFAULTS

    def __init__(self, **args: str) -> None:
        super().__init__(**args)
        if self.options["sessions"] < 1:
            raise ConfigError("magr: sessions must be at least 1")

    def _build_net(self, in_dim: int) -> MagrNet:
        return MagrNet(in_dim, self.options["hidden"], len(self.targets.label_names))

    def _inputs(self, data: Dataset, videos: Sequence[Video]) -> torch.Tensor:
        rows = []
        for v in videos:
            onehot = np.array([float(v.group == g) for g in self.targets.groups])
            rows.append(np.concatenate([pooled(self._extractor.features(data, v)), onehot]))
        x = np.stack(rows)
        if self._mu.size:
            x = (x - self._mu) / self._sd
        return torch.as_tensor(x, dtype=torch.float32)

    def _fit(self, data: Dataset, seed: int) -> None:
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        videos = data.videos_of("train")
        self._targets = Targets.fit(data, videos)
        self._mu = self._sd = np.zeros(0)
        self._mu, self._sd = standardiser(self._inputs(data, videos).numpy().astype(np.float64))
        train = TrainSet.build(self._inputs(data, videos), self._targets, videos)
        o = self.options
        net = MagrNet(train.x.shape[1], o["hidden"], len(self._targets.label_names))
        self._net, self._outputs = net, {}
        n_sessions = o["sessions"]
        if n_sessions > 1 and not self._targets.has_scores:
            raise ConfigError(
                "magr: the continual protocol (sessions ≥ 2) needs scores to cut score-range sessions"
            )
        sessions = score_sessions(train.z.numpy(), n_sessions) if n_sessions > 1 else [np.arange(len(videos))]
        buffer = FeatureBuffer(np.zeros(0, dtype=int), torch.zeros(0, o["hidden"]))
        old: MagrNet | None = None
        n_epochs = epochs_for(o["epochs"], len(videos), o["max_samples"])
        for t, idx in enumerate(sessions):
            slow = o["slow_lr"] if t > 0 else 1.0
            opt = torch.optim.Adam(
                [{"params": net.adapter.parameters(), "lr": o["lr"] * slow},
                 {"params": [p for n, p in net.named_parameters() if not n.startswith("adapter")], "lr": o["lr"]}],
                weight_decay=o["weight_decay"],
            )  # fmt: skip
            for _ in range(n_epochs):
                perm = idx[rng.permutation(len(idx))]
                for start in range(0, len(perm), o["batch"]):
                    batch = torch.as_tensor(perm[start : start + o["batch"]])
                    loss = self._loss(net, old, train, buffer, batch, rng)
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
            if n_sessions > 1:
                buffer.add_session(net, train, idx, max(o["buffer"] // n_sessions, 1))
                old = copy.deepcopy(net).eval()
        net.eval()

    def _loss(self, net: MagrNet, old: MagrNet | None, train: TrainSet, buffer: FeatureBuffer,
              batch: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:  # fmt: skip
        """Base session: task loss + β·GR. Later sessions: task loss on the batch and on projected replay
        features, α·projector alignment of old to new features, and β·GR over the buffer/current blocks."""
        o = self.options
        f = net.adapter(train.x[batch])
        loss = train.task_loss(net, f, batch)
        if old is None or not len(buffer.idx):
            return loss + o["beta"] * graph_regulariser(f, train.graph_y[batch]) if len(batch) > 2 else loss
        r = torch.as_tensor(
            rng.choice(len(buffer.idx), size=min(o["replay_batch"], len(buffer.idx)), replace=False)
        )
        fb = net.projector(buffer.features[r])
        bi = torch.as_tensor(buffer.idx[r.numpy()])
        loss = loss + train.task_loss(net, fb, bi)
        with torch.no_grad():
            f_old = old.adapter(train.x[batch])
        loss = loss + o["alpha"] * nn.functional.mse_loss(net.projector(f_old), f)
        both = torch.cat([train.graph_y[bi], train.graph_y[batch]])
        return loss + o["beta"] * graph_regulariser(torch.cat([fb, f]), both, block=len(fb))

    def _score_videos(self, data: Dataset, videos: Sequence[Video]) -> None:
        if self._net is None or self._targets is None:
            raise ConfigError("magr: predict called before fit (or load)")
        todo = list({v.id: v for v in videos if v.id not in self._outputs}.values())
        if not todo:
            return
        with torch.no_grad():
            f = self._net.adapter(self._inputs(data, todo))
            mu = self._net.regressor(f, sample=False).numpy()
            logits = self._net.labels(f).numpy()
        t = self._targets
        for i, v in enumerate(todo):
            score = t.unscale(v.group, float(mu[i])) if t.has_scores else None
            self._outputs[v.id] = VideoOutput(
                score, {n: float(logits[i, j]) for j, n in enumerate(t.label_names)}
            )
