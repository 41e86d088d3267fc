"""Per-video work on a real local Ray (2 CPUs, one session for the module): the same cache bytes as the local
executor, resumable, bounded, a failing video named, and the CLI's `--executor ray`."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.features.cache import FeatureCache
from adrbench.features.executor import (
    Job,
    LocalExecutor,
    Output,
    RayExecutor,
    VideoFailed,
    make_executor,
    run_videos,
)
from adrbench.features.extract import FeatureExtractor, FeatureWork
from adrbench.features.keypoints import extract_keypoints
from adrbench.features.spec import FeatureSpec

from . import astronaut
from .test_keypoint_extraction import TinyVideoTask, _blazepose, video_dataset


@pytest.fixture(scope="module")
def ray_session() -> Iterator[object]:
    """One local Ray of 2 CPUs for every test here, started by the executor's own code path, shut down after."""
    ray = pytest.importorskip("ray", reason="ray not installed: pip install -e '.[ray]'")
    assert RayExecutor(workers=2)._connect(
        ray
    )  # ray.init(address="local", num_cpus=2, include_dashboard=False)
    assert ray.cluster_resources()["CPU"] == 2
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def four_videos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four short clips of a real photograph of a person (3 to 6 frames), written once for the module."""
    folder = tmp_path_factory.mktemp("videos")
    for i in range(4):
        astronaut.write(folder / f"v{i}.mp4", n=3 + i, blank=None)
    return folder


def entries(root: Path) -> dict[str, bytes]:
    """Every file of a cache (entries and media-hash memos) by relative path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_ray_keypoints_are_byte_identical_to_local(ray_session, four_videos: Path, tmp_path: Path) -> None:
    data = video_dataset(four_videos, {f"v{i}": f"v{i}.mp4" for i in range(4)})
    videos = list(data.videos.values())
    local = extract_keypoints(data, videos, _blazepose(), FeatureCache(tmp_path / "local"))
    remote = extract_keypoints(
        data, videos, _blazepose(), FeatureCache(tmp_path / "ray"), executor=RayExecutor()
    )
    assert (remote.extracted, remote.frames) == (local.extracted, local.frames) == (4, 3 + 4 + 5 + 6)
    assert remote.cpu_s > 0 and remote.estimate_s > 0
    first, second = entries(tmp_path / "local"), entries(tmp_path / "ray")
    assert len([k for k in first if k.endswith(".safetensors")]) == 4
    assert first == second  # same keys, same bytes


def test_ray_features_are_byte_identical_to_local(ray_session, video_data: Dataset, tiny_clip: Path,
                                                  tmp_path: Path) -> None:  # fmt: skip
    from adrbench.features.encoders import VisualEncoder

    encoder = VisualEncoder.from_name(str(tiny_clip))
    videos = list(video_data.videos.values())
    for spec in (
        FeatureSpec(source="visual", visual=str(tiny_clip), n_keyframes=3),
        FeatureSpec(n_keyframes=4),
    ):
        here = FeatureExtractor(spec, FeatureCache(tmp_path / spec.source / "local"), encoder=encoder)
        there = FeatureExtractor(spec, FeatureCache(tmp_path / spec.source / "ray"), encoder=encoder)
        out = here.extract(video_data, videos)
        assert there.extract(video_data, videos, executor=RayExecutor(), keep=False) == {}
        assert there.computed == here.computed == 3
        assert entries(tmp_path / spec.source / "local") == entries(tmp_path / spec.source / "ray")
        again = FeatureExtractor(spec, FeatureCache(tmp_path / spec.source / "ray"), encoder=encoder)
        back = again.extract(video_data, videos, executor=RayExecutor())
        assert again.computed == 0 and again.cached == 3
        assert all(np.array_equal(out[k], back[k]) for k in out)


