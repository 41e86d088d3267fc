"""Phase-structured joint-angle motion of the adr-synth performers, and the kinematics measured from it.

An action has three named phases. In each phase every joint group (elbow, shoulder, hip, knee; left and right)
makes one movement — a raised-cosine excursion from its rest angle — and carries two kinds of unwanted motion:
an 8–12 Hz tremor and a 2.5–4 Hz wobble. A performer has one skill in [0, 1] per (group, phase, aspect) cell,
with only a little ability shared across cells; the four aspects shape the motion of their cell:

- range      → the excursion reaches 50 % + 50 % · skill of the template's amplitude;
- timing     → the excursion starts late by up to 30 % of the phase: 0.30 · (1 − skill);
- smoothness → tremor RMS 0.004 + 0.12 · (1 − skill) rad;
- steadiness → wobble RMS 0.005 + 0.11 · (1 − skill) rad.

`measure` states what a performer's motion shows, cell by cell, in physical units (rad, s): the quantities the
pair facts compare (adrbench.data.synth.facts). Only a few cells per sub-activity decide the score
(`Action.decisive`): they are the whole signal of the expert ratings.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

FPS = 30.0
GROUPS = ("elbow", "shoulder", "hip", "knee")
ASPECTS = ("range", "timing", "smoothness", "steadiness")
N_PHASES = 3
#: Share of a performer's skill that is general ability, and that is specific to one joint group.
SHARED_ABILITY, GROUP_ABILITY = 0.30, 0.25
ONSET, EXCURSION, MAX_LAG = 0.06, 0.55, 0.30  # fractions of a phase
MOVES = 0.25  # rad: a group whose template amplitude in a phase is below this holds still there
_Z = NormalDist()


@dataclass(frozen=True)
class GroupMotion:
    """How one joint group moves in an action: rest angle and per-phase excursion (rad; sign = direction)."""

    rest: float
    amplitude: tuple[float, float, float]
    left: float = 1.0
    right: float = 1.0


@dataclass(frozen=True)
class Action:
    """A sub-activity: its phase names and shares of the clip, group motions, and the cells that decide it."""

    phases: tuple[str, str, str]
    shares: tuple[float, float, float]
    groups: dict[str, GroupMotion]
    decisive: tuple[tuple[str, str, str], ...]  # (group, phase, aspect)

    def moves(self, group: str, phase: str) -> bool:
        return abs(self.groups[group].amplitude[self.phases.index(phase)]) >= MOVES


def _g(rest: float, *amplitude: float, left: float = 1.0, right: float = 1.0) -> GroupMotion:
    return GroupMotion(rest, (amplitude[0], amplitude[1], amplitude[2]), left, right)


#: The seven ADR sub-activities. Angles: shoulder flexion (0 = arm down), elbow flexion (0 = straight),
#: hip flexion (0 = leg straight down), knee flexion (0 = straight).
ACTIONS: dict[str, Action] = {
    "Mid-Range Shooting": Action(
        ("dip", "rise", "release"),
        (0.35, 0.35, 0.30),
        {
            "knee": _g(0.2, 0.9, 0.4, 0.1),
            "hip": _g(0.15, 0.6, 0.3, 0.05),
            "shoulder": _g(0.6, 0.2, 1.1, 0.6),
            "elbow": _g(1.4, 0.1, -0.3, -1.0),
        },
        (("knee", "dip", "timing"), ("elbow", "release", "range"), ("elbow", "release", "smoothness")),
    ),
    "Mikan Layup": Action(
        ("approach", "take-off", "finish"),
        (0.30, 0.35, 0.35),
        {
            "hip": _g(0.3, 0.5, 1.0, 0.3),
            "knee": _g(0.3, 0.6, 1.1, 0.4),
            "shoulder": _g(0.5, 0.4, 1.3, 0.8),
            "elbow": _g(1.0, 0.3, -0.5, -0.6),
        },
        (("hip", "take-off", "timing"), ("shoulder", "finish", "steadiness"), ("knee", "take-off", "range")),
    ),
    "Reverse Layup": Action(
        ("gather", "take-off", "finish"),
        (0.35, 0.30, 0.35),
        {
            "knee": _g(0.3, 0.8, 1.0, 0.3),
            "hip": _g(0.3, 0.5, 0.9, 0.3),
            "shoulder": _g(0.6, 0.3, 0.9, 1.2, left=0.6),
            "elbow": _g(0.9, 0.2, -0.4, -0.5),
        },
        (("shoulder", "finish", "range"), ("knee", "take-off", "smoothness")),
    ),
    "Juggling": Action(
        ("set-up", "touches", "control"),
        (0.25, 0.50, 0.25),
        {
            "knee": _g(0.4, 0.3, 0.9, 0.4),
            "hip": _g(0.1, 0.3, 0.8, 0.3),
            "shoulder": _g(0.4, 0.1, 0.3, 0.1),
            "elbow": _g(1.2, 0.1, 0.3, 0.1),
        },
        (("knee", "touches", "steadiness"), ("hip", "touches", "timing")),
    ),
    "Penalty Kick": Action(
        ("run-up", "plant", "strike"),
        (0.40, 0.25, 0.35),
        {
            "hip": _g(0.1, 0.6, 0.4, 1.4, left=0.4),
            "knee": _g(0.3, 0.8, 0.6, 1.4, left=0.4),
            "shoulder": _g(0.3, 0.6, 0.4, 0.9),
            "elbow": _g(0.8, 0.3, 0.2, 0.4),
        },
        (("hip", "strike", "range"), ("knee", "strike", "timing"), ("shoulder", "plant", "steadiness")),
    ),
    "Dribbling": Action(
        ("start", "cut", "exit"),
        (0.30, 0.40, 0.30),
        {
            "knee": _g(0.5, 0.6, 1.0, 0.6),
            "hip": _g(0.3, 0.5, 0.8, 0.5),
            "shoulder": _g(0.2, 0.4, 0.6, 0.4),
            "elbow": _g(1.3, 0.3, 0.3, 0.3),
        },
        (("knee", "cut", "timing"), ("shoulder", "cut", "steadiness")),
    ),
    "Climbing": Action(
        ("reach", "pull", "step-up"),
        (0.35, 0.35, 0.30),
        {
            "shoulder": _g(2.0, 0.8, 0.5, 0.3),
            "elbow": _g(0.6, 0.4, 1.2, 0.3),
            "hip": _g(0.6, 0.2, 0.5, 1.0),
            "knee": _g(1.0, 0.2, 0.4, 1.2),
        },
        (("shoulder", "reach", "range"), ("elbow", "pull", "smoothness"), ("hip", "step-up", "timing")),
    ),
}

Skill = dict[str, dict[str, dict[str, float]]]  # group → phase → aspect → [0, 1]


def sample_skill(action: Action, ability: float, rng: np.random.Generator) -> Skill:
    """Cell skills Φ(a·z + b·z_group + c·z_cell) with z = Φ⁻¹(ability): mostly cell-specific (see module doc)."""
    z = _Z.inv_cdf(min(max(ability, 1e-6), 1 - 1e-6))
    own = float(np.sqrt(1.0 - SHARED_ABILITY**2 - GROUP_ABILITY**2))
    skill: Skill = {}
    for group in GROUPS:
        zg = rng.normal()
        skill[group] = {
            phase: {
                a: round(_Z.cdf(SHARED_ABILITY * z + GROUP_ABILITY * zg + own * rng.normal()), 4)
                for a in ASPECTS
            }
            for phase in action.phases
        }
    return skill


def quality(action: Action, skill: Skill) -> float:
    """The true quality in [0, 1]: the mean skill of the sub-activity's decisive cells only."""
    return float(np.mean([skill[g][p][a] for g, p, a in action.decisive]))


