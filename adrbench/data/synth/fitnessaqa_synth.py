"""The fitnessaqa-synth generator: Squat and OHP clips (one repetition, 1.5–3 s at 30 fps) in the release layout.

Each clip has a latent z per error; the fault is present when z is below the normal quantile of the error's real
prevalence, and its size grows with the distance below it. The fault bends the kinematics in one phase of the
rep (Squat: extra knee flexion → shin leans forward, and a knee valgus shift, at the bottom; OHP: missing elbow
lockout at the top, and leg drive while the bar goes up — a knee dip while settling before the press is not a
fault; nor, in most clips, a walk-out or re-rack movement outside the rep that carries a fault's signature —
knees forward, or arms straight — so that no fault can be read from clip-level statistics), and the label
intervals are then MEASURED from the clean joint positions in that phase with the
thresholds below and marked by a simulated annotator who is unsure near the threshold. Models see the body
as a monocular estimator returns it: in a tilted camera's frame, with jitter, outliers, swaps and gaps.
Writes Labels/error_*.json, Splits/*_keys.json (OHP in lower-case labels/ splits/ folders, as some users
unpack them) and the keypoints side folder. See docs/synthetic.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from statistics import NormalDist

import numpy as np

from adrbench.data.fitnessaqa import LABEL_FILES
from adrbench.data.skeletons import BODY
from adrbench.data.synth import render
from adrbench.data.synth.body import FPS, body_pose

SIZES = {"Squat": (1136, 243, 244), "OHP": (1582, 339, 339)}
#: Real prevalences, counted from the release's label files (docs/synthetic.md, fitnessaqa-synth).
PREVALENCE = {"Squat_forward": 0.683, "Squat_inward": 0.143, "OHP_knee": 0.344, "OHP_elbow": 0.255}
SHIN_LEAN = 0.75  # rad: shin leaning forward more than this at the bottom = knees too far forward
VALGUS = 0.08  # m: knees this much narrower than the ankles at the bottom = knees caving in
LOCKOUT = 0.35  # rad: elbow flexion staying above this through the top phase = no lockout
KNEE_BEND = 0.35  # rad: knee flexion above this while the bar goes up = leg drive
#: Annotators mark a fault as present with probability Φ((measured − threshold) / this share of the threshold):
#: borderline clips are labelled inconsistently, as by people watching a video.
LABEL_SOFTNESS = 0.15
#: Share of clips with a walk-out / re-rack movement outside the rep that mimics a fault's signature.
DECOY_SHARE = 0.75
DECISIVE = {"Squat_forward": "knee", "Squat_inward": "knee", "OHP_knee": "knee", "OHP_elbow": "elbow"}
_Z = NormalDist()


def _ease(n: int, start: float, end: float) -> np.ndarray:
    """0 before `start`, 1 after `end` (fractions of the clip), a raised-cosine step between."""
    u = np.clip((np.arange(n) / n - start) / max(end - start, 1e-6), 0.0, 1.0)
    return 0.5 * (1.0 - np.cos(np.pi * u))


def _rep(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(movement 0 → 1 → 0 over the rep, mask of the hold at its peak, a decoy bump 0 → 1 → 0 outside the rep):
    down/up phases and a hold of varying lengths (tempo differs between people and reps); in DECOY_SHARE of the
    clips a walk-out or re-rack movement over 20–40 % of the clip before or after the rep (zeros otherwise)."""
    width = rng.uniform(0.2, 0.4) if rng.random() < DECOY_SHARE else 0.0
    before = rng.random() < 0.5
    lo, hi = (width, 1.0) if before else (0.0, 1.0 - width)

    def at(f: float) -> float:  # a fraction of the rep's own window → a fraction of the clip
        return lo + f * (hi - lo)

    start, hold = rng.uniform(0.05, 0.35), rng.uniform(0.05, 0.25)
    down = rng.uniform(0.2, 0.35)
    peak = start + down
    up = rng.uniform(0.2, 0.35)
    move = _ease(n, at(start), at(peak)) - _ease(n, at(peak + hold), at(min(peak + hold + up, 0.98)))
    u = np.arange(n) / n
    decoy = np.zeros(n)
    if width:
        a = 0.01 if before else 1.0 - width
        decoy = _ease(n, a, a + width / 3) - _ease(n, a + 2 * width / 3, a + width - 0.01)
    return move, (u >= at(peak)) & (u <= at(peak + hold)), decoy


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


def _annotated(flags: np.ndarray, excess: float, threshold: float, rng: np.random.Generator) -> list[list[float]]:
    """The intervals an annotator marks: the measured fault's frames, kept with probability
    Φ(excess / (LABEL_SOFTNESS · threshold)) — a clip near the threshold may go either way."""
    if rng.random() >= _Z.cdf(excess / (LABEL_SOFTNESS * threshold)):
        return []
    marked = _intervals(flags)
    if not marked and excess > 0:  # the fault is there but shorter than 3 frames: the annotator marks its peak
        i = int(np.argmax(flags)) if flags.any() else len(flags) // 2
        marked = [[round(i / FPS, 2), round((i + 3) / FPS, 2)]]
    return marked


