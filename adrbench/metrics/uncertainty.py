"""Seeded bootstrap: 95% percentile CIs, cluster bootstrap, and the paired bootstrap test.

A resample is a row of integer weights over the items (how often each item was drawn), so every metric
re-aggregates its per-item statistics instead of recomputing text matching. The cluster bootstrap draws
clusters (ADR: videos, since pairs share videos) with replacement and gives each item its cluster's count.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np

Statistic = Callable[[np.ndarray], np.ndarray]  # weights B × n → one value per resample


def cluster_weights(
    memberships: Sequence[Sequence[Hashable]], n_resamples: int = 1000, seed: int = 0, dtype: type = np.int64
) -> np.ndarray:
    """B × n integer weights of a seeded cluster bootstrap.

    Clusters are drawn with replacement; an item's weight is the product of its clusters' draw counts. An
    item in one cluster gets its cluster's count (the usual cluster bootstrap); an ADR pair belongs to its
    two videos and is kept only when both are drawn (the pigeonhole bootstrap for dyadic data).
    """
    if not memberships:
        raise ValueError("bootstrap of an empty set")
    ids: dict[Hashable, int] = {}
    member = [[ids.setdefault(c, len(ids)) for c in cs] for cs in memberships]
    k = len(ids)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, k, size=(n_resamples, k))
    offsets = (np.arange(n_resamples) * k)[:, None]
    counts: np.ndarray = (
        np.bincount((draws + offsets).ravel(), minlength=n_resamples * k)
        .reshape(n_resamples, k)
        .astype(dtype)
    )
    width = max(len(m) for m in member)
    if width == 0:
        return np.ones((n_resamples, len(member)), dtype=dtype)
    cols = np.asarray([m + [-1] * (width - len(m)) for m in member], dtype=np.int64)  # n × width, -1 = none
    first = cols[:, 0]
    out = counts[:, first] if (first >= 0).all() else np.where(first >= 0, counts[:, np.maximum(first, 0)], 1)
    for pos in range(1, width):
        has = np.flatnonzero(cols[:, pos] >= 0)
        if len(has) and has[-1] - has[0] == len(has) - 1:  # a contiguous block: slice, no fancy write
            out[:, has[0] : has[-1] + 1] *= counts[:, cols[has[0] : has[-1] + 1, pos]]
        else:
            out[:, has] *= counts[:, cols[has, pos]]
    return out


def resample_weights(
    n_items: int,
    n_resamples: int = 1000,
    seed: int = 0,
    clusters: Sequence[Hashable] | None = None,
) -> np.ndarray:
    """B × n integer weights of seeded bootstrap resamples: items i.i.d., or whole clusters if given."""
    if n_items <= 0:
        raise ValueError("bootstrap of an empty set")
    if clusters is not None:
        if len(clusters) != n_items:
            raise ValueError(f"{len(clusters)} cluster ids for {n_items} items")
        return cluster_weights([(c,) for c in clusters], n_resamples, seed)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_items, size=(n_resamples, n_items))
    offsets = (np.arange(n_resamples) * n_items)[:, None]
    return np.bincount((draws + offsets).ravel(), minlength=n_resamples * n_items).reshape(
        n_resamples, n_items
    )


def percentile_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float] | None:
    """Percentile interval of bootstrap values (NaN resamples ignored; None when none is finite)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    tail = (1.0 - level) / 2.0 * 100.0
    lo, hi = np.percentile(v, [tail, 100.0 - tail])
    return float(lo), float(hi)


def bootstrap_ci(
    statistic: Statistic, weights: np.ndarray, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile CI of `statistic` over the resamples in `weights`."""
    return percentile_ci(statistic(weights), level)


@dataclass(frozen=True)
class PairedResult:
    """Paired bootstrap comparison of system A against system B on the same items (A − B)."""

    metric: str
    value_a: float
    value_b: float
    delta: float
    ci95: tuple[float, float] | None
    p_value: float
    n_items: int
    n_resamples: int
    seed: int

    def as_dict(self) -> dict:
        """Plain JSON-ready form."""
        return {
            "metric": self.metric,
            "value_a": self.value_a,
            "value_b": self.value_b,
            "delta": self.delta,
            "ci95": list(self.ci95) if self.ci95 else None,
            "p_value": self.p_value,
            "n_items": self.n_items,
            "n_resamples": self.n_resamples,
            "seed": self.seed,
        }


def paired_bootstrap(
    stat_a: Statistic,
    stat_b: Statistic,
    n_items: int,
    metric: str = "",
    n_resamples: int = 1000,
    seed: int = 0,
    clusters: Sequence[Hashable] | None = None,
    weights: np.ndarray | None = None,
) -> PairedResult:
    """Paired bootstrap test: both systems are scored on the same resamples.

    p-value (two-sided): twice the share of resamples whose difference lies on the other side of zero
    from the observed difference (capped at 1), the percentile-bootstrap test of H0: no difference.
    `weights` (B × n) overrides the resamples drawn from `n_resamples`, `seed` and `clusters`.
    """
    full = np.ones((1, n_items), dtype=np.int64)
    a = float(stat_a(full)[0])
    b = float(stat_b(full)[0])
    if weights is None:
        weights = resample_weights(n_items, n_resamples, seed, clusters)
    deltas = stat_a(weights) - stat_b(weights)
    finite = deltas[np.isfinite(deltas)]
    observed = a - b
    if finite.size == 0 or not np.isfinite(observed):
        p = float("nan")
    else:
        below = float(np.mean(finite <= 0.0))
        above = float(np.mean(finite >= 0.0))
        p = min(1.0, 2.0 * min(below, above))
    return PairedResult(metric, a, b, observed, percentile_ci(deltas), p, n_items, len(weights), seed)