def phase_bounds(action: Action, n_frames: int, rng: np.random.Generator) -> np.ndarray:
    """Frame edges (4,) of the three phases: the action's shares, each jittered by ±3 % of the clip (tempo)."""
    shares = np.asarray(action.shares) + rng.uniform(-0.03, 0.03, size=N_PHASES)
    edges = np.concatenate([[0.0], np.cumsum(shares / shares.sum())]) * n_frames
    return np.rint(edges).astype(np.int64)


@dataclass(frozen=True)
class GroupTrajectory:
    """One group's T×2 (left, right) angles and the components that make them (each T×2, rad)."""

    angles: np.ndarray
    excursion: np.ndarray
    tremor: np.ndarray
    wobble: np.ndarray


def _window(n_frames: int, start: int, end: int) -> np.ndarray:
    """A phase's weight over the clip: 1 inside, with 3-frame raised-cosine shoulders, so components fade."""
    t = np.arange(n_frames)
    ramp = 3.0
    up = np.clip((t - start + ramp / 2) / ramp, 0, 1)
    down = np.clip((end - t + ramp / 2) / ramp, 0, 1)
    return (0.5 - 0.5 * np.cos(np.pi * up)) * (0.5 - 0.5 * np.cos(np.pi * down))


def trajectory(
    action: Action, group: str, skill: Skill, bounds: np.ndarray, rng: np.random.Generator
) -> GroupTrajectory:
    """The group's left and right joint angles over the clip (module doc), with their components."""
    motion = action.groups[group]
    n_frames = int(bounds[-1])
    t = np.arange(n_frames)
    time = t / FPS
    excursion = np.zeros((n_frames, 2))
    tremor = np.zeros((n_frames, 2))
    wobble = np.zeros((n_frames, 2))
    for p, phase in enumerate(action.phases):
        cell = skill[group][phase]
        start, end = int(bounds[p]), int(bounds[p + 1])
        length = max(end - start, 1)
        onset = start + (ONSET + MAX_LAG * (1.0 - cell["timing"])) * length
        u = np.clip((t - onset) / (EXCURSION * length), 0.0, 1.0)
        bump = 0.5 * (1.0 - np.cos(2 * np.pi * u))
        reach = motion.amplitude[p] * (0.5 + 0.5 * cell["range"])
        window = _window(n_frames, start, end)
        tremor_rms = 0.004 + 0.12 * (1.0 - cell["smoothness"])
        wobble_rms = 0.005 + 0.11 * (1.0 - cell["steadiness"])
        for side, mult in enumerate((motion.left, motion.right)):
            excursion[:, side] += mult * reach * bump
            f1, f2 = rng.uniform(8.0, 12.0, size=2)
            ph = rng.uniform(0, 2 * np.pi, size=3)
            # two unit-RMS sinusoids summed have RMS 1; one has RMS 1/√2
            tremor[:, side] += (
                tremor_rms
                * window
                * (np.sin(2 * np.pi * f1 * time + ph[0]) + np.sin(2 * np.pi * f2 * time + ph[1]))
            )
            wobble[:, side] += (
                wobble_rms * np.sqrt(2) * window * np.sin(2 * np.pi * rng.uniform(2.5, 4.0) * time + ph[2])
            )
    rest = motion.rest + rng.normal(0.0, 0.04, size=2)
    return GroupTrajectory(rest + excursion + tremor + wobble, excursion, tremor, wobble)