def test_a_killed_ray_run_resumes_with_only_the_rest(ray_session, four_videos: Path, tmp_path: Path) -> None:
    data = video_dataset(four_videos, {f"v{i}": f"v{i}.mp4" for i in range(4)})
    videos = list(data.videos.values())
    cache = FeatureCache(tmp_path / "cache")

    def killed_after_two(done: int, total: int, frames: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        extract_keypoints(
            data, videos, _blazepose(), cache, progress=killed_after_two, executor=RayExecutor()
        )
    stored = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").glob("??/*.safetensors")}
    assert len(stored) == 2 and not list((tmp_path / "cache").rglob("*.tmp"))
    report = extract_keypoints(data, videos, _blazepose(), cache, executor=RayExecutor())
    assert (report.cached, report.extracted) == (2, 2)
    assert {p: p.stat().st_mtime_ns for p in stored} == stored  # the finished videos were not redone
    assert len(list((tmp_path / "cache").glob("??/*.safetensors"))) == 4
    again = extract_keypoints(data, videos, _blazepose(), cache, executor=RayExecutor())
    assert (again.cached, again.extracted, again.frames) == (4, 0, 0)


def test_a_failing_video_is_named_and_the_others_are_kept(
    ray_session, four_videos: Path, tmp_path: Path
) -> None:
    for i in range(3):
        (tmp_path / f"v{i}.mp4").write_bytes((four_videos / f"v{i}.mp4").read_bytes())
    (tmp_path / "v1.mp4").write_bytes(b"not a video at all" * 100)
    data = video_dataset(tmp_path, {f"v{i}": f"v{i}.mp4" for i in range(3)})
    cache = FeatureCache(tmp_path / "cache")
    with pytest.raises(VideoFailed, match=r"video 'v1' \(v1\.mp4\): ") as failed:
        extract_keypoints(data, list(data.videos.values()), _blazepose(), cache, executor=RayExecutor())
    assert failed.value.video_id == "v1" and failed.value.video_file == "v1.mp4"
    assert failed.value.failure.kind == "DataError"  # the worker's own error, as the local executor gives it
    assert "v1.mp4: cannot decode video" in failed.value.failure.message
    assert "kept in the cache" in str(failed.value)
    kept = sorted(FeatureCache(tmp_path / "cache").metadata(p.stem)["video_id"] for p in
                  (tmp_path / "cache").glob("??/*.safetensors"))  # fmt: skip
    assert kept == ["v0", "v2"]  # both submitted before the failure arrived, finished and stored


def test_tasks_in_flight_are_bounded(ray_session, keypoint_data: Dataset) -> None:
    work = FeatureWork(FeatureSpec(n_keyframes=2), keypoint_data.skeleton, keypoint_data.root)
    pulled, finished, most = 0, 0, 0

    def jobs() -> Iterator[Job]:
        nonlocal pulled, most
        for i in range(12):
            pulled += 1
            most = max(most, pulled - finished)
            yield Job(f"j{i}", None, None, (None, keypoint_data.keypoints(f"v{i % 4}")))

    def on_done(job: Job, out: Output) -> None:
        nonlocal finished
        finished += 1

    run_videos(jobs(), work, None, RayExecutor(in_flight=3), on_done)
    assert finished == 12 and most == 3


def test_cli_keypoints_on_ray_then_resume_then_a_named_failure(ray_session, four_videos: Path, tmp_path: Path,
                                                              monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    from adrbench.cli import features as cli
    from adrbench.cli.main import main

    _blazepose()
    for i in range(3):
        (tmp_path / f"v{i}.mp4").write_bytes((four_videos / f"v{i}.mp4").read_bytes())
    monkeypatch.setattr("adrbench.tasks.registry.get_task", lambda name: TinyVideoTask())
    args = ["keypoints", "--task", "tiny-video", "--data-root", str(tmp_path), "--cache", str(tmp_path / "c"),
            "--executor", "ray"]  # fmt: skip
    first = CliRunner().invoke(cli.app, args)
    assert first.exit_code == 0, first.output
    assert "2 videos without keypoints: 2 extracted, 0 already in the cache" in first.output
    second = CliRunner().invoke(cli.app, args)
    assert "0 extracted, 2 already in the cache" in second.output
    (tmp_path / "v2.mp4").write_bytes(b"garbage" * 50)  # changed content: a miss, and it cannot be decoded
    monkeypatch.setattr(sys, "argv", ["adrbench", "features", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert "video 'v2' (v2.mp4)" in capsys.readouterr().err


def test_cli_extract_on_ray_matches_local(
    ray_session, keypoint_data: Dataset, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from adrbench.cli import features as cli

    class TinyTask:
        def load(self, data_root=None, seed=0, **args):  # type: ignore[no-untyped-def]
            return keypoint_data

    monkeypatch.setattr("adrbench.tasks.registry.get_task", lambda name: TinyTask())
    args = ["extract", "--task", "tiny", "--keyframes", "4"]
    ray = CliRunner().invoke(cli.app, [*args, "--cache", str(tmp_path / "ray"), "--executor", "ray"])
    assert ray.exit_code == 0, ray.output
    assert "4 videos: 4 computed, 0 from the cache" in ray.output
    local = CliRunner().invoke(cli.app, [*args, "--cache", str(tmp_path / "local")])
    assert local.exit_code == 0 and entries(tmp_path / "ray") == entries(tmp_path / "local")
    again = CliRunner().invoke(cli.app, [*args, "--cache", str(tmp_path / "ray"), "--executor", "ray"])
    assert "4 videos: 0 computed, 4 from the cache" in again.output
    refused = CliRunner().invoke(cli.app, [*args, "--workers", "2"])
    assert isinstance(refused.exception, ConfigError)


def test_executor_options_are_checked(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(make_executor("local"), LocalExecutor)
    with pytest.raises(ConfigError, match="need --executor ray"):
        make_executor("local", workers=2)
    with pytest.raises(ConfigError, match="unknown executor 'spark'"):
        make_executor("spark")
    with pytest.raises(ConfigError, match="at least 1"):
        make_executor("ray", workers=0)
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    with pytest.raises(ConfigError, match=r"adrbench\[ray\]"):
        list(RayExecutor().map([], FeatureWork(FeatureSpec(), None, Path("."))))  # type: ignore[arg-type]


def test_a_local_failure_names_the_video_too(video_data: Dataset, tiny_clip: Path, tmp_path: Path) -> None:
    (video_data.root / "v1.mp4").write_bytes(b"not a video" * 10)
    spec = FeatureSpec(source="visual", visual=str(tiny_clip), n_keyframes=2)
    extractor = FeatureExtractor(spec, FeatureCache(tmp_path / "cache"))
    with pytest.raises(VideoFailed, match=r"video 'v1' \(v1\.mp4\): "):
        extractor.extract(video_data, list(video_data.videos.values()))
    assert extractor.computed == 1  # v0 was stored before v1 failed; v2 never started
    assert len(list((tmp_path / "cache").glob("??/*.safetensors"))) == 1
