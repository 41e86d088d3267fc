"""FineParser-lite: fine-grained action parsing + exemplar-based relative scoring (Xu et al., CVPR 2024),
re-implemented (no code copied) on cached per-video feature sequences; notes in docs/baselines.md.

Kept from the original: the feature sequence is parsed into stages (3 by default); each stage is resampled to
k tokens; per stage, a cross-attention decoder lets the query's tokens attend to the exemplar's and the
exemplar's to the query's; per-token MLPs give a relative score Δ, stage deltas are combined with weights
initialised to the 3:5:2 prior (learned here); the loss is the symmetric MSE(Δ̂_qe, y_q − y_e) +
MSE(Δ̂_eq, y_e − y_q); a prediction is ŷ = mean over exemplars of (y_e + Δ̂) with the exemplars drawn from
training videos of the same sub-activity, seeded per video (multi-exemplar voting, 10 voters).

What differs (why "-lite"): no human-mask branch (FineDiving-HM is restricted; none exists for these tasks), no
ResNet static branch, no I3D fine-tuning; the tasks carry no step-transition labels, so the parse is
unsupervised: transitions sit where the cumulative feature change of the sequence crosses 1/3 and 2/3 (the
original's PSNet is trained on FineDiving's transition labels), averaged between query and exemplar as the
original averages its predicted transitions; targets are standardised per sub-activity. FitnessAQA (a documented
choice): one binary head per error on the query's cross-attended tokens (BCE with positives weighted by
the negative/positive ratio), its logits averaged over the voters.
No text: ADR descriptions are None.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
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
    positive_weight,
)

DEFAULTS: dict[str, Any] = {
    **FEATURE_DEFAULTS,
    "stages": 3,
    "tokens": 4,  # tokens per stage
    "dim": 64,
    "heads": 4,
    "layers": 1,
    "epochs": 40,
    "batch": 32,
    "max_samples": 20000,  # cap on training queries seen (epochs × train videos); 0 = no cap
    "lr": 1e-3,
    "voters": 10,
}
STAGE_PRIOR = (3.0, 5.0, 2.0)  # the original's fixed stage weights (take-off, flight, entry)


def transitions(sequence: np.ndarray, n_stages: int) -> np.ndarray:
    """Stage boundaries (n_stages+1 positions in [0, K]) where the cumulative feature change crosses i/n_stages.

    A sequence that does not change gets equal stages.
    """
    k = len(sequence)
    step = np.linalg.norm(np.diff(sequence, axis=0), axis=1) if k > 1 else np.zeros(0)
    if k < 2 or step.sum() <= 0:
        return np.linspace(0.0, k, n_stages + 1)
    # Cumulative change at frame boundaries 0..K: the change between frames t-1 and t is credited at t.
    cum = np.concatenate([[0.0], np.cumsum(step), [step.sum()]]) / step.sum()
    grid = np.concatenate([[0.0], np.arange(1, k) + 0.0, [float(k)]])
    inner = np.interp(np.arange(1, n_stages) / n_stages, cum, grid)
    return np.concatenate([[0.0], inner, [float(k)]])


def stage_resampler(bounds: np.ndarray, n_frames: int, n_tokens: int) -> np.ndarray:
    """(S·k)×K linear-interpolation matrix: row s·k + j samples stage s at its j-th of k evenly spaced points.

    `bounds` may also be B×(S+1) (a batch), giving B×(S·k)×K.
    """
    b = np.atleast_2d(np.asarray(bounds, dtype=np.float64))
    lo, hi = b[:, :-1, None], b[:, 1:, None]  # B×S×1
    j = (np.arange(n_tokens) + 0.5) / n_tokens
    pos = np.clip(lo + j * (hi - lo) - 0.5, 0.0, n_frames - 1).reshape(len(b), -1)  # B×(S·k)
    left = np.floor(pos).astype(np.int64)
    right = np.minimum(left + 1, n_frames - 1)
    frac = (pos - left).astype(np.float32)
    w = np.zeros((len(b), pos.shape[1], n_frames), dtype=np.float32)
    rows = np.broadcast_to(np.arange(pos.shape[1]), pos.shape)
    batch = np.broadcast_to(np.arange(len(b))[:, None], pos.shape)
    np.add.at(w, (batch, rows, left), 1.0 - frac)
    np.add.at(w, (batch, rows, right), frac)
    return w if np.ndim(bounds) == 2 else w[0]


def resample_time(sequence: np.ndarray, n: int) -> np.ndarray:
    """A K×D sequence linearly resampled to n×D (unchanged when K = n), so every video has the same length."""
    seq = np.asarray(sequence, dtype=np.float32)
    if len(seq) == n:
        return seq
    src = np.linspace(0.0, len(seq) - 1, n)
    return np.stack(
        [np.interp(src, np.arange(len(seq)), seq[:, d]) for d in range(seq.shape[1])], axis=1
    ).astype(np.float32)


def voter_indices(candidates: int, voters: int, seed: int, video_id: str) -> np.ndarray:
    """The exemplars of one query: `voters` distinct candidate indices, seeded by (seed, video id) only, so a
    video's prediction never depends on the batch or the order it comes in."""
    digest = int.from_bytes(hashlib.sha256(video_id.encode()).digest()[:8], "little")
    rng = np.random.default_rng([seed, digest])
    return np.sort(rng.choice(candidates, size=min(voters, candidates), replace=False))


