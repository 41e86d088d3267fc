"""KEPT's training loop: the total loss of eq. 9 over batches of pairs (ADR) or videos (JIGSAWS, FitnessAQA).

A batch of pairs runs the per-video network once per DISTINCT video in the batch and the decoder once per pair.
Under `torch.distributed` (see kept.distributed) every rank takes its share of each batch and DDP averages the
gradients, so one seed gives the same batches on every rank.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from kept.config import KeptConfig
from kept.decoder import comment_loss
from kept.network import KeptNet
from kept.resume import ResumeState, training_plan
from kept.teacher import teacher_paths
from kept.text import TextEncoder
from kept.tree import kl_loss


@dataclass
class TrainTensors:
    """Everything training reads, as tensors indexed by training video (and pair) position."""

    feats: dict[str, torch.Tensor]  # V×…
    comments: torch.Tensor  # V×C×text_dim
    comment_mask: torch.Tensor  # V×C (bool)
    scores: torch.Tensor  # V (normalised to [0,1]; NaN when absent)
    labels: torch.Tensor  # V×n_labels (-1 when absent)
    groups: list[str]  # V
    pairs: torch.Tensor  # Np×2 video positions (empty for video tasks)
    targets: list[list[int]]  # Np token ids of the ground-truth descriptions


def _pad(rows: list[list[int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max([len(r) for r in rows] + [1])
    out = torch.full((len(rows), width), pad, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return out, torch.tensor([len(r) for r in rows], dtype=torch.long)


def make_batch(tt: TrainTensors, items: torch.Tensor, unit: str, pad: int) -> dict:
    """A batch over pair positions (unit 'pair') or video positions (unit 'video'), videos deduplicated."""
    if unit == "pair":
        chosen = tt.pairs[items]
        videos, inverse = torch.unique(chosen.flatten(), sorted=True, return_inverse=True)
        inverse = inverse.view(-1, 2)
        targets, lengths = _pad([tt.targets[i] for i in items.tolist()], pad)
        extra = {"pair_a": inverse[:, 0], "pair_b": inverse[:, 1], "targets": targets, "lengths": lengths}
    else:
        videos = items
        order = sorted(range(len(videos)), key=lambda i: tt.groups[int(videos[i])])
        same = [
            (a, b)
            for a, b in zip(order, order[1:], strict=False)
            if tt.groups[int(videos[a])] == tt.groups[int(videos[b])]
        ]
        extra = {
            "pair_a": torch.tensor([a for a, _ in same], dtype=torch.long),
            "pair_b": torch.tensor([b for _, b in same], dtype=torch.long),
        }
    return {
        "fold": videos % 2,  # the video's half of the training set, for cross-fitted path credit
        "feats": {k: v[videos] for k, v in tt.feats.items()},
        "comments": tt.comments[videos],
        "comment_mask": tt.comment_mask[videos],
        "scores": tt.scores[videos],
        "labels": tt.labels[videos],
        **extra,
    }


class Objective(nn.Module):
    """L = L_score + α1 L_semantic + α2 L_comment + α3 L_KL (eq. 9) + the decoder's teacher-forced likelihood
    + entropy_weight · the mean normalised entropy of p_r (issue 16: without it p_r stays uniform)
    + path_credit · `path_credit` (off by default)."""

    def __init__(self, net: KeptNet, text: TextEncoder | None, cfg: KeptConfig, classify: bool) -> None:
        super().__init__()
        self.net, self.cfg, self.classify = net, cfg, classify
        self.label_weight: torch.Tensor | None = None  # set by `train` from the whole training set
        self.teacher: torch.Tensor | None = None  # path_credit_by=teacher: the taught path per action (kept.teacher)
        self._text = [text]  # kept out of the module tree: frozen, never part of the DDP parameters

    def forward(self, batch: dict, with_comment: bool = True) -> tuple[torch.Tensor, dict[str, float]]:
        cfg, net = self.cfg, self.net
        use_comments = not cfg.no_comment and not cfg.no_semantic and cfg.alpha1 > 0
        enc = net.encode(batch["feats"], batch["comments"] if use_comments else None, batch["comment_mask"])
        parts: dict[str, torch.Tensor] = {}
        # errors are rare: positives weigh neg/pos of the training labels so the heads do not always say "no"
        per, known = self.item_errors(enc["out"], batch, self.label_weight)
        parts["score"] = (per * known).sum() / known.sum().clamp_min(1.0)
        total = parts["score"]
        if "path_out" in enc:
            parts["credit"] = self.path_credit(enc, batch)
            total = total + cfg.path_credit * parts["credit"]
        if "semantic" in enc:
            has = batch["comment_mask"].any(dim=1)
            if has.any():
                parts["semantic"] = enc["semantic"][has].mean()
                total = total + cfg.alpha1 * parts["semantic"]
        if not cfg.no_kl and cfg.alpha3 > 0 and len(batch["pair_a"]):
            parts["kl"] = kl_loss(enc["p"][batch["pair_a"]], enc["p"][batch["pair_b"]])
            total = total + cfg.alpha3 * parts["kl"]
        parts["entropy"] = enc["entropy"].mean()
        if cfg.entropy_weight > 0:
            total = total + cfg.entropy_weight * parts["entropy"]
        if "targets" in batch and net.decoder is not None:
            h1, h2 = enc["H"][batch["pair_a"]], enc["H"][batch["pair_b"]]
            logits = net.decoder(h1, h2, batch["targets"])
            parts["lm"] = net.decoder.likelihood_loss(logits, batch["targets"], batch["lengths"])
            total = total + cfg.lm_weight * parts["lm"]
            n = min(cfg.comment_items, len(h1))
            text = self._text[0]
            if cfg.alpha2 > 0 and n > 0 and with_comment and text is not None:
                gen = net.decoder.comment_features(logits[:n], batch["lengths"][:n], text)
                ref = net.decoder.reference_features(batch["targets"][:n], batch["lengths"][:n], text)
                parts["comment"] = comment_loss(gen, ref)
                total = total + cfg.alpha2 * cfg.comment_every * parts["comment"]
        return total, {k: float(v.detach()) for k, v in parts.items()}

    def item_errors(
        self, out: torch.Tensor, batch: dict, pos_weight: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Per output of `out` (B×…×outputs: the score head's, or every path's read-out): the error against the
        batch's labels (BCE, positives weighted by `pos_weight`) or score (squared error of σ(out), the first
        output only), and where that target is known (1/0, same shape)."""
        if self.classify:
            labels = batch["labels"].float().view(len(out), *[1] * (out.dim() - 2), -1).expand_as(out)
            weight = pos_weight.to(out.device) if pos_weight is not None else None
            per = F.binary_cross_entropy_with_logits(out, labels.clamp_min(0), reduction="none", pos_weight=weight)
            return per, (labels >= 0).to(out.dtype)
        scores = batch["scores"].view(len(out), *[1] * (out.dim() - 1)).expand_as(out[..., :1])
        return (torch.sigmoid(out[..., :1]) - scores.nan_to_num()) ** 2, (~torch.isnan(scores)).to(out.dtype)

    def path_credit(self, enc: dict[str, torch.Tensor], batch: dict) -> torch.Tensor:
        """Each path's own read-out trained on the score (or labels), plus −log p_r of the path whose read-out
        erred least (path_credit_by: `credit_target`'s running mean over the action's videos, so both videos of a
        pair are taught one path, as L_KL wants; or on this video alone): Q learns which joints explain a score.
        With path_credit_folds=2 each video's error is that of the read-out fit on the other half of the training
        videos, so a path is credited for what it predicts out of sample, not for noise it fits."""
        path_out = enc["path_out"]  # B×folds×L×outputs
        per, known = self.item_errors(path_out, batch)
        err = (per * known).sum(dim=-1) / known.sum(dim=-1).clamp_min(1.0)  # B×F×L
        has = known[:, 0, 0].any(dim=-1)
        if not has.any():
            return path_out.sum() * 0.0
        rows, fold = torch.arange(len(err), device=err.device), batch["fold"] % err.shape[1]
        fit, held = err[rows, fold], err[rows, (fold + 1) % err.shape[1]].detach()  # with one fold, the same
        if self.teacher is not None:
            best = self.teacher[batch["feats"]["activity"]]
        elif self.cfg.path_credit_by == "action":
            best = credit_target(held, has, batch["feats"]["activity"], self.net.credit_error)
        else:
            best = held.argmin(dim=-1)
        choice = -torch.log(enc["p"].gather(1, best[:, None]).squeeze(1) + 1e-8)
        return fit[has].mean() + choice[has].mean()