Kinematics = dict[str, dict[str, dict[str, float]]]  # group → phase → aspect → measured value


def measure(action: Action, trajectories: dict[str, GroupTrajectory], bounds: np.ndarray) -> Kinematics:
    """What each cell of the motion shows, mean of left and right, in physical units.

    range: peak-to-peak of the excursion in the phase (rad); timing: when the excursion reaches half its peak,
    after the phase starts (s); smoothness: tremor RMS (rad); steadiness: wobble RMS (rad). Cells whose group
    holds still in a phase have no range and timing (None).
    """
    out: Kinematics = {}
    for group in GROUPS:
        traj = trajectories[group]
        out[group] = {}
        for p, phase in enumerate(action.phases):
            start, end = int(bounds[p]), int(bounds[p + 1])
            cell: dict[str, float] = {
                "smoothness": _rms(traj.tremor[start:end]),
                "steadiness": _rms(traj.wobble[start:end]),
            }
            if action.moves(group, phase):
                exc = np.abs(traj.excursion[start:end])
                cell["range"] = round(float(np.mean(exc.max(axis=0) - exc.min(axis=0))), 4)
                half = [int(np.argmax(exc[:, s] >= 0.5 * exc[:, s].max())) for s in range(2)]
                cell["timing"] = round(float(np.mean(half)) / FPS, 4)
            out[group][phase] = cell
    return out


def _rms(x: np.ndarray) -> float:
    return round(float(np.sqrt(np.mean(np.square(x)))) if x.size else 0.0, 5)
