"""Submit a predictions file as a leaderboard entry: validate, score, write atomically, regenerate the tables.

Scoring is `adrbench.evaluate.evaluate`, as for `run` and `score`: the same files give the same metrics.json,
ADR protocols included (the (B,A) file, optional, adds ordering in both presentation orders). Nothing on disk
changes unless every step before the final rename succeeded: the entry is built in a hidden staging folder next
to its destination and moved into place with one rename.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from adrbench.atomic import staged_dir
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.evaluate import evaluate
from adrbench.jsonl import write_json, write_records
from adrbench.leaderboard.entries import PAIRED_FILE, Entry, check_metrics, leaderboard_entries
from adrbench.leaderboard.generate import generated_files, write_generated
from adrbench.leaderboard.significance import paired_against_mean
from adrbench.leaderboard.validate import MAX_BYTES, check_meta, check_name, read_predictions
from adrbench.models.base import ALL_OUTPUTS, Output
from adrbench.records import PairPrediction, Prediction
from adrbench.runs import PREDICTIONS_FILE, SWAPPED_FILE

SUBMISSION_SCHEMA = "adrbench.submission/1"
#: Scores (data, predictions): a stand-in for `evaluate` in tests of the submission mechanics.
Scorer = Callable[[Dataset, list[Prediction]], Any]


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
    swapped: Path | None = None,
    outputs: Iterable[Output] = ALL_OUTPUTS,
    dataset: Dataset | None = None,
    scorer: Scorer | None = None,
    max_bytes: int = MAX_BYTES,
) -> Path:
    """Validate `predictions` (and the optional (B,A) file `swapped`) against `task`'s test split, score them
    with `evaluate` (`outputs`: what the model produces), add them as leaderboards/measured/<task>/<name>/ and
    regenerate leaderboards/generated/; paired.json holds the paired tests against the `mean` baseline (as a stored
run's does). Returns the entry folder; any bad input raises DataError first."""
    predictions = Path(predictions)
    check_name(name, predictions)
    meta = check_meta(dict(meta), predictions)
    data = dataset if dataset is not None else _load_dataset(task, data_root, predictions)
    if data.task != task:
        raise DataError(predictions, f"dataset is for task {data.task!r}, not {task!r}", field="task")
    if swapped is not None and data.unit != "pair":
        raise DataError(swapped, f"a (B,A) file is for pair tasks; {task!r} scores videos", field="swapped")
    preds = read_predictions(predictions, data, "test", max_bytes)
    twin = read_predictions(swapped, data, "test", max_bytes, swapped=True) if swapped is not None else []
    outputs = frozenset(outputs)
    target = leaderboard_dir / "measured" / task / name
    taken = {p.name.lower() for p in target.parent.iterdir()} if target.parent.is_dir() else set()
    if name.lower() in taken:
        raise DataError(
            target,
            "a leaderboard entry of this name (ignoring case) exists already",
            field="name",
            hint="choose another --name",
        )
    paired = None
    if scorer is not None:
        scored = scorer(data, preds)
    else:
        pairs: list[PairPrediction] = twin  # type: ignore[assignment]
        scored = evaluate(data, preds, "test", swapped=pairs, outputs=outputs)
        paired = paired_against_mean(data, preds)  # the `*` of the tables, as for stored runs
    metrics = check_metrics(predictions, scored)
    info = {
        "schema": SUBMISSION_SCHEMA,
        "name": name,
        "task": task,
        "split": "test",
        "meta": meta,
        "outputs": sorted(outputs),
        "n_predictions": len(preds),
        "predictions_sha256": hashlib.sha256(predictions.read_bytes()).hexdigest(),
    }
    if swapped is not None:
        info["swapped_sha256"] = hashlib.sha256(swapped.read_bytes()).hexdigest()
    entry = Entry(name, task, "submission", target, metrics, info, paired)
    # Render everything before touching the disk, so a broken entry elsewhere aborts with no change.
    files = generated_files(leaderboard_dir, leaderboard_entries(leaderboard_dir) + [entry])
    created = [p for p in (target.parent, target.parent.parent) if not p.exists()]
    try:
        with staged_dir(target) as staging:
            write_records(staging / PREDICTIONS_FILE, preds)
            if swapped is not None:
                write_records(staging / SWAPPED_FILE, twin)
            write_json(staging / "metrics.json", metrics)
            write_json(staging / "submission.json", info)
            if paired is not None:
                write_json(staging / PAIRED_FILE, paired)
    except BaseException:
        for folder in sorted(created, key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    write_generated(leaderboard_dir, files)
    return target
