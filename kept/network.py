"""The KEPT network: E_V → tree search (R_ψ) → expert alignment → keypoint graph → score; pairs → description."""

from __future__ import annotations

import math

import torch
from torch import nn

from kept.config import KeptConfig
from kept.decoder import DescriptionDecoder
from kept.graph import ExpertAlignment, KeypointGraph, semantic_loss, skeleton_adjacency
from kept.tree import PathScorer, mlp, normalised_entropy, path_distribution, selection_weights, temperature


class PoseSequenceEncoder(nn.Module):
    """E_V for keypoint-only data: per-keyframe pose statistics → one transformer layer over the N keyframes.

    Any module mapping B×N×frame_dim to B×N×d can take its place (e.g. a linear map of cached visual features).
    """

    def __init__(self, frame_dim: int, d: int, heads: int, keyframes: int, dropout: float) -> None:
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.inp = nn.Linear(frame_dim, d)
        self.position = nn.Parameter(torch.randn(keyframes, d) * 0.02)
        self.layer = nn.TransformerEncoderLayer(
            d, heads, 2 * d, dropout=dropout, batch_first=True, norm_first=True
        )

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.layer(self.inp(self.drop(frames)) + self.position)


class Standardise(nn.Module):
    """Fixed per-feature mean/std of the training videos, saved with the weights."""

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("std", torch.ones(dim))

    def set(self, mean: torch.Tensor, std: torch.Tensor) -> None:
        self.mean.copy_(mean)
        self.std.copy_(std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


class KeptNet(nn.Module):
    """All of KEPT's parameters; `encode` runs the per-video part once per video, the decoder runs per pair."""

    credit_error: torch.Tensor  # a buffer, only with path_credit (see __init__)

    def __init__(
        self,
        cfg: KeptConfig,
        *,
        frame_dim: int,
        node_dim: int,
        traj_dim: int,
        n_joints: int,
        n_groups: int,
        edges: tuple[tuple[int, int], ...],
        n_outputs: int,
        text_dim: int,
        n_activities: int,
        decoder: DescriptionDecoder | None,
    ) -> None:
        super().__init__()
        self.cfg = cfg
        d = cfg.d
        self.norm_frames, self.norm_nodes, self.norm_joints = (
            Standardise(frame_dim),
            Standardise(node_dim),
            Standardise(traj_dim),
        )
        self.visual = PoseSequenceEncoder(frame_dim, d, cfg.heads, cfg.keyframes, cfg.dropout)  # E_V
        # the action category a (§3.1: both videos do the same action); index 0 = unseen in training
        self.activity = nn.Embedding(n_activities + 1, d)
        nn.init.zeros_(self.activity.weight)
        self.video_map = mlp(d, d)  # F_V
        self.scorer = PathScorer(node_dim, d, cfg.heads, n_groups, cfg.depth)  # R_ψ
        # path credit: per action and fold, a linear read-out (d weights + bias per output) of each path's own f'_M(l)
        folds = cfg.path_credit_folds
        self.credit = nn.Embedding(n_activities + 1, folds * (d + 1) * n_outputs) if cfg.path_credit > 0 else None
        if self.credit is not None:
            nn.init.normal_(self.credit.weight, std=d**-0.5)
            # per action, a running mean of each path's read-out error (NaN: not seen yet), in the resume state
            self.register_buffer("credit_error", torch.full((n_activities + 1, len(self.scorer.paths)), math.nan))
        self.alignment = None if cfg.no_comment else ExpertAlignment(text_dim, d, cfg.heads)
        self.graph = KeypointGraph(
            traj_dim,
            n_joints,
            d,
            cfg.heads,
            skeleton_adjacency(n_joints, edges),
            cfg.tau,
            not cfg.no_gnn,
            n_outputs,
            cfg.dropout,
            n_activities if cfg.score_pool == "activity" else 0,
        )
        self.decoder = decoder
        self.progress = 1.0  # share of training done, set by kept.training per step (the path temperature's clock)

    def path_temperature(self) -> float:
        """T of p_r now: annealed over training, its end value at test time."""
        cfg = self.cfg
        return temperature(cfg.path_temp_start, cfg.path_temp_end, self.progress if self.training else 1.0)

    def encode(
        self,
        feats: dict[str, torch.Tensor],
        comments: torch.Tensor | None = None,
        comment_mask: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        """Per-video outputs for a batch of videos: Q, p_r, l*, its weight p(l*), the normalised entropy of p_r,
        ℋ, the score/label output and L_semantic per video.

        What the rest of the network reads is f'_M of the selection (`cfg.selection`, kept.tree): in training the
        straight-through l* (or a Gumbel sample, or the mixture), at test time f'_M(l*) alone (eq. 1), computed
        for that one path. Which path is chosen is learnt from the score, semantic, KL and entropy losses only:
        in training, the ℋ that the description decoder reads comes from a second pass of the alignment and
        graph with the path weights detached, so the description losses train every module but do not move p_r
        (when they did, the decoder's longer training turned the chosen paths away from the scored joints).
        """
        f_v = self.visual(self.norm_frames(feats["frames"])) + self.activity(feats["activity"])[:, None]
        f_v2 = self.video_map(f_v)  # f'_V
        want_own = self.credit is not None and self.training
        logits, proj, own = self.scorer(self.norm_nodes(feats["nodes"]), f_v2, own=want_own)
        q, p = torch.sigmoid(logits), path_distribution(logits, self.path_temperature(), self.cfg.path_weigh)
        best = p.argmax(dim=-1)
        if self.training or self.cfg.selection == "mixture":
            weights = selection_weights(p, self.cfg.selection, self.training)
            f_m = self.scorer.path_features(proj, weights)
        else:
            weights, f_m = p, self.scorer.chosen_features(proj, best)  # f'_M(l*) (eq. 1)
        out: dict[str, torch.Tensor] = {
            "q": q,
            "p": p,
            "best": best,
            "weight": p.gather(1, best[:, None]).squeeze(1),
            "entropy": normalised_entropy(p),
        }
        if self.credit is not None and own is not None:  # B×folds×L×n_outputs: what each path alone says, per fold
            folds = self.cfg.path_credit_folds
            head = self.credit(feats["activity"]).view(len(own), folds, -1, own.shape[-1] + 1)  # B×F×outputs×(d+1)
            out["path_out"] = torch.einsum("bld,bfod->bflo", own, head[..., :-1]) + head[:, :, None, :, -1]
        if self.alignment is not None:
            f_vm = self.alignment.video(f_v, f_m)
            if comments is not None and comment_mask is not None:
                f_cm = self.alignment.comments(comments, comment_mask, f_m)
                out["semantic"] = semantic_loss(f_cm, f_vm.mean(dim=1))
        else:  # Δ expert comment: no alignment module, the path representation goes on directly
            f_vm = f_m
        joints = self.norm_joints(feats["joints"])
        graph = self.graph(joints, f_vm, feats["activity"])
        out.update(H=graph["H"], out=graph["out"], ikg=graph["ikg"])
        if self.training and self.decoder is not None and weights.requires_grad:
            f_m_text = self.scorer.path_features(proj, weights.detach())
            f_vm_text = self.alignment.video(f_v, f_m_text) if self.alignment is not None else f_m_text
            out["H"] = self.graph(joints, f_vm_text, feats["activity"])["H"]
        return out
