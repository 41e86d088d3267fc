"""Tiny datasets for the feature tests: keypoint-only videos, and real short video files written with PyAV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.records import Video


def tiny_keypoints(video: Video) -> np.ndarray:
    rng = np.random.default_rng(int(video.meta["seed"]))
    return rng.normal(size=(12, len(BODY.joints), 3)).astype(np.float32)


def make_dataset(root: Path, n_videos: int = 4, with_files: bool = False) -> Dataset:
    videos = {}
    for i in range(n_videos):
        path = None
        if with_files:
            from adrbench.features.video import write_video

            rng = np.random.default_rng(i)
            frames = (
                rng.integers(0, 255, size=(1, 24, 32, 3)) + 8 * np.arange(10)[:, None, None, None]
            ) % 255
            path = f"v{i}.mp4"
            write_video(root / path, frames.astype(np.uint8), fps=10)
        videos[f"v{i}"] = Video(id=f"v{i}", task="adr", split="train" if i % 2 == 0 else "test", group="g",
                                category="c", performer=f"p{i}", score=float(i), video_path=path,
                                meta={"seed": i})  # fmt: skip
    splits = {s: [v.id for v in videos.values() if v.split == s] for s in ("train", "test")}
    return Dataset(task="tiny", unit="video", videos=videos, pairs={}, splits=splits, skeleton=BODY, root=root,
                   score_range=None, keypoint_loader=tiny_keypoints)  # fmt: skip


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture
def keypoint_data(tmp_path: Path) -> Dataset:
    return make_dataset(tmp_path)


@pytest.fixture
def video_data(tmp_path: Path) -> Dataset:
    return make_dataset(tmp_path, n_videos=3, with_files=True)
