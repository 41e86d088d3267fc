"""A short video written here, a tiny random transformers encoder end to end, imports, and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from adrbench.errors import ConfigError, DataError
from adrbench.features.cache import FeatureCache
from adrbench.features.encoders import VisualEncoder
from adrbench.features.extract import FeatureExtractor
from adrbench.features.imported import import_npy
from adrbench.features.spec import FeatureSpec
from adrbench.features.video import count_frames, read_keyframes


def test_decode_keyframes_of_a_written_video(video_data) -> None:
    path = video_data.root / "v0.mp4"
    assert count_frames(path) == 10
    frames = read_keyframes(path, 4)
    assert frames.shape == (4, 24, 32, 3) and frames.dtype == np.uint8
    assert np.array_equal(read_keyframes(path, 4), frames)  # decoding is deterministic
    assert read_keyframes(path, 15).shape[0] == 15  # more keyframes than frames repeat frames


def test_tiny_clip_end_to_end_then_cache_hit(video_data, tiny_clip, tmp_path) -> None:
    spec = FeatureSpec(source="visual", visual=str(tiny_clip), n_keyframes=3)
    videos = list(video_data.videos.values())
    first = FeatureExtractor(spec, FeatureCache(tmp_path / "cache"))
    out = first.extract(video_data, videos)
    assert first.computed == 3 and out["v0"].shape == (3, 16) and out["v0"].dtype == np.float32
    assert not np.allclose(out["v0"], out["v1"])
    second = FeatureExtractor(spec, FeatureCache(tmp_path / "cache"))
    again = second.extract(video_data, videos)
    assert second.computed == 0 and second.cache.hits == 3
    assert all(np.array_equal(out[k], again[k]) for k in out)
    # A changed video is a miss.
    from adrbench.features.video import write_video

    write_video(video_data.root / "v0.mp4", np.zeros((6, 24, 32, 3), dtype=np.uint8))
    third = FeatureExtractor(spec, FeatureCache(tmp_path / "cache"))
    third.extract(video_data, videos)
    assert third.computed == 1


def test_video_encoders_give_sequences() -> None:
    from transformers import VideoMAEConfig, VideoMAEImageProcessor, VideoMAEModel

    torch.manual_seed(0)
    model = VideoMAEModel(VideoMAEConfig(image_size=32, patch_size=8, num_frames=4, tubelet_size=2, hidden_size=32,
                                         intermediate_size=37, num_hidden_layers=1, num_attention_heads=4))  # fmt: skip
    proc = VideoMAEImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    encoder = VisualEncoder(model, proc, fingerprint="test")
    frames = np.random.default_rng(0).integers(0, 255, size=(6, 40, 40, 3), dtype=np.uint8)
    assert encoder.encode(frames).shape == (2, 32)  # 4 frames / tubelet 2, averaged over space


def test_visual_without_a_model_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="model name"):
        FeatureSpec(source="visual")
    with pytest.raises(ConfigError, match="cannot load"):
        VisualEncoder.from_name("/nonexistent/encoder")


def test_keypoint_only_video_has_no_file_for_visual(keypoint_data, tiny_clip) -> None:
    extractor = FeatureExtractor(FeatureSpec(source="visual", visual=str(tiny_clip)))
    with pytest.raises(DataError, match="no video file"):
        extractor.features(keypoint_data, keypoint_data.videos["v0"])


def test_import_npy_with_manifest(keypoint_data, tmp_path) -> None:
    lines = []
    for i, vid in enumerate(keypoint_data.videos):
        np.save(tmp_path / f"{vid}.npy", np.full((5, 8), float(i), dtype=np.float32))
        lines.append(json.dumps({"video_id": vid, "path": f"{vid}.npy"}))
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(lines) + "\n")
    cache = FeatureCache(tmp_path / "cache")
    assert import_npy(keypoint_data, manifest, "i3d", cache) == 4
    extractor = FeatureExtractor(FeatureSpec(source="imported", name="i3d"), cache)
    assert np.array_equal(extractor.features(keypoint_data, keypoint_data.videos["v2"]), np.full((5, 8), 2.0))
    with pytest.raises(DataError, match="no imported features 'other'"):
        FeatureExtractor(FeatureSpec(source="imported", name="other"), cache).features(
            keypoint_data, keypoint_data.videos["v0"]
        )


def test_import_errors_name_the_line(keypoint_data, tmp_path) -> None:
    np.save(tmp_path / "a.npy", np.zeros((3, 4)))
    np.save(tmp_path / "b.npy", np.zeros((3, 5)))
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"video_id": "v0", "path": "a.npy"}\n{"video_id": "nope", "path": "a.npy"}\n')
    with pytest.raises(DataError, match=r"line 2.*video_id"):
        import_npy(keypoint_data, manifest, "x", FeatureCache(tmp_path / "c"))
    manifest.write_text('{"video_id": "v0", "path": "a.npy"}\n{"video_id": "v1", "path": "b.npy"}\n')
    with pytest.raises(DataError, match=r"line 2.*D=5"):
        import_npy(keypoint_data, manifest, "x", FeatureCache(tmp_path / "c"))
    assert not (tmp_path / "c").exists()  # nothing is stored unless every line is good


def test_cli_extract_and_resume(keypoint_data, tmp_path, monkeypatch) -> None:
    from adrbench.cli import features as cli

    class TinyTask:
        def load(self, data_root=None, seed=0, **args):
            return keypoint_data

    monkeypatch.setattr("adrbench.tasks.registry.get_task", lambda name: TinyTask())
    runner = CliRunner()
    args = ["extract", "--task", "tiny", "--cache", str(tmp_path / "cache"), "--keyframes", "4"]
    first = runner.invoke(cli.app, args)
    assert first.exit_code == 0, first.output
    assert "4 computed, 0 from the cache" in first.output
    second = runner.invoke(cli.app, args)
    assert "0 computed, 4 from the cache" in second.output


def test_cli_import(keypoint_data, tmp_path, monkeypatch) -> None:
    from adrbench.cli import features as cli

    class TinyTask:
        def load(self, data_root=None, seed=0, **args):
            return keypoint_data

    monkeypatch.setattr("adrbench.tasks.registry.get_task", lambda name: TinyTask())
    np.save(tmp_path / "a.npy", np.ones((2, 3), dtype=np.float32))
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"video_id": "v0", "path": "a.npy"}\n')
    args = [
        "import",
        "--task",
        "tiny",
        "--manifest",
        str(manifest),
        "--name",
        "i3d",
        "--cache",
        str(tmp_path / "c"),
    ]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert "imported 1 feature arrays as 'i3d'" in result.output


def test_siglip_and_xclip_shapes() -> None:
    from transformers import (
        SiglipConfig,
        SiglipImageProcessor,
        SiglipModel,
        VideoMAEImageProcessor,
        XCLIPConfig,
        XCLIPModel,
    )

    torch.manual_seed(0)
    layer = dict(hidden_size=32, intermediate_size=37, num_hidden_layers=1, num_attention_heads=4)
    text = {**layer, "vocab_size": 99}
    siglip = SiglipModel(
        SiglipConfig(vision_config={**layer, "image_size": 32, "patch_size": 8}, text_config=text)
    )
    frames = np.random.default_rng(1).integers(0, 255, size=(5, 40, 40, 3), dtype=np.uint8)
    out = VisualEncoder(siglip, SiglipImageProcessor(size={"height": 32, "width": 32}), "t").encode(frames)
    assert out.shape == (5, 32)  # one embedding per keyframe
    vision = {**layer, "image_size": 32, "patch_size": 8, "num_frames": 4, "mit_hidden_size": 32,
              "mit_intermediate_size": 37, "mit_num_hidden_layers": 1, "mit_num_attention_heads": 4}  # fmt: skip
    xclip = XCLIPModel(XCLIPConfig(vision_config=vision, text_config=text, projection_dim=32, prompt_layers=1,
                                   prompt_attention_heads=4, prompt_num_attention_heads=4))  # fmt: skip
    proc = VideoMAEImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    assert VisualEncoder(xclip, proc, "t").encode(frames).shape == (1, 32)  # one embedding per video
