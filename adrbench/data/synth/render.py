"""Small videos of the synthetic motion, so the visual stream, keypoint extraction and LVLM frames run offline.

A fixed pinhole camera (4 m away, 10° above the horizon, at one of four headings around the performer) films
the clean 3-D skeleton; bones are drawn as light lines on a dark floor, 128×128 pixels at the skeleton's frame
rate, encoded with PyAV (H.264, one thread, bit-exact flags, so the same seed gives the same bytes). These are
stick figures, not people: a real pose estimator finds nobody in them (it says so and counts the frames).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

SIZE = 128
DISTANCE, ELEVATION, FOCAL = 4.0, np.radians(10.0), 190.0  # metres, radians, pixels
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip member timestamps: byte-identical archives


def project(keypoints: np.ndarray, heading: float, size: int = SIZE) -> np.ndarray:
    """T×P×2 pixel coordinates of world keypoints seen by the camera at `heading` (rad) around the clip's centre."""
    centre = np.nanmean(keypoints.reshape(-1, 3), axis=0)
    centre[2] = np.nanmean(keypoints[..., 2])
    forward = np.array([np.cos(heading) * np.cos(ELEVATION), np.sin(heading) * np.cos(ELEVATION), -np.sin(ELEVATION)])
    eye = centre - DISTANCE * forward
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    rel = keypoints - eye
    depth = rel @ forward
    with np.errstate(invalid="ignore", divide="ignore"):
        u = size / 2 + FOCAL * (rel @ right) / depth
        v = size / 2 - FOCAL * (rel @ up) / depth
    return np.stack([u, v], axis=-1)


def draw(pixels: np.ndarray, edges: Sequence[tuple[int, int]], size: int = SIZE) -> np.ndarray:
    """T×H×W×3 uint8 frames: each frame's bones as lines, joints as dots (missing joints skipped)."""
    from PIL import Image, ImageDraw

    frames = np.empty((len(pixels), size, size, 3), dtype=np.uint8)
    for t, points in enumerate(pixels):
        image = Image.new("RGB", (size, size), (24, 28, 36))
        pen = ImageDraw.Draw(image)
        for a, b in edges:
            if np.isfinite(points[[a, b]]).all():
                pen.line([tuple(points[a]), tuple(points[b])], fill=(230, 220, 190), width=2)
        for x, y in points[np.isfinite(points).all(axis=1)]:
            pen.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=(250, 120, 90))
        frames[t] = np.asarray(image)
    return frames


def encode(frames: np.ndarray, fps: float) -> bytes:
    """The frames as H.264 in MP4, deterministically (one thread, bit-exact muxing and encoding)."""
    from adrbench.features.video import write_video

    buffer = io.BytesIO()
    write_video(buffer, frames, int(round(fps)), "libx264", {"threads": "1", "preset": "ultrafast"},
                container_format="mp4", container_options={"fflags": "+bitexact"})  # fmt: skip
    return buffer.getvalue()


def render(keypoints: np.ndarray, edges: Sequence[tuple[int, int]], heading: float, fps: float) -> bytes:
    """The MP4 bytes of a skeleton clip filmed from `heading`."""
    return encode(draw(project(keypoints, heading), edges), fps)


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    """An archive of `members` (stored, fixed timestamps, sorted), as FitnessAQA ships its videos."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(members):
            archive.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), members[name])
