"""Readers of the original Ego-Exo4D files that ADR is built from (research/data-formats.md §1).

takes.json, annotations/splits.json, annotations/proficiency_demonstrator_<split>.json (wrapped or bare list),
annotations/expert_commentary_<split>.json (transcripts), annotations/expert_commentary/<take>/<expert>/data.json
(the 1–10 rating) and annotations/ego_pose/<split>/body/{annotation,automatic}/<take_uid>.json (3D COCO joints).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from adrbench.data.files import read_json
from adrbench.data.skeletons import COCO_JOINTS
from adrbench.errors import DataError

HINT = "see docs/adr-format.md; without Ego-Exo4D, use the synthetic twin: adrbench run --task adr-synth"

#: Ego-Exo4D JSON joint names (lower-case, hyphenated) in COCO order.
EGOEXO_JOINTS = tuple(name.replace("_", "-") for name in COCO_JOINTS)
_JOINT_INDEX = {name: i for i, name in enumerate(EGOEXO_JOINTS)} | {
    name: i for i, name in enumerate(COCO_JOINTS)
}


@dataclass(frozen=True)
class Take:
    """The fields of one takes.json entry that ADR needs."""

    uid: str
    name: str
    scenario: str
    task_id: int | None
    task_name: str
    participant: str
    best_exo: str | None
    root_dir: str


@dataclass
class Rating:
    """One expert's data.json: the parsed 1–10 rating (None when not numeric) and why."""

    expert: str
    rating: int | None
    raw: Any
    why: str
    ds: float
    path: Path


@dataclass
class ExpertComment:
    expert: str
    video_time: float
    text: str


@dataclass
class Commentary:
    """Everything the experts said about one take: ratings (newest `ds` per expert) and transcript comments."""

    ratings: dict[str, Rating] = field(default_factory=dict)
    comments: list[ExpertComment] = field(default_factory=list)
    n_duplicates: int = 0


def _field(obj: Any, key: str, path: Path, where: str, types: type | tuple[type, ...]) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise DataError(path, "missing field", field=f"{where}.{key}" if where else key, hint=HINT)
    value = obj[key]
    if not isinstance(value, types):
        names = types.__name__ if isinstance(types, type) else "/".join(t.__name__ for t in types)
        raise DataError(
            path, f"expected {names}, got {type(value).__name__}", field=f"{where}.{key}", hint=HINT
        )
    return value


def load_takes(root: Path) -> dict[str, Take]:
    """takes.json: a JSON list of take objects → take_uid → Take."""
    path = root / "takes.json"
    data = read_json(path, hint=HINT)
    if not isinstance(data, list):
        raise DataError(path, "expected a JSON list of takes", hint=HINT)
    takes: dict[str, Take] = {}
    for i, entry in enumerate(data):
        where = f"[{i}]"
        uid = _field(entry, "take_uid", path, where, str)
        task_id = entry.get("task_id")
        try:
            task_id = int(task_id) if task_id is not None else None
        except (TypeError, ValueError):
            raise DataError(
                path, f"task_id {task_id!r} is not an integer", field=f"{where}.task_id"
            ) from None
        name = _field(entry, "take_name", path, where, str)
        participant = entry.get("participant_uid")
        takes[uid] = Take(
            uid=uid,
            name=name,
            scenario=_field(entry, "parent_task_name", path, where, str),
            task_id=task_id,
            task_name=_field(entry, "task_name", path, where, str),
            # without a participant id, each take counts as its own performer
            participant=str(participant) if participant is not None else f"take:{name}",
            best_exo=entry.get("best_exo") if isinstance(entry.get("best_exo"), str) else None,
            root_dir=entry.get("root_dir") or f"takes/{name}",
        )
    return takes


def load_splits(root: Path) -> dict[str, str]:
    """annotations/splits.json → take_uid → lower-case split ('train', 'val', 'test')."""
    path = root / "annotations" / "splits.json"
    data = read_json(path, hint=HINT)
    if isinstance(data, dict) and isinstance(data.get("take_uid_to_split"), dict):
        return {uid: str(split).lower() for uid, split in data["take_uid_to_split"].items()}
    if isinstance(data, dict) and isinstance(data.get("split_to_take_uids"), dict):
        out: dict[str, str] = {}
        for split, uids in data["split_to_take_uids"].items():
            if not isinstance(uids, list):
                raise DataError(path, "expected a list of take uids", field=f"split_to_take_uids.{split}")
            out.update({uid: str(split).lower() for uid in uids})
        return out
    raise DataError(
        path, "needs 'take_uid_to_split' or 'split_to_take_uids'", field="take_uid_to_split", hint=HINT
    )


