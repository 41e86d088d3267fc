"""Forward kinematics of a 3D COCO body driven by joint angles (used by adr-synth and fitnessaqa-synth).

Angles (radians, per frame, left and right): shoulder flexion (0 = arm down, π = overhead), elbow flexion
(0 = straight), hip flexion (0 = leg straight down, > 0 = thigh forward), knee flexion (0 = straight).
Body frame before yaw: x forward, y left, z up, metres.
"""

from __future__ import annotations

import numpy as np

FPS = 30.0


def _unit(angle: np.ndarray) -> np.ndarray:
    """Direction in the sagittal plane at `angle` from straight down, towards forward (x)."""
    return np.stack([np.sin(angle), np.zeros_like(angle), -np.cos(angle)], axis=-1)


def body_pose(
    angles: dict[str, np.ndarray],
    height: float,
    root: np.ndarray,
    yaw: float,
    lean: np.ndarray | float = 0.0,
    knee_inward: np.ndarray | float = 0.0,
) -> np.ndarray:
    """T×17×3 COCO joint positions (metres, world frame) from per-group T×2 joint angles.

    `root` is the T×3 ground point under the pelvis, `yaw` the heading about z, `lean` the forward trunk
    lean (rad), `knee_inward` a T×2 (or scalar) shift of each knee towards the midline (metres, valgus).
    """
    n = angles["knee"].shape[0]
    h = height
    lean = np.broadcast_to(np.asarray(lean, dtype=float), (n,))
    inward = np.broadcast_to(np.asarray(knee_inward, dtype=float), (n, 2))
    pelvis = np.zeros((n, 3))
    pelvis[:, 2] = 0.53 * h
    trunk = np.stack([np.sin(lean), np.zeros(n), np.cos(lean)], axis=-1)
    neck = pelvis + 0.29 * h * trunk
    kp = np.zeros((n, 17, 3))
    for side, sign in ((0, 1.0), (1, -1.0)):  # left is +y
        hip = pelvis + np.array([0.0, sign * 0.09 * h, 0.0])
        shoulder = neck + np.array([0.0, sign * 0.13 * h, 0.0])
        knee = hip + 0.245 * h * _unit(angles["hip"][:, side])
        ankle = knee + 0.245 * h * _unit(angles["hip"][:, side] - angles["knee"][:, side])
        knee[:, 1] -= sign * inward[:, side]  # valgus moves the knee only; the foot stays put
        elbow = shoulder + 0.17 * h * _unit(angles["shoulder"][:, side])
        wrist = elbow + 0.15 * h * _unit(angles["shoulder"][:, side] + angles["elbow"][:, side])
        for j, point in zip((5, 7, 9, 11, 13, 15), (shoulder, elbow, wrist, hip, knee, ankle), strict=True):
            kp[:, j + side] = point
    head = neck + 0.1 * h * trunk
    kp[:, 0] = head + np.array([0.06 * h, 0.0, 0.0])
    for side, sign in ((0, 1.0), (1, -1.0)):
        kp[:, 1 + side] = head + np.array([0.05 * h, sign * 0.03 * h, 0.02 * h])
        kp[:, 3 + side] = head + np.array([0.0, sign * 0.07 * h, 0.0])
    c, s = np.cos(yaw), np.sin(yaw)
    rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    return kp @ rot.T + root[:, None, :]