@torch.no_grad()
def credit_target(
    err: torch.Tensor, has: torch.Tensor, groups: torch.Tensor, running: torch.Tensor, keep: float = 0.9
) -> torch.Tensor:
    """Per video, the path (of B×L errors) to teach p_r: the least error, per action (`groups`, B ids), of a
    running mean over batches (`running`, actions×L, updated in place: this batch's mean over the action's
    scored videos weighs 1 − keep), so that every video of an action, and both of a pair, are taught one path
    that does not change with the batch."""
    known = has.to(err.dtype)
    total = err.new_zeros(running.shape).index_add(0, groups, err * known[:, None])
    count = err.new_zeros(len(running)).index_add(0, groups, known)
    seen = count > 0
    mean = total[seen] / count[seen, None]
    old = running[seen]
    running[seen] = torch.where(torch.isnan(old), mean, keep * old + (1.0 - keep) * mean)
    return running.nan_to_num(math.inf).argmin(dim=-1)[groups]


def to_device(batch: dict, device: str) -> dict:
    """The batch's tensors (nested one level for the features) on `device`."""
    out = {}
    for k, v in batch.items():
        out[k] = to_device(v, device) if isinstance(v, dict) else v.to(device) if torch.is_tensor(v) else v
    return out


def _schedule(step: int, total: int) -> float:
    """Linear warm-up over 5% of the steps, then cosine decay to 10% of the learning rate."""
    warm = max(1, total // 20)
    if step < warm:
        return (step + 1) / warm
    progress = (step - warm) / max(1, total - warm)
    return 0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * progress))


