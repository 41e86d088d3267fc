"""Per-joint physical statistics (angle, speed, normalised position) — KEPT's node features (paper §3.2).

Computed once per video from its keypoints; every model that wants pose statistics uses this one function.
"""

from __future__ import annotations

import numpy as np

from adrbench.dataset import Skeleton

N_STATS = 5  # (a, v, x, y, z)


def sample_keyframes(n_frames: int, n_keyframes: int) -> np.ndarray:
    """Indices of `n_keyframes` frames spread evenly over a clip (centres of equal segments)."""
    if n_frames <= 0:
        raise ValueError("a clip needs at least one frame")
    edges = np.linspace(0, n_frames, n_keyframes + 1)
    return np.minimum(((edges[:-1] + edges[1:]) / 2).astype(np.int64), n_frames - 1)


def _angle(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Angle between vectors (last axis) in radians; NaN where a vector is degenerate or missing."""
    nu, nw = np.linalg.norm(u, axis=-1), np.linalg.norm(w, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * w, axis=-1) / (nu * nw)
    return np.arccos(np.clip(cos, -1.0, 1.0))


def joint_angles(keypoints: np.ndarray, skeleton: Skeleton) -> np.ndarray:
    """T×P joint angles in radians (NaN where a bone is missing or degenerate): `skeleton.angles[j]`'s two
    bones, else joint j's first bone against the vertical axis (rigid tools); 0 for a joint with neither."""
    kp = np.asarray(keypoints, dtype=np.float64)
    n_frames, n_joints, _ = kp.shape
    angle = np.zeros((n_frames, n_joints))
    first_neighbour: dict[int, int] = {}
    for a, b in skeleton.edges:
        first_neighbour.setdefault(a, b)
        first_neighbour.setdefault(b, a)
    vertical = np.array([0.0, 0.0, 1.0])
    for j in range(n_joints):
        if j in skeleton.angles:
            a, b = skeleton.angles[j]
            angle[:, j] = _angle(kp[:, a] - kp[:, j], kp[:, b] - kp[:, j])
        elif j in first_neighbour:
            angle[:, j] = _angle(
                kp[:, first_neighbour[j]] - kp[:, j], np.broadcast_to(vertical, (n_frames, 3))
            )
    return angle


def joint_statistics(keypoints: np.ndarray, skeleton: Skeleton) -> np.ndarray:
    """T×P×5 float32 array of (angle ∈ [0,1], speed, x, y, z ∈ [0,1]) per frame and joint.

    Position is min–max normalised per axis over the whole clip; speed is the frame-to-frame displacement per
    second divided by the clip's bounding-box diagonal, so both are invariant to the subject's size and placement.
    Missing joints (NaN) give 0 statistics.
    """
    kp = np.asarray(keypoints, dtype=np.float64)
    if kp.ndim != 3 or kp.shape[2] != 3 or kp.shape[1] != len(skeleton.joints):
        raise ValueError(f"keypoints must be T×{len(skeleton.joints)}×3, got {kp.shape}")
    n_frames = kp.shape[0]
    lo, hi = np.nanmin(kp, axis=(0, 1)), np.nanmax(kp, axis=(0, 1))
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    position = (kp - lo) / span
    diagonal = float(np.linalg.norm(span)) or 1.0
    velocity = np.diff(kp, axis=0, prepend=kp[:1]) * skeleton.fps / diagonal
    if n_frames > 1:
        velocity[0] = velocity[1]
    speed = np.linalg.norm(velocity, axis=-1)
    angle = np.nan_to_num(joint_angles(kp, skeleton) / np.pi)  # in [0, 1]
    stats = np.concatenate([angle[..., None], speed[..., None], position], axis=-1)
    return np.nan_to_num(stats).astype(np.float32)
