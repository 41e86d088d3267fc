"""The fitnessaqa-synth generator: Squat and OHP clips (one repetition, 2 s at 30 fps) in the release layout.

Each clip has a latent z per error; the fault is present when z is below the normal quantile of the error's real
prevalence, and its size grows with the distance below it. The fault bends the kinematics (Squat: extra knee
flexion → shin leans forward; knee valgus shift; OHP: missing elbow lockout; leg drive), and the label intervals
are then MEASURED from the joint positions with the thresholds below, so labels follow the kinematics.
Writes Labels/error_*.json, Splits/*_keys.json (OHP in lower-case labels/ splits/ folders, as some users
unpack them) and the keypoints side folder. See docs/synthetic.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from statistics import NormalDist

import numpy as np

from adrbench.data.fitnessaqa import LABEL_FILES
from adrbench.data.synth.body import FPS, body_pose

N_FRAMES = 60
SIZES = {"Squat": (1136, 243, 244), "OHP": (1582, 339, 339)}
#: Real prevalences (research/data-formats.md §3.3).
PREVALENCE = {"Squat_forward": 0.683, "Squat_inward": 0.143, "OHP_knee": 0.344, "OHP_elbow": 0.255}
SHIN_LEAN = 0.75  # rad: shin leaning forward more than this = knees too far forward
VALGUS = 0.08  # m: knees this much narrower than the ankles = knees caving in
LOCKOUT = 0.35  # rad: elbow flexion staying above this through the top phase = no lockout
KNEE_BEND = 0.35  # rad: knee flexion during the press above this = leg drive
DECISIVE = {"Squat_forward": "knee", "Squat_inward": "knee", "OHP_knee": "knee", "OHP_elbow": "elbow"}
_Z = NormalDist()


def _bump(n: int, lag: float) -> np.ndarray:
    u = np.clip(np.arange(n) / n - lag, 0.0, 1.0)
    return 0.5 * (1.0 - np.cos(2 * np.pi * u))


def _noise(n: int, rng: np.random.Generator, size: float) -> np.ndarray:
    t = np.arange(n) / FPS
    return size * np.sin(2 * np.pi * rng.uniform(5, 9) * t + rng.uniform(0, 2 * np.pi))


def _intervals(flags: np.ndarray, min_frames: int = 3) -> list[list[float]]:
    """Runs of consecutive True frames (≥ min_frames) as [start_s, end_s]."""
    out, start = [], None
    for i, f in enumerate(np.append(flags, False)):
        if f and start is None:
            start = i
        elif not f and start is not None:
            if i - start >= min_frames:
                out.append([round(start / FPS, 2), round(i / FPS, 2)])
            start = None
    return out


def _fault(z: float, label: str, scale: float) -> float:
    """Fault size: positive iff z is below the prevalence quantile, growing linearly beyond it."""
    return scale * (_Z.inv_cdf(PREVALENCE[label]) - z)


def _squat(rng: np.random.Generator, z: dict[str, float]) -> tuple[np.ndarray, dict[str, list], np.ndarray]:
    n, lag = N_FRAMES, rng.uniform(0.0, 0.1)
    b = _bump(n, lag)
    depth = rng.uniform(0.8, 1.0)
    hip = 1.3 * depth * b + _noise(n, rng, 0.02)
    knee = 1.6 * depth * b + _noise(n, rng, 0.02)
    base_lean = float(np.max(knee - hip))
    knee = knee + max(0.0, SHIN_LEAN - base_lean + _fault(z["Squat_forward"], "Squat_forward", 0.3)) * b
    inward = max(0.0, VALGUS / 2 + _fault(z["Squat_inward"], "Squat_inward", 0.03)) * b
    angles = {
        "hip": np.stack([hip, hip], 1),
        "knee": np.stack([knee, knee], 1),
        "shoulder": np.full((n, 2), 0.5),
        "elbow": np.full((n, 2), 2.2),
    }
    kp = body_pose(
        angles,
        rng.uniform(1.55, 1.95),
        np.zeros((n, 3)),
        0.0,
        lean=0.2 + 0.4 * b,
        knee_inward=np.stack([inward, inward], 1),
    )
    shin = kp[:, 13:15] - kp[:, 15:17]
    lean = np.arctan2(shin[..., 0], shin[..., 2]).max(axis=1)
    gap = np.abs(kp[:, 15, 1] - kp[:, 16, 1]) - np.abs(kp[:, 13, 1] - kp[:, 14, 1])
    labels = {"Squat_forward": _intervals(lean > SHIN_LEAN), "Squat_inward": _intervals(gap > VALGUS)}
    return kp, labels, b


def _ohp(rng: np.random.Generator, z: dict[str, float]) -> tuple[np.ndarray, dict[str, list], np.ndarray]:
    n, lag = N_FRAMES, rng.uniform(0.0, 0.1)
    b = _bump(n, lag)
    lockout = max(0.05, LOCKOUT + _fault(z["OHP_elbow"], "OHP_elbow", 0.25))
    elbow = 2.3 - (2.3 - lockout) * b + _noise(n, rng, 0.02)
    shoulder = 0.4 + 2.5 * b + _noise(n, rng, 0.02)
    drive = (
        max(0.02, KNEE_BEND + _fault(z["OHP_knee"], "OHP_knee", 0.25))
        * _bump(n, lag - 0.35)
        * (np.arange(n) < n // 3)
    )
    angles = {
        "hip": np.stack([0.5 * drive] * 2, 1),
        "knee": np.stack([drive] * 2, 1),
        "shoulder": np.stack([shoulder] * 2, 1),
        "elbow": np.stack([elbow] * 2, 1),
    }
    kp = body_pose(angles, rng.uniform(1.55, 1.95), np.zeros((n, 3)), 0.0, lean=0.05)
    top = b > 0.9
    elbow_flex = np.pi - _joint_angle(kp, 7, 5, 9)
    knee_flex = np.pi - _joint_angle(kp, 13, 11, 15)
    no_lockout = bool(np.nanmin(elbow_flex[top]) > LOCKOUT)  # never straightened while the bar is up
    labels = {"OHP_elbow": _intervals(top & no_lockout), "OHP_knee": _intervals(knee_flex > KNEE_BEND)}
    return kp, labels, b


def _joint_angle(kp: np.ndarray, j: int, a: int, c: int) -> np.ndarray:
    u, w = kp[:, a] - kp[:, j], kp[:, c] - kp[:, j]
    cos = np.sum(u * w, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1))
    return np.arccos(np.clip(cos, -1.0, 1.0))


def _place(kp: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Feet on the floor, then a random heading and position; ~2% of joints missing (NaN)."""
    kp = kp.copy()
    kp[..., 2] -= kp[:, 15:17, 2].min(axis=1)[:, None]
    yaw = rng.uniform(-np.pi, np.pi)
    c, s = np.cos(yaw), np.sin(yaw)
    kp = kp @ np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]).T + np.array(
        [*rng.uniform(-1, 1, 2), 0.0]
    )
    kp[rng.random(kp.shape[:2]) < 0.02] = np.nan
    return kp.astype(np.float32)


