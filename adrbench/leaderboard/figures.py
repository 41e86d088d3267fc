"""Figures from measured results (PNG + SVG): per-sport bars with 95% CI whiskers and n (†: n < 5), one bar per
model; and predicted against true scores per model.

Drawn with matplotlib's object API on an Agg canvas (no pyplot state); SVG ids are salted and dates left out so
the same metrics give the same SVG bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adrbench.atomic import replacing
from adrbench.dataset import Dataset
from adrbench.leaderboard.entries import Entry, finite, metric_at
from adrbench.leaderboard.measured import MIN_N, SMALL_MARK
from adrbench.records import PairPrediction, Prediction

SPORTS = ("soccer", "basketball", "climbing")
_LABELS = {"spearman": "Spearman ρ", "relative_l2": "R-ℓ2 (×100)"}


def _save(fig: Figure, path: Path, **kwargs: Any) -> None:
    """Save through the atomic writer, so a reader never sees half a figure."""
    with replacing(path) as tmp:
        fig.savefig(tmp, format=path.suffix[1:], **kwargs)


def sport_bars(entries: list[Entry], task: str, metric: str, out_dir: Path) -> list[Path]:
    """Draw `metric` per sport for every entry of `task`; returns the written PNG and SVG paths (none if no data)."""
    scale = 100.0 if metric.startswith("relative_l2") else 1.0
    by_label: dict[str, Entry] = {}
    for entry in sorted((e for e in entries if e.task == task), key=lambda e: (e.label, str(e.path))):
        by_label.setdefault(entry.label, entry)  # the same run given twice (stored and --runs) is drawn once
    chosen = list(by_label.values())
    series: list[tuple[str, list[float], list[tuple[float, float]], list[str]]] = []
    for entry in chosen:
        values, errors, counts = [], [], []
        for sport in SPORTS:
            found = metric_at(entry.metrics, sport, metric)
            n = found.get("n") if found else None
            counts.append("" if not isinstance(n, int) else f"n={n}" + (SMALL_MARK if n < MIN_N else ""))
            value = found.get("value") if found else None
            if not finite(value):
                values.append(float("nan"))
                errors.append((0.0, 0.0))
                continue
            values.append(value * scale)
            ci = found.get("ci95") if found else None
            if isinstance(ci, (list, tuple)) and len(ci) == 2 and all(finite(x) for x in ci):
                errors.append((max(0.0, value - ci[0]) * scale, max(0.0, ci[1] - value) * scale))
            else:
                errors.append((0.0, 0.0))
        if any(v == v for v in values):
            series.append((entry.label, values, errors, counts))
    if not series:
        return []
    with matplotlib.rc_context({"svg.hashsalt": "adrbench", "svg.fonttype": "none"}):
        fig = Figure(figsize=(max(5.0, 1.2 * len(series) + 3.0), 3.6))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        width = 0.8 / len(series)
        for i, (label, values, errors, counts) in enumerate(series):
            xs = [s + (i - (len(series) - 1) / 2) * width for s in range(len(SPORTS))]
            yerr = [[e[0] for e in errors], [e[1] for e in errors]]
            bars = ax.bar(xs, values, width, yerr=yerr, capsize=3, label=label)
            ax.bar_label(bars, labels=counts, label_type="center", fontsize=6, color="white")
        ax.set_xticks(range(len(SPORTS)), [s.title() for s in SPORTS])
        ax.set_xlim(-0.6, len(SPORTS) - 0.4)  # keep every sport on the axis, even one with no value
        ax.set_ylabel(_LABELS.get(metric, metric))
        ax.set_title(f"{task}: {_LABELS.get(metric, metric)} per sport (95% CI)")
        ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = out_dir / f"{task}-{metric}-per-sport"
        paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
        _save(fig, paths[0], dpi=120, metadata={"Software": None})
        _save(fig, paths[1], metadata={"Date": None, "Creator": None})
    return paths


def all_figures(entries: list[Entry], out_dir: Path) -> list[Path]:
    """Per-sport ρ and R-ℓ2 bars for every ADR task that has entries."""
    paths: list[Path] = []
    for task in sorted({e.task for e in entries if e.family == "adr"}):
        for metric in ("spearman", "relative_l2"):
            paths += sport_bars(entries, task, metric, out_dir)
    return paths


def _score_points(dataset: Dataset, preds: list[Prediction]) -> tuple[list[float], list[float]]:
    """(true, predicted) score pairs: both videos of a pair, or the video; failed (None) predictions left out."""
    truth: list[float] = []
    guess: list[float] = []
    for pred in preds:
        if isinstance(pred, PairPrediction):
            pair = dataset.pairs.get(pred.pair_id)
            shown = [(pair.video_1, pred.score_1), (pair.video_2, pred.score_2)] if pair else []
        else:
            shown = [(pred.video_id, pred.score)]
        for vid, value in shown:
            video = dataset.videos.get(vid)
            if video is not None and finite(video.score) and finite(value):
                truth.append(float(video.score))
                guess.append(float(value))
    return truth, guess


def predicted_vs_true(
    dataset: Dataset, predictions: dict[str, list[Prediction]], out_dir: Path, stem: str | None = None
) -> list[Path]:
    """Scatter of predicted against true scores, one colour per model, with the y = x line (PNG + SVG)."""
    series = {label: _score_points(dataset, preds) for label, preds in sorted(predictions.items())}
    series = {label: pts for label, pts in series.items() if pts[0]}
    if not series:
        return []
    with matplotlib.rc_context({"svg.hashsalt": "adrbench", "svg.fonttype": "none"}):
        fig = Figure(figsize=(4.8, 4.4))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for label, (truth, guess) in series.items():
            ax.scatter(truth, guess, s=6, alpha=0.5, label=f"{label} (n={len(truth)})")
        every = [v for truth, guess in series.values() for v in (*truth, *guess)]
        low, high = dataset.score_range or (min(every), max(every))
        ax.plot([low, high], [low, high], color="grey", linewidth=0.8, linestyle="--")
        ax.set_xlabel("true score")
        ax.set_ylabel("predicted score")
        ax.set_title(f"{dataset.task}: predicted vs true")
        ax.legend(fontsize=7, loc="best")
        fig.tight_layout()
        out_dir.mkdir(parents=True, exist_ok=True)
        base = out_dir / (stem or f"{dataset.task}-predicted-vs-true")
        paths = [base.with_suffix(".png"), base.with_suffix(".svg")]
        _save(fig, paths[0], dpi=120, metadata={"Software": None})
        _save(fig, paths[1], metadata={"Date": None, "Creator": None})
    return paths
