"""Pair describers: who does what better, as the ground-truth difference description of an ADR pair.

The paper prompts Gemini 2.5 with the two takes' expert comments (§2, Fig. 2); LLM describers live with the other
LLM clients. This module holds the protocol and the offline template describer used for the synthetic data.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Protocol, runtime_checkable

import numpy as np

from adrbench.data.synth import grammar
from adrbench.data.synth.facts import pair_facts, stated_facts
from adrbench.records import Video

GRAMMAR_VERSION = "1"

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

    With the synthetic generator's truth (`meta["kinematics"]` of both videos) it states the pair's most salient
    measured differences (adrbench.data.synth.facts) through the stochastic grammar (adrbench.data.synth.grammar),
    seeded by (seed, pair id, reference index), and gives test pairs `n_references` independently sampled
    references. Otherwise it compares the mean expert ratings and quotes the body parts the experts' comments
    name. Ends with who performs better overall (mean ratings differing by at least `tie_gap`).
    """

    def __init__(self, seed: int = 0, n_references: tuple[int, int] = (3, 5), tie_gap: float = 0.25) -> None:
        self.seed = seed
        self.n_references = n_references
        self.tie_gap = tie_gap

    def provenance(self) -> dict[str, Any]:
        return {
            "describer": type(self).__name__,
            "seed": self.seed,
            "references_test": list(self.n_references),
            "grammar": GRAMMAR_VERSION,
        }

    def describe(self, video_1: Video, video_2: Video) -> str:
        return self.describe_pair(video_1, video_2)[0]

    def describe_pair(self, video_1: Video, video_2: Video) -> tuple[str, dict[str, Any]]:
        """(description, Pair.meta entries): with generator truth, the stated facts and the other references."""
        verdict = _verdict(video_1.score, video_2.score, self.tie_gap)
        if not (_has_truth(video_1) and _has_truth(video_2)):
            return " ".join([*self._from_comments(video_1, video_2), _overall(verdict)]), {}
        truth_1, truth_2 = video_1.meta, video_2.meta
        facts = pair_facts(
            video_1.group,
            truth_1["kinematics"],
            truth_2["kinematics"],
            (truth_1["phase_seconds"], truth_2["phase_seconds"]),
        )
        stated = stated_facts(facts)
        pair_id = f"{video_1.id}__{video_2.id}"
        low, high = self.n_references
        count_rng = np.random.default_rng([self.seed, _stable_int(pair_id), 1_000_003])
        n_refs = int(count_rng.integers(low, high + 1)) if video_1.split == "test" else 1
        gap = abs((video_1.score or 0.0) - (video_2.score or 0.0))
        texts = [
            grammar.describe(
                stated,
                verdict,
                gap,
                video_1.category,
                np.random.default_rng([self.seed, _stable_int(pair_id), i]),
            )
            for i in range(n_refs)
        ]
        meta: dict[str, Any] = {
            "facts": [f.as_json() for f in stated],
            "n_detectable": len(facts),
            "verdict": verdict,
        }
        if n_refs > 1:
            meta["references"] = texts[1:]
        return texts[0], meta

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


def _has_truth(video: Video) -> bool:
    return isinstance(video.meta.get("kinematics"), dict) and "phase_seconds" in video.meta


def _verdict(score_1: float | None, score_2: float | None, tie_gap: float) -> int | str:
    if score_1 is None or score_2 is None or abs(score_1 - score_2) < tie_gap:
        return "tie"
    return 1 if score_1 > score_2 else 2


def _overall(verdict: int | str) -> str:
    if verdict == "tie":
        return "Overall, the two players perform at a similar level."
    return f"Overall, Player {verdict} performs better."


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
