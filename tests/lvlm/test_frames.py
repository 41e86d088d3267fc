"""Frames: even sampling, deterministic stick figures, decoding a real video file with PyAV, once per video."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from lvlm_fixtures import SKELETON, adr_dataset, random_keypoints
from PIL import Image

from adrbench.errors import DataError
from adrbench.features.video import write_video
from adrbench.records import Video
from baselines.lvlm.frames import FrameSource, decode_video_frames, render_stick_figures, sample_indices


def test_sample_indices() -> None:
    assert sample_indices(100, 4) == [12, 37, 62, 87]
    assert sample_indices(3, 8) == [0, 1, 2]
    assert sample_indices(0, 8) == []


def test_stick_figures_are_deterministic_pngs() -> None:
    data = adr_dataset(2)
    kp = random_keypoints(data.videos["v0"])
    first = render_stick_figures(kp, SKELETON.edges, 4, size=64)
    assert first == render_stick_figures(kp.copy(), SKELETON.edges, 4, size=64)
    assert len(first) == 4 and len(set(first)) == 4  # the figure moves between frames
    image = Image.open(io.BytesIO(first[0]))
    assert image.format == "PNG" and image.size == (64, 64)
    assert np.asarray(image).min() < 255  # something was drawn


def test_missing_joints_are_skipped() -> None:
    kp = random_keypoints(adr_dataset(1).videos["v0"])
    kp[:, 0] = np.nan
    assert len(render_stick_figures(kp, SKELETON.edges, 2, size=32)) == 2
    with pytest.raises(DataError):
        render_stick_figures(np.full((3, 7, 3), np.nan), SKELETON.edges, 2)


def _write_video(path: Path, n_frames: int) -> None:
    """A 64×48 clip by the project's own writer; frame i has red level 10·i."""
    pytest.importorskip("av")
    rgb = np.zeros((n_frames, 48, 64, 3), dtype=np.uint8)
    rgb[..., 0] = (np.arange(n_frames) * 10)[:, None, None]  # brightness encodes the frame number
    path.parent.mkdir(parents=True, exist_ok=True)
    write_video(path, rgb, fps=10)


def test_decode_video_frames_samples_evenly(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    _write_video(path, 20)
    frames = decode_video_frames(tmp_path, "clip.mp4", 4, size=32, image_format="png")
    assert len(frames) == 4
    reds = [np.asarray(Image.open(io.BytesIO(f)))[..., 0].mean() for f in frames]
    assert reds == sorted(reds) and reds[0] < 40 < reds[-1]  # frames 2, 7, 12, 17 in order
    assert Image.open(io.BytesIO(frames[0])).size == (32, 24)
    with pytest.raises(DataError, match="not found"):
        decode_video_frames(tmp_path, "missing.mp4", 4)
    (tmp_path / "broken.mp4").write_bytes(b"not a video")
    with pytest.raises(DataError, match="cannot decode"):
        decode_video_frames(tmp_path, "broken.mp4", 4)


def test_frame_source_makes_frames_once_per_video() -> None:
    data = adr_dataset(3)
    calls: list[str] = []
    loader = data.keypoint_loader
    assert loader is not None

    def counted(video: Video) -> np.ndarray:
        calls.append(video.id)
        return loader(video)

    data.keypoint_loader = counted
    source = FrameSource(data, n=3, size=32, image_format="png", source="auto", view="xz")
    for pair in data.pair_items("test"):
        source.frames(data.videos[pair.video_1])
        source.frames(data.videos[pair.video_2])
    assert sorted(calls) == ["v0", "v1", "v2"]
    assert source.kind(data.videos["v0"]) == "keypoints"


def test_auto_source_decodes_present_videos_and_draws_the_rest(tmp_path: Path) -> None:
    data = adr_dataset(2, root=tmp_path)
    (tmp_path / "videos").mkdir()
    _write_video(tmp_path / "videos" / "v0.mp4", 12)
    data.videos["v0"] = data.videos["v0"].model_copy(update={"video_path": "videos/v0.mp4"})
    data.videos["v1"] = data.videos["v1"].model_copy(update={"video_path": "videos/missing.mp4"})
    source = FrameSource(data, n=3, size=32, image_format="jpeg", source="auto", view="xz")
    assert source.kind(data.videos["v0"]) == "video" and source.kind(data.videos["v1"]) == "keypoints"
    assert Image.open(io.BytesIO(source.frames(data.videos["v0"])[0])).format == "JPEG"
    assert len(source.frames(data.videos["v1"])) == 3
    strict = FrameSource(data, n=3, size=32, image_format="jpeg", source="video", view="xz")
    with pytest.raises(DataError, match="not found"):
        strict.frames(data.videos["v1"])
    elsewhere = FrameSource(data, 3, 32, "png", "auto", "xz", video_root=tmp_path / "nowhere")
    assert elsewhere.kind(data.videos["v0"]) == "keypoints"


def test_videos_under_a_separate_video_root_are_checked_and_decoded_there(tmp_path: Path) -> None:
    data = adr_dataset(2, root=tmp_path / "adr")  # annotations here, videos elsewhere (as for Ego-Exo4D)
    _write_video(tmp_path / "egoexo" / "takes" / "v0.mp4", 12)
    data.videos["v0"] = data.videos["v0"].model_copy(update={"video_path": "takes/v0.mp4"})
    for source in ("auto", "video"):
        frames = FrameSource(data, 3, 32, "jpeg", source, "xz", video_root=tmp_path / "egoexo")
        assert frames.kind(data.videos["v0"]) == "video"
        assert len(frames.frames(data.videos["v0"])) == 3
    data.video_root = tmp_path / "egoexo"  # the task's video_root does the same
    assert len(FrameSource(data, 3, 32, "jpeg", "video", "xz").frames(data.videos["v0"])) == 3


def test_a_video_that_fails_fails_again_without_a_second_decode(tmp_path: Path) -> None:
    data = adr_dataset(2, root=tmp_path)
    (tmp_path / "v0.mp4").write_bytes(b"\x00" * 64)
    data.videos["v0"] = data.videos["v0"].model_copy(update={"video_path": "v0.mp4"})
    frames = FrameSource(data, 3, 32, "jpeg", "auto", "xz")
    assert frames.kind(data.videos["v0"]) == "video"  # present, so it is decoded, not drawn
    with pytest.raises(DataError, match="cannot decode") as first:
        frames.frames(data.videos["v0"])
    (tmp_path / "v0.mp4").unlink()
    with pytest.raises(DataError) as second:
        frames.frames(data.videos["v0"])
    assert second.value is first.value
