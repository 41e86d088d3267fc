"""Paired significance of a run against a baseline run of the same task (paired bootstrap on per-item scores).

Computed when a run is stored (both runs' predictions are at hand then) and kept beside its metrics as
paired.json, so the tables can mark significant differences from the stored data alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from adrbench.errors import AdrbenchError
from adrbench.jsonl import read_records
from adrbench.records import PairPrediction, VideoPrediction
from adrbench.runner import load_task_data
from adrbench.runs import CONFIG_FILE, PREDICTIONS_FILE, RunConfig
from adrbench.scoring import paired_test

ALPHA = 0.05
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
            tests[metric] = paired_test(
                data, preds, baseline, metric, config.split, n_bootstrap=n_bootstrap, seed=config.seed
            )
        except AdrbenchError:
            continue  # the metric does not apply to one of the two (e.g. text of a score-only model)
    return {
        "baseline": base.model,
        "baseline_config_hash": base.config_hash(),
        "alpha": ALPHA,
        "tests": tests,
    }


def significant(paired: dict[str, Any] | None, metric: str) -> bool:
    """Whether the stored paired test of `metric` rejects 'no difference from the baseline' at ALPHA."""
    paired = paired or {}
    test = paired.get("tests", {}).get(metric)
    return bool(test) and test.get("p_value") is not None and test["p_value"] < paired.get("alpha", ALPHA)
