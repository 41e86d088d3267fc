"""What a tree-search model chose (KEPT's l*, paper §3.2), from the `path*` fields of its prediction meta.

A model that reports, per video, its chosen reasoning path (`path`: joint-group names, `path_2` for a pair's
second video) and the normalised entropy of its path distribution (`path_entropy`, `path_entropy_2`) gets:

- `path_entropy`: mean normalised entropy of p_r over the videos (1 = uniform over paths: no choice; 0 = one-hot);
- `path_same_pair`: share of pairs whose two videos chose the same l* (what L_KL asks for), beside
  `path_same_pair_chance`: Σ_l f_l², the rate for two videos drawn independently from the model's own marginal
  path frequencies f (a model that always picks one path reaches 1 by construction, and so does its chance);
- `path_decisive`: on data whose videos name the groups that decide their score (synthetic data's generator
  truth, `meta["decisive_groups"]`), the mean share of l*'s steps that land on a decisive group, beside
  `path_decisive_chance` (a uniformly random path: |decisive| / J per video) and `path_decisive_constant` (the
  best single path for every video, chosen with hindsight: the best group repeated);
- `path_decisive_coverage`: the mean share of a video's decisive groups that l* visits at least once (a path
  that repeats one decisive group scores 1 on `path_decisive` but 1/|decisive| here), beside its
  `_chance` (a uniformly random path: 1 − (1 − 1/J)^steps per group) and `_constant` (the best single path).

Each video counts once, whichever pairs it is in; CIs resample videos (pairs: clusters of their two videos).
A model without paths in its meta gets none of these metrics.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from adrbench.dataset import Dataset
from adrbench.protocols.stats import N_BOOTSTRAP, Entry, VideoBootstrap, entry, ratio_entry, signature
from adrbench.records import Pair, PairPrediction, Prediction, VideoPrediction

Chosen = dict[str, tuple[tuple[str, ...], float | None]]  # video id → (l* as group names, entropy or None)


def path_metrics(
    data: Dataset, predictions: Sequence[Prediction], n_bootstrap: int = N_BOOTSTRAP, seed: int = 0
) -> dict[str, Entry]:
    """The path metrics of the module docstring; {} when no prediction reports a path."""
    videos, pairs = _chosen(data, predictions)
    if not videos:
        return {}
    ids = sorted(videos)
    boot = VideoBootstrap([(v,) for v in ids], n_bootstrap, seed)
    out: dict[str, Entry] = {}
    ent = np.array([np.nan if videos[v][1] is None else videos[v][1] for v in ids])
    known = ~np.isnan(ent)
    out["path_entropy"] = ratio_entry(
        boot, np.nan_to_num(ent), None, signature("PathEntropy", norm="log-L", agg="mean-video"), None, known
    )
    if pairs:
        pair_boot = VideoBootstrap([(p.video_1, p.video_2) for p, _ in pairs], n_bootstrap, seed)
        same = np.array([float(same) for _, same in pairs])
        out["path_same_pair"] = ratio_entry(pair_boot, same, None, signature("PathSamePair"), None)
        _, counts = np.unique(["|".join(videos[v][0]) for v in ids], return_counts=True)
        freq = counts / counts.sum()
        out["path_same_pair_chance"] = entry(
            float((freq**2).sum()), None, len(ids), signature("PathSamePair", baseline="marginal-chance"), None
        )
    out.update(_decisive(data, videos, n_bootstrap, seed))
    return out


def _chosen(data: Dataset, predictions: Sequence[Prediction]) -> tuple[Chosen, list[tuple[Pair, bool]]]:
    """The paths by video (from video predictions and both sides of (A,B) pair predictions; the first one of a
    video wins), and each pair that reports both paths with whether they are the same."""
    videos: Chosen = {}
    pairs: list[tuple[Pair, bool]] = []
    for pred in predictions:
        meta = pred.meta or {}
        if isinstance(pred, VideoPrediction):
            sides = [(pred.video_id, "")]
        elif not pred.swapped and pred.pair_id in data.pairs:
            pair = data.pairs[pred.pair_id]
            sides = [(pair.video_1, ""), (pair.video_2, "_2")]
        else:
            continue
        found = []
        for vid, suffix in sides:
            path, h = meta.get(f"path{suffix}"), meta.get(f"path_entropy{suffix}")
            if isinstance(path, list) and path:
                found.append(tuple(str(g) for g in path))
                if vid not in videos:
                    videos[vid] = (found[-1], float(h) if isinstance(h, int | float) else None)
        if isinstance(pred, PairPrediction) and len(found) == 2:
            pairs.append((pair, found[0] == found[1]))
    return videos, pairs


def _decisive(
    data: Dataset, videos: Chosen, n_bootstrap: int, seed: int
) -> dict[str, Entry]:
    """Agreement of l* with the generator's decisive groups, its chance level and the best constant path."""
    groups = list(data.skeleton.groups)
    known = set(groups)
    truth = {
        v: set(data.videos[v].meta["decisive_groups"])
        for v in sorted(videos)
        if v in data.videos and data.videos[v].meta.get("decisive_groups")
    }
    if not truth or not groups:
        return {}
    ids = sorted(truth)
    boot = VideoBootstrap([(v,) for v in ids], n_bootstrap, seed)
    hits = np.array([np.mean([g in truth[v] for g in videos[v][0]]) for v in ids])
    decisive = {v: truth[v] & known for v in ids}
    chance = np.array([len(decisive[v]) / len(groups) for v in ids])
    constant = max(float(np.mean([g in truth[v] for v in ids])) for g in groups)
    sig = signature("PathDecisive", truth="generator-decisive-groups", agg="mean-video")
    cover = np.array([_coverage(videos[v][0], decisive[v]) for v in ids])
    steps = np.array([len(videos[v][0]) for v in ids])
    visited = 1.0 - (1.0 - 1.0 / len(groups)) ** steps  # P(a random path visits a given group)
    cover_chance = np.where([bool(decisive[v]) for v in ids], visited, 0.0)
    best_cover = max(
        float(np.mean([_coverage(path, decisive[v]) for v in ids]))
        for path in itertools.combinations_with_replacement(groups, int(steps.min()))
    )
    cov = signature("PathDecisiveCoverage", truth="generator-decisive-groups", agg="mean-video")
    return {
        "path_decisive": ratio_entry(boot, hits, None, sig, True),
        "path_decisive_chance": ratio_entry(boot, chance, None, sig.with_fields(baseline="uniform-path"), None),
        "path_decisive_constant": entry(
            constant, None, len(ids), sig.with_fields(baseline="best-constant-path"), None
        ),
        "path_decisive_coverage": ratio_entry(boot, cover, None, cov, True),
        "path_decisive_coverage_chance": ratio_entry(
            boot, cover_chance, None, cov.with_fields(baseline="uniform-path"), None
        ),
        "path_decisive_coverage_constant": entry(
            best_cover, None, len(ids), cov.with_fields(baseline="best-constant-path"), None
        ),
    }


def _coverage(path: Sequence[str], decisive: set[str]) -> float:
    """The share of the decisive groups that the path visits at least once."""
    return len(set(path) & decisive) / max(1, len(decisive))
