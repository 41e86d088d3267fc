"""Tiny hand-built datasets for the LVLM tests: random keypoints, no files."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from adrbench.dataset import Dataset, Skeleton
from adrbench.records import Pair, Video

SKELETON = Skeleton(
    joints=("head", "neck", "hip", "l_knee", "r_knee", "l_hand", "r_hand"),
    edges=((0, 1), (1, 2), (2, 3), (2, 4), (1, 5), (1, 6)),
    groups={"body": (0, 1, 2, 3, 4, 5, 6)},
)


def random_keypoints(video: Video) -> np.ndarray:
    """Deterministic random keypoints (T=20, P=7, xyz) seeded by the video id."""
    rng = np.random.default_rng(zlib.crc32(video.id.encode()))
    return rng.normal(size=(20, len(SKELETON.joints), 3)).astype(np.float32)


def _video(vid: str, task: str, group: str, category: str, **extra: object) -> Video:
    return Video(id=vid, task=task, split="test", group=group, category=category, performer=vid, **extra)


def adr_dataset(n_videos: int = 6, root: Path = Path(".")) -> Dataset:
    """An ADR-shaped dataset: n videos of one sub-activity and all their unordered pairs as test items."""
    videos = {
        f"v{i}": _video(f"v{i}", "adr", "Free Throw", "Basketball", score=3.0 + i % 5)
        for i in range(n_videos)
    }
    ids = sorted(videos)
    pairs = {}
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            pid = f"{ids[a]}-{ids[b]}"
            pairs[pid] = Pair(
                id=pid,
                task="adr",
                split="test",
                group="Free Throw",
                category="Basketball",
                video_1=ids[a],
                video_2=ids[b],
                description=f"{ids[b]} bends the knees more than {ids[a]}.",
            )
    return Dataset(
        task="adr-tiny",
        unit="pair",
        videos=videos,
        pairs=pairs,
        splits={"test": sorted(pairs)},
        skeleton=SKELETON,
        root=root,
        score_range=(1.0, 10.0),
        keypoint_loader=random_keypoints,
    )


def jigsaws_dataset() -> Dataset:
    videos = {f"s{i}": _video(f"s{i}", "jigsaws", "Suturing", "surgery", score=20.0) for i in range(4)}
    return Dataset(
        task="jigsaws-tiny",
        unit="video",
        videos=videos,
        pairs={},
        splits={"test": sorted(videos)},
        skeleton=SKELETON,
        root=Path("."),
        score_range=(6.0, 30.0),
        keypoint_loader=random_keypoints,
    )


def fitness_dataset() -> Dataset:
    videos = {f"o{i}": _video(f"o{i}", "fitnessaqa", "OHP", "fitness") for i in range(3)}
    videos |= {f"q{i}": _video(f"q{i}", "fitnessaqa", "Squat", "fitness") for i in range(3)}
    names = ("OHP_knee", "OHP_elbow", "Squat_forward", "Squat_inward")
    return Dataset(
        task="fitnessaqa-tiny",
        unit="video",
        videos=videos,
        pairs={},
        splits={"test": sorted(videos)},
        skeleton=SKELETON,
        root=Path("."),
        score_range=None,
        label_names=names,
        keypoint_loader=random_keypoints,
    )
