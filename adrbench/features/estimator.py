"""The pose-estimator interface: frames in, the 17 COCO joints of `adrbench.data.skeletons.BODY` out.

An estimator is given the frames of ONE video in order, in chunks (`reset()` before each video, so trackers
start afresh), and returns one row per frame. It is cheap to construct: the model loads on the first
`estimate`, so a run can compute the cache key (`settings()`) without the estimator's packages or weights.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from adrbench.errors import ConfigError

N_JOINTS = 17  # len(adrbench.data.skeletons.COCO_JOINTS)


@dataclass(frozen=True)
class PoseTrack:
    """One video's estimated pose, one row per decoded frame.

    - `points`: T×17×3 float32, the coordinates the skeleton uses (BlazePose: world landmarks in metres, origin
      between the hips; 2-D estimators: image coordinates in frame heights, z = 0); NaN where no person;
    - `image`: T×17×2 float32, pixel coordinates (x right, y down) in the decoded frame; NaN where no person;
    - `score`: T×17 float32 in [0, 1] (BlazePose visibility, ViTPose heatmap peak); 0 where no person;
    - `timestamps`: T float64 seconds from the first frame.
    """

    points: np.ndarray
    image: np.ndarray
    score: np.ndarray
    timestamps: np.ndarray

    @staticmethod
    def empty_rows(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(points, image, score) of `n` frames with no person."""
        return (
            np.full((n, N_JOINTS, 3), np.nan, np.float32),
            np.full((n, N_JOINTS, 2), np.nan, np.float32),
            np.zeros((n, N_JOINTS), np.float32),
        )

    @staticmethod
    def concat(parts: list[PoseTrack]) -> PoseTrack:
        return PoseTrack(*(np.concatenate([getattr(p, f) for p in parts]) for f in PoseTrack.FIELDS))

    def masked(self, min_score: float) -> np.ndarray:
        """`points` with every joint scored below `min_score` set to NaN."""
        out = self.points.copy()
        out[self.score < min_score] = np.nan
        return out

    def frames_without_person(self) -> int:
        return int(np.isnan(self.image).all(axis=(1, 2)).sum())

    def tensors(self) -> dict[str, np.ndarray]:
        return {f: getattr(self, f) for f in self.FIELDS}

    @classmethod
    def from_tensors(cls, tensors: dict[str, np.ndarray]) -> PoseTrack:
        return cls(*(tensors[f] for f in cls.FIELDS))

    FIELDS: ClassVar[tuple[str, ...]] = ("points", "image", "score", "timestamps")


class PoseEstimator(ABC):
    """A keypoint estimator: `name`, `version` (bump when its output changes), `settings()` for the cache key."""

    name: ClassVar[str]
    version: ClassVar[str]

    @abstractmethod
    def settings(self) -> dict[str, Any]:
        """Everything that changes the output besides the video (part of the cache key); includes name/version."""

    @abstractmethod
    def reset(self) -> None:
        """Forget any tracking state: the next frames are a new video."""

    @abstractmethod
    def estimate(self, frames: np.ndarray, timestamps: np.ndarray) -> PoseTrack:
        """K×H×W×3 uint8 RGB frames of the current video, with their K times in seconds → a K-row track."""

    def label(self) -> str:
        """The short source name recorded in run configs, e.g. 'blazepose/2'."""
        return f"{self.name}/{self.version}"


ESTIMATORS = ("blazepose", "vitpose")
DEFAULT_ESTIMATOR = "blazepose"


def make_estimator(
    name: str = DEFAULT_ESTIMATOR, model: str | None = None, device: str = "cpu"
) -> PoseEstimator:
    """The estimator `name` ('blazepose', or 'vitpose' with `model` = a hub name or folder)."""
    if name == "blazepose":
        if model is not None:
            raise ConfigError("blazepose takes no --model (its model ships in the mediapipe wheel)")
        from adrbench.features.blazepose import BlazePose

        return BlazePose()
    if name == "vitpose":
        if not model:
            raise ConfigError("vitpose needs --model NAME (a hub name such as usyd-community/vitpose-base-simple, "
                              "or a local folder)")  # fmt: skip
        from adrbench.features.vitpose import ViTPose

        return ViTPose(model, device=device)
    raise ConfigError(f"unknown pose estimator {name!r}; known: {', '.join(ESTIMATORS)}")


def parse_estimator(spec: str, device: str = "cpu") -> PoseEstimator:
    """An estimator from the run's `--task-arg pose=NAME[:MODEL]` (e.g. 'vitpose:usyd-community/vitpose-base-simple')."""
    name, _, model = spec.partition(":")
    return make_estimator(name, model or None, device=device)
