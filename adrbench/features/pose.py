"""Pose features built from the one pose-statistics function, `adrbench.data.kinematics.joint_statistics`."""

from __future__ import annotations

import numpy as np

from adrbench.data.kinematics import joint_statistics, sample_keyframes
from adrbench.dataset import Skeleton


def pose_keyframe_features(keypoints: np.ndarray, skeleton: Skeleton, n_keyframes: int) -> np.ndarray:
    """K×(P·5) float32: the joint statistics of `n_keyframes` evenly spread frames, flattened per frame.

    Statistics are computed on the whole clip first (speed needs neighbouring frames), then sampled.
    """
    stats = joint_statistics(keypoints, skeleton)
    index = sample_keyframes(stats.shape[0], n_keyframes)
    return stats[index].reshape(len(index), -1).astype(np.float32)


def pose_summary(keypoints: np.ndarray, skeleton: Skeleton) -> np.ndarray:
    """Fixed-length (P·5·2,) float64 summary of a clip: per joint and statistic, the mean and std over frames."""
    stats = joint_statistics(keypoints, skeleton).astype(np.float64)
    return np.concatenate([stats.mean(axis=0).ravel(), stats.std(axis=0).ravel()])
