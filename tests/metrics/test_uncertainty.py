"""Seeded bootstrap, cluster resampling and the paired bootstrap test."""

from __future__ import annotations

import numpy as np
import pytest

from adrbench.metrics import cluster_weights, paired_bootstrap, percentile_ci, resample_weights


def test_resamples_are_seeded_and_complete() -> None:
    a = resample_weights(50, 200, seed=3)
    assert a.shape == (200, 50)
    assert (a.sum(axis=1) == 50).all()  # each resample draws n items
    assert np.array_equal(a, resample_weights(50, 200, seed=3))
    assert not np.array_equal(a, resample_weights(50, 200, seed=4))


def test_cluster_bootstrap_keeps_clusters_whole() -> None:
    clusters = ["v1", "v1", "v2", "v3", "v3", "v3"]
    w = resample_weights(6, 300, seed=0, clusters=clusters)
    assert (w[:, 0] == w[:, 1]).all() and (w[:, 3] == w[:, 4]).all() and (w[:, 4] == w[:, 5]).all()
    assert (w[:, [0, 2, 3]].sum(axis=1) == 3).all()  # three clusters drawn per resample


def test_pair_weight_is_the_product_of_its_videos_counts() -> None:
    memberships = [("v1",), ("v2",), ("v1", "v2"), ("v2", "v3")]
    w = cluster_weights(memberships, 100, seed=1)
    assert (w[:, 2] == w[:, 0] * w[:, 1]).all()
    single = cluster_weights([("v1",), ("v2",), ("v3",)], 100, seed=1)
    assert (w[:, 3] == single[:, 1] * single[:, 2]).all()


def test_percentile_ci() -> None:
    values = np.arange(1001, dtype=float)
    assert percentile_ci(values) == pytest.approx((25.0, 975.0))
    assert percentile_ci(np.array([np.nan, np.nan])) is None
    assert percentile_ci(np.array([np.nan, 1.0, 3.0])) == pytest.approx((1.05, 2.95))


def test_bootstrap_ci_of_a_mean_covers_it() -> None:
    x = np.random.default_rng(0).normal(5.0, 1.0, 400)
    w = resample_weights(400, 1000, seed=0)
    lo, hi = percentile_ci((w @ x) / w.sum(axis=1))
    assert lo < x.mean() < hi
    assert hi - lo == pytest.approx(2 * 1.96 / 20, rel=0.2)  # ≈ ±1.96 σ/√n


def test_paired_test() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(0.6, 0.1, 300)
    b = a - 0.05 + rng.normal(0, 0.01, 300)

    def mean_of(x):
        return lambda w: (w @ x) / w.sum(axis=1)

    res = paired_bootstrap(mean_of(a), mean_of(b), 300, "m", n_resamples=500, seed=0)
    assert res.delta == pytest.approx(float(a.mean() - b.mean()))
    assert res.p_value < 0.01 and res.ci95[0] > 0
    same = paired_bootstrap(mean_of(a), mean_of(a), 300, "m", n_resamples=200, seed=0)
    assert same.delta == 0.0 and same.p_value == 1.0
    assert res.as_dict()["n_resamples"] == 500
