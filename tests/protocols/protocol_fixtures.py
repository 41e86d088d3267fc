"""Tiny hand-built ADR datasets for the protocol tests (a plain module: conftest names clash across test dirs)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.records import Pair, Video


def video(
    vid: str,
    score: float | None,
    performer: str | None = None,
    category: str = "Basketball",
    group: str = "Layup",
    skill: dict | None = None,
) -> Video:
    return Video(
        id=vid,
        task="adr",
        split="train",
        group=group,
        category=category,
        performer=performer or vid,
        score=score,
        meta={"skill": skill} if skill else {},
    )


def pair(
    pid: str,
    v1: str,
    v2: str,
    description: str | None,
    category: str = "Basketball",
    group: str = "Layup",
    split: str = "test",
    **meta: object,
) -> Pair:
    return Pair(
        id=pid,
        task="adr",
        split=split,
        group=group,
        category=category,
        video_1=v1,
        video_2=v2,
        description=description,
        meta=dict(meta),
    )


def dataset(
    videos: Sequence[Video], pairs: Sequence[Pair], splits: dict[str, list[str]] | None = None
) -> Dataset:
    return Dataset(
        task="adr-synth",
        unit="pair",
        videos={v.id: v for v in videos},
        pairs={p.id: p for p in pairs},
        splits=splits or {"test": [p.id for p in pairs]},
        skeleton=BODY,
        root=Path("."),
        score_range=(0.0, 10.0),
    )
