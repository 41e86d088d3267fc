"""Tiny hand-built Datasets for the scoring tests (no files, trivial skeleton)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrbench.dataset import Dataset, Skeleton
from adrbench.records import Pair, Video

SKELETON = Skeleton(joints=("root",), edges=(), groups={"body": (0,)})


def video(vid: str, score: float | None, group: str, category: str, labels: dict | None = None) -> Video:
    return Video(
        id=vid,
        task="t",
        split="test",
        group=group,
        category=category,
        performer=f"p-{vid}",
        score=score,
        labels=labels or {},
    )


@pytest.fixture
def adr_dataset() -> Dataset:
    """Six videos in two sub-activities of two sports; five test pairs with descriptions."""
    videos = {
        "v1": video("v1", 7.0, "Jump Shot", "Basketball"),
        "v2": video("v2", 5.0, "Jump Shot", "Basketball"),
        "v3": video("v3", 3.5, "Jump Shot", "Basketball"),
        "v4": video("v4", 8.0, "Penalty Kick", "Soccer"),
        "v5": video("v5", 6.0, "Penalty Kick", "Soccer"),
        "v6": video("v6", 2.0, "Penalty Kick", "Soccer"),
    }
    spec = [
        ("p1", "v1", "v2", "the first player bends the knees more"),
        ("p2", "v1", "v3", "the second player releases the ball late"),
        ("p3", "v2", "v3", "both players jump to the same height"),
        ("p4", "v4", "v5", "the first player plants the left foot closer to the ball"),
        ("p5", "v4", "v6", "the second player leans back and misses"),
    ]
    pairs = {}
    for pid, a, b, text in spec:
        v = videos[a]
        pairs[pid] = Pair(
            id=pid,
            task="adr",
            split="test",
            group=v.group,
            category=v.category,
            video_1=a,
            video_2=b,
            description=text,
        )
    return Dataset(
        task="adr-tiny",
        unit="pair",
        videos=videos,
        pairs=pairs,
        splits={"test": list(pairs)},
        skeleton=SKELETON,
        root=Path("."),
        score_range=(0.0, 10.0),
    )


@pytest.fixture
def jigsaws_dataset() -> Dataset:
    scores = {"k1": 10.0, "k2": 14.0, "k3": 20.0, "n1": 12.0, "n2": 25.0, "n3": 18.0, "n4": 9.0}
    videos = {
        vid: video(vid, s, "Knot Tying" if vid.startswith("k") else "Needle Passing", "surgery")
        for vid, s in scores.items()
    }
    return Dataset(
        task="jigsaws-tiny",
        unit="video",
        videos=videos,
        pairs={},
        splits={"test": list(videos)},
        skeleton=SKELETON,
        root=Path("."),
        score_range=(6.0, 30.0),
    )


@pytest.fixture
def fitness_dataset() -> Dataset:
    labels = {
        "o1": ("OHP", {"OHP_knee": 1, "OHP_elbow": 0}),
        "o2": ("OHP", {"OHP_knee": 0, "OHP_elbow": 1}),
        "o3": ("OHP", {"OHP_knee": 1, "OHP_elbow": 1}),
        "s1": ("Squat", {"Squat_forward": 1, "Squat_inward": 0}),
        "s2": ("Squat", {"Squat_forward": 0, "Squat_inward": 0}),
        "s3": ("Squat", {"Squat_forward": 1, "Squat_inward": 1}),
    }
    videos = {vid: video(vid, None, g, "fitness", lab) for vid, (g, lab) in labels.items()}
    return Dataset(
        task="fitnessaqa-tiny",
        unit="video",
        videos=videos,
        pairs={},
        splits={"test": list(videos)},
        skeleton=SKELETON,
        root=Path("."),
        score_range=None,
        label_names=("OHP_knee", "OHP_elbow", "Squat_forward", "Squat_inward"),
    )