def load_proficiency(root: Path, split: str) -> dict[str, str]:
    """proficiency_demonstrator_<split>.json (`{"annotations": [...]}` or a bare list) → take_uid → label.

    Optional: an absent file gives {} (the label is provenance, not ground truth).
    """
    path = root / "annotations" / f"proficiency_demonstrator_{split}.json"
    if not path.exists():
        return {}
    data = read_json(path, hint=HINT)
    entries = data.get("annotations") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise DataError(path, "expected a list of entries (bare or under 'annotations')", field="annotations")
    out = {}
    for i, entry in enumerate(entries):
        uid = _field(entry, "take_uid", path, f"annotations[{i}]", str)
        out[uid] = str(_field(entry, "proficiency_score", path, f"annotations[{i}]", str))
    return out


def load_transcripts(root: Path, split: str) -> dict[str, list[ExpertComment]]:
    """expert_commentary_<split>.json → take_uid → comments (expert id, video time, text); {} if absent."""
    path = root / "annotations" / f"expert_commentary_{split}.json"
    if not path.exists():
        return {}
    data = read_json(path, hint=HINT)
    annotations = _field(data, "annotations", path, "", dict)
    out: dict[str, list[ExpertComment]] = {}
    for uid, items in annotations.items():
        if not isinstance(items, list):
            raise DataError(path, "expected a list of commentaries", field=f"annotations.{uid}")
        comments = out.setdefault(uid, [])
        for j, item in enumerate(items):
            where = f"annotations.{uid}[{j}]"
            expert = str(_field(item, "commentary", path, where, str)).rsplit("/", 1)[-1]
            for k, c in enumerate(_field(item, "commentary_data", path, where, list)):
                text = c.get("text") if isinstance(c, dict) else None
                if not isinstance(text, str) or not text.strip():
                    continue  # null text marks a failed recording (error: true)
                time = c.get("video_time", 0.0)
                if not isinstance(time, (int, float)):
                    raise DataError(
                        path, "video_time must be a number", field=f"{where}.commentary_data[{k}].video_time"
                    )
                comments.append(ExpertComment(expert, float(time), " ".join(text.split())))
    return out


def load_folder_transcriptions(root: Path, take_name: str) -> list[ExpertComment]:
    """Fallback comments from annotations/expert_commentary/<take>/<expert>/transcriptions.json
    (recording name → {text, error}), in recording order; used when the split's transcript file lacks the take."""
    comments = []
    for path in sorted(
        (root / "annotations" / "expert_commentary" / take_name).glob("*/transcriptions.json")
    ):
        data = read_json(path, hint=HINT)
        if not isinstance(data, dict):
            raise DataError(path, "expected an object mapping recordings to transcriptions", hint=HINT)
        for i, recording in enumerate(sorted(data, key=lambda r: (len(r), r))):
            item = data[recording]
            text = item.get("text") if isinstance(item, dict) else None
            if isinstance(text, str) and text.strip():
                comments.append(ExpertComment(path.parent.name, float(i), " ".join(text.split())))
    return comments


