"""The images an LVLM sees of one video: N frames sampled evenly in time, decoded from the video file, or drawn
as stick figures from the keypoints when a video has none (the synthetic twins). Made once per video.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from adrbench.data.media import exists, open_media, resolve
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.features.video import read_keyframes
from adrbench.records import Video

_VIEWS = {
    "xz": (0, 2, True),
    "xy": (0, 1, False),
    "yz": (1, 2, True),
}  # (horizontal, vertical, vertical is up)
MIME = {"png": "image/png", "jpeg": "image/jpeg"}


def sample_indices(total: int, n: int) -> list[int]:
    """The centre frame of each of `n` equal segments of a `total`-frame clip (all frames if it is shorter)."""
    if total <= 0:
        return []
    if total <= n:
        return list(range(total))
    return [int((i + 0.5) * total / n) for i in range(n)]


def _encode(image: object, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "jpeg":
        image.save(buffer, format="JPEG", quality=90)  # type: ignore[attr-defined]
    else:
        image.save(buffer, format="PNG")  # type: ignore[attr-defined]
    return buffer.getvalue()


def render_stick_figures(
    keypoints: np.ndarray,
    edges: Sequence[tuple[int, int]],
    n: int,
    size: int = 336,
    view: str = "xz",
    image_format: str = "png",
) -> list[bytes]:
    """Draw `n` sampled frames of T×P×3 keypoints as stick figures, scaled by the clip's extent (so motion shows).

    `view` names the (horizontal, vertical) axes: 'xz' for 3D keypoints with z up, 'xy' for image keypoints.
    """
    from PIL import Image, ImageDraw

    if view not in _VIEWS:
        raise ConfigError(f"view must be one of {sorted(_VIEWS)}, not {view!r}")
    h_axis, v_axis, up = _VIEWS[view]
    points = np.asarray(keypoints, dtype=np.float64)[:, :, [h_axis, v_axis]]
    finite = points[np.isfinite(points).all(axis=-1)]
    if finite.size == 0:
        raise DataError("keypoints", "no finite keypoint in the clip")
    low, high = finite.min(axis=0), finite.max(axis=0)
    margin = 0.06 * size
    scale = (size - 2 * margin) / max(float((high - low).max()), 1e-9)
    offset = (size - scale * (high - low)) / 2  # centre the clip's extent
    images = []
    for t in sample_indices(points.shape[0], n):
        xy = (points[t] - low) * scale + offset
        if up:
            xy[:, 1] = size - xy[:, 1]
        image = Image.new("RGB", (size, size), "white")
        draw = ImageDraw.Draw(image)
        ok = np.isfinite(xy).all(axis=-1)
        for a, b in edges:
            if ok[a] and ok[b]:
                draw.line([tuple(xy[a]), tuple(xy[b])], fill=(30, 60, 160), width=3)
        radius = max(2.0, size / 112)
        for j in np.flatnonzero(ok):
            x, y = xy[j]
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=(200, 30, 30))
        images.append(_encode(image, image_format))
    return images


def decode_video_frames(
    root: Path, video_path: str, n: int, size: int = 336, image_format: str = "jpeg"
) -> list[bytes]:
    """`n` frames sampled evenly from the video at `video_path` under `root` (a file or `archive.zip!/member`),
    each shrunk to fit `size`×`size`. Decoded by the project's one video reader, from the path that was checked."""
    from PIL import Image

    if importlib.util.find_spec("av") is None:  # a setup problem, not one video's: stop the run
        raise ConfigError("decoding videos needs PyAV: pip install 'av>=12'")
    with open_media(root, video_path) as handle:
        frames = read_keyframes(handle, n, name=str(resolve(root, video_path)))
    images = []
    for array in frames:
        image = Image.fromarray(array)
        image.thumbnail((size, size))
        images.append(_encode(image, image_format))
    return images


class FrameSource:
    """Per-video frames for one dataset, made once and reused by every pair that shows the video."""

    def __init__(
        self,
        data: Dataset,
        n: int,
        size: int,
        image_format: str,
        source: str,
        view: str,
        video_root: Path | None = None,
    ) -> None:
        if image_format not in MIME:
            raise ConfigError(f"image_format must be one of {sorted(MIME)}, not {image_format!r}")
        if source not in {"auto", "video", "keypoints"}:
            raise ConfigError(f"source must be auto, video or keypoints, not {source!r}")
        self.data, self.n, self.size, self.image_format = data, n, size, image_format
        self.source, self.view = source, view
        self.video_root = video_root or data.video_root or data.root
        self.mime = MIME[image_format]
        self._frames: dict[str, tuple[bytes, ...]] = {}
        self._failed: dict[str, DataError] = {}

    def kind(self, video: Video) -> str:
        """'video' (decoded frames) or 'keypoints' (drawn stick figures) for this video.

        'auto' decodes the video file when it is present under the video root and draws the keypoints otherwise
        (the synthetic twins name videos that do not exist); each prediction records which one it used.
        """
        if self.source == "auto":
            present = bool(video.video_path) and exists(self.video_root, str(video.video_path))
            return "video" if present else "keypoints"
        return self.source

    def frames(self, video: Video) -> tuple[bytes, ...]:
        """The video's frames; a DataError naming the video when they cannot be made (raised again, without
        a second decoding attempt, for every later item that shows it)."""
        if video.id in self._failed:
            raise self._failed[video.id]
        if video.id not in self._frames:
            try:
                made = self._make(video)
            except DataError as exc:
                self._failed[video.id] = exc
                raise
            self._frames[video.id] = tuple(made)
        return self._frames[video.id]

    def _make(self, video: Video) -> list[bytes]:
        if self.kind(video) == "video":
            if not video.video_path:
                raise DataError(self.data.root, f"video {video.id!r} has no video_path", field="video_path")
            made = decode_video_frames(self.video_root, video.video_path, self.n, self.size, self.image_format)
        else:
            keypoints = self.data.keypoints(video.id)
            made = render_stick_figures(
                keypoints, self.data.skeleton.edges, self.n, self.size, self.view, self.image_format
            )
        if not made:
            raise DataError(self.data.root, f"video {video.id!r} yielded no frames")
        return made
