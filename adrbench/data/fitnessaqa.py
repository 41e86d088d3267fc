"""Reader of the original FitnessAQA release (docs/fitnessaqa-format.md) plus adrbench's keypoints side folder.

<root>/{Squat,OHP}/Labeled_Dataset/Labels/error_*.json (clip id → list of [start_s, end_s]; a clip is erroneous
iff its list is non-empty) and Splits/{train,val,test}_keys.json (lists of clip ids); folder names are matched
case-insensitively.

Videos: the release ships them zipped, `Labeled_Dataset/videos.zip` (members `videos/<clip id>.mp4`); a clip's
video is the member whose file name is `<clip id>.mp4` (any folder inside the archive, case-insensitive), read
in place as `<...>/videos.zip!/<member>` (adrbench.data.media). Unzipped videos (`Labeled_Dataset/videos/...
<clip id>.mp4`, any depth) are used instead where present. FitnessAQA ships no keypoints: when
<Exercise>/Labeled_Dataset/keypoints/<clip id>.npy files exist (float32 T×17×3 COCO joints, 30 fps, NaN =
missing; docs/synthetic.md), they are the clip's keypoints; otherwise a keypoint extractor gets them from the
video. A clip with neither is left out, counted in the provenance and warned about; a split none of whose
clips has either is an error.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from adrbench.data.files import Fingerprint, find_child, find_path, load_npy, nested_root_hint, read_json
from adrbench.data.media import archive_path
from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.records import Video

HINT = (
    "see docs/fitnessaqa-format.md; without FitnessAQA, use the synthetic twin: "
    "adrbench run --task fitnessaqa-synth"
)
RELEASE_FOLDER = "Fitness-AQA_dataset_release"
#: exercise folder → adrbench label → label file (docs/fitnessaqa-format.md; trust the file names).
LABEL_FILES = {
    "Squat": {"Squat_forward": "error_knees_forward.json", "Squat_inward": "error_knees_inward.json"},
    "OHP": {"OHP_knee": "error_knees.json", "OHP_elbow": "error_elbows.json"},
}
LABEL_NAMES = ("OHP_knee", "OHP_elbow", "Squat_forward", "Squat_inward")
SPLITS = ("train", "val", "test")
KEYPOINTS_DIR = "keypoints"
TRUTH_FILE = "adrbench_truth.json"


def _strip(key: str) -> str:
    return key[:-4] if key.lower().endswith(".mp4") else key


def read_label_file(path: Path) -> dict[str, list[list[float]]]:
    """error_*.json → clip id → list of [start_s, end_s] intervals (validated)."""
    data = read_json(path, hint=HINT)
    if not isinstance(data, dict):
        raise DataError(path, "expected an object mapping clip ids to interval lists", hint=HINT)
    out = {}
    for key, intervals in data.items():
        if not isinstance(intervals, list) or not all(
            isinstance(iv, list)
            and len(iv) == 2
            and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in iv)
            for iv in intervals
        ):
            raise DataError(path, "expected a list of [start_s, end_s] pairs", field=key, hint=HINT)
        out[_strip(key)] = [[float(a), float(b)] for a, b in intervals]
    return out


def read_split_file(path: Path) -> list[str]:
    data = read_json(path, hint=HINT)
    if not isinstance(data, list) or not all(isinstance(k, (str, int)) for k in data):
        raise DataError(path, "expected a JSON list of clip ids", hint=HINT)
    return [_strip(str(k)) for k in data]


def _release_root(root: Path) -> Path:
    inner = find_child(root, RELEASE_FOLDER)
    return inner if inner is not None and inner.is_dir() else root


def _has_exercise(folder: Path) -> bool:
    """Whether `folder` (or the release folder inside it) holds an <Exercise>/Labeled_Dataset folder."""
    root = _release_root(folder)
    return any(find_path(root, exercise, "Labeled_Dataset") for exercise in LABEL_FILES)


VIDEOS_ZIP = "videos.zip"
VIDEOS_DIR = "videos"


@dataclass
class VideoIndex:
    """The videos of one Labeled_Dataset folder: clip id (lower case) → video_path (relative to the release
    root) and a cheap content digest for the fingerprint."""

    paths: dict[str, str] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # what was looked in, relative to the release root
    examples: list[str] = field(default_factory=list)  # a few video names found, for error messages

    def add(self, clip: str, video_path: str, digest: str, where: Path) -> None:
        key = clip.lower()
        if key in self.paths:
            raise DataError(
                where,
                f"two videos for clip {clip!r}: {self.paths[key]} and {video_path}",
                hint="keep one copy of each clip",
            )
        self.paths[key] = video_path
        self.digests[video_path] = digest
        if len(self.examples) < 3:
            self.examples.append(video_path)


def index_videos(root: Path, labeled: Path) -> VideoIndex:
    """Every `<clip id>.mp4` of `labeled`: unzipped files under videos/ first, then members of videos.zip."""
    index = VideoIndex()
    folder = find_child(labeled, VIDEOS_DIR)
    if folder is not None and folder.is_dir():
        index.sources.append(folder.relative_to(root).as_posix() + "/")
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() == ".mp4" and path.is_file() and not path.name.startswith("._"):
                index.add(path.stem, path.relative_to(root).as_posix(), f"size:{path.stat().st_size}", folder)
    archive = find_child(labeled, VIDEOS_ZIP)
    if archive is not None and archive.is_file():
        relative = archive.relative_to(root).as_posix()
        index.sources.append(relative)
        in_folder = set(index.paths)
        zipped = VideoIndex()
        try:
            with zipfile.ZipFile(archive) as z:
                members = z.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise DataError(
                archive, f"not a readable zip archive ({exc})", hint="download it again"
            ) from None
        for info in members:
            name = PurePosixPath(info.filename)
            if info.is_dir() or name.suffix.lower() != ".mp4" or name.name.startswith("._"):
                continue
            if "__MACOSX" in name.parts or name.stem.lower() in in_folder:
                continue  # macOS metadata; a clip already unzipped
            zipped.add(
                name.stem,
                archive_path(relative, info.filename),
                f"crc:{info.CRC}:size:{info.file_size}",
                archive,
            )
        index.paths.update(zipped.paths)
        index.digests.update(zipped.digests)
        index.examples += zipped.examples[: 3 - len(index.examples)]
    return index


def _no_clip_usable(split_path: Path, labeled: Path, n: int, index: VideoIndex, example: str) -> DataError:
    if not index.sources:
        what = f"there is no {VIDEOS_ZIP} (nor a {VIDEOS_DIR}/ folder) in {labeled}"
        hint = (
            f"put the release's {VIDEOS_ZIP} at {labeled / VIDEOS_ZIP}, or unzip it there so that "
            f"{VIDEOS_DIR}/<clip id>.mp4 exist; or write keypoints/<clip id>.npy"
        )
    else:
        found = (
            f"{len(index.paths)} videos (e.g. {', '.join(index.examples)})" if index.paths else "no .mp4 file"
        )
        what = f"found {found} in {' and '.join(index.sources)}, none named {example}.mp4"
        hint = "the video files must be named <clip id>.mp4, as the ids in the split and label files"
    return DataError(split_path, f"none of its {n} clips has a video or keypoints: {what}", hint=hint)


def load_fitnessaqa(root: str | Path, task: str = "fitnessaqa") -> Dataset:
    """The FitnessAQA release (Squat and/or OHP) as a video-unit Dataset with splits train/val/test."""
    root = _release_root(Path(root))
    fingerprint = Fingerprint(root)
    videos: dict[str, Video] = {}
    splits: dict[str, list[str]] = {s: [] for s in SPLITS}
    found = False
    media: dict[str, dict[str, Any]] = {}
    excluded: dict[str, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for exercise, label_files in LABEL_FILES.items():
        labeled = find_path(root, exercise, "Labeled_Dataset")
        if labeled is None:
            continue
        found = True
        labels_dir, splits_dir = find_child(labeled, "Labels"), find_child(labeled, "Splits")
        if labels_dir is None or splits_dir is None:
            missing = "Labels" if labels_dir is None else "Splits"
            raise DataError(labeled / missing, "folder not found", hint=HINT)
        labels: dict[str, tuple[Path, dict[str, list[list[float]]]]] = {}
        for name, file in label_files.items():
            path = find_child(labels_dir, file)
            if path is None:
                raise DataError(labels_dir / file, "file not found", hint=HINT)
            labels[name] = (path, read_label_file(path))
            fingerprint.add(path)
        truth_path = labeled / TRUTH_FILE
        truth = read_json(truth_path) if truth_path.exists() else {}
        if truth:
            fingerprint.add(truth_path)
        kp_dir = find_child(labeled, KEYPOINTS_DIR)
        index = index_videos(root, labeled)
        counts = media.setdefault(exercise, {"sources": index.sources, "with_video": 0, "without_video": 0})
        for split in SPLITS:
            path = find_child(splits_dir, f"{split}_keys.json")
            if path is None:
                if split == "val":
                    continue
                raise DataError(splits_dir / f"{split}_keys.json", "file not found", hint=HINT)
            fingerprint.add(path)
            keys = read_split_file(path)
            usable = 0
            for key in keys:
                video = _make_video(
                    root, exercise, key, split, labels, truth, kp_dir, index, path, fingerprint
                )
                if video.id in seen:
                    raise DataError(path, f"clip {key!r} is in two splits", field=key)
                seen.add(video.id)
                counts["with_video" if video.video_path else "without_video"] += 1
                if video.video_path is None and video.keypoints_path is None:
                    excluded.setdefault(exercise, {}).setdefault(split, []).append(key)
                    excluded[exercise].setdefault("all", []).append(key)
                    continue
                usable += 1
                videos[video.id] = video
                splits[split].append(video.id)
            if keys and not usable:
                raise _no_clip_usable(path, labeled, len(keys), index, keys[0])
    if not found:
        hint = nested_root_hint(root, _has_exercise) or HINT
        raise DataError(root, "no Squat/Labeled_Dataset or OHP/Labeled_Dataset folder", hint=hint)
    splits = {s: ids for s, ids in splits.items() if ids or s != "val"}
    has_keypoints = any(v.keypoints_path for v in videos.values())
    left_out = {
        ex: {s: len(ids) for s, ids in by.items() if s != "all"}
        for ex, by in excluded.items()
        if by.get("all")
    }
    for exercise, by_split in left_out.items():
        first = excluded[exercise]["all"][:3]
        warnings.warn(
            f"FitnessAQA {exercise}: {sum(by_split.values())} clips ({by_split}) have no video and no keypoints "
            f"and are left out, e.g. {', '.join(first)}; media looked in: {media[exercise]['sources'] or 'none'}",
            stacklevel=2,
        )

    def keypoints(video: Video) -> np.ndarray:
        if video.keypoints_path is None:
            raise DataError(
                root,
                f"clip {video.id!r} has no keypoints file",
                field=KEYPOINTS_DIR,
                hint="extract them from its video (adrbench features keypoints), or write "
                "<Exercise>/Labeled_Dataset/keypoints/<clip id>.npy (T×17×3 float32)",
            )
        return load_npy(root / video.keypoints_path, (len(BODY.joints), 3), hint=HINT)

    return Dataset(
        task=task,
        unit="video",
        videos=videos,
        pairs={},
        splits=splits,
        skeleton=BODY,
        root=root,
        score_range=None,
        label_names=LABEL_NAMES,
        provenance={
            "format": "fitnessaqa",
            "root": str(root),
            "fingerprint": fingerprint.hexdigest(),
            "n_files": fingerprint.n_files,
            "keypoints": "keypoints/<clip>.npy" if has_keypoints else None,
            "videos": media,
            "left_out_no_video_no_keypoints": left_out,
        },
        keypoint_loader=keypoints if has_keypoints else None,
    )


def _make_video(
    root: Path,
    exercise: str,
    key: str,
    split: str,
    labels: dict[str, tuple[Path, dict[str, list[list[float]]]]],
    truth: dict[str, Any],
    kp_dir: Path | None,
    index: VideoIndex,
    split_path: Path,
    fingerprint: Fingerprint,
) -> Video:
    binary, intervals = {}, {}
    for name, (label_path, table) in labels.items():
        if key not in table:
            raise DataError(
                label_path, f"clip {key!r} of {split_path.name} has no label", field=key, hint=HINT
            )
        intervals[name] = table[key]
        binary[name] = int(len(table[key]) > 0)
    kp = kp_dir / f"{key}.npy" if kp_dir is not None else None
    keypoints_path = None
    if kp is not None and kp.exists():
        keypoints_path = kp.relative_to(root).as_posix()
        fingerprint.add_digest(keypoints_path, f"size:{kp.stat().st_size}")
    video_path = index.paths.get(key.lower())
    if video_path is not None:
        fingerprint.add_digest(video_path, index.digests[video_path])
    meta: dict[str, Any] = {"clip": key, "intervals": intervals}
    meta.update(truth.get(key, {}))
    return Video(
        id=f"{exercise}_{key}",
        task="fitnessaqa",
        split=split,
        group=exercise,
        category="fitness",
        performer=key.split("_")[0],
        labels=binary,
        keypoints_path=keypoints_path,
        video_path=video_path,
        meta=meta,
    )
