"""Check a predictions file against a task's test split before anything is scored or written.

Every rule names the file, the line and the field on failure: every id exactly once, no unknown id, JSON numbers
(finite, in the task's score range) where numbers are due, strings where text is due, size limits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ConfigDict

from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.jsonl import dumps, iter_records
from adrbench.records import PairPrediction, Prediction, VideoPrediction, prediction_id

MAX_BYTES = 64 * 1024 * 1024
MAX_TEXT_CHARS = 20_000
MAX_META_CHARS = 4_000
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
META_KEY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,39}")
MAX_META_ITEMS = 32
MAX_META_VALUE = 500


class StrictPairPrediction(PairPrediction):
    """A submitted ADR prediction: JSON numbers only (no "3.5" strings), no NaN/Infinity, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class StrictVideoPrediction(VideoPrediction):
    """A submitted per-video prediction, with the same strictness."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


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
    if pred.swapped:
        raise DataError(
            path,
            "submissions give score_1/score_2 in the pair's own order",
            line=line,
            field="swapped",
            hint="set swapped to false",
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


def read_predictions(
    path: Path, data: Dataset, split: str = "test", max_bytes: int = MAX_BYTES
) -> list[Prediction]:
    """The predictions of `path`, checked against `data`'s `split`: each item exactly once, nothing else."""
    path = Path(path)
    if split not in data.splits:
        raise DataError(path, f"task {data.task!r} has no {split!r} split")
    text = _read_text(path, max_bytes)
    lines = [n for n, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1) if line.strip()]
    expected = data.splits[split]
    wanted = set(expected)
    id_field = "pair_id" if data.unit == "pair" else "video_id"
    record: type[PairPrediction | VideoPrediction] = (
        StrictPairPrediction if data.unit == "pair" else StrictVideoPrediction
    )
    seen: dict[str, int] = {}
    out: list[Prediction] = []
    for line, pred in zip(lines, iter_records(path, record), strict=False):
        item = prediction_id(pred)
        if item not in wanted:
            raise DataError(
                path, f"unknown id {item!r}: not an item of the {split} split", line=line, field=id_field
            )
        if item in seen:
            raise DataError(
                path, f"id {item!r} appears twice (first on line {seen[item]})", line=line, field=id_field
            )
        seen[item] = line
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
        out.append(pred)
    if not out:
        raise DataError(path, "no predictions in the file")
    missing = [i for i in expected if i not in seen]
    if missing:
        raise DataError(
            path,
            f"{len(missing)} item(s) of the {split} split have no prediction, first {missing[0]!r}",
            field=id_field,
            hint="give one line per item, null for a value the model failed on",
        )
    return out