def param_groups(net: KeptNet, cfg: KeptConfig) -> list[dict[str, Any]]:
    """The trainable parameters: a pretrained decoder's (adapters, or all of it with decoder_train=full) at
    `decoder_lr`, everything else (the trunk, F_H, the tiny decoder) at `lr`."""
    decoder = net.decoder
    pretrained_lm = decoder is not None and not decoder.tiny
    own = {id(p) for p in decoder.lm.parameters()} if decoder is not None and pretrained_lm else set[int]()
    trainable = [p for p in net.parameters() if p.requires_grad]
    groups: list[dict[str, Any]] = [{"params": [p for p in trainable if id(p) not in own]}]
    pretrained = [p for p in trainable if id(p) in own]
    if pretrained:
        groups.append({"params": pretrained, "lr": cfg.decoder_lr})
    return groups


def epochs_to_run(cfg: KeptConfig, steps_per_epoch: int) -> int:
    """cfg.epochs, raised so that training takes at least cfg.min_steps optimiser steps (none when epochs=0).

    JIGSAWS has 89 training videos a fold: 6 epochs of 64-video batches were 12 steps, too few for the score
    head to leave the training mean (jigsaws-synth R-ℓ2 ×100 202; 4.2 with 300 steps).
    """
    if cfg.epochs == 0:
        return 0
    return max(cfg.epochs, math.ceil(cfg.min_steps / max(1, steps_per_epoch)))


