"""Readers of the original Ego-Exo4D files that ADR is built from (docs/adr-format.md, "What the builder reads").

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
from adrbench.data.media import exists
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
    #: (cam_id, relative_path) of each exo camera in the order the take lists them (Aria ego cameras excluded)
    exo_videos: tuple[tuple[str, str], ...] = ()


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
            exo_videos=_exo_videos(entry, path, where),
        )
    return takes


#: keys of `frame_aligned_videos` that are not cameras
_NOT_CAMERAS = {"collage", "best_exo"}


def _exo_videos(entry: dict, path: Path, where: str) -> tuple[tuple[str, str], ...]:
    """The take's exo cameras and their video files: `frame_aligned_videos[cam]["0"]["relative_path"]` in the
    order listed, Aria cameras (`is_ego`, or a cam_id starting with "aria") left out; without
    `frame_aligned_videos`, the non-ego cameras of `capture.cameras` at `frame_aligned_videos/<cam>.mp4`."""
    capture = entry.get("capture")
    cameras = capture.get("cameras") if isinstance(capture, dict) else None
    ego = {
        c.get("cam_id")
        for c in (cameras if isinstance(cameras, list) else [])
        if isinstance(c, dict) and c.get("is_ego")
    }
    videos = entry.get("frame_aligned_videos")
    if videos is None:
        return tuple(
            (c["cam_id"], f"frame_aligned_videos/{c['cam_id']}.mp4")
            for c in (cameras if isinstance(cameras, list) else [])
            if isinstance(c, dict)
            and isinstance(c.get("cam_id"), str)
            and not c.get("is_ego")
            and not c["cam_id"].lower().startswith("aria")
        )
    if not isinstance(videos, dict):
        raise DataError(path, "expected an object cam_id → streams", field=f"{where}.frame_aligned_videos")
    out = []
    for cam, streams in videos.items():
        if cam in _NOT_CAMERAS or cam in ego or cam.lower().startswith("aria"):
            continue
        field_name = f"{where}.frame_aligned_videos.{cam}"
        if not isinstance(streams, dict):
            raise DataError(path, "expected an object stream → video", field=field_name)
        stream = streams.get("0")
        if stream is None:
            continue  # an exo camera always has stream "0"; anything else is not a camera video
        relative = stream.get("relative_path") if isinstance(stream, dict) else None
        if not isinstance(relative, str) or not relative:
            raise DataError(path, "expected a relative_path string", field=f"{field_name}.0.relative_path")
        out.append((cam, relative))
    return tuple(out)


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
    for (a, key_a), (b, key_b) in zip(frames, frames[1:], strict=False):
        if a == b:
            raise DataError(path, f"frame {a} appears twice (keys {key_a!r} and {key_b!r})", field=key_b)
    out = np.full((len(frames), len(EGOEXO_JOINTS), 3), np.nan, dtype=np.float32)
    for t, (_, key) in enumerate(frames):
        entry = data[key]
        if isinstance(entry, list):
            if not entry:
                continue
            entry = entry[0]
        if not isinstance(entry, dict):
            raise DataError(path, "expected [{annotation3D: ...}] or an object", field=key, hint=HINT)
        joints = entry.get("annotation3D")
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


POSE_TRACKS = ("automatic", "annotation")


def find_body_pose(root: Path, split: str, take_uid: str, prefer: str = "automatic") -> Path | None:
    """The take's body-pose file: the `prefer`red track (default the dense `automatic` pseudo-ground truth,
    ≈ 30 fps) when it exists, else the other (human `annotation`, sparse in time); None if neither exists."""
    if prefer not in POSE_TRACKS:
        raise ValueError(f"prefer must be one of {POSE_TRACKS}, got {prefer!r}")
    for kind in sorted(POSE_TRACKS, key=lambda k: k != prefer):
        path = root / "annotations" / "ego_pose" / split / "body" / kind / f"{take_uid}.json"
        if path.exists():
            return path
    return None


#: The frame rate of Ego-Exo4D's frame-aligned videos, which body-pose frame numbers index (data-formats §1.6).
FPS = 30.0
#: Unannotated frames are interpolated across gaps of at most this many seconds; longer gaps stay NaN.
MAX_GAP_S = 0.5
#: A pose file spanning more frames than this (two hours at 30 fps) is taken to have a bad frame number.
MAX_FRAMES = 2 * 3600 * 30


@dataclass(frozen=True)
class TimedPose:
    """Keypoints on the uniform 30 fps frame grid: row t is video frame `first_frame + t`."""

    keypoints: np.ndarray  # float32 T×17×3, NaN = missing
    first_frame: int
    n_annotated: int  # frames of the file with a 3D pose
    n_interpolated: int  # other frames filled by interpolation (at least one joint)
    n_gap: int  # other frames left without any joint (in gaps longer than the limit)

    @property
    def annotated_fps(self) -> float:
        """The track's own rate: annotated frames per second of the span they cover."""
        span = self.keypoints.shape[0]
        return round(FPS * self.n_annotated / span, 3) if span else 0.0


