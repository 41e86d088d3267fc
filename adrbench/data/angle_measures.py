"""What a coach reads off one joint's angle in a stretch of the clip: its range, onset, tremor and wobble.

Used by the twins' calibration (the oracle and the lasso reference levels, adrbench.calibration) and as part of
KEPT's tree-node statistics (kept.features), so that both measure a movement the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import signal

from adrbench.data.kinematics import joint_angles
from adrbench.dataset import Skeleton

MEASURES = ("range", "timing", "smoothness", "steadiness")  # the order of `window_measures`' last axis
_ONSETS = np.linspace(0.0, 0.45, 46)
_LOWPASS = signal.butter(4, 6.0, fs=30.0)


def filled_angles(keypoints: np.ndarray, skeleton: Skeleton) -> np.ndarray:
    """T×P joint angles (rad, `kinematics.joint_angles`), gaps (missing keypoints) linearly interpolated."""
    angles = joint_angles(keypoints, skeleton)
    t = np.arange(len(angles))
    out = np.zeros_like(angles)
    for s in range(angles.shape[1]):
        ok = np.isfinite(angles[:, s])
        if ok.any():
            out[:, s] = np.interp(t, t[ok], angles[ok, s])
    return out


def group_angles(keypoints: np.ndarray, skeleton: Skeleton, group: str) -> np.ndarray:
    """T×G filled joint angles (rad) of one group's G joints."""
    return filled_angles(keypoints, skeleton)[:, list(skeleton.groups[group])]


def window_measures(angles: np.ndarray, windows: Sequence[tuple[int, int]]) -> np.ndarray:
    """W×G×4 range, onset, tremor power and wobble of each of G angle tracks (T×G) in each [start, end) window.

    The slow part: a 3-frame median filter (single-frame outliers) then a 4th-order Butterworth at 6 Hz (zero
    phase). The fast part: the raw angle minus a 9-frame quadratic Savitzky–Golay fit (cut-off ≈ 5.5 Hz).
    Tremor power = mean square of the fast part in the window, its top 5 % (outliers) left out. The slow part
    is fitted, per track, by a constant plus a raised-cosine excursion over 55 % of the window at the best of
    46 onsets (least squares): range = |fitted amplitude|, onset = the best onset (share of the window),
    wobble = RMS of the fit's residual. Windows shorter than 4 frames are widened to 4.
    """
    x = angles.copy()
    for s in range(x.shape[1]):
        padded = np.pad(x[:, s], 1, mode="edge")
        x[:, s] = np.median(np.stack([padded[:-2], padded[1:-1], padded[2:]]), axis=0)
    slow = signal.filtfilt(*_LOWPASS, x, axis=0, padlen=min(15, len(x) - 1))
    # the tremor is near Nyquist: take it from the raw angle (a median filter would erase it)
    fast = angles - signal.savgol_filter(angles, min(9, len(angles) // 2 * 2 - 1), 2, axis=0, mode="interp")
    out = np.zeros((len(windows), x.shape[1], 4))
    for w, (start, end) in enumerate(windows):
        end = min(max(end, start + 4), len(x))
        start = max(min(start, end - 4), 0)
        length = end - start
        u = np.arange(length) / length
        z = np.clip((u[None, :] - _ONSETS[:, None]) / 0.55, 0.0, 1.0)
        bumps = 0.5 * (1 - np.cos(2 * np.pi * z))  # onsets × frames
        bc = bumps - bumps.mean(axis=1, keepdims=True)
        var_b = np.maximum(np.sum(bc**2, axis=1), 1e-12)
        yc = slow[start:end] - slow[start:end].mean(axis=0)  # frames × G
        cov = bc @ yc  # onsets × G
        sse = np.sum(yc**2, axis=0) - cov**2 / var_b[:, None]  # the best fit at every onset, all at once
        best = np.argmin(sse, axis=0)
        tracks = np.arange(x.shape[1])
        out[w, :, 0] = np.abs(cov[best, tracks] / var_b[best])
        out[w, :, 1] = _ONSETS[best]
        out[w, :, 3] = np.sqrt(np.maximum(sse[best, tracks], 0.0) / length)
        power = np.sort(np.square(fast[start:end]), axis=0)
        out[w, :, 2] = power[: max(1, int(0.95 * len(power)))].mean(axis=0)  # the top 5 % left out
    return out


def cell_measures(angles: np.ndarray, start: int, end: int) -> np.ndarray:
    """The 4 measures of one group in one window (`window_measures`), averaged over its joints (left and right)."""
    return window_measures(angles, [(start, end)])[0].mean(axis=0)
