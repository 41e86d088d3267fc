"""The in-memory view of one task's data that every model and metric reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from adrbench.records import Pair, Unit, Video


@dataclass(frozen=True)
class Skeleton:
    """Joint names, bone edges, the joint groups that are KEPT's tree nodes (paper §3.2), and angle definitions.

    `angles[j] = (a, b)` makes joint j's angle the one between bones j→a and j→b; a joint absent from it gets the
    angle between its first bone and the vertical axis (used for rigid tools).
    """

    joints: tuple[str, ...]
    edges: tuple[tuple[int, int], ...]
    groups: dict[str, tuple[int, ...]]
    angles: dict[int, tuple[int, int]] = field(default_factory=dict)
    fps: float = 30.0


@dataclass
class Dataset:
    """One loaded task: records, splits of evaluation items, and per-video keypoints loaded lazily once.

    `splits` maps a split name ("train", "test", ...) to item ids: pair ids when `unit == "pair"`,
    video ids when `unit == "video"`. `video_root` is the folder `Video.video_path` values are relative to
    (resolve them with adrbench.data.media); it is `root` unless the task keeps its videos elsewhere (ADR: the
    Ego-Exo4D root).
    """

    task: str
    unit: Unit
    videos: dict[str, Video]
    pairs: dict[str, Pair]
    splits: dict[str, list[str]]
    skeleton: Skeleton
    root: Path
    score_range: tuple[float, float] | None
    label_names: tuple[str, ...] = ()
    provenance: dict[str, Any] = field(default_factory=dict)
    keypoint_loader: Callable[[Video], np.ndarray] | None = None
    video_root: Path = None  # type: ignore[assignment]  # None: the same as `root` (set in __post_init__)
    _keypoints: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.video_root is None:
            self.video_root = self.root

    def items(self, split: str) -> list[Pair] | list[Video]:
        """The evaluation items of a split, in a fixed order."""
        return self.pair_items(split) if self.unit == "pair" else self.video_items(split)

    def pair_items(self, split: str) -> list[Pair]:
        """The pairs of a split of a pair task (its items, typed as pairs); a ValueError for a video task."""
        if self.unit != "pair":
            raise ValueError(f"task {self.task!r} evaluates videos, not pairs")
        return [self.pairs[i] for i in self.splits[split]]

    def video_items(self, split: str) -> list[Video]:
        """The videos of a split of a video task (its items, typed as videos); a ValueError for a pair task."""
        if self.unit != "video":
            raise ValueError(f"task {self.task!r} evaluates pairs, not videos")
        return [self.videos[i] for i in self.splits[split]]

    def keypoints(self, video_id: str) -> np.ndarray:
        """The video's keypoints as a float32 array T×P×3 (P = len(skeleton.joints)), loaded once and kept."""
        if video_id not in self._keypoints:
            if self.keypoint_loader is None:
                raise ValueError(f"task {self.task!r} has no keypoints")
            self._keypoints[video_id] = self.keypoint_loader(self.videos[video_id])
        return self._keypoints[video_id]

    def videos_of(self, split: str) -> list[Video]:
        """The distinct videos that the items of a split use, in first-use order."""
        if self.unit == "video":
            return [self.videos[i] for i in self.splits[split]]
        seen: dict[str, Video] = {}
        for pair in self.pair_items(split):
            for vid in (pair.video_1, pair.video_2):
                seen.setdefault(vid, self.videos[vid])
        return list(seen.values())
