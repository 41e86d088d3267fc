"""Per-video feature extraction with the cache: each video is processed once, pairs only reuse its tensor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from adrbench.data.media import open_media, resolve
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.features.cache import FeatureCache, array_hash, cache_key
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

    def features(self, data: Dataset, video: Video) -> np.ndarray:
        """The feature tensor of one video (K×D float32)."""
        if video.id in self._memory:
            return self._memory[video.id]
        if self.spec.source == "imported" and self.cache is None:
            raise DataError(
                data.root, "imported features live in the feature cache; none was given", field="cache"
            )
        content, keypoints = self._content(data, video)
        key = cache_key(content, self._settings()) if self.cache is not None and content is not None else None
        found = self.cache.get(key) if self.cache is not None and key is not None else None
        if found is None:
            if self.spec.source == "imported":
                raise DataError(data.root, f"no imported features {self.spec.name!r} for video {video.id!r}",
                                hint="run `adrbench features import` with a manifest first")  # fmt: skip
            found = self._make(data, video, keypoints)
            self.computed += 1
            if self.cache is not None and key is not None:
                self.cache.put(key, found, {"video_id": video.id, "settings": self._settings()})
        self._memory[video.id] = found
        return found

    def _make(self, data: Dataset, video: Video, keypoints: np.ndarray | None) -> np.ndarray:
        if self.spec.source == "pose":
            if keypoints is None:  # not read yet by _content
                keypoints = load_keypoints(data, video, self.spec.keypoints)
            return pose_keyframe_features(keypoints, data.skeleton, self.spec.n_keyframes)
        from adrbench.features.video import read_keyframes

        path = video_path(data, video)
        with open_media(data.video_root, path) as handle:
            frames = read_keyframes(handle, self.spec.n_keyframes, name=str(resolve(data.video_root, path)))
        return self.visual_encoder().encode(frames)

    def extract(
        self, data: Dataset, videos: Sequence[Video], progress: Progress | None = None
    ) -> dict[str, np.ndarray]:
        """Features of every video, in order; `progress(done, total, video_id)` after each one."""
        out: dict[str, np.ndarray] = {}
        for i, video in enumerate(videos):
            out[video.id] = self.features(data, video)
            if progress is not None:
                progress(i + 1, len(videos), video.id)
        return out


def content_hash(data: Dataset, video: Video, cache: FeatureCache | None = None) -> str:
    """A video's content hash: its video file's bytes where it has one (memoised in `cache`), else its keypoints."""
    if video.video_path:
        return video_sha256(cache, data.video_root, video.video_path)
    return array_hash(data.keypoints(video.id))