def train(
    net: KeptNet,
    text: TextEncoder | None,
    tt: TrainTensors,
    cfg: KeptConfig,
    unit: str,
    classify: bool,
    seed: int,
    log: Callable[[str], None] | None = None,
    resume_dir: Path | None = None,
) -> list[dict[str, float]]:
    """Train `net` in place for `epochs_to_run` epochs; returns the mean loss parts per epoch.

    With `resume_dir`, the whole training state (weights, optimiser, schedule, RNG, history) is written there
    after every epoch, and a later call with the same folder continues after the last finished epoch: a killed
    run loses at most one epoch and ends with the same weights as an uninterrupted one; a state of another plan
    (data, seed, options, world size) is refused (kept.resume).
    """
    import torch.distributed as dist

    distributed = dist.is_available() and dist.is_initialized()
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    objective: nn.Module = Objective(net, text, cfg, classify)
    if classify:  # positive weight per error label = negatives / positives in training, within [1, 20]
        pos, neg = (tt.labels == 1).float().sum(0), (tt.labels == 0).float().sum(0)
        objective.label_weight = (neg / pos.clamp_min(1.0)).clamp(1.0, 20.0)
    if cfg.path_credit > 0 and cfg.path_credit_by == "teacher":
        n_actions = len(net.activity.weight) - 1
        targets = tt.labels.float().masked_fill(tt.labels < 0, float("nan")) if classify else tt.scores
        paths = teacher_paths(tt.feats["nodes"], targets, tt.feats["activity"], n_actions, cfg.depth - 1)
        objective.teacher = paths.to(cfg.device)
    if distributed:
        from torch.nn.parallel import DistributedDataParallel

        objective = DistributedDataParallel(objective, find_unused_parameters=True)
    params = [p for p in net.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(param_groups(net, cfg), lr=cfg.lr, weight_decay=cfg.weight_decay)
    n_items = len(tt.pairs) if unit == "pair" else len(tt.groups)
    steps_per_epoch = math.ceil(n_items / cfg.batch)
    epochs = epochs_to_run(cfg, steps_per_epoch)
    total_steps = max(1, steps_per_epoch * epochs)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: _schedule(s, total_steps))
    pad = net.decoder.pad if net.decoder is not None else 0
    history: list[dict[str, float]] = []
    resume = None
    if resume_dir is not None:
        plan = training_plan(cfg, tt, seed, epochs, steps_per_epoch, total_steps)
        resume = ResumeState(resume_dir, plan, cfg.device)
        history = resume.restore(net, optimiser, scheduler)
        if history and log is not None:
            log(f"kept: resuming training after epoch {len(history)}/{epochs} from {resume.path}")
    net.train()
    for epoch in range(len(history), epochs):
        gen = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
        order = torch.randperm(n_items, generator=gen)
        sums: dict[str, float] = {}
        counts: dict[str, int] = {}
        started = time.perf_counter()
        for step in range(steps_per_epoch):
            items = order[step * cfg.batch : (step + 1) * cfg.batch][rank::world]
            if len(items) == 0:
                items = order[:1]
            global_step = epoch * steps_per_epoch + step
            net.progress = global_step / total_steps
            batch = to_device(make_batch(tt, items, unit, pad), cfg.device)
            loss, parts = objective(batch, global_step % cfg.comment_every == 0)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimiser.step()
            scheduler.step()
            for k, v in parts.items():
                sums[k] = sums.get(k, 0.0) + v
                counts[k] = counts.get(k, 0) + 1
        sums = {k: v / counts[k] for k, v in sums.items()}
        history.append(sums)
        if resume is not None:
            resume.save(net, optimiser, scheduler, history)
        if log is not None:
            shown = " ".join(f"{k}={v:.4f}" for k, v in sums.items())
            log(f"kept epoch {epoch + 1}/{epochs} {shown} ({time.perf_counter() - started:.1f}s)")
    net.progress = 1.0
    net.eval()
    return history
