"""Task-aware scoring: predictions + a Dataset → the metrics.json object (values, 95% CIs, n, signatures).

Failure policy (stated in every metrics.json): a score metric is computed on the answered items only, and
its coverage is reported; a missing or failed description is scored as the empty string (it counts as 0,
it is never dropped); every failed field is counted in "failures". ADR score metrics pool both sides of
every pair (item = (pair, side), truth = that video's score); bootstrap resamples videos, since pairs share
videos (a pair's weight is the product of its two videos' draw counts).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from adrbench.dataset import Dataset
from adrbench.errors import AdrbenchError, ConfigError
from adrbench.metrics import TEXT_KEYS, cluster_weights, text_item_scores, text_stats
from adrbench.metrics.entry import metric_entry
from adrbench.metrics.metric import F1Metric, RelativeL2Metric, SpearmanMetric
from adrbench.metrics.suite import TEXT_METRICS
from adrbench.metrics.uncertainty import paired_bootstrap, percentile_ci
from adrbench.records import PairPrediction, Prediction, VideoPrediction, prediction_id

SCHEMA = "adrbench.metrics/1"
POLICY = (
    "score metrics on answered items only (coverage reported); missing or failed descriptions scored as the "
    "empty string (0, never dropped); failures counted per field"
)
SCORE_KEYS = ("spearman", "relative_l2", "relative_l2_unsquared")


@dataclass
class _Items:
    """Scored items of one kind (score sides, descriptions, labels): the item each comes from and its clusters."""

    ids: list[str] = field(default_factory=list)  # the evaluation item (pair or video id) it belongs to
    clusters: list[tuple[str, ...]] = field(default_factory=list)  # cluster ids it belongs to

    def add(self, item_id: str, clusters: tuple[str, ...]) -> None:
        self.ids.append(item_id)
        self.clusters.append(clusters)

    def select(self, members: set[str] | None) -> np.ndarray:
        """Indices of the items that belong to `members` (all when None)."""
        if members is None:
            return np.arange(len(self.ids), dtype=np.int64)
        return np.asarray([i for i, x in enumerate(self.ids) if x in members], dtype=np.int64)


def _weights(
    kinds: Sequence[tuple[_Items, np.ndarray]], n_bootstrap: int, seed: int
) -> list[np.ndarray | None]:
    """One cluster draw shared by several kinds of items of a subset, split back per kind."""
    clusters = [kind.clusters[i] for kind, idx in kinds for i in idx]
    if n_bootstrap <= 0 or not clusters:
        return [None] * len(kinds)
    w = cluster_weights(clusters, n_bootstrap, seed, dtype=np.float64)  # float once, for every metric
    out: list[np.ndarray | None] = []
    start = 0
    for _, idx in kinds:
        out.append(w[:, start : start + len(idx)])
        start += len(idx)
    return out


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


ScoreMetric = SpearmanMetric | RelativeL2Metric | F1Metric


def _entry(
    metric: ScoreMetric,
    truth: np.ndarray,
    pred: np.ndarray,
    weights: np.ndarray | None,
    boot: dict[str, str | int | None],
) -> dict:
    """One metric entry: value on all items, percentile CI over the resamples, n and signature."""
    n = len(truth)
    if n == 0:
        return metric_entry(None, None, 0, metric.signature(), metric.higher_is_better)
    value = _finite(float(metric.weighted(truth, pred, np.ones((1, n), dtype=np.int64))[0]))
    ci = None
    if weights is not None and value is not None:
        ci = percentile_ci(metric.weighted(truth, pred, weights))
    sig = metric.signature().with_fields(**boot)
    return metric_entry(value, ci, n, sig, metric.higher_is_better)


def _text_entries(
    per_item: dict[str, np.ndarray], idx: np.ndarray, weights: np.ndarray | None, boot: dict
) -> dict:
    """Entries of every text metric (means of per-item scores), bootstrapped with one matrix product."""
    n = len(idx)
    if n == 0:
        return {
            key: metric_entry(
                None, None, 0, TEXT_METRICS[key].signature(), TEXT_METRICS[key].higher_is_better
            )
            for key in TEXT_KEYS
        }
    values = np.stack([per_item[key][idx] for key in TEXT_KEYS], axis=1)  # n × metrics
    boot_values = None
    if weights is not None:
        with np.errstate(invalid="ignore", divide="ignore"):  # a resample may draw none of the items: NaN
            boot_values = (weights @ values) / weights.sum(axis=1)[:, None]
    out = {}
    for j, key in enumerate(TEXT_KEYS):
        metric = TEXT_METRICS[key]
        interval = percentile_ci(boot_values[:, j]) if boot_values is not None else None
        sig = metric.signature().with_fields(**boot)
        out[key] = metric_entry(float(np.mean(values[:, j])), interval, n, sig, metric.higher_is_better)
    return out


def _mean_stat(values: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    def stat(w: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):  # a resample may draw none of the items: NaN
            return (w @ values) / w.sum(axis=1)

    return stat


def _score_metrics(range_over: str) -> dict[str, ScoreMetric]:
    """metrics.json key → metric object of the score metrics, the R-ℓ2 range taken over `range_over`."""
    return {
        "spearman": SpearmanMetric(),
        "relative_l2": RelativeL2Metric(True, range_over),
        "relative_l2_unsquared": RelativeL2Metric(False, range_over),
    }


def _score_entries(
    truth: np.ndarray, pred: np.ndarray, weights: np.ndarray | None, boot: dict, range_over: str
) -> dict[str, dict]:
    return {key: _entry(m, truth, pred, weights, boot) for key, m in _score_metrics(range_over).items()}


def _boot_fields(n_bootstrap: int, seed: int, resample: str) -> dict[str, str | int | None]:
    if n_bootstrap <= 0:
        return {}
    return {"ci": "percentile-95", "bs": n_bootstrap, "rs": seed, "resample": resample}


P = TypeVar("P", PairPrediction, VideoPrediction)


def _index(predictions: Sequence[Prediction], kind: type[P]) -> dict[str, P]:
    by_id: dict[str, P] = {}
    for pred in predictions:
        if not isinstance(pred, kind):
            raise ConfigError(
                f"prediction {prediction_id(pred)!r} is a {type(pred).__name__}, expected {kind.__name__}"
            )
        pid = prediction_id(pred)
        if pid in by_id:
            raise AdrbenchError(f"two predictions for item {pid!r}; keep one per item")
        by_id[pid] = pred
    return by_id


def _subsets(records: Sequence) -> list[tuple[str | None, str | None, set[str] | None]]:
    """(grouping, name, member item ids): the whole set, then each category and each group, sorted by name."""
    out: list[tuple[str | None, str | None, set[str] | None]] = [(None, None, None)]
    for grouping in ("category", "group"):
        for name in sorted({getattr(r, grouping) for r in records}):
            out.append((grouping, name, {r.id for r in records if getattr(r, grouping) == name}))
    return out


def _place(result: dict, grouping: str | None, name: str | None, n_items: int, metrics: dict) -> None:
    if grouping is None:
        result["metrics"].update(metrics)
    else:
        slot = result["groups"][grouping].setdefault(name, {"n_items": n_items, "metrics": {}})
        slot["metrics"].update(metrics)


NOT_APPLICABLE = "not applicable"


def _pair_scores(
    dataset: Dataset, split: str, by_id: dict, n_bootstrap: int, seed: int, result: dict, describes: bool
) -> None:
    pairs = dataset.pair_items(split)
    failures = result["failures"]["by_field"]
    sides, texts = _Items(), _Items()
    truth: list[float] = []
    pred: list[float] = []
    hyps: list[str] = []
    refs: list[str] = []
    failed: set[str] = set()
    n_sides = 0
    if not describes:
        result["failures"]["text"] = NOT_APPLICABLE
    for pair in pairs:
        p = by_id.get(pair.id)
        if p is None:
            failed.add(pair.id)
        for vid, value in (
            (pair.video_1, p.score_1 if p else None),
            (pair.video_2, p.score_2 if p else None),
        ):
            gt = dataset.videos[vid].score
            if gt is None:
                continue
            n_sides += 1
            if value is None or not math.isfinite(value):
                failures["score"] += 1
                failed.add(pair.id)
                continue
            sides.add(pair.id, (vid,))
            truth.append(gt)
            pred.append(float(value))
        if pair.description is None or not describes:
            continue
        if p is None or p.description is None:
            failures["description"] += 1
            failed.add(pair.id)
        texts.add(pair.id, (pair.video_1, pair.video_2))
        hyps.append((p.description if p else None) or "")
        refs.append(pair.description)
    result["n_failed"] = len(failed)
    result["failures"]["coverage"] = {"score": len(truth) / n_sides if n_sides else None}
    per_item = text_item_scores(text_stats(hyps, refs)) if hyps else {}
    t_arr, p_arr = np.asarray(truth, dtype=np.float64), np.asarray(pred, dtype=np.float64)
    boot = _boot_fields(n_bootstrap, seed, "video-cluster")
    for grouping, name, members in _subsets(pairs):
        s_idx, t_idx = sides.select(members), texts.select(members)
        w_s, w_t = _weights([(sides, s_idx), (texts, t_idx)], n_bootstrap, seed)
        range_over = "gt-pooled" if grouping is None else f"gt-per-{grouping}"
        metrics = _score_entries(t_arr[s_idx], p_arr[s_idx], w_s, boot, range_over)
        metrics.update(_text_entries(per_item, t_idx, w_t, boot))
        _place(result, grouping, name, len(members) if members is not None else len(pairs), metrics)


def _video_scores(
    dataset: Dataset, split: str, by_id: dict, n_bootstrap: int, seed: int, result: dict
) -> None:
    videos = dataset.video_items(split)
    failures = result["failures"]["by_field"]
    failed: set[str] = set()
    scored = _Items()
    truth: list[float] = []
    pred: list[float] = []
    n_with_score = 0
    labelled: dict[str, tuple[_Items, list[int], list[int]]] = {
        n: (_Items(), [], []) for n in dataset.label_names
    }
    for video in videos:
        p = by_id.get(video.id)
        if p is None:
            failed.add(video.id)
        if video.score is not None:
            n_with_score += 1
            if p is None or p.score is None or not math.isfinite(p.score):
                failures["score"] += 1
                failed.add(video.id)
            else:
                scored.add(video.id, (video.id,))
                truth.append(video.score)
                pred.append(float(p.score))
        for label_name, (items, t, q) in labelled.items():
            if label_name not in video.labels:
                continue
            if p is None or label_name not in p.labels:
                failures["labels"] += 1
                failed.add(video.id)
                continue
            items.add(video.id, (video.id,))
            t.append(video.labels[label_name])
            q.append(p.labels[label_name])
    result["n_failed"] = len(failed)
    coverage: dict[str, float | None] = {"score": len(truth) / n_with_score} if n_with_score else {}
    for label_name, (items, _, _) in labelled.items():
        n_gt = sum(1 for v in videos if label_name in v.labels)
        coverage[f"labels:{label_name}"] = len(items.ids) / n_gt if n_gt else None
    result["failures"]["coverage"] = coverage
    boot = _boot_fields(n_bootstrap, seed, "item")
    t_arr, p_arr = np.asarray(truth, dtype=np.float64), np.asarray(pred, dtype=np.float64)
    for grouping, name, members in _subsets(videos):
        metrics: dict[str, dict] = {}
        if n_with_score:
            idx = scored.select(members)
            (w,) = _weights([(scored, idx)], n_bootstrap, seed)
            range_over = "gt-pooled" if grouping is None else f"gt-per-{grouping}"
            metrics.update(_score_entries(t_arr[idx], p_arr[idx], w, boot, range_over))
        for label, (items, t, q) in labelled.items():
            idx = items.select(members)
            tl, ql = np.asarray(t, dtype=np.int64)[idx], np.asarray(q, dtype=np.int64)[idx]
            (w,) = _weights([(items, idx)], n_bootstrap, seed)
            metrics[f"f1_{label}"] = _entry(F1Metric(label), tl, ql, w, boot)
        _place(result, grouping, name, len(members) if members is not None else len(videos), metrics)


def score_predictions(
    dataset: Dataset,
    predictions: Sequence[Prediction],
    split: str = "test",
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    describes: bool = True,
) -> dict:
    """Score a model's predictions on a split: the metrics.json object (deterministic for fixed inputs).

    `describes=False`: the predictions come from a score-only model (`Model.outputs` without "text"), so the
    text metrics are not applicable rather than failed zeros."""
    if split not in dataset.splits:
        raise ConfigError(
            f"task {dataset.task!r} has no split {split!r}; it has {', '.join(sorted(dataset.splits))}"
        )
    pair_task = dataset.unit == "pair"
    by_field = {"score": 0, "description": 0} if pair_task else {"score": 0, "labels": 0}
    result: dict = {
        "schema": SCHEMA,
        "task": dataset.task,
        "split": split,
        "n_items": len(dataset.splits[split]),
        "n_failed": 0,
        "failures": {"policy": POLICY, "by_field": by_field},
        "metrics": {},
        "groups": {"category": {}, "group": {}},
    }
    if pair_task:
        by_id = _index(predictions, PairPrediction)
        _pair_scores(dataset, split, by_id, n_bootstrap, seed, result, describes)
    else:
        _video_scores(dataset, split, _index(predictions, VideoPrediction), n_bootstrap, seed, result)
    return result


def _paired_inputs(
    dataset: Dataset, split: str, preds: Sequence[Prediction], metric: str
) -> tuple[dict[str, float | str | int], dict[str, tuple[str, ...]]]:
    """Per-item answers of one system for `metric`: item key → value, and each item's cluster ids."""
    out: dict[str, float | str | int] = {}
    clusters: dict[str, tuple[str, ...]] = {}
    if dataset.unit == "pair":
        by_id = _index(preds, PairPrediction)
        for pair in dataset.pair_items(split):
            p = by_id.get(pair.id)
            if metric in TEXT_KEYS:
                if pair.description is not None:
                    out[pair.id] = (p.description if p is not None else None) or ""
                    clusters[pair.id] = (pair.video_1, pair.video_2)
                continue
            for side, vid in ((1, pair.video_1), (2, pair.video_2)):
                value = getattr(p, f"score_{side}") if p is not None else None
                if value is not None and dataset.videos[vid].score is not None:
                    out[f"{pair.id}#{side}"] = float(value)
                    clusters[f"{pair.id}#{side}"] = (vid,)
        return out, clusters
    by_vid = _index(preds, VideoPrediction)
    label = metric[3:] if metric.startswith("f1_") else None
    for video in dataset.video_items(split):
        vp = by_vid.get(video.id)
        if vp is None:
            continue
        if label is not None and label in video.labels and label in vp.labels:
            out[video.id] = vp.labels[label]
        elif label is None and vp.score is not None and video.score is not None:
            out[video.id] = float(vp.score)
        else:
            continue
        clusters[video.id] = (video.id,)
    return out, clusters


