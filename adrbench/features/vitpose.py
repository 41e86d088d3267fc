"""transformers' ViTPose (`VitPoseForPoseEstimation` + its image processor) as a COCO-17 estimator.

Loads by hub name or local folder. The person box is the whole frame: no person detector ships with weights
for offline use, so this suits clips framed on one performer (FitnessAQA, exo views cropped to the athlete);
ViTPose is top-down and gives 2-D joints only, so `points` are image coordinates in frame heights with z = 0.
Nothing is downloaded unless the name is a hub model missing from the local Hugging Face cache and the machine
is online; otherwise loading fails with a message saying what to do (not transformers' raw request error).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from adrbench.errors import ConfigError
from adrbench.features.estimator import N_JOINTS, PoseEstimator, PoseTrack


@contextmanager
def _quiet_hub():  # type: ignore[no-untyped-def]
    """Silence huggingface_hub's retry warnings while we try a download (its failure becomes our error)."""
    logger = logging.getLogger("huggingface_hub")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def _from_pretrained(loader: Any, name: str) -> Any:
    """`loader.from_pretrained(name)`: the local cache first, the hub only when online; a clear error if neither."""
    if Path(name).is_dir():
        try:
            return loader.from_pretrained(name)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load ViTPose from folder {name}: {exc}") from exc
    try:
        return loader.from_pretrained(name, local_files_only=True)
    except (OSError, ValueError):
        pass
    if _offline():
        raise ConfigError(f"ViTPose model {name!r} is neither a folder nor in the local Hugging Face cache, and "
                          "HF_HUB_OFFLINE is set: download it once online (huggingface-cli download "
                          f"{name}) or pass a local folder with --model DIR")  # fmt: skip
    try:
        with _quiet_hub():
            return loader.from_pretrained(name)
    except (OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0][:200]
        raise ConfigError(f"cannot load ViTPose model {name!r}: not a folder, not in the local Hugging Face cache, "
                          f"and the hub could not be reached or has no such model ({reason}); pass a local "
                          "folder with --model DIR, or download it once online") from None  # fmt: skip


class ViTPose(PoseEstimator):
    """A COCO-17 ViTPose checkpoint, run on `device` without gradients, the whole frame as the person box."""

    name: ClassVar[str] = "vitpose"
    version: ClassVar[str] = "1"

    def __init__(self, model: str, device: str = "cpu", batch: int = 8) -> None:
        self.model_name = model
        self.device = device
        self.batch = batch
        self._fingerprint: str | None = None
        self._model: Any = None
        self._processor: Any = None

    def fingerprint(self) -> str:
        """A local folder: hash of its files; a hub model: name@commit of the cached snapshot."""
        if self._fingerprint is None:
            folder = Path(self.model_name)
            if folder.is_dir():
                from adrbench.features.encoders import folder_fingerprint

                self._fingerprint = "dir:" + folder_fingerprint(folder)
            else:
                from transformers import AutoConfig

                config = _from_pretrained(AutoConfig, self.model_name)
                self._fingerprint = (
                    f"hub:{self.model_name}@{getattr(config, '_commit_hash', None) or 'unknown'}"
                )
        return self._fingerprint

    def settings(self) -> dict[str, Any]:
        return {"estimator": self.name, "version": self.version, "model": self.fingerprint(), "box": "frame"}

    def label(self) -> str:
        return f"{self.name}/{self.version}:{self.model_name}"

    def reset(self) -> None:
        """ViTPose sees each frame on its own: no state to forget."""

    def _load(self) -> None:
        import torch  # noqa: F401  (transformers' model needs it)
        from transformers import AutoImageProcessor, VitPoseForPoseEstimation

        model = _from_pretrained(VitPoseForPoseEstimation, self.model_name)
        if int(model.config.num_labels) != N_JOINTS:
            raise ConfigError(f"ViTPose model {self.model_name!r} predicts {model.config.num_labels} keypoints; "
                              f"adrbench needs a COCO-{N_JOINTS} checkpoint")  # fmt: skip
        self._processor = _from_pretrained(AutoImageProcessor, self.model_name)
        self._model = model.eval().to(self.device)

    def estimate(self, frames: np.ndarray, timestamps: np.ndarray) -> PoseTrack:
        import torch

        if self._model is None:
            self._load()
        points, image, score = PoseTrack.empty_rows(len(frames))
        height, width = frames.shape[1:3]
        experts = int(getattr(self._model.config.backbone_config, "num_experts", 1))
        for start in range(0, len(frames), self.batch):
            chunk = list(frames[start : start + self.batch])
            boxes = [[[0.0, 0.0, float(width), float(height)]] for _ in chunk]
            inputs = self._processor(images=chunk, boxes=boxes, return_tensors="pt")
            pixels = inputs["pixel_values"].to(self.device)
            extra = (
                {"dataset_index": torch.zeros(len(chunk), dtype=torch.long, device=self.device)}
                if experts > 1
                else {}
            )
            with torch.no_grad():
                outputs = self._model(pixel_values=pixels, **extra)
            results = self._processor.post_process_pose_estimation(outputs, boxes=boxes)
            for i, people in enumerate(results):
                kp = people[0]["keypoints"].cpu().numpy().astype(np.float32)
                image[start + i] = kp
                points[start + i, :, :2] = kp / height
                points[start + i, :, 2] = 0.0
                score[start + i] = np.clip(people[0]["scores"].cpu().numpy(), 0.0, 1.0)
        return PoseTrack(points, image, score, np.asarray(timestamps, np.float64))
