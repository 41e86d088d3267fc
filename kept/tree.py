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


class PathScorer(nn.Module):
    """Score net R_ψ (eq. 2): Q(l) = σ(F_R(MHCA(f'_M(l), f'_V))) for all paths l at once.

    f_M(l) is the concatenation over the K-1 steps of the chosen node's statistics, so F_M's first (linear)
    layer splits into one projection per (step, group): W·[x_{l_1}; …; x_{l_{K-1}}] = Σ_k W_k x_{l_k}. The J·(K-1)
    projections are computed once per video and each path only sums K-1 of them. Everything after F_M's
    activation is linear up to the attention softmax, so F_M's second layer and the query projection are fused
    and pre-multiplied with the keys of f'_V (once per video); per path there remain one N×d by d×(heads·N)
    product, the softmax, and d×d maps of the keyframe-pooled result. Q is a scalar per path, so the MHCA output
    (with its residual f'_M) is averaged over the N keyframes before F_R.
    """

    def __init__(self, stat_dim: int, d: int, heads: int, n_groups: int, depth: int) -> None:
        super().__init__()
        self.d, self.heads, self.steps = d, heads, depth - 1
        self.register_buffer("paths", tree_paths(n_groups, depth), persistent=False)
        self.first = nn.Linear(stat_dim * self.steps, d)  # F_M layer 1 (split per step in `hidden`)
        self.second = nn.Linear(d, d)  # F_M layer 2
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.readout = mlp(d, d, 1)  # F_R

    def hidden(self, nodes: torch.Tensor) -> torch.Tensor:
        """GELU(F_M layer 1) for every path: B×L×N×d from node statistics B×N×J×h (the per-step split)."""
        b, n, j, h = nodes.shape
        weight = self.first.weight.view(self.d, self.steps, h)
        proj = torch.einsum("bnjh,dkh->bkjnd", nodes, weight)  # B×(K-1)×J×N×d, once per video
        acc = proj[:, 0, self.paths[:, 0]]
        for k in range(1, self.steps):
            acc = acc + proj[:, k, self.paths[:, k]]
        return F.gelu(acc + self.first.bias)

    def path_features(self, hidden: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """f'_M = F_M(f_M) of the weighted path mixture Σ_l w_l f'_M(l) (exact since F_M's last layer is linear)."""
        mixed = torch.einsum("bl,blnd->bnd", weights, hidden)
        return self.second(mixed)  # the weights sum to 1, so the bias passes through unchanged

    def forward(self, nodes: torch.Tensor, video: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Q (B×L, in [0,1]) and the per-path hidden activations (B×L×N×d) for nodes B×N×J×h and f'_V B×N×d."""
        hid = self.hidden(nodes)
        b, n_paths, n, d = hid.shape
        hd = d // self.heads
        w_q, w_k, w_v = self.attn.in_proj_weight.chunk(3)
        b_q, b_k, b_v = self.attn.in_proj_bias.chunk(3)
        keys = (video @ w_k.T + b_k).view(b, -1, self.heads, hd)  # B×M×H×hd
        values = (video @ w_v.T + b_v).view(b, -1, self.heads, hd)
        fused = (w_q @ self.second.weight).T.reshape(d, self.heads, hd)  # query after F_M layer 2
        fused_bias = (w_q @ self.second.bias + b_q).view(self.heads, hd)
        scale = 1.0 / math.sqrt(hd)
        mat = torch.einsum("dhe,bmhe->bdhm", fused, keys) * scale  # per video: d × H·M
        bias = torch.einsum("he,bmhe->bhm", fused_bias, keys) * scale
        logits = torch.einsum("blnd,bdhm->blnhm", hid, mat) + bias[:, None, None]
        attn = logits.softmax(dim=-1).mean(dim=2)  # pooled over the N query keyframes: B×L×H×M
        pooled_attn = torch.einsum("blhm,bmhe->blhe", attn, values).reshape(b, n_paths, d)
        pooled_path = self.second(hid.mean(dim=2))  # mean_n f'_M(l)
        out = pooled_path + self.attn.out_proj(pooled_attn)
        return torch.sigmoid(self.readout(out).squeeze(-1)), hid


def path_distribution(q: torch.Tensor) -> torch.Tensor:
    """p_r (eq. 3): p(l_i) = Q(l_i) / Σ_i Q(l_i)."""
    return q / q.sum(dim=-1, keepdim=True)


def selection_weights(p: torch.Tensor, mode: str, training: bool) -> torch.Tensor:
    """Weights over paths that pick the path representation passed on (eq. 1, l* = argmax Q).

    Inference always takes l* exactly (one-hot). In training, "straight_through" also passes f'_M(l*) forward
    but back-propagates as if the p_r-weighted mixture had been used (one-hot + p - stop_grad(p)), so the losses
    downstream reach the score net; "mixture" passes the p_r-weighted mixture Σ_l p(l) f'_M(l) itself.
    """
    hard = F.one_hot(p.argmax(dim=-1), p.shape[-1]).to(p.dtype)
    if not training:
        return hard
    if mode == "mixture":
        return p
    return hard + p - p.detach()


def kl_loss(p1: torch.Tensor, p2: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """L_KL = KL(p_r¹ ‖ p_r²) (eq. 3), averaged over the batch."""
    return (p1 * ((p1 + eps).log() - (p2 + eps).log())).sum(dim=-1).mean()
