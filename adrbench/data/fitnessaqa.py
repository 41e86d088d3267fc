"""Reader of the original FitnessAQA release (research/data-formats.md §3) plus adrbench's keypoints side folder.

<root>/{Squat,OHP}/Labeled_Dataset/Labels/error_*.json (clip id → list of [start_s, end_s]; a clip is erroneous
iff its list is non-empty) and Splits/{train,val,test}_keys.json (lists of clip ids); folder names are matched
case-insensitively. FitnessAQA ships videos only: when <Exercise>/Labeled_Dataset/keypoints/<clip id>.npy files
exist (float32 T×17×3 COCO joints, 30 fps, NaN = missing; docs/synthetic.md), they are the clip's keypoints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from adrbench.data.files import Fingerprint, find_child, find_path, load_npy, read_json
from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.records import Video

HINT = (
    "see research/data-formats.md §3; without FitnessAQA, use the synthetic twin: "
    "adrbench run --task fitnessaqa-synth"
)
RELEASE_FOLDER = "Fitness-AQA_dataset_release"
#: exercise folder → adrbench label → label file (research/data-formats.md §3.3; trust the file names).
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


def load_fitnessaqa(root: str | Path, task: str = "fitnessaqa") -> Dataset:
    """The FitnessAQA release (Squat and/or OHP) as a video-unit Dataset with splits train/val/test."""
    root = _release_root(Path(root))
    fingerprint = Fingerprint(root)
    videos: dict[str, Video] = {}
    splits: dict[str, list[str]] = {s: [] for s in SPLITS}
    found = False
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
        videos_dir = find_child(labeled, "videos")
        video_files = (
            {p.name.lower(): p for p in videos_dir.iterdir()} if videos_dir and videos_dir.is_dir() else {}
        )
        for split in SPLITS:
            path = find_child(splits_dir, f"{split}_keys.json")
            if path is None:
                if split == "val":
                    continue
                raise DataError(splits_dir / f"{split}_keys.json", "file not found", hint=HINT)
            fingerprint.add(path)
            for key in read_split_file(path):
                video = _make_video(
                    root, exercise, key, split, labels, truth, kp_dir, video_files, path, fingerprint
                )
                if video.id in videos:
                    raise DataError(path, f"clip {key!r} is in two splits", field=key)
                videos[video.id] = video
                splits[split].append(video.id)
    if not found:
        raise DataError(root, "no Squat/Labeled_Dataset or OHP/Labeled_Dataset folder", hint=HINT)
    splits = {s: ids for s, ids in splits.items() if ids or s != "val"}
    has_keypoints = any(v.keypoints_path for v in videos.values())

    def keypoints(video: Video) -> np.ndarray:
        if video.keypoints_path is None:
            raise DataError(
                root,
                f"clip {video.id!r} has no keypoints file",
                field=KEYPOINTS_DIR,
                hint="write <Exercise>/Labeled_Dataset/keypoints/<clip id>.npy (T×17×3 float32)",
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
    video_files: dict[str, Path],
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
    video_file = video_files.get(f"{key}.mp4".lower())
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
        video_path=video_file.relative_to(root).as_posix() if video_file else None,
        meta=meta,
    )