Phases = dict[str, list[int]]


def _frames(mask: np.ndarray) -> list[int]:
    """[first, last + 1] frame of a phase mask (the truth's `phase_frames`)."""
    idx = np.flatnonzero(mask)
    return [int(idx[0]), int(idx[-1]) + 1] if idx.size else [0, 0]


def _squat(rng: np.random.Generator, z: dict[str, float], n: int) -> tuple[np.ndarray, dict[str, list], Phases]:
    move, bottom, step = _rep(n, rng)
    depth = rng.uniform(0.7, 1.05)
    hip = rng.uniform(1.1, 1.5) * depth * move + _noise(n, rng, 0.02)  # hip- or knee-dominant squatters
    knee = 1.6 * depth * move + _noise(n, rng, 0.02)
    base_lean = float(np.max(knee - hip))
    knee = knee + max(0.0, SHIN_LEAN - base_lean + _fault(z["Squat_forward"], "Squat_forward", 0.3)) * move
    # the walk-out / re-rack step: knees forward with the hips high — as much shin lean as a fault, no fault
    stride = rng.uniform(0.3, 1.3)
    hip, knee = hip + 0.3 * stride * step, knee + 1.3 * stride * step
    inward = max(0.0, VALGUS / 2 + _fault(z["Squat_inward"], "Squat_inward", 0.03)) * move
    angles = {
        "hip": np.stack([hip, hip], 1),
        "knee": np.stack([knee, knee], 1),
        "shoulder": np.full((n, 2), 0.5) + _noise(n, rng, 0.03)[:, None],
        "elbow": np.full((n, 2), 2.2) + _noise(n, rng, 0.03)[:, None],
    }
    kp = body_pose(
        angles,
        rng.uniform(1.5, 2.0),
        np.zeros((n, 3)),
        0.0,
        lean=rng.uniform(0.1, 0.3) + 0.4 * depth * move,
        knee_inward=np.stack([inward, inward], 1),
    )
    shin = kp[:, 13:15] - kp[:, 15:17]
    lean = np.arctan2(shin[..., 0], shin[..., 2]).max(axis=1)
    gap = np.abs(kp[:, 15, 1] - kp[:, 16, 1]) - np.abs(kp[:, 13, 1] - kp[:, 14, 1])
    forward, caving = (lean > SHIN_LEAN) & bottom, (gap > VALGUS) & bottom
    labels = {
        "Squat_forward": _annotated(forward, float(lean[bottom].max() - SHIN_LEAN), SHIN_LEAN, rng),
        "Squat_inward": _annotated(caving, float(gap[bottom].max() - VALGUS), VALGUS, rng),
    }
    return kp, labels, {"bottom": _frames(bottom)}


def _ohp(rng: np.random.Generator, z: dict[str, float], n: int) -> tuple[np.ndarray, dict[str, list], Phases]:
    move, top, lower = _rep(n, rng)
    lockout = max(0.05, LOCKOUT + _fault(z["OHP_elbow"], "OHP_elbow", 0.25))
    rack, reach = rng.uniform(1.9, 2.5), rng.uniform(2.2, 2.8)  # how people hold the bar and press it
    # unracking / re-racking: the bar lowered to the thighs on straight arms — elbows as straight as a lockout
    hang = rng.uniform(0.05, 0.6)
    elbow = rack - (rack - lockout) * move - (rack - hang) * lower + _noise(n, rng, 0.02)
    shoulder = 0.4 + reach * move - 0.35 * lower + _noise(n, rng, 0.02)
    rising = np.gradient(move) > 0
    drive = max(0.02, KNEE_BEND + _fault(z["OHP_knee"], "OHP_knee", 0.25)) * rising * move
    drive = np.convolve(drive, np.ones(5) / 5, mode="same")
    settle = rng.uniform(0.3, 0.9) if rng.random() < 0.5 else 0.0  # a knee dip while settling, bar still racked
    set_up = np.clip(1.0 - np.abs(np.arange(n) / n - 0.06) / 0.05, 0.0, 1.0)
    knee = drive + settle * set_up
    angles = {
        "hip": np.stack([0.5 * knee] * 2, 1),
        "knee": np.stack([knee] * 2, 1),
        "shoulder": np.stack([shoulder] * 2, 1),
        "elbow": np.stack([elbow] * 2, 1),
    }
    kp = body_pose(angles, rng.uniform(1.5, 2.0), np.zeros((n, 3)), 0.0, lean=rng.uniform(0.0, 0.1))
    elbow_flex = np.pi - _joint_angle(kp, 7, 5, 9)
    knee_flex = np.pi - _joint_angle(kp, 13, 11, 15)
    pressing = rising & (move > 0.05)
    no_lockout = float(np.nanmin(elbow_flex[top]) - LOCKOUT)  # > 0: never straightened while the bar is up
    labels = {
        "OHP_elbow": _annotated(top & (no_lockout > 0), no_lockout, LOCKOUT, rng),
        "OHP_knee": _annotated(
            (knee_flex > KNEE_BEND) & pressing, float(knee_flex[pressing].max() - KNEE_BEND), KNEE_BEND, rng
        ),
    }
    return kp, labels, {"top": _frames(top), "press": _frames(pressing)}


