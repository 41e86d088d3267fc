"""Predicted-vs-true figures for entries that kept their predictions: load each task's data once, then draw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adrbench.jsonl import read_records
from adrbench.leaderboard.entries import Entry
from adrbench.leaderboard.figures import predicted_vs_true
from adrbench.records import PairPrediction, Prediction, VideoPrediction


def _load_args(entry: Entry) -> tuple[str | None, int, tuple[tuple[str, str], ...]]:
    """(data_root, seed, task_args) the entry's data was loaded with: a run's config, or the defaults."""
    spec: dict[str, Any] = entry.meta.get("config", entry.meta) if entry.source == "run" else {}
    args = spec.get("task_args") or {}
    return (
        spec.get("data_root"),
        int(spec.get("seed", 0) or 0),
        tuple(sorted((str(k), str(v)) for k, v in args.items())),
    )


def scatter_figures(entries: list[Entry], out_dir: Path) -> list[Path]:
    """One predicted-vs-true figure per task and data setting, over the entries that have predictions.jsonl."""
    from adrbench.tasks.registry import get_task

    groups: dict[tuple[str, str | None, int, tuple[tuple[str, str], ...]], dict[str, Path]] = {}
    for entry in sorted(entries, key=lambda e: (e.task, e.label)):
        path = entry.path / "predictions.jsonl"
        if not path.is_file():
            continue
        key = (entry.task, *_load_args(entry))
        groups.setdefault(key, {})[entry.label] = path
    drawn: list[Path] = []
    for (task, root, seed, args), files in sorted(groups.items(), key=lambda kv: str(kv[0])):
        task_args: dict[str, Any] = dict(args)
        data = get_task(task).load(Path(root) if root else None, seed=seed, **task_args)
        record = PairPrediction if data.unit == "pair" else VideoPrediction
        preds: dict[str, list[Prediction]] = {
            label: list(read_records(p, record)) for label, p in files.items()
        }
        stem = (
            f"{task}-predicted-vs-true"
            + (f"-seed{seed}" if seed else "")
            + ("-" + "-".join(f"{k}{v}" for k, v in args) if args else "")
        )
        drawn += predicted_vs_true(data, preds, out_dir, stem)
    return drawn