def parse_rating(value: Any) -> int | None:
    """The 1–10 rating as an int; None for a missing or non-numeric value ('_none', 'N/A', '') or one out of range."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        value = int(value) if value.is_integer() else None
    elif isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            return None
    if isinstance(value, int) and 1 <= value <= 10:
        return value
    return None


_DS_FORMATS = ("%Y%m%d_%H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%a, %d %b %Y %H:%M:%S GMT")


def parse_ds(value: Any, path: Path) -> float:
    """A submission time `ds` (epoch ms or a date string) as epoch milliseconds, so the newest can win."""
    if value is None:
        return -math.inf
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text.replace(".", "", 1).isdigit():
            return float(text)
        for fmt in _DS_FORMATS:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc).timestamp() * 1000.0
            except ValueError:
                continue
    raise DataError(
        path, f"unreadable submission time {value!r}", field="ds", hint="epoch milliseconds expected"
    )


def load_ratings(root: Path, take_name: str) -> tuple[dict[str, Rating], int]:
    """annotations/expert_commentary/<take_name>/*/data.json → expert → Rating, newest `ds` per expert.

    A data.json may hold one submission object or a list of them; the expert is its `user_id` (the folder name if
    absent). Returns the ratings and how many older duplicate submissions were dropped.
    """
    folder = root / "annotations" / "expert_commentary" / take_name
    if not folder.is_dir():
        return {}, 0
    best: dict[str, Rating] = {}
    n_seen = 0
    for data_path in sorted(folder.glob("*/data.json")):
        data = read_json(data_path, hint=HINT)
        submissions = data if isinstance(data, list) else [data]
        for k, sub in enumerate(submissions):
            where = f"[{k}]" if isinstance(data, list) else ""
            if not isinstance(sub, dict):
                raise DataError(data_path, "expected a JSON object", field=where or None, hint=HINT)
            proficiency = sub.get("proficiency")
            if proficiency is not None and not isinstance(proficiency, dict):
                raise DataError(
                    data_path, "expected an object with 'rating'", field=f"{where}proficiency".lstrip(".")
                )
            proficiency = proficiency or {}
            expert = str(sub.get("user_id") or data_path.parent.name)
            why = proficiency.get("why")
            rating = Rating(
                expert,
                parse_rating(proficiency.get("rating")),
                proficiency.get("rating"),
                " ".join(why.split()) if isinstance(why, str) else "",
                parse_ds(sub.get("ds"), data_path),
                data_path,
            )
            n_seen += 1
            if expert not in best or rating.ds > best[expert].ds:
                best[expert] = rating
    return best, n_seen - len(best)


def load_body_pose(path: Path) -> np.ndarray:
    """ego_pose body JSON (frame → [ {annotation3D: joint → {x,y,z}} ]) → float32 T×17×3, NaN for absent joints.

    Frames are the annotated frame numbers in increasing order (annotation may be sparse in time).
    """
    return read_body_pose(path)[0]


def read_body_pose(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The keypoints of `load_body_pose` and the frame numbers they were annotated at."""
    data = read_json(path, hint=HINT)
    if not isinstance(data, dict):
        raise DataError(path, "expected an object mapping frame numbers to annotations", hint=HINT)
    frames = []
    for key in data:
        if key == "metadata":
            continue
        try:
            frames.append((int(key), key))
        except ValueError:
            raise DataError(path, f"frame key {key!r} is not a frame number", field=key) from None
    frames.sort()
    out = np.full((len(frames), len(EGOEXO_JOINTS), 3), np.nan, dtype=np.float32)
    for t, (_, key) in enumerate(frames):
        entry = data[key]
        if isinstance(entry, list):
            if not entry:
                continue
            entry = entry[0]
        joints = entry.get("annotation3D") if isinstance(entry, dict) else None
        if joints is None:
            continue  # a frame annotated in 2D only
        if not isinstance(joints, dict):
            raise DataError(path, "expected an object of joints", field=f"{key}.annotation3D")
        for name, point in joints.items():
            j = _JOINT_INDEX.get(name)
            if j is None:
                continue
            xyz = (point.get("x"), point.get("y"), point.get("z")) if isinstance(point, dict) else None
            if (
                xyz is not None
                and type(xyz[0]) in _NUMBER
                and type(xyz[1]) in _NUMBER
                and type(xyz[2]) in _NUMBER
            ):
                out[t, j] = xyz  # fast path: a complete, numeric joint
            else:
                out[t, j] = _slow_joint(path, f"{key}.annotation3D.{name}", point)
    return out, np.array([number for number, _ in frames], dtype=np.int64)


_NUMBER = (float, int)


def _slow_joint(path: Path, where: str, point: Any) -> tuple[float, float, float]:
    """A joint with absent (→ NaN) or invalid (→ DataError) coordinates."""
    if not isinstance(point, dict):
        raise DataError(path, "expected {x, y, z}", field=where)
    xyz = []
    for coord in "xyz":
        value = point.get(coord)
        if value is None:
            xyz.append(np.nan)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            xyz.append(float(value))
        else:
            raise DataError(path, f"coordinate {value!r} is not a number", field=f"{where}.{coord}")
    return xyz[0], xyz[1], xyz[2]


def find_body_pose(root: Path, split: str, take_uid: str) -> Path | None:
    """The take's body-pose file: human annotation preferred over the automatic pseudo-ground truth."""
    for kind in ("annotation", "automatic"):
        path = root / "annotations" / "ego_pose" / split / "body" / kind / f"{take_uid}.json"
        if path.exists():
            return path
    return None
