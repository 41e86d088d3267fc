"""Tiny hand-made datasets for KEPT's tests: a few videos whose score is driven by one joint group's tremor."""

from __future__ import annotations

import itertools
import zlib
from pathlib import Path

import numpy as np

from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset, Skeleton
from adrbench.records import Pair, Video

GOOD = {"elbow": "Smooth elbows.", "knee": "Steady knees."}
BAD = {"elbow": "Jerky elbows.", "knee": "Shaky knees."}


def _keypoints(skeleton: Skeleton, skill: float, group: str, seed: int, frames: int = 24) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = rng.normal(0.0, 1.0, (len(skeleton.joints), 3))
    t = np.arange(frames)[:, None, None] / 30.0
    kp = base[None] + 0.1 * np.sin(2 * np.pi * t + base[None])
    shaky = list(skeleton.groups[group])
    kp[:, shaky] += (1.0 - skill) * 0.3 * rng.normal(0.0, 1.0, (frames, len(shaky), 3))
    return kp.astype(np.float32)


def make_dataset(
    skeleton: Skeleton = BODY,
    unit: str = "pair",
    n_train: int = 8,
    n_test: int = 4,
    labels: tuple[str, ...] = (),
) -> Dataset:
    """Videos in two groups; the 'decisive' joint group of a video drives its score and its comment."""
    decisive = list(skeleton.groups)[0]
    videos: dict[str, Video] = {}
    arrays: dict[str, np.ndarray] = {}
    for split, n in (("train", n_train), ("test", n_test)):
        for i in range(n):
            vid = f"{split}{i}"
            skill = (i + 0.5) / n
            group = "A" if i % 2 == 0 else "B"
            comment = (GOOD if skill > 0.5 else BAD).get(decisive, "Fine.")
            videos[vid] = Video(
                id=vid,
                task="adr",
                split=split,
                group=group,
                category="sport",
                performer=vid,
                score=1.0 + 9.0 * skill,
                comments=[comment] if split == "train" else [],
                labels={name: int(skill < 0.5) for name in labels},
                meta={"decisive_groups": [decisive]},
            )
            arrays[vid] = _keypoints(skeleton, skill, decisive, seed=zlib.crc32(vid.encode()) % 1000)
    pairs: dict[str, Pair] = {}
    splits: dict[str, list[str]] = {"train": [], "test": []}
    for split in ("train", "test"):
        ids = [v for v in videos if videos[v].split == split]
        for a, b in itertools.combinations(ids, 2):
            if videos[a].group != videos[b].group:
                continue
            better = "Player 1" if videos[a].score > videos[b].score else "Player 2"
            pid = f"{a}-{b}"
            pairs[pid] = Pair(
                id=pid,
                task="adr",
                split=split,
                group=videos[a].group,
                category="sport",
                video_1=a,
                video_2=b,
                description=f"{better} moves the {decisive} more smoothly.",
            )
            splits[split].append(pid)
    if unit == "video":
        splits = {s: [v for v in videos if videos[v].split == s] for s in ("train", "test")}
        pairs = {}
    return Dataset(
        task="adr-tiny" if unit == "pair" else "video-tiny",
        unit=unit,
        videos=videos,
        pairs=pairs,
        splits=splits,
        skeleton=skeleton,
        root=Path("."),
        score_range=(1.0, 10.0),
        label_names=labels,
        keypoint_loader=lambda v: arrays[v.id],
    )


TINY_ARGS = {
    "d": "16",
    "heads": "2",
    "epochs": "2",
    "min_steps": "0",
    "batch": "8",
    "keyframes": "8",
    "segments": "2",
    "decoder_layers": "1",
    "max_text_tokens": "16",
    "comment_items": "2",
}
