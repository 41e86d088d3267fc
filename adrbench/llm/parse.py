"""Reading model replies that real models write: JSON inside prose or code fences, numbers as strings,
scores out of range (clipped and counted), missing fields. Nothing is ever guessed: what cannot be read is None.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.DOTALL)
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_YES = {"yes", "y", "true", "1", "present", "error", "wrong", "incorrect"}
_NO = {"no", "n", "false", "0", "absent", "none", "correct", "ok"}


def find_json(text: str) -> dict[str, Any] | None:
    """The first JSON object in `text`: in a ``` fence, the whole text, or anywhere inside prose."""
    decoder = json.JSONDecoder()
    candidates = [m.group(1).strip() for m in _FENCE.finditer(text)] + [text.strip()]
    for candidate in candidates:
        try:
            obj = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj
    for start in (m.start() for m in re.finditer(r"\{", text)):
        try:
            obj, _ = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj
    return None


def to_number(value: Any) -> float | None:
    """A finite float from a number or from the first number in a string ("7", "7.5/10", "score: 8"); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        found = _NUMBER.search(value)
        if found is None:
            return None
        number = float(found.group(0))
    else:
        return None
    return number if math.isfinite(number) else None


def to_flag(value: Any) -> int | None:
    """1 (error present) or 0 from yes/no, true/false, 1/0 and similar; None when it says neither."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) and value in (0, 1):
        return int(value)
    if isinstance(value, str):
        word = value.strip().strip(".!").lower()
        if word in _YES:
            return 1
        if word in _NO:
            return 0
    return None


def _norm(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def _lookup(obj: dict[str, Any], aliases: tuple[str, ...]) -> Any:
    wanted = {_norm(a) for a in aliases}
    for key, value in obj.items():
        if _norm(str(key)) in wanted:
            return value
    return None


@dataclass
class Parsed:
    """Fields read from a reply, with the reading's problems: `error` (nothing usable), `missing`, `clipped`."""

    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    missing: list[str] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.error:
            out["error"] = self.error
        if self.missing:
            out["missing"] = self.missing
        if self.clipped:
            out["clipped"] = self.clipped
        return out


def _score(parsed: Parsed, name: str, raw: Any, low: float, high: float) -> None:
    number = to_number(raw)
    if number is None:
        parsed.missing.append(name)
    elif number < low or number > high:
        parsed.clipped.append(name)
        number = min(max(number, low), high)
    parsed.values[name] = number


def _finish(parsed: Parsed, fields: list[str]) -> Parsed:
    if all(parsed.values.get(f) in (None, {}) for f in fields):
        parsed.error = "no expected field in reply"
    return parsed


def parse_pair(text: str, low: float, high: float) -> Parsed:
    """ADR reply → score_1, score_2 (clipped to [low, high]) and description."""
    obj = find_json(text)
    if obj is None:
        return Parsed(error="unparseable reply")
    parsed = Parsed()
    _score(
        parsed, "score_1", _lookup(obj, ("score_1", "video_1_score", "score_video_1", "score_a")), low, high
    )
    _score(
        parsed, "score_2", _lookup(obj, ("score_2", "video_2_score", "score_video_2", "score_b")), low, high
    )
    description = _lookup(obj, ("description", "difference", "differences"))
    if isinstance(description, list) and all(isinstance(s, str) for s in description):
        description = " ".join(s.strip() for s in description)
    if isinstance(description, str) and description.strip():
        parsed.values["description"] = description.strip()
    else:
        parsed.values["description"] = None
        parsed.missing.append("description")
    return _finish(parsed, ["score_1", "score_2", "description"])


def parse_score(text: str, low: float, high: float) -> Parsed:
    """JIGSAWS reply → score (clipped to [low, high])."""
    obj = find_json(text)
    if obj is None:
        return Parsed(error="unparseable reply")
    parsed = Parsed()
    _score(parsed, "score", _lookup(obj, ("score", "grs", "global_rating_score", "total")), low, high)
    return _finish(parsed, ["score"])


def parse_errors(text: str, label_names: tuple[str, ...]) -> Parsed:
    """FitnessAQA reply → labels {name: 0/1} for the names it answers; unanswered names are listed as missing."""
    obj = find_json(text)
    if obj is None:
        return Parsed(error="unparseable reply")
    inner = _lookup(obj, ("errors", "labels"))
    source = inner if isinstance(inner, dict) else obj
    parsed = Parsed()
    labels: dict[str, int] = {}
    for name in label_names:
        flag = to_flag(_lookup(source, (name,)))
        if flag is None:
            parsed.missing.append(name)
        else:
            labels[name] = flag
    parsed.values["labels"] = labels
    return _finish(parsed, ["labels"])