def read_timed_pose(path: Path, max_gap_s: float = MAX_GAP_S) -> TimedPose | None:
    """A body-pose file on the uniform time base the rest of adrbench uses (Skeleton fps = 30); None when no
    frame of it has a 3D joint (a 2D-only or empty file).

    Frame numbers are kept: rows run from the first to the last frame with a 3D pose, one per video frame. Such
    a frame keeps exactly its joints (absent = NaN). Any other frame between two of them at most `max_gap_s`
    apart is linearly interpolated, per joint, from the nearest posed frames before and after it that have the
    joint; across longer gaps it stays NaN, so a gap never reads as a jump, and a track annotated at ~10 fps
    gives the speeds of the true motion.
    """
    keypoints, frames = read_body_pose(path)
    posed = np.isfinite(keypoints).any(axis=(1, 2))
    keypoints, frames = keypoints[posed], frames[posed]
    if len(frames) == 0:
        return None
    if frames[0] < 0:
        raise DataError(path, f"negative frame number {int(frames[0])}", field=str(int(frames[0])), hint=HINT)
    span = int(frames[-1] - frames[0]) + 1
    if span > MAX_FRAMES:
        raise DataError(
            path,
            f"frames {int(frames[0])}..{int(frames[-1])} span more than {MAX_FRAMES} frames",
            field=str(int(frames[-1])),
            hint="a frame number is probably wrong",
        )
    offsets = frames - frames[0]
    grid = np.full((span, keypoints.shape[1], 3), np.nan, dtype=np.float32)
    grid[offsets] = keypoints
    unposed = np.ones(span, dtype=bool)
    unposed[offsets] = False
    targets = np.flatnonzero(unposed)
    max_gap = int(round(max_gap_s * FPS))
    if len(targets) and max_gap >= 2:
        for j in range(keypoints.shape[1]):
            known = offsets[np.isfinite(keypoints[:, j]).all(axis=1)]
            if len(known) < 2:
                continue
            right = np.searchsorted(known, targets)  # index of the first known frame after each target
            inside = (right > 0) & (right < len(known))
            t, r = targets[inside], right[inside]
            before, after = known[r - 1], known[r]
            close = after - before <= max_gap
            t, before, after = t[close], before[close], after[close]
            w = ((t - before) / (after - before)).astype(np.float32)[:, None]
            grid[t, j] = (1 - w) * grid[before, j] + w * grid[after, j]
    filled = np.isfinite(grid).any(axis=(1, 2))
    return TimedPose(
        keypoints=grid,
        first_frame=int(frames[0]),
        n_annotated=len(frames),
        n_interpolated=int((filled & unposed).sum()),
        n_gap=int((~filled & unposed).sum()),
    )


#: Ego-Exo4D download parts, as `egoexo --parts` names them (Ego-Exo4D-docs download.md).
RATINGS_PART = "expert_commentary"


def require_ratings_folder(root: Path) -> Path:
    """annotations/expert_commentary/, where the only numeric 1–10 ratings are; a DataError naming the download
    part and the command when it is absent (without it a build would have no ground truth at all)."""
    folder = root / "annotations" / "expert_commentary"
    if not folder.is_dir():
        raise DataError(
            folder,
            "folder not found: the numeric expert ratings (proficiency.rating in <take>/<expert>/data.json) "
            f"come only with the Ego-Exo4D download part {RATINGS_PART!r}; "
            "expert_commentary_{train,val}.json hold transcripts without ratings",
            hint=f"download it with: egoexo -o {root} --parts {RATINGS_PART}",
        )
    return folder


#: Which video files `choose_video` looks for: "auto" = full resolution, else the 448-pixel copy.
VIDEO_RESOLUTIONS = ("auto", "full", "448")
DOWNSCALED = "downscaled/448"  # beside the full-resolution file (`--parts downscaled_takes/448`)


@dataclass(frozen=True)
class VideoChoice:
    """The exo video of a take: its path relative to the Ego-Exo4D root and how it was chosen."""

    path: str | None  # None: the take names no exo camera
    camera: str | None
    rule: str  # "best_exo" | "first_exo_listed" (best_exo null) | "exo_on_disk" (earlier cameras lack a file)
    resolution: str | None  # "full" | "448"
    on_disk: bool


def _camera_files(take: Take) -> list[tuple[str, str]]:
    """(camera, relative path) to try: `best_exo` first, then the exo cameras in the order the take lists them."""
    listed = dict(take.exo_videos)
    order = [take.best_exo] if take.best_exo else []
    order += [cam for cam in listed if cam != take.best_exo]
    return [(cam, listed.get(cam, f"frame_aligned_videos/{cam}.mp4")) for cam in order]


def _at_resolution(relative: str, resolution: str) -> str:
    if resolution == "full":
        return relative
    parent, _, name = relative.rpartition("/")
    return f"{parent}/{DOWNSCALED}/{name}" if parent else f"{DOWNSCALED}/{name}"


def choose_video(root: Path, take: Take, resolution: str = "auto") -> VideoChoice:
    """The take's exo video: the first camera of `best_exo`, then the listed exo cameras (Aria ego cameras never)
    whose file is on disk, at full resolution or `downscaled/448` (`resolution` "auto" tries both, full first).

    With no file on disk, the first camera's path at the first resolution tried, with `on_disk` False.
    """
    if resolution not in VIDEO_RESOLUTIONS:
        raise ValueError(f"resolution must be one of {VIDEO_RESOLUTIONS}, got {resolution!r}")
    resolutions = ("full", "448") if resolution == "auto" else (resolution,)
    cameras = _camera_files(take)
    if not cameras:
        return VideoChoice(None, None, "none", None, False)

    def rule(i: int, cam: str) -> str:
        if cam == take.best_exo:
            return "best_exo"
        return "first_exo_listed" if i == 0 else "exo_on_disk"

    for i, (cam, relative) in enumerate(cameras):
        for res in resolutions:
            path = f"{take.root_dir}/{_at_resolution(relative, res)}"
            if exists(root, path):
                return VideoChoice(path, cam, rule(i, cam), res, True)
    cam, relative = cameras[0]
    path = f"{take.root_dir}/{_at_resolution(relative, resolutions[0])}"
    return VideoChoice(path, cam, rule(0, cam), resolutions[0], False)
