"""Pair describers: who does what better, as the ground-truth difference description of an ADR pair.

The paper prompts Gemini 2.5 with the two takes' expert comments (§2, Fig. 2); LLM describers live with the other
LLM clients. This module holds the protocol and the offline template describer used for the synthetic data.
"""

from __future__ import annotations

import re
from typing import Protocol, runtime_checkable

from adrbench.records import Video

GROUPS = ("elbow", "shoulder", "hip", "knee")
ASPECTS = ("timing", "amplitude", "smoothness", "stability")

#: "Player A <phrase> than Player B" for a group and aspect where A is the better one.
_BETTER = {
    "timing": "times the {single} movement better",
    "amplitude": "uses a fuller range of motion at the {part}",
    "smoothness": "moves the {part} more smoothly",
    "stability": "keeps the {part} more stable",
}
_PLURAL = {"elbow": "elbows", "shoulder": "shoulders", "hip": "hips", "knee": "knees"}
_JOINT_WORDS = re.compile(
    r"\b(elbows?|shoulders?|hips?|knees?|arms?|legs?|wrists?|ankles?|feet|foot|hands?|core|balance|"
    r"footwork|release|stance|grip)\b",
    re.IGNORECASE,
)


@runtime_checkable
class Describer(Protocol):
    """Writes the difference description of a pair from its two videos (records with comments, scores, meta)."""

    def describe(self, video_1: Video, video_2: Video) -> str: ...


class TemplateDescriber:
    """Offline, deterministic describer.

    With the generator's truth (`meta["skill"]`: group → aspect → [0,1]) it names the `max_points` joint groups
    whose skill differs most and the aspect that differs most in each; otherwise it compares the mean expert
    ratings and quotes the body parts the experts' comments name. Ends with who performs better overall.
    """

    def __init__(self, max_points: int = 3, min_gap: float = 0.05) -> None:
        self.max_points = max_points
        self.min_gap = min_gap

    def describe(self, video_1: Video, video_2: Video) -> str:
        skill_1, skill_2 = video_1.meta.get("skill"), video_2.meta.get("skill")
        if isinstance(skill_1, dict) and isinstance(skill_2, dict):
            sentences = self._from_skill(skill_1, skill_2)
        else:
            sentences = self._from_comments(video_1, video_2)
        sentences.append(_overall(video_1.score, video_2.score))
        return " ".join(sentences)

    def _from_skill(self, skill_1: dict, skill_2: dict) -> list[str]:
        gaps = []
        for group in GROUPS:
            if group not in skill_1 or group not in skill_2:
                continue
            diffs = {a: skill_1[group][a] - skill_2[group][a] for a in ASPECTS}
            aspect = max(ASPECTS, key=lambda a: (abs(diffs[a]), -ASPECTS.index(a)))
            mean_gap = sum(diffs.values()) / len(ASPECTS)
            gaps.append((abs(mean_gap), group, aspect, diffs[aspect]))
        gaps.sort(key=lambda g: (-g[0], GROUPS.index(g[1])))
        sentences = []
        for size, group, aspect, diff in gaps[: self.max_points]:
            if size < self.min_gap:
                break
            better, worse = ("Player 1", "Player 2") if diff > 0 else ("Player 2", "Player 1")
            sentences.append(
                f"{better} {_BETTER[aspect].format(part=_PLURAL[group], single=group)} than {worse}."
            )
        if not sentences:
            sentences.append(
                "Both players move their elbows, shoulders, hips and knees in a very similar way."
            )
        return sentences

    @staticmethod
    def _from_comments(video_1: Video, video_2: Video) -> list[str]:
        sentences = []
        for name, video in (("Player 1", video_1), ("Player 2", video_2)):
            parts = sorted({m.group(1).lower() for c in video.comments for m in _JOINT_WORDS.finditer(c)})
            if parts:
                sentences.append(f"Experts comment on {name}'s {', '.join(parts)}.")
            if video.comments:
                sentences.append(f"For {name}: {video.comments[0].rstrip('.')}.")
        return sentences


def _overall(score_1: float | None, score_2: float | None) -> str:
    if score_1 is None or score_2 is None or abs(score_1 - score_2) < 0.25:
        return "Overall, the two players perform at a similar level."
    return "Overall, Player 1 performs better." if score_1 > score_2 else "Overall, Player 2 performs better."
