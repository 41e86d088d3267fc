"""Per-video feature extraction with the cache: each video is processed once, pairs only reuse its tensor."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from adrbench.data.media import open_media, resolve
from adrbench.dataset import Dataset, Skeleton
from adrbench.errors import DataError
from adrbench.features.cache import FeatureCache, array_hash, cache_key
from adrbench.features.executor import Executor, Job, LocalExecutor, Output, Tick, run_videos
from adrbench.features.media_hash import video_sha256
from adrbench.features.pose import pose_keyframe_features
from adrbench.features.spec import FeatureSpec
from adrbench.records import Video

Progress = Callable[[int, int, str], None]  # (done, total, video id)


def load_keypoints(data: Dataset, video: Video, source: str) -> np.ndarray:
    """T×P×3 keypoints of a video from the dataset ('dataset') or a per-video file ('file:DIR/<id>.npy')."""
    if source == "dataset":
        return data.keypoints(video.id)
    path = Path(source.removeprefix("file:")) / f"{video.id}.npy"
    if not path.is_file():
        raise DataError(path, "keypoint file missing", hint="write T×P×3 float32 keypoints as <video id>.npy")
    kp = np.load(path, allow_pickle=False)
    n_joints = len(data.skeleton.joints)
    if kp.ndim != 3 or kp.shape[1:] != (n_joints, 3):
        raise DataError(path, f"keypoints must have shape T×{n_joints}×3, got {kp.shape}", field="shape")
    return kp.astype(np.float32)


def video_path(data: Dataset, video: Video) -> str:
    """The record's `video_path` (a file or `archive.zip!/member` under the dataset root); a clear error if none."""
    if not video.video_path:
        raise DataError(data.root, f"video {video.id!r} has no video file", field="video_path",
                        hint="use the 'pose' feature source for keypoint-only tasks")  # fmt: skip
    return video.video_path


class FeatureWork:
    """The per-video work of a `FeatureSpec` (pose statistics of the keypoints, or the visual encoder on the
    decoded keyframes), the same on every executor; picklable, so Ray workers get the encoder itself."""

    def __init__(self, spec: FeatureSpec, skeleton: Skeleton, video_root: Path, encoder: Any = None) -> None:
        self.spec, self.skeleton, self.video_root, self.encoder = spec, skeleton, video_root, encoder

    def __call__(self, item: tuple[str | None, np.ndarray | None], tick: Tick | None = None) -> Output:
        """`item` = (the video file, or None for the pose source; the keypoints, or None for the visual one)."""
        path, keypoints = item
        if self.spec.source == "pose":
            assert keypoints is not None  # the pose source reads them when it plans (they are its content)
            return Output(pose_keyframe_features(keypoints, self.skeleton, self.spec.n_keyframes))
        from adrbench.features.video import read_keyframes

        assert path is not None
        with open_media(self.video_root, path) as handle:
            frames = read_keyframes(handle, self.spec.n_keyframes, name=str(resolve(self.video_root, path)))
        return Output(self.encoder.encode(frames))


class FeatureExtractor:
    """Computes or fetches one feature tensor per video for a `FeatureSpec`.

    With a cache, a tensor is computed only on a miss and stored at once, so a killed extraction resumes where
    it stopped. Tensors are also kept in memory for the extractor's lifetime. `encoder` overrides the visual
    model (tests pass a tiny one built from a config).
    """

    def __init__(
        self, spec: FeatureSpec, cache: FeatureCache | None = None, encoder: object | None = None
    ) -> None:
        self.spec = spec
        self.cache = cache
        self._encoder = encoder
        self._memory: dict[str, np.ndarray] = {}
        self.computed = 0
        self.cached = 0  # videos found in the cache

    def visual_encoder(self):  # type: ignore[no-untyped-def]
        from adrbench.features.encoders import VisualEncoder

        if self._encoder is None:
            self._encoder = VisualEncoder.from_name(self.spec.visual or "")
        return self._encoder

    def _settings(self) -> dict[str, object]:
        settings = self.spec.settings()
        if self.spec.source == "visual":
            settings["encoder"] = self.visual_encoder().fingerprint
        return settings

    def _content(self, data: Dataset, video: Video) -> tuple[str | None, np.ndarray | None]:
        """A video's content hash for this source (None without a cache: nothing to look up), and its keypoints
        when the source reads them anyway."""
        if self.spec.source == "pose":
            kp = load_keypoints(data, video, self.spec.keypoints)
            return (array_hash(kp) if self.cache is not None else None), kp
        if self.spec.source == "visual":
            return (
                video_sha256(self.cache, data.video_root, video_path(data, video))
                if self.cache is not None
                else None
            ), None
        return content_hash(data, video, self.cache), None

    def _work(self, data: Dataset) -> FeatureWork:
        encoder = self.visual_encoder() if self.spec.source == "visual" else None
        return FeatureWork(self.spec, data.skeleton, data.video_root, encoder)

    def _plan(self, data: Dataset, video: Video, keep: bool) -> Job | None:
        """The job of a video not yet in memory or the cache; None when it is (then in memory if `keep`)."""
        if video.id in self._memory:
            return None
        if self.spec.source == "imported" and self.cache is None:
            raise DataError(
                data.root, "imported features live in the feature cache; none was given", field="cache"
            )
        content, keypoints = self._content(data, video)
        key = cache_key(content, self._settings()) if self.cache is not None and content is not None else None
        if self.cache is not None and key is not None:
            found = self.cache.get(key) if keep else None
            if found is not None:
                self._memory[video.id] = found
            if found is not None or (not keep and key in self.cache):
                self.cached += 1
                return None
        if self.spec.source == "imported":
            raise DataError(data.root, f"no imported features {self.spec.name!r} for video {video.id!r}",
                            hint="run `adrbench features import` with a manifest first")  # fmt: skip
        path = video_path(data, video) if self.spec.source == "visual" else None
        return Job(video.id, path or video.video_path, key, (path, keypoints),
                   {"video_id": video.id, "settings": self._settings()})  # fmt: skip

    def features(self, data: Dataset, video: Video) -> np.ndarray:
        """The feature tensor of one video (K×D float32)."""
        return self.extract(data, [video])[video.id]

    def extract(
        self, data: Dataset, videos: Sequence[Video], progress: Progress | None = None,
        executor: Executor | None = None, keep: bool = True,
    ) -> dict[str, np.ndarray]:  # fmt: skip
        """Features of every video, in order, computed on `executor` (default: here, one at a time) where not
        cached; `progress(done, total, video_id)` after each one. `keep=False` (filling the cache for thousands
        of videos) holds no tensor in memory, reads no cache hit, and returns {}."""
        done = 0

        def tell(video_id: str) -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(done, len(videos), video_id)

        def jobs() -> Iterator[Job]:
            for video in videos:
                job = self._plan(data, video, keep)
                if job is None:
                    tell(video.id)
                else:
                    yield job

        def on_done(job: Job, out: Output) -> None:
            self.computed += 1
            if keep:
                self._memory[job.video_id] = np.asarray(out.tensors)
            tell(job.video_id)

        run_videos(jobs(), self._work(data), self.cache, executor or LocalExecutor(), on_done)
        return {video.id: self._memory[video.id] for video in videos} if keep else {}


def content_hash(data: Dataset, video: Video, cache: FeatureCache | None = None) -> str:
    """A video's content hash: its video file's bytes where it has one (memoised in `cache`), else its keypoints."""
    if video.video_path:
        return video_sha256(cache, data.video_root, video.video_path)
    return array_hash(data.keypoints(video.id))