def _truth(dataset: Dataset, key: str, metric: str) -> float | str | int:
    if dataset.unit == "pair":
        if metric in TEXT_KEYS:
            return dataset.pairs[key].description or ""
        pair_id, side = key.rsplit("#", 1)
        pair = dataset.pairs[pair_id]
        return dataset.videos[pair.video_1 if side == "1" else pair.video_2].score  # type: ignore[return-value]
    video = dataset.videos[key]
    return video.labels[metric[3:]] if metric.startswith("f1_") else video.score  # type: ignore[return-value]


def _statistic(metric: str, truth: list, answers: list) -> Callable[[np.ndarray], np.ndarray]:
    if metric in TEXT_KEYS:
        return _mean_stat(text_item_scores(text_stats(answers, truth))[metric])
    t, p = np.asarray(truth, dtype=np.float64), np.asarray(answers, dtype=np.float64)
    found = _score_metrics("gt-pooled").get(metric) or (
        F1Metric(metric[3:]) if metric.startswith("f1_") else None
    )
    if found is None:
        known = ", ".join((*SCORE_KEYS, *TEXT_KEYS))
        raise ConfigError(f"unknown metric {metric!r}; known: {known}, f1_<label>")
    return lambda w: found.weighted(t, p, w)


def paired_test(
    dataset: Dataset,
    preds_a: Sequence[Prediction],
    preds_b: Sequence[Prediction],
    metric: str,
    split: str = "test",
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> dict:
    """Paired bootstrap test of system A against system B on `metric` (A − B), on the items both answered.

    Text metrics use every pair (a missing description is the empty string); resampling is by video cluster.
    """
    if split not in dataset.splits:
        raise ConfigError(f"task {dataset.task!r} has no split {split!r}")
    a, clusters = _paired_inputs(dataset, split, preds_a, metric)
    b, _ = _paired_inputs(dataset, split, preds_b, metric)
    keys = [k for k in a if k in b]
    if not keys:
        raise AdrbenchError(f"no item has an answer from both systems for {metric!r}")
    truth = [_truth(dataset, k, metric) for k in keys]
    stat_a = _statistic(metric, truth, [a[k] for k in keys])
    stat_b = _statistic(metric, truth, [b[k] for k in keys])
    weights = cluster_weights([clusters[k] for k in keys], n_bootstrap, seed)
    res = paired_bootstrap(stat_a, stat_b, len(keys), metric, n_bootstrap, seed, weights=weights)
    out = res.as_dict()
    out["resample"] = "video-cluster" if dataset.unit == "pair" else "item"
    return {k: (_finite(v) if isinstance(v, float) else v) for k, v in out.items()}
