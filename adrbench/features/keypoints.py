"""Keypoints extracted from a video, once per video: decode (PyAV) → estimate → one cache entry per video.

The cache key is the video's content hash (SHA-256 of its bytes) with the estimator's name, version and
settings; the entry holds the whole `PoseTrack` (points, image coordinates, scores, timestamps), so the
visibility threshold and the output frame rate are chosen when the keypoints are read, without re-extracting.
Each video is stored as soon as it is done, so a killed extraction resumes with the videos not yet stored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from adrbench.data.media import exists, open_media, resolve
from adrbench.data.skeletons import COCO_JOINTS
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.features.cache import FeatureCache, cache_key
from adrbench.features.estimator import PoseEstimator, PoseTrack
from adrbench.features.executor import Executor, Job, LocalExecutor, Output, Tick, run_videos
from adrbench.features.media_hash import video_sha256
from adrbench.features.video import iter_frames
from adrbench.records import Video

log = logging.getLogger("adrbench.features")
KEYPOINTS_FORMAT = 1  # bump when the stored PoseTrack layout changes
DEFAULT_MIN_SCORE = 0.5
Progress = Callable[[int, int, int], None]  # (videos done, videos total, frames estimated so far)


def keypoints_key(content_hash: str, settings: dict[str, object]) -> str:
    """Cache key of one video's extracted keypoints under an estimator's `settings()`."""
    return cache_key(content_hash, {"source": "keypoints", "keypoints_format": KEYPOINTS_FORMAT, **settings})


def videos_to_extract(data: Dataset) -> tuple[list[Video], list[Video]]:
    """The videos whose keypoints must come from their video (no keypoints file, a video file, a COCO body):
    (those whose video file is on disk, those whose video file is missing)."""
    if tuple(data.skeleton.joints) != COCO_JOINTS:
        return [], []
    todo = [v for v in data.videos.values() if v.keypoints_path is None and v.video_path]
    present = [v for v in todo if exists(data.video_root, v.video_path or "")]
    return present, [v for v in todo if v not in present]


@dataclass
class Extraction:
    """What one `extract_keypoints` call did (and how long decoding vs estimation took)."""

    videos: int = 0
    extracted: int = 0
    cached: int = 0
    frames: int = 0
    decode_s: float = 0.0
    estimate_s: float = 0.0
    cpu_s: float = 0.0  # CPU seconds of the extraction work, summed over the processes that ran it
    without_person: dict[str, int] = field(default_factory=dict)  # video id → frames with no person


def track_video(
    root: object, video_path: str, estimator: PoseEstimator, report: Extraction | None = None,
    on_chunk: Callable[[int], None] | None = None, chunk: int = 16,
) -> PoseTrack:  # fmt: skip
    """Decode every frame of one video once and estimate its pose; `on_chunk(n_frames)` after each chunk."""
    report = report if report is not None else Extraction()
    estimator.reset()
    parts: list[PoseTrack] = []
    with open_media(root, video_path) as handle:  # type: ignore[arg-type]
        frames = iter_frames(handle, name=str(resolve(root, video_path)), chunk=chunk)  # type: ignore[arg-type]
        while True:
            started = time.perf_counter()
            batch = next(frames, None)
            decoded = time.perf_counter()
            report.decode_s += decoded - started
            if batch is None:
                break
            parts.append(estimator.estimate(*batch))
            report.estimate_s += time.perf_counter() - decoded
            report.frames += len(batch[0])
            if on_chunk is not None:
                on_chunk(report.frames)
    estimator.reset()
    return PoseTrack.concat(parts)


class KeypointWork:
    """The per-video work of `adrbench features keypoints` (decode → estimate → the `PoseTrack`'s tensors), the
    same on every executor; picklable (the estimator loads its model at its first frame)."""

    def __init__(self, root: object, estimator: PoseEstimator) -> None:
        self.root, self.estimator = root, estimator

    def __call__(self, item: str, tick: Tick | None = None) -> Output:
        report = Extraction()
        track = track_video(self.root, item, self.estimator, report, on_chunk=tick)
        return Output(track.tensors(), {"frames": report.frames, "decode_s": report.decode_s,
                                        "estimate_s": report.estimate_s,
                                        "without_person": track.frames_without_person()})  # fmt: skip


def extract_keypoints(
    data: Dataset, videos: Sequence[Video], estimator: PoseEstimator, cache: FeatureCache,
    progress: Progress | None = None, executor: Executor | None = None,
) -> Extraction:  # fmt: skip
    """Extract and store the keypoints of every video not already in the cache, on `executor` (default: one
    video at a time here); each video is stored as soon as it is done, so a rerun resumes with the rest."""
    report = Extraction(videos=len(videos))
    settings = estimator.settings()

    def done() -> int:
        return report.cached + report.extracted

    def jobs() -> Iterator[Job]:
        for video in videos:
            if not video.video_path:
                raise DataError(data.root, f"video {video.id!r} has no video file to extract keypoints from",
                                field="video_path")  # fmt: skip
            key = keypoints_key(video_sha256(cache, data.video_root, video.video_path), settings)
            if key in cache:
                report.cached += 1
                if progress is not None:
                    progress(done(), len(videos), report.frames)
                continue
            yield Job(video.id, video.video_path, key, video.video_path, {"video_id": video.id,
                      "video_path": video.video_path, "estimator": estimator.label(), "settings": settings})  # fmt: skip

    def on_done(job: Job, out: Output) -> None:
        stats = out.stats
        report.extracted += 1
        report.frames += stats["frames"]
        report.decode_s += stats["decode_s"]
        report.estimate_s += stats["estimate_s"]
        report.cpu_s += out.cpu_s
        if stats["without_person"]:
            report.without_person[job.video_id] = stats["without_person"]
            log.warning("%s: %d of %d frames show no person (their joints are NaN)", job.video_id,
                        stats["without_person"], stats["frames"])  # fmt: skip
        if progress is not None:
            progress(done(), len(videos), report.frames)

    def tick(frames: int) -> None:  # within a video, in-process only
        if progress is not None:
            progress(done(), len(videos), report.frames + frames)

    run_videos(jobs(), KeypointWork(data.video_root, estimator), cache, executor or LocalExecutor(), on_done,
               tick=tick)  # fmt: skip
    return report


def resample(points: np.ndarray, timestamps: np.ndarray, fps: float) -> np.ndarray:
    """T×P×3 points at arbitrary increasing times → rows at 0, 1/fps, 2/fps, … up to the last time.

    Linear interpolation between the two neighbouring frames; a row next to a missing (NaN) joint is NaN for
    that joint (gaps are not bridged). A video already at `fps` keeps its rows unchanged.
    """
    t = np.asarray(timestamps, np.float64)
    n_rows = int(np.floor(t[-1] * fps + 1e-6)) + 1 if len(t) else 0
    if len(t) < 2:
        return np.repeat(points[:1], n_rows, axis=0).astype(np.float32)
    grid = np.arange(n_rows) / fps
    right = np.clip(np.searchsorted(t, grid, side="right"), 1, len(t) - 1)
    left = right - 1
    w = np.clip((grid - t[left]) / (t[right] - t[left]), 0.0, 1.0)[:, None, None]
    a, b = points[left], points[right]
    out = np.where(w < 1e-6, a, np.where(w > 1 - 1e-6, b, (1 - w) * a + w * b))
    return out.astype(np.float32)


def read_extracted(
    cache: FeatureCache, key: str, fps: float, min_score: float = DEFAULT_MIN_SCORE
) -> np.ndarray:
    """The stored keypoints of one video as the skeleton reads them: T×17×3 float32 at `fps`, NaN = missing."""
    tensors = cache.get_tensors(key)
    if tensors is None:
        raise DataError(cache.path(key), "extracted keypoints vanished from the cache",
                        hint="rerun `adrbench features keypoints`")  # fmt: skip
    track = PoseTrack.from_tensors(tensors)
    return resample(track.masked(min_score), track.timestamps, fps)
