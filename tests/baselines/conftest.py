"""Tiny learnable datasets for the baseline tests: a score drives how much the knees and elbows swing."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import torch

from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.records import Pair, Video

N_FRAMES = 24


def _keypoints(amplitude: float, seed: int) -> np.ndarray:
    """A standing figure whose knees and elbows swing with `amplitude`; the rest is noise."""
    rng = np.random.default_rng(seed)
    base = (
        rng.normal(0.0, 0.05, size=(1, len(BODY.joints), 3))
        + np.linspace(0, 1, len(BODY.joints))[None, :, None]
    )
    t = np.linspace(0, 2 * np.pi, N_FRAMES)[:, None]
    kp = np.repeat(base, N_FRAMES, axis=0)
    for j in (7, 8, 13, 14):
        kp[:, j, 0] += amplitude * np.sin(t[:, 0] + j)
        kp[:, j, 1] += amplitude * np.cos(t[:, 0])
    kp += rng.normal(0.0, 0.01, size=kp.shape)
    return kp.astype(np.float32)


def _videos(task: str, groups: tuple[str, ...], per_group: int, seed: int) -> list[Video]:
    rng = np.random.default_rng(seed)
    out = []
    for g_index, group in enumerate(groups):
        for i in range(per_group):
            split = "train" if i < per_group * 3 // 4 else "test"
            amplitude = float(rng.uniform(0.05, 0.6))
            score = 2.0 + 6.0 * amplitude + g_index
            out.append(
                Video(id=f"{group}-v{i:02d}", task=task, split=split, group=group, category="sport",
                      performer=f"p{g_index}{i}", score=round(score, 3),
                      labels={f"{group}_err": int(amplitude > 0.3)} if task == "fitnessaqa" else {},
                      comments=["wide swing" if amplitude > 0.3 else "tight swing"],
                      meta={"amplitude": amplitude, "seed": int(rng.integers(1 << 30))})
            )  # fmt: skip
    return out


def _loader(video: Video) -> np.ndarray:
    return _keypoints(video.meta["amplitude"], video.meta["seed"])


def make_adr(per_group: int = 12, seed: int = 0) -> Dataset:
    videos = _videos("adr", ("dribble", "kick"), per_group, seed)
    pairs: dict[str, Pair] = {}
    splits: dict[str, list[str]] = {"train": [], "test": []}
    for split in ("train", "test"):
        for group in ("dribble", "kick"):
            members = [v for v in videos if v.group == group and v.split == split]
            for a, b in itertools.combinations(members, 2):
                better = "first" if a.score > b.score else "second"  # type: ignore[operator]
                pid = f"{a.id}|{b.id}"
                pairs[pid] = Pair(
                    id=pid,
                    task="adr",
                    split=split,
                    group=group,
                    category="sport",
                    video_1=a.id,
                    video_2=b.id,
                    description=f"the {better} performer swings the knees more in the {group}",
                )
                splits[split].append(pid)  # fmt: skip
    return Dataset(task="adr-tiny", unit="pair", videos={v.id: v for v in videos}, pairs=pairs, splits=splits,
                   skeleton=BODY, root=Path("."), score_range=(0.0, 10.0), keypoint_loader=_loader)  # fmt: skip


def make_video_task(family: str, per_group: int = 12, seed: int = 1) -> Dataset:
    groups = ("OHP", "Squat") if family == "fitnessaqa" else ("Suturing", "Knot_Tying")
    videos = _videos(family, groups, per_group, seed)
    splits = {s: [v.id for v in videos if v.split == s] for s in ("train", "test")}
    names = tuple(f"{g}_err" for g in groups) if family == "fitnessaqa" else ()
    return Dataset(task=f"{family}-tiny", unit="video", videos={v.id: v for v in videos}, pairs={}, splits=splits,
                   skeleton=BODY, root=Path("."), score_range=None, label_names=names, keypoint_loader=_loader)  # fmt: skip


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture
def adr() -> Dataset:
    return make_adr()


@pytest.fixture
def jigsaws() -> Dataset:
    return make_video_task("jigsaws")


@pytest.fixture
def fitness() -> Dataset:
    return make_video_task("fitnessaqa", per_group=20)