class FineParserNet(nn.Module):
    """Token projector, per-stage bidirectional cross-attention decoders, Δ heads and error heads."""

    def __init__(self, in_dim: int, o: dict[str, Any], n_labels: int) -> None:
        super().__init__()
        d, s, k = o["dim"], o["stages"], o["tokens"]
        self.stages, self.tokens = s, k
        self.project = nn.Sequential(nn.Linear(in_dim, d), nn.ReLU(), nn.Linear(d, d))
        self.position = nn.Parameter(torch.zeros(s * k, d))
        self.decoders = nn.ModuleList(
            nn.TransformerDecoder(
                nn.TransformerDecoderLayer(
                    d, o["heads"], dim_feedforward=2 * d, dropout=0.0, batch_first=True
                ),
                num_layers=o["layers"],
            )
            for _ in range(s)
        )
        self.delta = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, 1))
        prior = torch.tensor(STAGE_PRIOR if s == 3 else (1.0,) * s)
        self.stage_logits = nn.Parameter(torch.log(prior / prior.sum()))
        self.labels = nn.Linear(d, max(n_labels, 1))

    def tokens_of(self, seq: torch.Tensor, resample: torch.Tensor) -> torch.Tensor:
        """B×K×D sequences and B×(S·k)×K resamplers → B×(S·k)×d stage tokens."""
        return resample @ self.project(seq) + self.position

    def relative(self, a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Δ̂(a relative to b) (B,) and a's error logits (B×L): a's stage tokens attend to b's, stage by stage."""
        k = self.tokens
        stage_delta, pooled = [], []
        for s, decoder in enumerate(self.decoders):
            out = decoder(a[:, s * k : (s + 1) * k], b[:, s * k : (s + 1) * k])
            stage_delta.append(self.delta(out).squeeze(-1).mean(dim=1))
            pooled.append(out.mean(dim=1))
        weights = torch.softmax(self.stage_logits, dim=0)
        delta = (torch.stack(stage_delta, dim=1) * weights).sum(dim=1)
        return delta, self.labels(torch.stack(pooled, dim=1).mean(dim=1))


class FineParserModel(FeatureModel):
    """FineParser-lite exemplar-based relative scorer on cached feature sequences (see the module docstring)."""

    name = "fineparser"
    variant = "fineparser-lite"
    _net: FineParserNet | None
    defaults = DEFAULTS

    def __init__(self, **args: str) -> None:
        super().__init__(**args)
        if self.options["stages"] < 1 or self.options["tokens"] < 1 or self.options["voters"] < 1:
            raise ConfigError("fineparser: stages, tokens and voters must be at least 1")
        self._seed = 0
        self._train: list[Video] = []
        self._train_ids: list[str] = []
        self._seqs: dict[str, np.ndarray] = {}
        self._bounds: dict[str, np.ndarray] = {}

    def _build_net(self, in_dim: int) -> FineParserNet:
        return FineParserNet(in_dim, self.options, len(self.targets.label_names))

    def _extra_state(self) -> dict[str, Any]:
        return {"seed": self._seed, "train": [v.id for v in self._train]}

    def _restore(self, meta: dict[str, Any]) -> None:
        """The training exemplars come back as ids (their records come from `predict`'s data)."""
        self._seed, self._train_ids, self._train, self._seqs, self._bounds = (
            meta["seed"],
            meta["train"],
            [],
            {},
            {},
        )

    def _sequence(self, data: Dataset, video: Video) -> np.ndarray:
        """The standardised K×D sequence and its stage boundaries, computed once per video."""
        if video.id not in self._seqs:
            raw = resample_time(self._extractor.features(data, video), self.options["keyframes"])
            seq = ((raw - self._mu) / self._sd).astype(np.float32)
            self._seqs[video.id] = seq
            self._bounds[video.id] = transitions(seq, self.options["stages"])
        return self._seqs[video.id]

    def _batch(
        self, data: Dataset, queries: Sequence[Video], exemplars: Sequence[Video]
    ) -> tuple[torch.Tensor, ...]:
        """Stacked query/exemplar sequences with their pair-averaged stage resamplers."""
        q = np.stack([self._sequence(data, v) for v in queries])
        e = np.stack([self._sequence(data, v) for v in exemplars])
        # Transitions averaged over each pair, as the original averages the query's and the exemplar's.
        bounds = (
            np.stack([self._bounds[v.id] for v in queries])
            + np.stack([self._bounds[v.id] for v in exemplars])
        ) / 2
        w = torch.as_tensor(stage_resampler(bounds, q.shape[1], self.options["tokens"]))
        return torch.as_tensor(q), torch.as_tensor(e), w, w

    def _group_members(self, group: str) -> list[int]:
        members = [i for i, v in enumerate(self._train) if v.group == group]
        return members or list(range(len(self._train)))

    def _fit(self, data: Dataset, seed: int) -> None:
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        self._seed, self._outputs, self._seqs, self._bounds = seed, {}, {}, {}
        self._train = list(data.videos_of("train"))
        self._targets = t = Targets.fit(data, self._train)
        k = self.options["keyframes"]
        frames = np.concatenate([resample_time(self._extractor.features(data, v), k) for v in self._train])
        self._mu, sd = frames.mean(axis=0, dtype=np.float64), frames.std(axis=0, dtype=np.float64)
        self._sd = np.where(sd > 1e-8, sd, 1.0)
        z, z_mask = (torch.as_tensor(a) for a in t.scores(self._train))
        y, y_mask = (torch.as_tensor(a) for a in t.labels(self._train))
        pos_weight = positive_weight(y.numpy(), y_mask.numpy())
        o = self.options
        in_dim = self._sequence(data, self._train[0]).shape[1]
        net = self._net = FineParserNet(in_dim, o, len(t.label_names))
        opt = torch.optim.Adam(net.parameters(), lr=o["lr"])
        members = {g: self._group_members(g) for g in t.groups}
        for _ in range(epochs_for(o["epochs"], len(self._train), o["max_samples"])):
            order = rng.permutation(len(self._train))
            partner = []
            for i in order:
                pool = [j for j in members[self._train[i].group] if j != i] or [int(i)]
                partner.append(pool[int(rng.integers(len(pool)))])
            for start in range(0, len(order), o["batch"]):
                qi = torch.as_tensor(order[start : start + o["batch"]])
                ei = torch.as_tensor(partner[start : start + o["batch"]])
                q, e, rq, re = self._batch(data, [self._train[i] for i in qi], [self._train[i] for i in ei])
                tq, te = net.tokens_of(q, rq), net.tokens_of(e, re)
                d_qe, logit_q = net.relative(tq, te)
                d_eq, logit_e = net.relative(te, tq)
                loss = q.new_zeros(())
                both = z_mask[qi] * z_mask[ei]
                if both.sum() > 0:
                    gap = z[qi] - z[ei]
                    loss = loss + (((d_qe - gap) ** 2 + (d_eq + gap) ** 2) * both).sum() / both.sum()
                for logit, idx in ((logit_q, qi), (logit_e, ei)):
                    m = y_mask[idx]
                    if m.sum() > 0:
                        bce = nn.functional.binary_cross_entropy_with_logits(
                            logit[:, : y.shape[1]], y[idx], reduction="none", pos_weight=pos_weight
                        )
                        loss = loss + 0.5 * (bce * m).sum() / m.sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
        net.eval()

    def _score_videos(self, data: Dataset, videos: Sequence[Video]) -> None:
        if self._net is None or self._targets is None:
            raise ConfigError("fineparser: predict called before fit (or load)")
        t, net = self._targets, self._net
        if not self._train:
            self._train = [data.videos[i] for i in self._train_ids]
        z_train, z_mask = t.scores(self._train)
        for v in {v.id: v for v in videos if v.id not in self._outputs}.values():
            pool = self._group_members(v.group)
            if t.has_scores:
                pool = [i for i in pool if z_mask[i] > 0] or pool
            chosen = [pool[i] for i in voter_indices(len(pool), self.options["voters"], self._seed, v.id)]
            with torch.no_grad():
                q, e, rq, re = self._batch(data, [v] * len(chosen), [self._train[i] for i in chosen])
                delta, logits = net.relative(net.tokens_of(q, rq), net.tokens_of(e, re))
            score = None
            if t.has_scores:
                score = t.unscale(v.group, float(np.mean(z_train[chosen] + delta.numpy())))
            mean_logits = logits.mean(dim=0).numpy()
            self._outputs[v.id] = VideoOutput(
                score, {n: float(mean_logits[j]) for j, n in enumerate(t.label_names)}
            )
