"""The one reader of predictions files, strict, used by `run` (resume and scoring), `score` and `submit`.

A line is a JSON object of the task's prediction record with JSON types only (no "3.5" strings for numbers, no
NaN or Infinity, no unknown field); its id is an item of the split, at most once in the file; its `swapped`
flag says which presentation the file holds ((A,B): false, the (B,A) twin: true). A bad line raises DataError
naming the file, the line and the field. Whether every item must be there is the caller's rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ConfigDict

from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.jsonl import iter_numbered
from adrbench.records import PairPrediction, Prediction, VideoPrediction, prediction_id

#: A further rule on one prediction: (file, line, prediction); raises DataError.
LineCheck = Callable[[Path, int, Prediction], None]


class StrictPairPrediction(PairPrediction):
    """An ADR prediction as read from a file: JSON numbers only, no NaN/Infinity, no unknown fields."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class StrictVideoPrediction(VideoPrediction):
    """A per-video prediction as read from a file, with the same strictness."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def record_type(data: Dataset) -> type[StrictPairPrediction] | type[StrictVideoPrediction]:
    """The strict prediction record of the task's unit."""
    return StrictPairPrediction if data.unit == "pair" else StrictVideoPrediction


def read_predictions(
    path: str | Path,
    data: Dataset,
    split: str = "test",
    *,
    swapped: bool = False,
    check: LineCheck | None = None,
) -> list[Prediction]:
    """The predictions of `path` for `data`'s `split`, read strictly (see the module docstring), in file order.

    `swapped=True` reads a (B,A) file (predictions mapped back to the pair's order, `swapped: true`); `check`
    adds a rule per line (e.g. the leaderboard's size and range limits)."""
    path = Path(path)
    if split not in data.splits:
        raise DataError(path, f"task {data.task!r} has no {split!r} split")
    wanted = set(data.splits[split])
    id_field = "pair_id" if data.unit == "pair" else "video_id"
    seen: dict[str, int] = {}
    out: list[Prediction] = []
    for line, pred in iter_numbered(path, record_type(data)):
        item = prediction_id(pred)
        if item not in wanted:
            raise DataError(
                path, f"unknown id {item!r}: not an item of the {split} split", line=line, field=id_field
            )
        if item in seen:
            raise DataError(
                path, f"id {item!r} appears twice (first on line {seen[item]})", line=line, field=id_field
            )
        if isinstance(pred, PairPrediction) and pred.swapped != swapped:
            order = "(B,A) file: swapped is true" if swapped else "(A,B) file: swapped is false"
            raise DataError(path, f"in a {order} on every line", line=line, field="swapped")
        seen[item] = line
        if check is not None:
            check(path, line, pred)
        out.append(pred)
    return out


@dataclass(frozen=True)
class Coverage:
    """How much of a split a predictions file answers: `n_predicted` of its `n_items`, and whether those are its
    first items (what `run --limit N` writes)."""

    path: Path
    n_predicted: int
    n_items: int
    first: bool

    @property
    def complete(self) -> bool:
        return self.n_predicted == self.n_items


def coverage(
    path: str | Path, predictions: Sequence[Prediction], data: Dataset, split: str = "test"
) -> Coverage:
    """The coverage of `predictions` (read from `path` by `read_predictions`) on `data`'s `split`."""
    ids = data.splits[split]
    found = {prediction_id(p) for p in predictions}
    return Coverage(Path(path), len(found), len(ids), found == set(ids[: len(found)]))