def _dump(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def generate_fitnessaqa(root: Path, seed: int) -> dict[str, int]:
    """Write the synthetic release folder; returns the number of clips per exercise."""
    rng = np.random.default_rng([seed, 23])
    release = root / "Fitness-AQA_dataset_release"
    counts = {}
    for e_index, (exercise, sizes) in enumerate(SIZES.items()):
        labeled = release / exercise / "Labeled_Dataset"
        lower = exercise == "OHP"
        labels_dir = labeled / ("labels" if lower else "Labels")
        splits_dir = labeled / ("splits" if lower else "Splits")
        tables: dict[str, dict[str, list]] = {name: {} for name in LABEL_FILES[exercise]}
        truth = {}
        kp_dir = _mkdir(labeled / "keypoints")
        person = 10000 + 30000 * e_index
        for split, size in zip(("train", "val", "test"), sizes, strict=True):
            keys: list[str] = []
            while len(keys) < size:
                person += int(rng.integers(1, 40))
                for rep in range(1, min(int(rng.integers(1, 9)), size - len(keys)) + 1):
                    keys.append(f"{person}_{rep}")
            for key in keys:
                z = {name: float(rng.normal()) for name in LABEL_FILES[exercise]}
                kp, intervals, _ = (_squat if exercise == "Squat" else _ohp)(rng, z)
                for name in tables:
                    tables[name][key] = intervals[name]
                np.save(kp_dir / f"{key}.npy", _place(kp, rng), allow_pickle=False)
                by_error = {name: _Z.cdf(v) for name, v in z.items()}
                groups = sorted({DECISIVE[name] for name in z})
                truth[key] = {
                    "skill": {
                        g: round(float(np.mean([by_error[n] for n in z if DECISIVE[n] == g])), 4)
                        for g in groups
                    },
                    "skill_by_error": {name: round(v, 4) for name, v in by_error.items()},
                    "decisive_groups": groups,
                    "generator": "adrbench.synth.fitnessaqa/1",
                }
            _dump(splits_dir / f"{split}_keys.json", keys)
        for name, file in LABEL_FILES[exercise].items():
            _dump(labels_dir / file, tables[name])
        if not lower:
            _dump(splits_dir / "traj_nan.json", [])
        _dump(labeled / "adrbench_truth.json", truth)
        counts[exercise] = sum(sizes)
    return counts


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
