"""Score and label metrics: Spearman's ρ, relative ℓ2 (R-ℓ2) and binary F1 (paper appendix C).

Each has a weighted form (`*_weighted`) that takes a matrix of per-item integer weights, one row per
bootstrap resample: a weight of k means the item was drawn k times. The weighted value of a row equals the
plain metric on the expanded sample, so bootstrap CIs need no copying of data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ArrayLike = Sequence[float] | np.ndarray


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(y_true, dtype=np.float64).ravel()
    p = np.asarray(y_pred, dtype=np.float64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"{t.size} ground-truth values but {p.size} predictions")
    if t.size == 0:
        raise ValueError("metric of an empty set")
    if not (np.isfinite(t).all() and np.isfinite(p).all()):
        raise ValueError("values must be finite (drop failed predictions before scoring)")
    return t, p


def _codes(values: np.ndarray) -> np.ndarray:
    return np.unique(values, return_inverse=True)[1].ravel()


def _code_ranks(codes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Average (tie-aware, 1-based) rank of each distinct value within each weighted resample row: B × K."""
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    gathered = weights[:, order]
    # B × (distinct values), in value order; all-distinct values (typical of predictions) need no reduction.
    counts = gathered if len(starts) == len(codes) else np.add.reduceat(gathered, starts, axis=1)
    return np.cumsum(counts, axis=1) - counts + (counts + 1.0) / 2.0


def spearman_weighted(y_true: ArrayLike, y_pred: ArrayLike, weights: np.ndarray) -> np.ndarray:
    """Spearman's ρ of each weighted resample (NaN where a side is constant, as scipy gives)."""
    t, p = _pair(y_true, y_pred)
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    ct, cp = _codes(t), _codes(p)
    rt = _code_ranks(ct, w)[:, ct]
    rp = _code_ranks(cp, w)[:, cp]
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty resample gives NaN, never an exception
        total = w.sum(axis=1)
        wt = w * rt
        wp = w * rp
        st, sp = wt.sum(axis=1), wp.sum(axis=1)
        cov = np.einsum("ij,ij->i", wt, rp) - st * sp / total
        var_t = np.einsum("ij,ij->i", wt, rt) - st * st / total
        var_p = np.einsum("ij,ij->i", wp, rp) - sp * sp / total
        # A constant side has all ranks equal: its variance is zero up to rounding, so tiny counts as zero.
        tiny = 1e-9 * np.maximum(total, 1.0) ** 3
        ok = (var_t > tiny) & (var_p > tiny)
        r = np.where(ok, cov / np.sqrt(np.where(ok, var_t * var_p, 1.0)), np.nan)
    return np.clip(r, -1.0, 1.0)


def spearman(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Spearman's rank correlation on the pooled set, average ranks for ties (scipy.stats.spearmanr).

    NaN when either side is constant (scipy returns NaN there too).
    """
    t, _ = _pair(y_true, y_pred)
    return float(spearman_weighted(y_true, y_pred, np.ones((1, t.size)))[0])


def relative_l2_weighted(
    y_true: ArrayLike, y_pred: ArrayLike, weights: np.ndarray, squared: bool = True
) -> np.ndarray:
    """R-ℓ2 of each weighted resample, the range taken over the ground truth present in that resample."""
    t, p = _pair(y_true, y_pred)
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    order = np.argsort(t, kind="stable")
    present = w[:, order] > 0
    lo = t[order][np.argmax(present, axis=1)]
    hi = t[order][t.size - 1 - np.argmax(present[:, ::-1], axis=1)]
    d = p - t
    with np.errstate(invalid="ignore", divide="ignore"):
        span = np.where(present.any(axis=1) & (hi > lo), hi - lo, np.nan)
        mean_err = (w @ (d * d if squared else np.abs(d))) / w.sum(axis=1)
        return mean_err / (span * span) if squared else mean_err / span


def relative_l2(y_true: ArrayLike, y_pred: ArrayLike, squared: bool = True) -> float:
    """Relative ℓ2 distance: mean(((y − ŷ) / (max y − min y))²), max/min over the evaluated ground truth.

    Unscaled (tables show ×100), squared as every AQA reference implementation computes it.
    `squared=False` is the paper's printed formula, mean(|y − ŷ| / (max y − min y)). NaN when the ground
    truth is constant (the range is zero).
    """
    t, _ = _pair(y_true, y_pred)
    return float(relative_l2_weighted(y_true, y_pred, np.ones((1, t.size)), squared)[0])


def _binary(values: ArrayLike, name: str) -> np.ndarray:
    a = np.asarray(values).ravel()
    if a.size and not np.isin(a, (0, 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1 (1 = error present)")
    return a.astype(np.int64)


def f1_weighted(y_true: ArrayLike, y_pred: ArrayLike, weights: np.ndarray) -> np.ndarray:
    """Binary F1 of each weighted resample."""
    t = _binary(y_true, "y_true")
    p = _binary(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"{t.size} labels but {p.size} predictions")
    w = np.atleast_2d(np.asarray(weights, dtype=np.float64))
    tp = w @ (t * p)
    fp = w @ ((1 - t) * p)
    fn = w @ (t * (1 - p))
    den = 2 * tp + fp + fn
    return np.where(den > 0, 2 * tp / np.where(den > 0, den, 1.0), 0.0)


def f1(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Binary F1, positive class 1 (= error present), 0 when undefined (sklearn's zero_division=0)."""
    t = _binary(y_true, "y_true")
    if t.size == 0:
        raise ValueError("metric of an empty set")
    return float(f1_weighted(y_true, y_pred, np.ones((1, t.size)))[0])
