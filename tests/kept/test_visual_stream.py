"""KEPT's visual stream (`-M visual=`): f_V from a frozen encoder's features of the real decoded frames."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from kept_fixtures import TINY_ARGS, make_dataset

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.features.encoders import VisualEncoder
from adrbench.features.video import read_keyframes, write_video
from kept.adapter import KeptModel

N_KEYFRAMES = int(TINY_ARGS["keyframes"])


def with_videos(data: Dataset, root: Path) -> Dataset:
    """The tiny pair dataset with a short real H.264 file per video (brightness follows the video's score)."""
    videos = {}
    for i, (vid, video) in enumerate(sorted(data.videos.items())):
        rng = np.random.default_rng(i)
        level = int(20 * (video.score or 0.0))
        frames = rng.integers(0, 40, size=(12, 32, 32, 3)) + level + 4 * np.arange(12)[:, None, None, None]
        write_video(root / f"{vid}.mp4", np.clip(frames, 0, 255).astype(np.uint8), fps=10)
        videos[vid] = video.model_copy(update={"video_path": f"{vid}.mp4"})
    return dataclasses.replace(data, videos=videos, root=root, video_root=root)


@pytest.fixture
def video_pairs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dataset:
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "videos"
    folder.mkdir()
    return with_videos(make_dataset(), folder)


def test_visual_stream_reads_the_encoders_features_of_the_keyframes(video_pairs, tiny_clip) -> None:
    model = KeptModel(**TINY_ARGS, visual=str(tiny_clip))
    model.fit(video_pairs, seed=0)
    state = model.fitted
    assert state.meta["visual"]["encoder"] == str(tiny_clip)
    assert state.meta["visual"]["fingerprint"].startswith("dir:")
    assert state.meta["frame_dim"] == 16  # the tiny CLIP's projection width, not the pose statistics' 170
    encoder = VisualEncoder.from_name(str(tiny_clip))
    frames = read_keyframes(video_pairs.video_root / "train0.mp4", N_KEYFRAMES)
    np.testing.assert_allclose(model._features.get(video_pairs, "train0").frames, encoder.encode(frames))
    preds = model.predict(video_pairs, video_pairs.items("test"))
    assert all(p.score_1 is not None and isinstance(p.description, str) for p in preds)
    assert model._features.visual is not None and model._features.visual.computed == len(video_pairs.videos)
    again = KeptModel(**TINY_ARGS, visual=str(tiny_clip))  # a second run reads every video's features back
    again.fit(video_pairs, seed=0)
    assert again._features.visual is not None and again._features.visual.computed == 0
    pose = KeptModel(**TINY_ARGS)
    pose.fit(video_pairs, seed=0)
    assert pose.fitted.meta["frame_dim"] != 16 and "visual" not in pose.fitted.meta


def test_checkpoint_needs_the_same_encoder(video_pairs, tiny_clip, tmp_path: Path) -> None:
    encoder = tmp_path / "encoder"
    shutil.copytree(tiny_clip, encoder)
    model = KeptModel(**TINY_ARGS, visual=str(encoder))
    model.fit(video_pairs, seed=0)
    expected = [p.model_dump_json() for p in model.predict(video_pairs, video_pairs.items("test"))]
    assert model.save(tmp_path / "ckpt")
    saved = json.loads((tmp_path / "ckpt" / "kept.json").read_text())
    assert saved["config"]["visual"] == str(encoder) and saved["meta"]["visual"]["fingerprint"]
    restored = KeptModel(checkpoint=str(tmp_path / "ckpt"))
    restored.fit(video_pairs, seed=5)
    assert [p.model_dump_json() for p in restored.predict(video_pairs, video_pairs.items("test"))] == expected
    config = json.loads((encoder / "preprocessor_config.json").read_text())
    (encoder / "preprocessor_config.json").write_text(json.dumps({**config, "image_mean": [0.0, 0.0, 0.0]}))
    with pytest.raises(DataError, match="meta.visual.fingerprint"):
        KeptModel(checkpoint=str(tmp_path / "ckpt")).fit(video_pairs, seed=0)


def test_keypoint_only_data_keeps_the_pose_stream(tiny_pairs, tiny_clip) -> None:
    with pytest.raises(ConfigError, match="no video file.*render_video"):
        KeptModel(**TINY_ARGS, visual=str(tiny_clip)).fit(tiny_pairs, seed=0)


def test_a_missing_test_video_fails_its_pairs_only(video_pairs, tiny_clip) -> None:
    model = KeptModel(**TINY_ARGS, visual=str(tiny_clip))
    model.fit(video_pairs, seed=0)
    (video_pairs.video_root / "test0.mp4").unlink()
    preds = model.predict(video_pairs, video_pairs.items("test"))
    failed = {p.pair_id for p in preds if "error" in p.meta}
    pairs = video_pairs.items("test")
    assert failed == {p.id for p in pairs if "test0" in (p.video_1, p.video_2)}
    assert failed and len(failed) < len(pairs)
    assert all("test0.mp4" in p.meta["error"] for p in preds if p.pair_id in failed)
