"""Keypoint-guided tree search (paper §3.2): every reasoning path scored in one batched pass, eqs. 1-3."""

from __future__ import annotations

import itertools
import math

import torch
from torch import nn
from torch.nn import functional as F


def tree_paths(n_groups: int, depth: int) -> torch.Tensor:
    """All reasoning paths of a depth-K tree over J groups: a (J^(K-1)) × (K-1) tensor of group indices."""
    return torch.tensor(list(itertools.product(range(n_groups), repeat=depth - 1)), dtype=torch.long)


def mlp(d_in: int, d: int, d_out: int | None = None) -> nn.Sequential:
    """The two-layer MLP used for every mapper F_* (appendix E)."""
    return nn.Sequential(nn.Linear(d_in, d), nn.GELU(), nn.Linear(d, d_out or d))


#: Elements of per-path activations (paths × keyframes × d) computed at once: the per-path part of eq. 2 is
#: memory-bound, so it runs in chunks of videos that stay in cache (K=6, 64 videos: 325 ms unchunked).
CHUNK_ELEMENTS = 1 << 20


class PathScorer(nn.Module):
    """Score net R_ψ (eq. 2): Q(l) = σ(F_R(MHCA(f'_M(l), f'_V))) for all J^(K-1) paths l in one batched pass.

    f_M(l) concatenates, over the K-1 steps, the chosen node's statistics, so F_M's first (linear) layer splits
    into one projection per (step, group): W·[x_{l_1}; …; x_{l_{K-1}}] = Σ_k W_k x_{l_k}. The J·(K-1)
    projections are computed once per video and the per-path sums are built level by level down the tree, so
    paths that share a prefix share its partial sum (about 1.3 additions per path instead of K-1). Q is one
    number per path, so MHCA takes the keyframe-averaged f'_M(l) as its query (with the usual residual); F_M's
    second layer and the query projection are linear, so they are fused and pre-multiplied with the keys of f'_V
    once per video. What is left per path (the GELU of F_M's hidden layer at every keyframe, then attention and
    F_R) runs a few videos at a time, and the path mixture recomputes the hidden layer rather than storing
    J^(K-1)·N·d activations per video.
    """

    paths: torch.Tensor

    def __init__(self, stat_dim: int, d: int, heads: int, n_groups: int, depth: int) -> None:
        super().__init__()
        self.d, self.heads, self.steps, self.n_groups = d, heads, depth - 1, n_groups
        self.register_buffer("paths", tree_paths(n_groups, depth), persistent=False)
        self.first = nn.Linear(stat_dim * self.steps, d)  # F_M layer 1 (split per step in `projections`)
        self.second = nn.Linear(d, d)  # F_M layer 2
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.readout = mlp(d, d, 1)  # F_R

    def projections(self, nodes: torch.Tensor) -> torch.Tensor:
        """W_k x for every step k and group: B×(K-1)×J×N×d from node statistics B×N×J×h (bias in step 0)."""
        weight = self.first.weight.view(self.d, self.steps, nodes.shape[-1])
        proj = torch.einsum("bnjh,dkh->bkjnd", nodes, weight)
        return torch.cat([proj[:, :1] + self.first.bias, proj[:, 1:]], dim=1)

    def hidden(self, proj: torch.Tensor) -> torch.Tensor:
        """GELU(F_M layer 1) for every path: b×L×N×d from projections (paths in `tree_paths` order)."""
        acc = proj[:, 0]
        for k in range(1, self.steps):  # extend every prefix by every group: index = prefix·J + group
            acc = (acc[:, :, None] + proj[:, k][:, None]).flatten(1, 2)
        return F.gelu(acc)

    def _chunks(self, proj: torch.Tensor) -> list[slice]:
        per_video = len(self.paths) * proj.shape[3] * self.d
        size = max(1, CHUNK_ELEMENTS // per_video)
        return [slice(i, i + size) for i in range(0, proj.shape[0], size)]

    def path_features(self, proj: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """f'_M = F_M(f_M) of the weighted path mixture Σ_l w_l f'_M(l) (exact since F_M's last layer is linear)."""
        mixed = torch.cat(
            [torch.einsum("bl,blnd->bnd", weights[c], self.hidden(proj[c])) for c in self._chunks(proj)]
        )
        return self.second(mixed)  # the weights sum to 1, so the bias passes through unchanged

    def chosen_features(self, proj: torch.Tensor, best: torch.Tensor) -> torch.Tensor:
        """f'_M(l*) of one path per video (B), computing F_M's hidden layer for that path alone (test time)."""
        steps = self.paths[best]  # B×(K-1) group per step
        rows = torch.arange(proj.shape[0], device=proj.device)
        acc = torch.stack([proj[rows, k, steps[:, k]] for k in range(self.steps)]).sum(dim=0)  # B×N×d
        return self.second(F.gelu(acc))

    def video_terms(self, video: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per-video factors of MHCA for f'_V B×M×d: query-key matrix B×d×H·M, its bias B×H·M, values B×M×H×hd."""
        b, d, heads = video.shape[0], self.d, self.heads
        hd = d // heads
        w_q, w_k, w_v = self.attn.in_proj_weight.chunk(3)
        b_q, b_k, b_v = self.attn.in_proj_bias.chunk(3)
        keys = (video @ w_k.T + b_k).view(b, -1, heads, hd)  # B×M×H×hd
        values = (video @ w_v.T + b_v).view(b, -1, heads, hd)
        fused = (w_q @ self.second.weight).T.reshape(d, heads, hd)  # query of F_M's output
        fused_bias = (w_q @ self.second.bias + b_q).view(heads, hd)
        scale = 1.0 / math.sqrt(hd)
        mat = torch.einsum("dhe,bmhe->bdhm", fused, keys).flatten(2) * scale
        bias = torch.einsum("he,bmhe->bhm", fused_bias, keys).flatten(1) * scale
        return mat, bias, values

    def forward(
        self, nodes: torch.Tensor, video: torch.Tensor, own: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """The logits of Q (B×L; Q = σ(logits)), the projections for `path_features` and, with `own`, every
        path's keyframe-averaged f'_M(l) (B×L×d: what the path's own statistics say), for nodes B×N×J×h and
        f'_V B×N×d."""
        proj = self.projections(nodes)
        mat, bias, values = self.video_terms(video)
        scores, means = [], []
        for c in self._chunks(proj):
            pooled = self.hidden(proj[c]).mean(dim=2)  # b×L×d: F_M's hidden layer averaged over keyframes
            logits = torch.baddbmm(bias[c, None], pooled, mat[c]).view(*pooled.shape[:2], self.heads, -1)
            attn = torch.einsum("blhm,bmhe->blhe", logits.softmax(dim=-1), values[c]).flatten(2)
            mean = self.second(pooled)
            out = mean + self.attn.out_proj(attn)  # residual: mean_n f'_M(l) + MHCA
            scores.append(self.readout(out).squeeze(-1))
            if own:
                means.append(mean)
        return torch.cat(scores), proj, torch.cat(means) if own else None


def path_distribution(logits: torch.Tensor, temperature: float = 1.0, weigh: str = "q") -> torch.Tensor:
    """p_r (eq. 3): p(l_i) = Q(l_i)^(1/T) / Σ_i Q(l_i)^(1/T), from the logits of Q = σ(logits) in log space, so
    that it stays a distribution when every Q underflows to 0 (it did, in float32, for some adr-synth videos).
    T = 1 is the paper's eq. 3; T < 1 sharpens p_r towards the one-hot l* = argmax Q (eq. 1).

    `weigh="odds"` uses the odds Q/(1−Q) for Q, i.e. softmax(logits/T): the same where every Q ≪ 1, but not
    flat when every Q saturates at 1 (an action's logits drifting to +15 left its p_r uniform, with no gradient
    to leave it, on adr-synth)."""
    return ((logits if weigh == "odds" else F.logsigmoid(logits)) / temperature).softmax(dim=-1)


def temperature(start: float, end: float, progress: float) -> float:
    """The path temperature at `progress` ∈ [0, 1] of training: geometric from `start` to `end`."""
    return start * (end / start) ** min(max(progress, 0.0), 1.0)


def normalised_entropy(p: torch.Tensor) -> torch.Tensor:
    """H(p) / log L per row, in [0, 1]: 1 is uniform over the L paths, 0 is one-hot."""
    return -(p * p.clamp_min(1e-12).log()).sum(dim=-1) / math.log(p.shape[-1])


#: How the path representation that the rest of the network reads is formed from p_r (KeptConfig.selection).
SELECTIONS = ("straight_through", "gumbel", "mixture")


def selection_weights(p: torch.Tensor, mode: str, training: bool) -> torch.Tensor:
    """Weights over paths (B×L, rows sum to 1) that form the path representation passed on.

    "straight_through" (default): f'_M(l*) exactly in the forward pass (one-hot at l* = argmax p), back-propagated
    as if it were the mixture (one-hot + p − stop_grad(p)), so the downstream losses still reach every Q.
    "gumbel": in training, one-hot at a sample of p_r (Gumbel-max, straight-through gradient), so paths other than
    l* are tried in proportion to p; at test time l*. "mixture": Σ_l p(l) f'_M(l) in training and at test time
    (what KEPT did before issue 16: with p_r near uniform it is the average of all paths, no choice at all).
    """
    if mode == "mixture":
        return p
    if mode == "gumbel" and training:
        gumbel = -torch.empty_like(p).exponential_().log()
        index = (p.clamp_min(1e-12).log() + gumbel).argmax(dim=-1)
    else:
        index = p.argmax(dim=-1)
    hard = F.one_hot(index, p.shape[-1]).to(p.dtype)
    return hard + p - p.detach() if training else hard


def kl_loss(p1: torch.Tensor, p2: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """L_KL = KL(p_r¹ ‖ p_r²) (eq. 3), averaged over the batch."""
    return (p1 * ((p1 + eps).log() - (p2 + eps).log())).sum(dim=-1).mean()
