"""Simulated experts: each rates a take 1–10 from the performer's skill with its own bias and noise, and comments
on the joints it notices (decisive groups more often), praising or criticising one skill aspect at a time."""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

from adrbench.data.synth.body import ASPECTS, GROUPS, group_skill

_PLURAL = {"elbow": "elbows", "shoulder": "shoulders", "hip": "hips", "knee": "knees"}
_GOOD = {
    "timing": ("Good timing of the {p} movement.", "The {p} move at the right moment."),
    "amplitude": ("Full range of motion at the {p}.", "Nice deep {s} bend, well extended."),
    "smoothness": ("Smooth, controlled {s} action.", "The {p} move fluidly."),
    "stability": ("The {p} stay stable throughout.", "Solid, steady {p}."),
}
_BAD = {
    "timing": ("The {p} movement comes too late.", "The {s} action is mistimed."),
    "amplitude": ("Not enough range at the {p}.", "Needs a fuller {s} bend and extension."),
    "smoothness": ("The {s} movement looks jerky.", "The {p} move in a choppy way."),
    "stability": ("The {p} wobble and lose stability.", "Unstable {p} through the motion."),
}


@dataclass(frozen=True)
class Expert:
    uid: str
    bias: float
    noise: float


def make_experts(n: int, rng: np.random.Generator) -> list[Expert]:
    """`n` experts with 6-character uids, a severity bias ~N(0, 0.5) and a noise level in [0.3, 0.8]."""
    alphabet = np.array(list(string.ascii_lowercase + string.digits))
    experts = []
    for _ in range(n):
        uid = "".join(rng.choice(alphabet, size=6))
        experts.append(Expert(uid, float(rng.normal(0.0, 0.5)), float(rng.uniform(0.3, 0.8))))
    return experts


def quality(skill: dict[str, dict[str, float]], decisive: tuple[str, ...]) -> float:
    """The true quality in [0,1]: the mean skill of the sub-activity's decisive joint groups only."""
    return float(np.mean([group_skill(skill, g) for g in decisive]))


def rate(expert: Expert, q: float, rng: np.random.Generator) -> int:
    """A 1–10 rating: 1 + 9·quality, shifted by the expert's bias and noise, rounded and clipped."""
    return int(np.clip(np.rint(1.0 + 9.0 * q + expert.bias + rng.normal(0.0, expert.noise)), 1, 10))


def comment(
    skill: dict[str, dict[str, float]], decisive: tuple[str, ...], n: int, rng: np.random.Generator
) -> list[tuple[str, str, str]]:
    """`n` comments (text, group, aspect): the expert notices decisive groups 3× more and extreme aspects more."""
    cells = [(g, a) for g in GROUPS for a in ASPECTS]
    weights = np.array([(3.0 if g in decisive else 1.0) * (0.05 + abs(skill[g][a] - 0.5)) for g, a in cells])
    picks = rng.choice(len(cells), size=min(n, len(cells)), replace=False, p=weights / weights.sum())
    out = []
    for i in sorted(picks):
        group, aspect = cells[i]
        table = _GOOD if skill[group][aspect] >= 0.55 else _BAD
        template = table[aspect][int(rng.integers(len(table[aspect])))]
        out.append((template.format(p=_PLURAL[group], s=group), group, aspect))
    return out


def why(skill: dict[str, dict[str, float]], decisive: tuple[str, ...]) -> str:
    """The one-line reason an expert gives with the rating: best and weakest decisive group."""
    ranked = sorted(decisive, key=lambda g: (group_skill(skill, g), g))
    if len(ranked) == 1:
        return f"Rating driven by the {_PLURAL[ranked[0]]}."
    return f"Strongest at the {_PLURAL[ranked[-1]]}, weakest at the {_PLURAL[ranked[0]]}."
