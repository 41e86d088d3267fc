"""Keypoints from video through the feature cache: once per video, resumable, and read by runs automatically."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.features.cache import FeatureCache
from adrbench.features.keypoints import extract_keypoints, resample, videos_to_extract
from adrbench.records import Video
from adrbench.tasks.base import Task

from . import astronaut


def video_dataset(root: Path, video_files: dict[str, str], with_keypoints: tuple[str, ...] = ()) -> Dataset:
    """A video-unit dataset: `video_files` id → file under root; ids in `with_keypoints` also have a .npy."""
    videos = {}
    for i, (vid, path) in enumerate(video_files.items()):
        kp = None
        if vid in with_keypoints:
            kp = f"{vid}.npy"
            np.save(root / kp, np.full((4, 17, 3), float(i), np.float32))
        videos[vid] = Video(id=vid, task="fitnessaqa", split="train" if i % 2 == 0 else "test", group="g",
                            category="fitness", performer=f"p{i}", keypoints_path=kp, video_path=path)  # fmt: skip

    def from_file(video: Video) -> np.ndarray:
        return np.load(root / (video.keypoints_path or "missing"))

    splits = {s: [v.id for v in videos.values() if v.split == s] for s in ("train", "test")}
    return Dataset(task="tiny-video", unit="video", videos=videos, pairs={}, splits=splits, skeleton=BODY,
                   root=root, score_range=None, provenance={"fingerprint": "f0"}, keypoint_loader=from_file)  # fmt: skip


class TinyVideoTask(Task):
    """Three short astronaut videos under the data root; the first also has a keypoints file."""

    name: ClassVar[str] = "tiny-video"
    family: ClassVar[str] = "fitnessaqa"
    unit: ClassVar = "video"

    def read(self, root: Path, **args: str) -> Dataset:
        return video_dataset(root, {f"v{i}": f"v{i}.mp4" for i in range(3)}, with_keypoints=("v0",))


@pytest.fixture
def three_videos(tmp_path: Path) -> Path:
    for i in range(3):
        astronaut.write(tmp_path / f"v{i}.mp4", n=4 + i, fps=25, blank=None)
    return tmp_path


def test_resample_keeps_30fps_rows_and_never_bridges_a_gap() -> None:
    points = np.arange(6 * 17 * 3, dtype=np.float32).reshape(6, 17, 3)
    assert np.array_equal(resample(points, np.arange(6) / 30, 30), points)
    assert np.array_equal(resample(points, np.arange(6) / 60, 30), points[::2])  # 60 fps → every other row
    slow = resample(points, np.arange(6) / 15, 30)  # 15 fps → midpoints inserted
    assert len(slow) == 11 and np.allclose(slow[1], (points[0] + points[1]) / 2)
    gap = points.copy()
    gap[2, 0] = np.nan
    out = resample(gap, np.arange(6) / 15, 30)
    assert np.isnan(out[3:6, 0]).all() and np.isfinite(out[2, 1]).all() and np.isfinite(out[7, 0]).all()
    assert resample(points[:1], np.zeros(1), 30).shape == (1, 17, 3)


def test_only_videos_without_keypoints_files_are_extracted(three_videos: Path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    data = TinyVideoTask().read(three_videos)
    present, absent = videos_to_extract(data)
    assert [v.id for v in present] == ["v1", "v2"] and absent == []
    (three_videos / "v2.mp4").unlink()
    present, absent = videos_to_extract(data)
    assert [v.id for v in present] == ["v1"] and [v.id for v in absent] == ["v2"]
    # a missing video file is counted and recorded at load, and reading its keypoints fails clearly
    monkeypatch.setenv("ADRBENCH_CACHE", str(three_videos / "cache"))
    bare = TinyVideoTask().load(three_videos, extracted_keypoints=False)
    extract_keypoints(bare, videos_to_extract(bare)[0], _blazepose(), FeatureCache())
    loaded = TinyVideoTask().load(three_videos)
    assert (
        "1 videos have no keypoints file and their video file is missing (first: v2 → v2.mp4)" in caplog.text
    )
    assert loaded.provenance["keypoint_sources"]["missing_video"] == ["v2"]
    assert loaded.provenance["keypoint_sources"]["counts"] == {"dataset": 1, "blazepose/1": 1}
    with pytest.raises(FileNotFoundError):
        loaded.keypoints("v2")


def _blazepose():  # type: ignore[no-untyped-def]
    pytest.importorskip("mediapipe", reason="mediapipe not installed: pip install -e '.[pose]'")
    from adrbench.features.blazepose import BlazePose

    return BlazePose()


def test_killed_extraction_resumes_with_only_the_rest(tmp_path: Path) -> None:
    files = {f"v{i}": f"v{i}.mp4" for i in range(4)}
    for i, name in enumerate(files.values()):
        astronaut.write(tmp_path / name, n=3 + i, blank=None)
    data = video_dataset(tmp_path, files)
    videos = list(data.videos.values())
    cache = FeatureCache(tmp_path / "cache")

    def killed_after_two(done: int, total: int, frames: int) -> None:
        if done == 2:
            raise KeyboardInterrupt  # what Ctrl-C raises between two videos

    with pytest.raises(KeyboardInterrupt):
        extract_keypoints(data, videos, _blazepose(), cache, progress=killed_after_two)
    stored = sorted((tmp_path / "cache").glob("??/*.safetensors"))
    assert len(stored) == 2 and not list((tmp_path / "cache").rglob("*.tmp"))
    seen: list[tuple[int, int]] = []
    report = extract_keypoints(
        data, videos, _blazepose(), cache, progress=lambda d, t, f: seen.append((d, f))
    )
    assert (report.cached, report.extracted) == (2, 2)
    assert report.frames == 5 + 6  # only v2 and v3 were decoded and estimated
    assert len(sorted((tmp_path / "cache").glob("??/*.safetensors"))) == 4 and seen[-1] == (4, 11)
    again = extract_keypoints(data, videos, _blazepose(), cache)
    assert (again.cached, again.extracted, again.frames) == (4, 0, 0)


def test_a_run_reads_extracted_keypoints_and_records_their_source(three_videos: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADRBENCH_CACHE", str(three_videos / "cache"))
    task = TinyVideoTask()
    with pytest.raises(DataError) as missing:
        task.load(three_videos)
    message = str(missing.value)
    assert "2 of 3 videos have neither a keypoints file nor keypoints extracted by blazepose/1" in message
    assert (
        f"adrbench features keypoints --task tiny-video --data-root {three_videos} --estimator blazepose"
        in message
    )

    bare = task.load(three_videos, extracted_keypoints=False)
    report = extract_keypoints(bare, videos_to_extract(bare)[0], _blazepose(), FeatureCache())
    assert report.extracted == 2

    data = task.load(three_videos)
    kp = data.keypoints("v2")  # 6 frames at 25 fps (0 … 0.2 s) → 7 rows at 30 fps
    assert kp.shape == (7, 17, 3) and kp.dtype == np.float32
    assert np.isfinite(kp[:, 5:7]).all()  # shoulders seen; low-visibility joints NaN
    assert np.isnan(kp[:, 9:11]).all()  # wrists hidden in the photo (visibility < 0.5)
    assert np.array_equal(data.keypoints("v0"), np.zeros((4, 17, 3), np.float32))  # its own file
    sources = data.provenance["keypoint_sources"]
    assert sources["counts"] == {"dataset": 1, "blazepose/1": 2}
    assert sources["videos"] == {"v1": "blazepose/1", "v2": "blazepose/1"}
    assert sources["estimators"]["blazepose/1"]["min_score"] == 0.5
    assert data.provenance["fingerprint"] != "f0"

    loose = task.load(
        three_videos, pose_min_score="0.0"
    )  # a threshold is a reading option: same cache entries
    assert np.isfinite(loose.keypoints("v2")).all()
    assert loose.provenance["fingerprint"] != data.provenance["fingerprint"]
    with pytest.raises(ConfigError, match="unknown pose estimator 'openpose'"):
        task.load(three_videos, pose="openpose")
    with pytest.raises(ConfigError, match="pose_min_score"):
        task.load(three_videos, pose_min_score="high")


def test_a_zip_member_gives_the_same_keypoints_as_the_file(tmp_path: Path) -> None:
    import zipfile

    from adrbench.data.media import archive_path
    from adrbench.features.keypoints import track_video

    astronaut.write(tmp_path / "a.mp4", n=4, blank=None)
    with zipfile.ZipFile(tmp_path / "videos.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(tmp_path / "a.mp4", "clips/a.mp4")
    plain = track_video(tmp_path, "a.mp4", _blazepose())
    member = track_video(tmp_path, archive_path("videos.zip", "clips/a.mp4"), _blazepose())
    assert np.array_equal(plain.image, member.image, equal_nan=True)
    assert np.array_equal(plain.timestamps, member.timestamps)
