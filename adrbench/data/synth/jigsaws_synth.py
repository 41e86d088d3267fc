"""The jigsaws-synth generator: JIGSAWS task folders with meta files, 76-column kinematics and transcriptions.

Each surgeon (users B–I; N/I/E as commonly reported) has an ability; each trial's skill aspects (tempo, economy,
smoothness, stability) scatter around it and improve slightly with repetition. They drive the slave (PSM) tool
tips along suture loops (economy → path wander, smoothness → 8 Hz tremor, stability → slow drift, tempo →
trial length), the tool orientation and gripper; the masters (MTM) move 3× larger (motion scaling). The six
GRS items are rated 1–5 from the aspects with rater noise. See docs/synthetic.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from adrbench.data.jigsaws import GRS_ITEMS

FPS = 30.0
ASPECTS = ("timing", "amplitude", "smoothness", "stability")  # tempo, economy, smoothness, stability
USER_LEVEL = {"B": "N", "C": "I", "D": "E", "E": "E", "F": "I", "G": "N", "H": "N", "I": "N"}
LEVEL_ABILITY = {"N": 0.4, "I": 0.6, "E": 0.8}
#: Trials per task and user (repetitions), with the real totals: Suturing 39, Needle_Passing 28, Knot_Tying 36.
TRIALS = {
    "Suturing": {u: [1, 2, 3, 4, 5] for u in USER_LEVEL} | {"H": [1, 3, 4, 5]},
    "Needle_Passing": {
        "B": [1, 2, 3, 4],
        "C": [1, 2, 3, 4, 5],
        "D": [1, 2, 3, 4, 5],
        "E": [1, 3, 4, 5],
        "F": [1, 3, 4],
        "H": [2, 4, 5],
        "I": [2, 3, 4, 5],
    },
    "Knot_Tying": {
        "B": [1, 2, 3, 4, 5],
        "C": [1, 2, 3, 4, 5],
        "D": [1, 2, 3, 4, 5],
        "E": [1, 3, 4, 5],
        "F": [1, 2, 3, 4, 5],
        "G": [1, 2, 3, 4, 5],
        "H": [1, 2, 3, 4],
        "I": [2, 3, 5],
    },
}
#: Which aspects each GRS item reflects (weights sum to 1).
ITEM_WEIGHTS = {
    "respect_for_tissue": {"stability": 0.6, "smoothness": 0.4},
    "suture_needle_handling": {"smoothness": 0.5, "amplitude": 0.5},
    "time_and_motion": {"timing": 0.5, "amplitude": 0.5},
    "flow_of_operation": {"timing": 0.7, "smoothness": 0.3},
    "overall_performance": {a: 0.25 for a in ASPECTS},
    "quality_of_final_product": {"stability": 0.5, "amplitude": 0.5},
}


def _rotations(alpha: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """T×3×3 rotations Rz(alpha)·Ry(beta)."""
    ca, sa, cb, sb = np.cos(alpha), np.sin(alpha), np.cos(beta), np.sin(beta)
    zero, one = np.zeros_like(alpha), np.ones_like(alpha)
    rz = np.stack(
        [np.stack([ca, -sa, zero], -1), np.stack([sa, ca, zero], -1), np.stack([zero, zero, one], -1)], -2
    )
    ry = np.stack(
        [np.stack([cb, zero, sb], -1), np.stack([zero, one, zero], -1), np.stack([-sb, zero, cb], -1)], -2
    )
    return rz @ ry


def _angular_velocity(rot: np.ndarray) -> np.ndarray:
    """ω from consecutive rotations: the skew part of (R[t+1] − R[t])·R[t]ᵀ, times the frame rate."""
    d = np.diff(rot, axis=0, append=rot[-1:]) @ np.swapaxes(rot, 1, 2)
    w = 0.5 * (d - np.swapaxes(d, 1, 2))
    return np.stack([w[:, 2, 1], w[:, 0, 2], w[:, 1, 0]], axis=-1) * FPS


def _manipulator(
    skill: dict[str, float],
    n: int,
    side: float,
    rng: np.random.Generator,
    scale: float,
    offset: np.ndarray,
    base: dict[str, np.ndarray],
) -> np.ndarray:
    """T×19 block: tip xyz, R (row-major), linear velocity, angular velocity, gripper angle."""
    t = np.arange(n) / FPS
    phase = 2 * np.pi * 2.0 * np.arange(n) / n + (0.0 if side > 0 else np.pi)
    pos = np.stack([0.02 * np.cos(phase), 0.015 * np.sin(phase), 0.005 * np.sin(2 * phase)], -1)
    pos = pos + (1 - skill["amplitude"]) * 0.01 * base["wander"]
    pos = (
        pos + (1 - skill["smoothness"]) * 0.002 * np.sin(2 * np.pi * 8.0 * t + base["tremor_phase"])[:, None]
    )
    pos = pos + (1 - skill["stability"]) * 0.005 * np.sin(2 * np.pi * 0.3 * t + base["drift_phase"])[:, None]
    pos = scale * pos + offset
    alpha = 0.6 * np.sin(phase) + side * 0.4 + (1 - skill["smoothness"]) * 0.05 * np.sin(2 * np.pi * 8.0 * t)
    beta = 0.3 + 0.2 * np.cos(phase)
    rot = _rotations(alpha, beta)
    vel = np.gradient(pos, axis=0) * FPS
    grip = (
        0.2
        + 0.6 * 0.5 * (1 - np.cos(2 * phase))
        + rng.normal(0.0, 0.01 + 0.03 * (1 - skill["smoothness"]), n)
    )
    return np.concatenate([pos, rot.reshape(n, 9), vel, _angular_velocity(rot), grip[:, None]], axis=1)


def _trial_kinematics(skill: dict[str, float], rng: np.random.Generator) -> np.ndarray:
    n = int(90 * (1.5 - 0.5 * skill["timing"]))
    blocks = []
    for side in (1.0, -1.0):
        base = {
            "wander": np.cumsum(rng.normal(0, 0.15, (n, 3)), axis=0) / np.sqrt(n),
            "tremor_phase": rng.uniform(0, 2 * np.pi),
            "drift_phase": rng.uniform(0, 2 * np.pi),
        }
        psm = _manipulator(skill, n, side, rng, 1.0, np.array([side * 0.05, 0.0, -0.1]), base)
        mtm = _manipulator(skill, n, side, rng, 3.0, np.array([side * 0.2, 0.0, 0.0]), base)
        blocks.append((mtm, psm))
    (mtm_l, psm_l), (mtm_r, psm_r) = blocks
    return np.concatenate([mtm_l, mtm_r, psm_l, psm_r], axis=1)


def _format_rows(kin: np.ndarray) -> str:
    # one or more spaces between values, as in the release
    return "".join("  ".join(f"{v:10.6f}" for v in row) + "\n" for row in kin)


def generate_jigsaws(root: Path, seed: int) -> dict[str, int]:
    """Write the synthetic JIGSAWS root; returns the number of trials per task."""
    rng = np.random.default_rng([seed, 17])
    user_ability = {
        u: float(np.clip(LEVEL_ABILITY[lvl] + rng.normal(0, 0.07), 0, 1)) for u, lvl in USER_LEVEL.items()
    }
    truth, counts = {}, {}
    for task, users in TRIALS.items():
        folder = root / task
        (folder / "kinematics" / "AllGestures").mkdir(parents=True, exist_ok=True)
        (folder / "transcriptions").mkdir(parents=True, exist_ok=True)
        meta_lines = []
        for user in sorted(users):
            for rep in users[user]:
                name = f"{task}_{user}{rep:03d}"
                ability = user_ability[user] + 0.02 * rep + rng.normal(0, 0.05)
                skill = {a: round(float(np.clip(ability + rng.normal(0, 0.08), 0, 1)), 4) for a in ASPECTS}
                items = [
                    int(
                        np.clip(
                            np.rint(
                                1
                                + 4 * sum(w * skill[a] for a, w in ITEM_WEIGHTS[i].items())
                                + rng.normal(0, 0.35)
                            ),
                            1,
                            5,
                        )
                    )
                    for i in GRS_ITEMS
                ]
                meta_lines.append(
                    f"{name}\t\t{USER_LEVEL[user]}\t{sum(items)}\t\t" + "\t".join(map(str, items))
                )
                kin = _trial_kinematics(skill, rng)
                (folder / "kinematics" / "AllGestures" / f"{name}.txt").write_text(
                    _format_rows(kin), encoding="utf-8"
                )
                cut = np.linspace(1, len(kin), 4).astype(int)
                gestures = ("G1", "G2", "G3")
                (folder / "transcriptions" / f"{name}.txt").write_text(
                    "".join(f"{cut[i] + (i > 0)} {cut[i + 1]} {g} \n" for i, g in enumerate(gestures)),
                    encoding="utf-8",
                )
                truth[name] = {
                    "skill": skill,
                    "ability": round(float(ability), 4),
                    "generator": "adrbench.synth.jigsaws/1",
                }
        (folder / f"meta_file_{task}.txt").write_text("\n".join(meta_lines) + "\n\n", encoding="utf-8")
        (folder / "readme.txt").write_text(
            f"Synthetic {task} trials written by adrbench (docs/synthetic.md).\n", encoding="utf-8"
        )
        counts[task] = len(meta_lines)
    (root / "adrbench_truth.json").write_text(
        json.dumps(truth, sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )
    return counts
