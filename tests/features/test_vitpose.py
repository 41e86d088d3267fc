"""transformers' ViTPose through its real loading code: a tiny random model saved as a folder (no download)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from adrbench.errors import ConfigError
from adrbench.features.estimator import make_estimator, parse_estimator
from adrbench.features.keypoints import track_video
from adrbench.features.vitpose import ViTPose

from . import astronaut


def save_tiny_vitpose(folder: Path, seed: int = 0, num_labels: int = 17) -> Path:
    from transformers import VitPoseBackboneConfig, VitPoseConfig, VitPoseForPoseEstimation
    from transformers.models.vitpose.image_processing_pil_vitpose import VitPoseImageProcessorPil

    torch.manual_seed(seed)
    backbone = VitPoseBackboneConfig(image_size=[64, 48], patch_size=[16, 16], hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, mlp_ratio=2, out_indices=[2])  # fmt: skip
    VitPoseForPoseEstimation(VitPoseConfig(backbone_config=backbone, num_labels=num_labels)).save_pretrained(
        folder
    )
    VitPoseImageProcessorPil(size={"height": 64, "width": 48}).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_vitpose(tmp_path_factory.mktemp("tiny-vitpose"))


def test_tiny_vitpose_loads_from_a_folder_and_estimates_every_frame(tiny: Path, tmp_path: Path) -> None:
    pytest.importorskip("skimage", reason="scikit-image (dev extra) makes the test video")
    video = astronaut.write(tmp_path / "a.mp4", n=5, blank=None)
    estimator = make_estimator("vitpose", str(tiny))
    track = track_video(tmp_path, video.name, estimator)
    assert track.image.shape == (5, 17, 2) and track.points.shape == (5, 17, 3) and len(track.timestamps) == 5
    assert np.isfinite(track.image).all() and ((track.score >= 0) & (track.score <= 1)).all()
    # points are the image coordinates in frame heights, z = 0 (ViTPose is 2-D)
    assert (
        np.allclose(track.points[..., :2], track.image / astronaut.SIZE) and (track.points[..., 2] == 0).all()
    )
    # the pixels reach the model (frames differ, so do keypoints) and a rerun gives the same keypoints
    assert not np.allclose(track.image[0], track.image[4])
    assert np.array_equal(track_video(tmp_path, video.name, estimator).image, track.image)


def test_the_fingerprint_is_the_folder_content(tiny: Path, tmp_path: Path) -> None:
    other = save_tiny_vitpose(tmp_path / "other", seed=1)
    same = ViTPose(str(tiny)).settings()
    assert same == ViTPose(str(tiny)).settings() and same["model"].startswith("dir:")
    assert ViTPose(str(other)).settings()["model"] != same["model"]
    assert parse_estimator(f"vitpose:{tiny}").settings() == same


def test_a_non_coco_checkpoint_is_refused(tmp_path: Path) -> None:
    folder = save_tiny_vitpose(tmp_path / "m", num_labels=14)
    estimator = ViTPose(str(folder))
    with pytest.raises(ConfigError, match="predicts 14 keypoints"):
        estimator.estimate(np.zeros((1, 64, 48, 3), np.uint8), np.zeros(1))


def test_offline_without_weights_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capfd) -> None:  # type: ignore[no-untyped-def]
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConfigError) as error:
        ViTPose("nobody-adrbench/no-such-vitpose").settings()
    assert "neither a folder nor in the local Hugging Face cache" in str(error.value)
    assert "huggingface-cli download nobody-adrbench/no-such-vitpose" in str(error.value)
    out, err = capfd.readouterr()
    assert "HEAD" not in out + err and "https://" not in str(error.value)


def test_vitpose_needs_a_model_and_blazepose_takes_none() -> None:
    with pytest.raises(ConfigError, match="vitpose needs --model"):
        make_estimator("vitpose")
    with pytest.raises(ConfigError, match="blazepose takes no --model"):
        make_estimator("blazepose", "x")
