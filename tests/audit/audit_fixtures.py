"""A hand-made built ADR folder for the audit tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from adrbench.jsonl import dumps, write_records
from adrbench.records import Pair, Video

SPORTS = {"Basketball": "Mikan Layup", "Soccer": "Juggling", "Rock Climbing": "Climbing"}
#: Scores per sport: five takes each, with one exact tie (6.0, 6.0) so the confusion has a tie row.
SCORES = (4.0, 6.0, 6.0, 7.5, 9.0)


def description(i: int, s1: float, s2: float) -> str:
    """Says the true winner, except every fourth pair (says the loser); a tie says 'similar level'."""
    if s1 == s2:
        return (
            "Player 1 and Player 2 bend the knees alike. Overall, the two players perform at a similar level."
        )
    better = 1 if s1 > s2 else 2
    if i % 4 == 3:
        better = 3 - better
    return f"Player {better} keeps the elbows more stable. Overall, Player {better} performs better."


def write_folder(folder: Path) -> tuple[list[Video], list[Pair]]:
    """videos.jsonl and pairs_test.jsonl: 3 sports × 10 pairs, plus one pair without a description."""
    videos, pairs = [], []
    for category, group in SPORTS.items():
        slug = re.sub(r"\W+", "", category.lower())
        takes = [
            Video(
                id=f"{slug}_{k}",
                task="adr",
                split="test",
                group=group,
                category=category,
                performer=f"{slug}-p{k}",
                score=s,
                comments=[f"comment {k}"],
            )
            for k, s in enumerate(SCORES)
        ]
        videos.extend(takes)
        for i, (v1, v2) in enumerate(itertools.combinations(takes, 2)):
            assert v1.score is not None and v2.score is not None
            pairs.append(
                Pair(
                    id=f"{v1.id}__{v2.id}",
                    task="adr",
                    split="test",
                    group=group,
                    category=category,
                    video_1=v1.id,
                    video_2=v2.id,
                    description=description(i, v1.score, v2.score),
                )
            )
    pairs.append(
        Pair(
            id="undescribed",
            task="adr",
            split="test",
            group="Climbing",
            category="Rock Climbing",
            video_1=videos[-1].id,
            video_2=videos[-2].id,
            description=None,
        )
    )
    write_records(folder / "videos.jsonl", videos)
    write_records(folder / "pairs_test.jsonl", pairs)
    return videos, pairs


def judge_responder(prompt: str, n_images: int) -> str:
    """A stand-in judge model: reads the description in the prompt and answers in the asked JSON form."""
    text = prompt.split("Description:\n", 1)[1].split("\n\n", 1)[0]
    found = re.search(r"Overall, Player (\d) performs better", text)
    answer = found.group(1) if found else "tie"
    return f"Sure. {dumps({'better': answer})}"
