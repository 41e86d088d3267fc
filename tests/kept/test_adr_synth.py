"""On adr-synth, KEPT's tree search makes a choice, and kept-credit's choice lands on the generator's decisive
joint groups more often than a path drawn at random (slow: each fixture trains once on the full task, 3 epochs,
about 3 minutes)."""

from __future__ import annotations

import pytest

from adrbench.dataset import Dataset
from adrbench.protocols.paths import path_metrics
from adrbench.records import PairPrediction
from adrbench.tasks import get_task
from kept.adapter import KeptModel
from kept.variants import VARIANTS


def _path_metrics(data: Dataset, preset: dict[str, str]) -> dict[str, float]:
    """The path metrics of the test pairs (the one scoring path, adrbench.protocols.paths), no text decoded."""
    model = KeptModel(**{**preset, "epochs": "3", "min_steps": "0", "threads": "1"})
    model.fit(data, seed=0)
    pairs = data.items("test")
    model.encode_videos(data, [v for p in pairs for v in (p.video_1, p.video_2)])
    preds = [
        PairPrediction(pair_id=p.id, meta={**model.path_meta(p.video_1), **model.path_meta(p.video_2, "_2")})
        for p in pairs
    ]
    metrics = path_metrics(data, preds, n_bootstrap=0)
    print({k: round(v["value"], 3) for k, v in metrics.items()})
    return {k: v["value"] for k, v in metrics.items()}


@pytest.fixture(scope="module")
def data() -> Dataset:
    return get_task("adr-synth").load()


@pytest.fixture(scope="module")
def chosen(data: Dataset) -> dict[str, float]:
    return _path_metrics(data, {})


@pytest.fixture(scope="module")
def taught(data: Dataset) -> dict[str, float]:
    return _path_metrics(data, VARIANTS["kept-credit"])


@pytest.mark.slow
def test_the_path_distribution_is_peaked_and_pairs_agree(chosen) -> None:
    assert chosen["path_entropy"] <= 0.5  # issue 16's target (the mixture scheme: 1.000, uniform)
    assert chosen["path_same_pair"] >= 0.5  # what L_KL asks for


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="issue 16: the choice is made (entropy ≈ 0) but not on the decisive joints of the test split: 0.50 "
    "against chance 0.68 here (validation split, 3 seeds: 0.78 ± 0.06 against 0.66); KEPT does not read "
    "adr-synth's scores (test ρ ≈ 0; a lasso on its own pose inputs is at ρ ≈ 0 too, on joint-angle measures "
    "0.6-0.7: docs/kept.md), so nothing teaches R_ψ which joints decide them. kept-credit (path credit from a "
    "ridge teacher on the training videos) finds them on this split: 0.863 ± 0.010 against 0.684, coverage "
    "0.776 ± 0.007 against 0.578 (leaderboards/measured). Strict: the day the default finds them this fails and "
    "must become a plain test again.",
)
def test_chosen_paths_find_the_decisive_joints(chosen) -> None:
    assert chosen["path_decisive"] >= chosen["path_decisive_chance"] + 0.05, chosen
    # and all of them, not one repeated (coverage; chance 0.58 here)
    assert chosen["path_decisive_coverage"] >= chosen["path_decisive_coverage_chance"] + 0.05, chosen


@pytest.mark.slow
def test_kept_credit_meets_the_issue_targets(taught) -> None:
    """Issue 16's targets for the scheme that meets them (stored runs, 3 seeds, 5 epochs: entropy 0.006, decisive
    0.863 against 0.684, coverage 0.776 against 0.578; here 3 epochs measured 0.012, 0.870, 0.770)."""
    assert taught["path_entropy"] <= 0.5, taught
    assert taught["path_same_pair"] >= taught["path_same_pair_chance"] + 0.05, taught
    assert taught["path_decisive"] >= taught["path_decisive_chance"] + 0.05, taught
    assert taught["path_decisive_coverage"] >= taught["path_decisive_coverage_chance"] + 0.05, taught
