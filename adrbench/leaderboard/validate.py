"""Check a submitted predictions file against a task's test split before anything is scored or written.

Every rule names the file, the line and the field on failure. The file is read by adrbench.predictions (the
reader of `run` and `score`: JSON types, no unknown id, each id at most once); a submission must also give
every id, scores in the task's score range, and stay within the size limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.jsonl import dumps
from adrbench.predictions import read_predictions as read_strict
from adrbench.records import PairPrediction, Prediction, VideoPrediction, prediction_id

MAX_BYTES = 64 * 1024 * 1024
MAX_TEXT_CHARS = 20_000
MAX_META_CHARS = 4_000
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
META_KEY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")
MAX_META_ITEMS = 32
MAX_META_VALUE = 500


def check_name(name: str, where: Path) -> str:
    """A leaderboard entry name that stays one plain folder name inside leaderboards/measured/<task>/."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name) or ".." in name:
        raise DataError(
            where,
            f"entry name {name!r} is not allowed",
            field="name",
            hint="1-64 characters: letters, digits, '.', '_', '-'; start with a letter or digit; no '..'",
        )
    return name


def check_meta(meta: dict[str, Any], where: Path) -> dict[str, str]:
    """Submission metadata: at most 32 short string values under simple keys."""
    if len(meta) > MAX_META_ITEMS:
        raise DataError(where, f"at most {MAX_META_ITEMS} meta items", field="meta")
    for key, value in meta.items():
        if not isinstance(key, str) or not META_KEY_PATTERN.fullmatch(key):
            raise DataError(
                where,
                f"meta key {key!r} is not allowed",
                field="meta",
                hint="letters, digits, '_', '.', '-', starting with a letter, up to 40 characters",
            )
        if not isinstance(value, str) or len(value) > MAX_META_VALUE or "\x00" in value:
            raise DataError(
                where,
                f"meta value of {key!r} must be a string of at most {MAX_META_VALUE} characters",
                field=f"meta.{key}",
            )
    return {k: meta[k] for k in sorted(meta)}


def _read_text(path: Path, max_bytes: int) -> str:
    if not path.is_file():
        raise DataError(path, "not a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise DataError(path, f"file is {size} bytes, over the limit of {max_bytes}")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(path, "not UTF-8 text", line=raw[: exc.start].count(b"\n") + 1) from None


def _in_range(
    path: Path, line: int, field: str, value: float | None, bounds: tuple[float, float] | None
) -> None:
    if value is None or bounds is None:
        return
    if not bounds[0] <= value <= bounds[1]:
        raise DataError(
            path,
            f"{value} is outside the task's score range [{bounds[0]}, {bounds[1]}]",
            line=line,
            field=field,
        )


def _check_pair(path: Path, line: int, pred: PairPrediction, data: Dataset) -> None:
    _in_range(path, line, "score_1", pred.score_1, data.score_range)
    _in_range(path, line, "score_2", pred.score_2, data.score_range)
    if pred.description is not None and len(pred.description) > MAX_TEXT_CHARS:
        raise DataError(
            path, f"description longer than {MAX_TEXT_CHARS} characters", line=line, field="description"
        )


def _check_video(path: Path, line: int, pred: VideoPrediction, data: Dataset) -> None:
    _in_range(path, line, "score", pred.score, data.score_range)
    for label, value in pred.labels.items():
        if label not in data.label_names:
            raise DataError(
                path,
                f"unknown label; known: {', '.join(data.label_names) or 'none'}",
                line=line,
                field=f"labels.{label}",
            )
        if value not in (0, 1):
            raise DataError(path, "a label is 0 (no error) or 1 (error)", line=line, field=f"labels.{label}")


def _check_line(data: Dataset) -> Callable[[Path, int, Prediction], None]:
    """The submission's rules on one prediction: meta size, score range, description length, labels."""

    def check(path: Path, line: int, pred: Prediction) -> None:
        try:
            meta_size = len(dumps(pred.meta))
        except ValueError:
            raise DataError(
                path, "meta holds a value JSON cannot carry (NaN or Infinity)", line=line, field="meta"
            ) from None
        if meta_size > MAX_META_CHARS:
            raise DataError(path, f"meta larger than {MAX_META_CHARS} characters", line=line, field="meta")
        if isinstance(pred, PairPrediction):
            _check_pair(path, line, pred, data)
        else:
            _check_video(path, line, pred, data)

    return check


def read_predictions(
    path: Path, data: Dataset, split: str = "test", max_bytes: int = MAX_BYTES, *, swapped: bool = False
) -> list[Prediction]:
    """The predictions of `path`, checked against `data`'s `split`: each item exactly once, nothing else.

    `swapped=True` reads the optional (B,A) file (as `run` writes predictions_ba.jsonl)."""
    path = Path(path)
    if split not in data.splits:
        raise DataError(path, f"task {data.task!r} has no {split!r} split")
    _read_text(path, max_bytes)
    out = read_strict(path, data, split, swapped=swapped, check=_check_line(data))
    if not out:
        raise DataError(path, "no predictions in the file")
    seen = {prediction_id(p) for p in out}
    missing = [i for i in data.splits[split] if i not in seen]
    if missing:
        id_field = "pair_id" if data.unit == "pair" else "video_id"
        raise DataError(
            path,
            f"{len(missing)} item(s) of the {split} split have no prediction, first {missing[0]!r}",
            field=id_field,
            hint="give one line per item, null for a value the model failed on",
        )
    return out