def _joint_angle(kp: np.ndarray, j: int, a: int, c: int) -> np.ndarray:
    u, w = kp[:, a] - kp[:, j], kp[:, c] - kp[:, j]
    cos = np.sum(u * w, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1))
    return np.arccos(np.clip(cos, -1.0, 1.0))


def _camera(kp: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What a monocular 3-D estimator returns: the body in the camera's frame (a phone pitched and rolled by up
    to 15° and 8°, any heading), 1.5–3 cm of temporally correlated jitter, 0.5 % of joints thrown off, 0.5 %
    of frames with one limb's left and right swapped, ~3 % of joints missing plus occlusions of 3–12 frames."""
    kp = kp.copy()
    kp[..., 2] -= kp[:, 15:17, 2].min(axis=1)[:, None]
    yaw, pitch, roll = rng.uniform(-np.pi, np.pi), rng.uniform(-0.26, 0.26), rng.uniform(-0.14, 0.14)
    rz = np.array([[np.cos(yaw), -np.sin(yaw), 0], [np.sin(yaw), np.cos(yaw), 0], [0, 0, 1]])
    ry = np.array([[np.cos(pitch), 0, np.sin(pitch)], [0, 1, 0], [-np.sin(pitch), 0, np.cos(pitch)]])
    rx = np.array([[1, 0, 0], [0, np.cos(roll), -np.sin(roll)], [0, np.sin(roll), np.cos(roll)]])
    kp = kp @ (rx @ ry @ rz).T + np.array([*rng.uniform(-1, 1, 2), 0.0])
    n = kp.shape[0]
    jitter = rng.normal(0.0, rng.uniform(0.015, 0.03), size=kp.shape)
    kp += np.apply_along_axis(lambda x: np.convolve(x, np.ones(3) / np.sqrt(3), mode="same"), 0, jitter)
    wild = rng.random(kp.shape[:2]) < 0.005
    kp[wild] += rng.normal(0.0, 0.12, size=(int(wild.sum()), 3))
    for f in np.flatnonzero(rng.random(n) < 0.005):
        a = int(rng.choice([5, 7, 9, 11, 13, 15]))
        kp[f, [a, a + 1]] = kp[f, [a + 1, a]]
    missing = rng.random(kp.shape[:2]) < 0.03
    for j in np.flatnonzero(rng.random(17) < 0.2):
        start = int(rng.integers(n))
        missing[start : start + int(rng.integers(3, 13)), j] = True
    kp[missing] = np.nan
    return kp.astype(np.float32)


def _dump(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def generate_fitnessaqa(root: Path, seed: int, render_video: bool = False) -> dict[str, int]:
    """Write the synthetic release folder (with `render_video`, `videos.zip` of every clip too, as the release
    ships them); returns the number of clips per exercise."""
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
        videos: dict[str, bytes] = {}
        person = 10000 + 30000 * e_index
        for split, size in zip(("train", "val", "test"), sizes, strict=True):
            keys: list[str] = []
            while len(keys) < size:
                person += int(rng.integers(1, 40))
                for rep in range(1, min(int(rng.integers(1, 9)), size - len(keys)) + 1):
                    keys.append(f"{person}_{rep}")
            for key in keys:
                z = {name: float(rng.normal()) for name in LABEL_FILES[exercise]}
                n_frames = int(rng.integers(45, 91))
                kp, intervals, phases = (_squat if exercise == "Squat" else _ohp)(rng, z, n_frames)
                for name in tables:
                    tables[name][key] = intervals[name]
                np.save(kp_dir / f"{key}.npy", _camera(kp, rng), allow_pickle=False)
                if render_video:  # filmed from the side, as the release's phone videos mostly are
                    videos[f"videos/{key}.mp4"] = render.render(kp, BODY.edges, np.pi / 2, FPS)
                by_error = {name: _Z.cdf(v) for name, v in z.items()}
                groups = sorted({DECISIVE[name] for name in z})
                truth[key] = {
                    "skill": {
                        g: round(float(np.mean([by_error[n] for n in z if DECISIVE[n] == g])), 4)
                        for g in groups
                    },
                    "skill_by_error": {name: round(v, 4) for name, v in by_error.items()},
                    "decisive_groups": groups,
                    "phase_frames": phases,
                    "generator": "adrbench.synth.fitnessaqa/3",
                }
            _dump(splits_dir / f"{split}_keys.json", keys)
        for name, file in LABEL_FILES[exercise].items():
            _dump(labels_dir / file, tables[name])
        if not lower:
            _dump(splits_dir / "traj_nan.json", [])
        _dump(labeled / "adrbench_truth.json", truth)
        if render_video:
            render.write_zip(labeled / "videos.zip", videos)
        counts[exercise] = sum(sizes)
    return counts


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path
