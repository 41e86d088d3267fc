"""Paired significance of a run against a baseline run of the same task (paired bootstrap on per-item scores).

Computed when a run is stored (both runs' predictions are at hand then) and kept beside its metrics as
paired.json, so the tables can mark significant differences from the stored data alone.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adrbench.dataset import Dataset
from adrbench.errors import AdrbenchError
from adrbench.jsonl import read_records
from adrbench.records import PairPrediction, Prediction, VideoPrediction
from adrbench.runner import load_task_data
from adrbench.runs import CONFIG_FILE, PREDICTIONS_FILE, RunConfig
from adrbench.scoring import paired_test

ALPHA = 0.05
EFFECT_SDS = 2.0  # an effect must also be this many pooled seed SDs away from the baseline
PAIR_METRICS = ("spearman", "relative_l2", "bleu_4", "bleu", "rouge_l", "meteor")
VIDEO_METRICS = ("spearman", "relative_l2")


def _config(run_dir: Path) -> RunConfig:
    return RunConfig.model_validate(json.loads((run_dir / CONFIG_FILE).read_text(encoding="utf-8"))["config"])


def paired_against(run_dir: Path, baseline_dir: Path, n_bootstrap: int = 1000) -> dict[str, Any]:
    """{"baseline": model, "alpha": 0.05, "tests": {metric: paired test of run − baseline}} on the test split."""
    config, base = _config(run_dir), _config(baseline_dir)
    if (config.task, config.seed, config.limit, config.split) != (
        base.task,
        base.seed,
        base.limit,
        base.split,
    ):
        raise AdrbenchError(
            f"{run_dir} and {baseline_dir} are not runs on the same items (task, seed, limit, split)"
        )
    data = load_task_data(config)
    record: type[PairPrediction | VideoPrediction] = PairPrediction if data.unit == "pair" else VideoPrediction
    preds = read_records(run_dir / PREDICTIONS_FILE, record)
    baseline = read_records(baseline_dir / PREDICTIONS_FILE, record)
    return {
        "baseline": base.model,
        "baseline_config_hash": base.config_hash(),
        "alpha": ALPHA,
        "tests": paired_tests(data, preds, baseline, config.split, config.seed, n_bootstrap),
    }


def paired_against_mean(data: Dataset, preds: Sequence[Prediction], seed: int = 0) -> dict[str, Any]:
    """paired.json of predictions that come without a run (a submission): the baseline's predictions are made
    here, by the `mean` model fitted on `data`'s train split with `seed` — what its stored run predicts."""
    from adrbench.models import get_model_class
    from adrbench.runs import RunConfig

    model = get_model_class("mean")()
    model.fit(data, seed)
    baseline = model.predict(data, data.items("test"))
    base = RunConfig(task=data.task, model="mean", seed=seed).for_data(data.provenance.get("fingerprint"))
    return {
        "baseline": "mean",
        "baseline_config_hash": base.config_hash(),
        "alpha": ALPHA,
        "tests": paired_tests(data, preds, baseline, "test", seed),
    }


def paired_tests(
    data: Dataset,
    preds: Sequence[Prediction],
    baseline: Sequence[Prediction],
    split: str,
    seed: int,
    n_bootstrap: int = 1000,
) -> dict[str, Any]:
    """{metric: paired bootstrap test of preds − baseline} for the task's headline metrics that apply to both."""
    metrics: tuple[str, ...]
    if data.unit == "pair":
        metrics = PAIR_METRICS
    elif data.label_names:
        metrics = tuple(f"f1_{name}" for name in data.label_names)
    else:
        metrics = VIDEO_METRICS
    tests = {}
    for metric in metrics:
        try:
            tests[metric] = paired_test(data, preds, baseline, metric, split, n_bootstrap=n_bootstrap, seed=seed)
        except AdrbenchError:
            continue  # the metric does not apply to one of the two (e.g. text of a score-only model)
    return tests


def significant(paired: dict[str, Any] | None, metric: str) -> bool:
    """Whether the stored paired test of `metric` rejects 'no difference from the baseline' at ALPHA."""
    paired = paired or {}
    test = paired.get("tests", {}).get(metric)
    return bool(test) and test.get("p_value") is not None and test["p_value"] < paired.get("alpha", ALPHA)


def pooled_sd(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Pooled sample SD (ddof=1) of two groups of per-seed values; None when together they have no degree of
    freedom (one seed each: no estimate of seed noise)."""
    dof = len(a) + len(b) - 2
    if dof <= 0:
        return None
    squares = sum((len(x) - 1) * statistics.variance(x) for x in (a, b) if len(x) >= 2)
    return math.sqrt(squares / dof)


def effect(
    paired: Sequence[dict[str, Any] | None], metric: str, values: Sequence[float], baseline: Sequence[float]
) -> bool:
    """Whether an entry (one paired.json and one value per training seed) differs from the baseline (one value
    per seed of it): every seed's paired test is significant, and, where the seeds measure their own noise,
    |mean − baseline mean| > EFFECT_SDS × the pooled SD. With one seed on each side it is the paired test alone.
    """
    if not paired or not all(significant(p, metric) for p in paired):
        return False
    sd = pooled_sd(values, baseline) if values and baseline else None
    if sd is None:
        return True
    return abs(statistics.fmean(values) - statistics.fmean(baseline)) > EFFECT_SDS * sd
