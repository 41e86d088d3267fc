"""The differences between two adr-synth performances, as facts measured from their motion.

A fact is one (joint group, phase, aspect) cell whose measured kinematics (adrbench.data.synth.motion.measure)
differ by at least the aspect's detectability threshold — about the difference a 3-D pose track at 30 fps with
~1 cm noise resolves. It says which player is better there (more range; earlier onset; less tremor; less wobble)
and how salient the difference is: its size as a share of the largest difference the cell can show, ×1.5 for the
cells that decide the score (experts notice what matters). A description states the most salient facts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from adrbench.data.synth.motion import ACTIONS, ASPECTS, GROUPS, MAX_LAG, Kinematics

#: Smallest measured difference that is stated (rad, s, rad RMS, rad RMS).
THRESHOLDS = {"range": 0.08, "timing": 0.07, "smoothness": 0.02, "steadiness": 0.015}
#: Aspects where the smaller measurement is the better one.
LOWER_IS_BETTER = frozenset({"timing", "smoothness", "steadiness"})
DECISIVE_WEIGHT = 1.5
MAX_STATED = 3


@dataclass(frozen=True)
class Fact:
    """Player `better` does better than the other at `aspect` of the `group` during `phase`."""

    group: str
    phase: str
    aspect: str
    better: int
    delta: float  # |difference| in the aspect's unit
    salience: float
    decisive: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Fact:
        return cls(**obj)


def _scale(group: str, aspect: str, phase_index: int, sub_activity: str, phase_s: float) -> float:
    """The largest difference a cell can show: salience = |difference| / this."""
    if aspect == "range":
        motion = ACTIONS[sub_activity].groups[group]
        return 0.5 * abs(motion.amplitude[phase_index]) * (motion.left + motion.right) / 2
    if aspect == "timing":
        return MAX_LAG * phase_s
    return {"smoothness": 0.12, "steadiness": 0.11}[aspect]


def pair_facts(
    sub_activity: str,
    kin_1: Kinematics,
    kin_2: Kinematics,
    phase_seconds: tuple[list[float], list[float]],
) -> list[Fact]:
    """Every detectable difference of the pair, most salient first (ties: group, phase, aspect order)."""
    action = ACTIONS[sub_activity]
    decisive = set(action.decisive)
    facts = []
    for group in GROUPS:
        for p, phase in enumerate(action.phases):
            c1, c2 = kin_1[group][phase], kin_2[group][phase]
            for aspect in ASPECTS:
                if aspect not in c1 or aspect not in c2:
                    continue
                diff = c1[aspect] - c2[aspect]
                if abs(diff) < THRESHOLDS[aspect]:
                    continue
                first_better = diff < 0 if aspect in LOWER_IS_BETTER else diff > 0
                phase_s = (phase_seconds[0][p] + phase_seconds[1][p]) / 2
                weight = DECISIVE_WEIGHT if (group, phase, aspect) in decisive else 1.0
                salience = abs(diff) / _scale(group, aspect, p, sub_activity, phase_s) * weight
                facts.append(
                    Fact(
                        group,
                        phase,
                        aspect,
                        1 if first_better else 2,
                        round(abs(diff), 4),
                        round(salience, 4),
                        (group, phase, aspect) in decisive,
                    )
                )
    order = {(g, p, a): i for i, (g, p, a) in enumerate(_cells(sub_activity))}
    facts.sort(key=lambda f: (-f.salience, order[(f.group, f.phase, f.aspect)]))
    return facts


def _cells(sub_activity: str) -> list[tuple[str, str, str]]:
    return [(g, p, a) for g in GROUPS for p in ACTIONS[sub_activity].phases for a in ASPECTS]


def stated_facts(facts: list[Fact]) -> list[Fact]:
    """The facts a description states: the `MAX_STATED` most salient."""
    return facts[:MAX_STATED]
