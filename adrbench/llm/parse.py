"""Reading model replies that real models write: JSON inside prose or code fences, single quotes and trailing
commas, several objects (the last is the answer, noted), numbers as strings or with a decimal comma, missing
fields. The fallback when a server cannot constrain replies by schema.

Scores: a small overshoot of the scale (12 on 1–10) is clipped and counted; a score far off it (more than the
scale's width beyond an end, like 75 on 1–10: written on another scale, e.g. 0–100) is refused (None, listed
in `off_scale`), never squeezed onto the scale or guessed back. What cannot be read is None.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")  # "7,5" is a decimal comma: 7.5
_YES = {"yes", "y", "true", "1", "present", "error", "wrong", "incorrect"}
_NO = {"no", "n", "false", "0", "absent", "none", "correct", "ok"}


def _spans(text: str) -> list[str]:
    """Each top-level {...} of `text`, by brace balance outside strings ("..." or '...')."""
    spans: list[str] = []
    depth, start, quote, escaped = 0, 0, "", False
    for i, char in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "\"'" and depth:
            quote = char
        elif char == "{":
            depth, start = depth + 1, i if depth == 0 else start
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                spans.append(text[start : i + 1])
    return spans


def _relaxed(span: str) -> str:
    """`span` with single-quoted strings made double-quoted and trailing commas dropped (Python-style dicts)."""
    out: list[str] = []
    quote, escaped = "", False
    for char in span:
        if quote:
            if escaped:
                escaped = False
                out.append("'" if char == "'" and quote == "'" else "\\" + char)
                continue
            if char == "\\":
                escaped = True
                continue
            if char == quote:
                quote = ""
                out.append('"')
                continue
            out.append('\\"' if char == '"' and quote == "'" else char)
            continue
        if char in "\"'":
            quote = char
            out.append('"')
            continue
        out.append(char)
    return re.sub(r",\s*([}\]])", r"\1", "".join(out))


def _load(span: str) -> dict[str, Any] | None:
    for candidate in (span, _relaxed(span)):
        try:
            obj = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj
    return None


def find_objects(text: str) -> list[dict[str, Any]]:
    """Every top-level JSON object in `text` (bare, in ``` fences or inside prose), in order; also the lenient
    forms models write: single quotes and trailing commas. A braced span that is no object ("{not json}") is
    searched inside."""
    objects: list[dict[str, Any]] = []
    for span in _spans(text):
        obj = _load(span)
        objects.extend([obj] if obj is not None else find_objects(span[1:-1]))
    return objects


def find_json(text: str) -> dict[str, Any] | None:
    """The answer object of `text`: the last JSON object in it (models write drafts and examples before their
    final answer), or None. `Parsed.notes` of the parse_* readers says when there were several."""
    objects = find_objects(text)
    return objects[-1] if objects else None


def to_number(value: Any) -> float | None:
    """A finite float from a number or a string: "7", "7.5/10" (7.5), "7,5" (decimal comma: 7.5), "score: 8" and
    "1-10: 7" (the number after the last colon, not the scale before it); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        found = _NUMBER.search(value.rsplit(":", 1)[-1])
        if found is None:
            return None
        number = float(found.group(0).replace(",", "."))
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
    """Fields read from a reply, with the reading's problems: `error` (nothing usable), `missing`, `clipped`,
    `off_scale` (refused scores) and `notes` (e.g. several JSON objects in the reply)."""

    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    missing: list[str] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)
    off_scale: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("error", "missing", "clipped", "off_scale", "notes"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


def _answer(text: str) -> tuple[dict[str, Any] | None, Parsed]:
    """The answer object of `text` (find_json) and a Parsed noting when the reply held several objects."""
    objects = find_objects(text)
    if not objects:
        return None, Parsed(error="unparseable reply")
    parsed = Parsed()
    if len(objects) > 1:
        parsed.notes.append(f"{len(objects)} JSON objects in reply; read the last")
    return objects[-1], parsed


def _score(parsed: Parsed, name: str, raw: Any, low: float, high: float) -> None:
    number = to_number(raw)
    width = high - low
    if number is None:
        parsed.missing.append(name)
    elif number < low - width or number > high + width:
        parsed.off_scale.append(name)
        number = None
    elif number < low or number > high:
        parsed.clipped.append(name)
        number = min(max(number, low), high)
    parsed.values[name] = number


def _finish(parsed: Parsed, fields: list[str]) -> Parsed:
    if all(parsed.values.get(f) in (None, {}) for f in fields):
        parsed.error = "no expected field in reply"
    return parsed


def _pair_aliases(n: str, letter: str) -> tuple[str, ...]:
    """The keys models use for performer `n`'s score: score_1, video_1_score, person_1_score, score_person_1..."""
    who = ("video", "person", "performer", "player", "participant")
    return (
        f"score_{n}",
        f"score_{letter}",
        *(f"{w}_{n}_score" for w in who),
        *(f"score_{w}_{n}" for w in who),
        *(f"{w}_{n}" for w in who),
    )


def parse_pair(text: str, low: float, high: float) -> Parsed:
    """ADR reply → score_1, score_2 (clipped to [low, high]) and description."""
    obj, parsed = _answer(text)
    if obj is None:
        return parsed
    for n, letter in (("1", "a"), ("2", "b")):
        _score(parsed, f"score_{n}", _lookup(obj, _pair_aliases(n, letter)), low, high)
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
    obj, parsed = _answer(text)
    if obj is None:
        return parsed
    _score(parsed, "score", _lookup(obj, ("score", "grs", "global_rating_score", "total")), low, high)
    return _finish(parsed, ["score"])


def parse_errors(text: str, label_names: tuple[str, ...]) -> Parsed:
    """FitnessAQA reply → labels {name: 0/1} for the names it answers; unanswered names are listed as missing."""
    obj, parsed = _answer(text)
    if obj is None:
        return parsed
    inner = _lookup(obj, ("errors", "labels"))
    source = inner if isinstance(inner, dict) else obj
    labels: dict[str, int] = {}
    for name in label_names:
        flag = to_flag(_lookup(source, (name,)))
        if flag is None:
            parsed.missing.append(name)
        else:
            labels[name] = flag
    parsed.values["labels"] = labels
    return _finish(parsed, ["labels"])
