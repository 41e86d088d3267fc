"""Simulated experts: each rates a take 1–10 from its true quality with its own bias and noise, and comments on
the cells of the motion it notices (decisive ones more often), praising or criticising one at a time."""

from __future__ import annotations

import string
from dataclasses import dataclass

import numpy as np

from adrbench.data.synth import grammar
from adrbench.data.synth.motion import ASPECTS, GROUPS, Action, Skill


@dataclass(frozen=True)
class Expert:
    uid: str
    bias: float
    noise: float
    spread: float = 1.0  # how widely the expert uses the scale around its middle


def make_experts(n: int, rng: np.random.Generator) -> list[Expert]:
    """`n` experts with 6-character uids, a severity bias ~N(0, 0.5) and a noise level in [0.3, 0.8]; the
    biases of a panel average zero (a panel is calibrated as a whole, so sports differ only in skill); each uses
    the scale more or less widely (spread 0.8–1.2)."""
    alphabet = np.array(list(string.ascii_lowercase + string.digits))
    uids = ["".join(rng.choice(alphabet, size=6)) for _ in range(n)]
    biases = rng.normal(0.0, 0.5, size=n)
    noises = rng.uniform(0.3, 0.8, size=n)
    return [
        Expert(uid, float(b), float(s))
        for uid, b, s in zip(uids, biases - biases.mean(), noises, strict=True)
    ]


def rate(expert: Expert, q: float, rng: np.random.Generator) -> int:
    """A 1–10 rating: 5.5 + spread·9·(quality − ½), shifted by the expert's bias and noise, rounded, clipped."""
    mean = 5.5 + expert.spread * 9.0 * (q - 0.5) + expert.bias
    return int(np.clip(np.rint(mean + rng.normal(0.0, expert.noise)), 1, 10))


def comment(action: Action, skill: Skill, n: int, rng: np.random.Generator) -> list[tuple[str, str, str]]:
    """`n` comments (text, group, aspect) on cells far from average; decisive cells are noticed 3× more.

    A cell with skill ≥ 0.5 is praised, below it criticised.
    """
    decisive = set(action.decisive)
    cells = [(g, p, a) for g in GROUPS for p in action.phases for a in ASPECTS if _said(action, g, p, a)]
    weights = np.array(
        [(3.0 if c in decisive else 1.0) * (0.02 + abs(skill[c[0]][c[1]][c[2]] - 0.5)) for c in cells]
    )
    picks = rng.choice(len(cells), size=min(n, len(cells)), replace=False, p=weights / weights.sum())
    out = []
    for i in sorted(picks):
        group, phase, aspect = cells[i]
        good = skill[group][phase][aspect] >= 0.5
        out.append((grammar.comment(group, phase, aspect, good, rng), group, aspect))
    return out


def _said(action: Action, group: str, phase: str, aspect: str) -> bool:
    """Range and timing are only remarked on where the group moves in that phase."""
    return aspect not in ("range", "timing") or action.moves(group, phase)


def why(action: Action, skill: Skill) -> str:
    """The one-line reason an expert gives with the rating: the best and the weakest decisive cell."""
    ranked = sorted(action.decisive, key=lambda c: (skill[c[0]][c[1]][c[2]], c))
    (g_lo, p_lo, a_lo), (g_hi, p_hi, a_hi) = ranked[0], ranked[-1]
    return f"Best: the {g_hi} {a_hi} in the {p_hi}; weakest: the {g_lo} {a_lo} in the {p_lo}."
