"""Submit a predictions file as a leaderboard entry: validate, score, write atomically, regenerate the tables.

Nothing on disk changes unless every step before the final rename succeeded: the entry is built in a hidden
staging folder next to its destination and moved into place with one rename.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from adrbench.atomic import staged_dir
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.jsonl import write_json, write_records
from adrbench.leaderboard.entries import Entry, check_metrics, leaderboard_entries
from adrbench.leaderboard.generate import generated_files, write_generated
from adrbench.leaderboard.validate import MAX_BYTES, check_meta, check_name, read_predictions
from adrbench.records import Prediction

SUBMISSION_SCHEMA = "adrbench.submission/1"
Scorer = Callable[[Dataset, list[Prediction]], Any]


def default_scorer(dataset: Dataset, predictions: list[Prediction]) -> dict[str, Any]:
    """adrbench.scoring.score_predictions on the test split, as a plain metrics.json object."""
    scoring = import_module("adrbench.scoring")
    result = scoring.score_predictions(dataset, predictions, split="test")
    return result.model_dump(mode="json") if hasattr(result, "model_dump") else dict(result)


def _load_dataset(task: str, data_root: Path | None, where: Path) -> Dataset:
    from adrbench.tasks.registry import TASKS, get_task

    if task not in TASKS:
        raise DataError(where, f"unknown task {task!r}; known: {', '.join(TASKS)}", field="task")
    return get_task(task).load(data_root)


def submit(
    task: str,
    predictions: Path,
    name: str,
    meta: dict[str, Any],
    leaderboard_dir: Path,
    data_root: Path | None = None,
    *,
    dataset: Dataset | None = None,
    scorer: Scorer | None = None,
    max_bytes: int = MAX_BYTES,
) -> Path:
    """Validate `predictions` against `task`'s test split, score it, add it as leaderboards/measured/<task>/<name>/
    and regenerate leaderboards/generated/. Returns the entry folder; any bad input raises DataError first."""
    predictions = Path(predictions)
    check_name(name, predictions)
    meta = check_meta(dict(meta), predictions)
    data = dataset if dataset is not None else _load_dataset(task, data_root, predictions)
    if data.task != task:
        raise DataError(predictions, f"dataset is for task {data.task!r}, not {task!r}", field="task")
    preds = read_predictions(predictions, data, "test", max_bytes)
    target = leaderboard_dir / "measured" / task / name
    taken = {p.name.lower() for p in target.parent.iterdir()} if target.parent.is_dir() else set()
    if name.lower() in taken:
        raise DataError(
            target,
            "a leaderboard entry of this name (ignoring case) exists already",
            field="name",
            hint="choose another --name",
        )
    metrics = check_metrics(predictions, (scorer or default_scorer)(data, preds))
    digest = hashlib.sha256(predictions.read_bytes()).hexdigest()
    info = {
        "schema": SUBMISSION_SCHEMA,
        "name": name,
        "task": task,
        "split": "test",
        "meta": meta,
        "n_predictions": len(preds),
        "predictions_sha256": digest,
    }
    entry = Entry(name, task, "submission", target, metrics, info)
    # Render everything before touching the disk, so a broken entry elsewhere aborts with no change.
    files = generated_files(leaderboard_dir, leaderboard_entries(leaderboard_dir) + [entry])
    created = [p for p in (target.parent, target.parent.parent) if not p.exists()]
    try:
        with staged_dir(target) as staging:
            write_records(staging / "predictions.jsonl", preds)
            write_json(staging / "metrics.json", metrics)
            write_json(staging / "submission.json", info)
    except BaseException:
        for folder in sorted(created, key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    write_generated(leaderboard_dir, files)
    return target
