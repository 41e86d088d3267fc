"""What an audit looks at: pairs with a description and both scores, the score order, and the seeded sample."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from adrbench.data.files import nested_root_hint
from adrbench.errors import ConfigError, DataError
from adrbench.jsonl import read_records
from adrbench.records import Pair, Video

Label = Literal["1", "2", "tie"]
LABELS: tuple[Label, ...] = ("1", "2", "tie")


@dataclass(frozen=True)
class AuditItem:
    """One pair to judge: its description and the ground-truth score order (never shown to a rater)."""

    pair: Pair
    truth: Label

    @property
    def description(self) -> str:
        return self.pair.description or ""


def score_order(score_1: float, score_2: float, margin: float = 0.0) -> Label:
    """The ground-truth order: "1" if player 1's score is higher by more than `margin`, "2" if lower, else "tie"."""
    if score_1 - score_2 > margin:
        return "1"
    if score_2 - score_1 > margin:
        return "2"
    return "tie"


def audit_items(pairs: Iterable[Pair], videos: Mapping[str, Video], margin: float = 0.0) -> list[AuditItem]:
    """The pairs that can be audited (a non-empty description and both scores), with their score order."""
    items = []
    for pair in pairs:
        v1, v2 = videos.get(pair.video_1), videos.get(pair.video_2)
        if not pair.description or v1 is None or v2 is None or v1.score is None or v2.score is None:
            continue
        items.append(AuditItem(pair, score_order(v1.score, v2.score, margin)))
    return items


def sample_items(items: list[AuditItem], n_per_category: int | None, seed: int) -> list[AuditItem]:
    """Up to `n_per_category` items of each sport (paper §2: 50 per sport), drawn with `seed`, in a seeded order.

    The draw depends only on the pair ids, the seed and n, so a resumed session sees the same sample.
    """
    rng = random.Random(seed)
    by_category: dict[str, list[AuditItem]] = {}
    for item in sorted(items, key=lambda i: i.pair.id):
        by_category.setdefault(item.pair.category, []).append(item)
    chosen: list[AuditItem] = []
    for category in sorted(by_category):
        group = by_category[category]
        if n_per_category is not None and n_per_category < len(group):
            group = rng.sample(group, n_per_category)
        chosen.extend(group)
    rng.shuffle(chosen)
    return chosen


def load_folder(folder: Path, split: str) -> tuple[list[Pair], dict[str, Video]]:
    """Pairs and videos of a built ADR folder: `videos.jsonl` and `pairs_<split>.jsonl` (adrbench.records)."""
    pairs_path = folder / f"pairs_{split}.jsonl"
    if not pairs_path.exists():
        inner = nested_root_hint(folder, lambda c: (c / pairs_path.name).is_file(), option="--data")
        hint = inner or "point --data at a folder written by the ADR builder"
        raise DataError(pairs_path, "file not found", hint=hint)
    videos = {v.id: v for v in read_records(folder / "videos.jsonl", Video)}
    return read_records(pairs_path, Pair), videos


def load_pairs(
    task: str | None, data_root: Path | None, folder: Path | None, split: str, seed: int = 0
) -> tuple[list[Pair], dict[str, Video]]:
    """The pairs of `split` and their videos, from a built folder or from a registered ADR task."""
    if folder is not None:
        return load_folder(folder, split)
    if task is None:
        raise ConfigError("give --task (e.g. adr or adr-synth) or --data (a built ADR folder)")
    from adrbench.tasks import get_task

    dataset = get_task(task).load(data_root=data_root, seed=seed)
    if dataset.unit != "pair":
        raise ConfigError(f"task {task!r} has no pairs; the audit is for ADR tasks")
    if split not in dataset.splits:
        raise ConfigError(f"task {task!r} has no split {split!r}; it has {', '.join(dataset.splits)}")
    return list(dataset.items(split)), dict(dataset.videos)  # type: ignore[arg-type]
