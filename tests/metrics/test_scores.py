"""Spearman, relative ℓ2 and F1 agree with scipy, the AQA formula and scikit-learn."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import f1_score

from adrbench.metrics import f1, f1_weighted, relative_l2, relative_l2_weighted, spearman, spearman_weighted


def _scipy(t, p) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(spearmanr(t, p).statistic)


def test_spearman_matches_scipy_with_ties() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(2, 40))
        t = rng.integers(0, 6, n).astype(float)
        p = np.round(rng.normal(size=n), int(rng.integers(0, 2)))
        want, got = _scipy(t, p), spearman(t, p)
        assert (math.isnan(want) and math.isnan(got)) or got == pytest.approx(want, abs=1e-12)


def test_spearman_hand_values_and_constant_input() -> None:
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(_scipy([1, 2, 2, 3], [1, 3, 2, 4]))
    assert math.isnan(spearman([1, 1, 1], [1, 2, 3]))  # scipy: NaN for a constant input
    assert math.isnan(spearman([1, 2, 3], [5, 5, 5]))


def test_weighted_forms_equal_the_expanded_sample() -> None:
    rng = np.random.default_rng(1)
    t = rng.integers(0, 5, 12).astype(float)
    p = rng.integers(0, 4, 12).astype(float)
    weights = rng.integers(0, 3, (20, 12))
    for row, rho, rl2, rl1 in zip(
        weights,
        spearman_weighted(t, p, weights),
        relative_l2_weighted(t, p, weights),
        relative_l2_weighted(t, p, weights, squared=False),
        strict=True,
    ):
        idx = np.repeat(np.arange(12), row)
        tt, pp = t[idx], p[idx]
        want = _scipy(tt, pp) if len(idx) > 1 else math.nan
        assert (math.isnan(want) and math.isnan(rho)) or rho == pytest.approx(want, abs=1e-10)
        span = tt.max() - tt.min() if len(idx) else 0
        if span > 0:
            assert rl2 == pytest.approx(np.mean(((pp - tt) / span) ** 2))
            assert rl1 == pytest.approx(np.mean(np.abs(pp - tt) / span))
        else:
            assert math.isnan(rl2)
    yt, yp = rng.integers(0, 2, 12), rng.integers(0, 2, 12)
    for row, value in zip(weights, f1_weighted(yt, yp, weights), strict=True):
        idx = np.repeat(np.arange(12), row)
        assert value == pytest.approx(f1_score(yt[idx], yp[idx], zero_division=0) if len(idx) else 0.0)


def test_relative_l2_formula() -> None:
    # GT range 4 − 0 = 4; errors 0, 1, −2 → squared: (0 + 1/16 + 4/16) / 3; unsquared: (0 + 1/4 + 2/4) / 3.
    assert relative_l2([0, 2, 4], [0, 3, 2]) == pytest.approx((1 / 16 + 4 / 16) / 3)
    assert relative_l2([0, 2, 4], [0, 3, 2], squared=False) == pytest.approx((1 / 4 + 2 / 4) / 3)
    assert relative_l2([1, 2, 3], [1, 2, 3]) == 0.0
    assert math.isnan(relative_l2([2, 2], [1, 3]))  # zero GT range
    with pytest.raises(ValueError):
        relative_l2([1, 2], [1])
    with pytest.raises(ValueError):
        relative_l2([1, float("nan")], [1, 2])
    with pytest.raises(ValueError):
        spearman([], [])


def test_f1_matches_sklearn() -> None:
    rng = np.random.default_rng(2)
    cases = [
        ([0, 0, 0], [0, 0, 0]),
        ([1, 1], [0, 0]),
        ([0, 0], [1, 1]),
        ([1], [1]),
        ([1, 0, 1, 1], [1, 1, 0, 1]),
    ]
    cases += [(list(rng.integers(0, 2, 30)), list(rng.integers(0, 2, 30))) for _ in range(50)]
    for t, p in cases:
        assert f1(t, p) == pytest.approx(f1_score(t, p, zero_division=0), abs=1e-12)
    with pytest.raises(ValueError):
        f1([0, 2], [0, 1])
