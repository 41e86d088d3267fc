"""A ridge teacher for the tree search (issue 16, not in the paper): per action, the path whose joint groups'
node statistics best predict the training targets out of sample, as path credit's fixed target
(`path_credit_by=teacher`). Targets are scores (adr, JIGSAWS) or binary error labels (FitnessAQA), which the same
ridge fits as a linear probability model: its squared error on 0/1 labels is the Brier score.

Learnt per-path read-outs credited paths by small differences of their errors (the knee for Rock Climbing on
adr-synth, where a ridge on the knee's node measures predicts nothing); a cross-validated ridge per group set
is a steadier judge of which groups the scores depend on (docs/kept.md, "Coverage").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import torch
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def teacher_paths(
    nodes: torch.Tensor, targets: torch.Tensor, actions: torch.Tensor, n_actions: int, steps: int
) -> torch.Tensor:
    """Per action id (0..n_actions), the index (in `kept.tree.tree_paths` order) of `as_path(teacher_groups(…))`
    over its videos (nodes V×N×J×h; targets V (scores) or V×T (labels), NaN = absent). Actions without a target
    column present on 5 or more of their videos get the path through the first `steps` groups."""
    n_groups = nodes.shape[2]
    x_all, a_all = nodes.double().numpy(), actions.numpy()
    y_all = targets.double().numpy().reshape(len(targets), -1)
    out = torch.zeros(n_actions + 1, dtype=torch.long)
    for action in range(n_actions + 1):
        rows = a_all == action
        y = y_all[rows][:, (~np.isnan(y_all[rows])).sum(0) >= 5]
        groups = teacher_groups(x_all[rows], y, steps) if y.shape[1] else range(min(steps, n_groups))
        out[action] = sum(g * n_groups ** (steps - 1 - i) for i, g in enumerate(as_path(groups, steps)))
    return out


def teacher_groups(feats: np.ndarray, targets: np.ndarray, steps: int) -> tuple[int, ...]:
    """The set of at most `steps` groups (feats V×N×J×h, axis 2) whose statistics give the least 5-fold CV error
    of a standardised ridge (alpha by inner CV) on the targets (V, or V×T summed over columns, each on the videos
    where it is not NaN)."""
    sets = [c for k in range(1, steps + 1) for c in itertools.combinations(range(feats.shape[2]), k)]
    columns = targets.reshape(len(targets), -1)
    return min(sets, key=lambda groups: _cv_error(feats[:, :, list(groups)], columns))


def as_path(groups: Sequence[int], steps: int) -> list[int]:
    """A path of `steps` steps through a set of groups: its groups in order, the last one repeated."""
    return [groups[min(i, len(groups) - 1)] for i in range(steps)]


def _cv_error(feats: np.ndarray, targets: np.ndarray) -> float:
    """The 5-fold CV squared error summed over the target columns (V×T), each on the videos where it is known;
    columns known on the same videos share one fit (alpha per column, so the same as fitting them one by one)."""
    ridge = make_pipeline(
        StandardScaler(), RidgeCV(alphas=np.logspace(-1, 5, 13), gcv_mode="svd", alpha_per_target=True)
    )
    known = ~np.isnan(targets)
    total = 0.0
    for mask in np.unique(known, axis=1).T:
        x = feats[mask].reshape(int(mask.sum()), -1)
        y = targets[mask][:, (known == mask[:, None]).all(0)]
        pred = cross_val_predict(ridge, x, y, cv=5).reshape(y.shape)  # a single column comes back 1-D
        total += float(((pred - y) ** 2).mean(0).sum())
    return total
