"""A real photograph of a person (scikit-image's astronaut) as a short video with known per-frame transforms."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SIZE = 640  # canvas side; the photo is 512×512
BLANK = 6  # the frame with no person in it


def transforms(n: int = 12) -> list[tuple[float, int, int]]:
    """(scale, dx, dy) of frame i: the photo shrinks by 2.5% a frame and moves right and down."""
    return [(1.0 - 0.025 * i, 10 + 10 * i, 6 * i) for i in range(n)]


def frames(n: int = 12, blank: int | None = BLANK) -> np.ndarray:
    """n×640×640×3 uint8: the photo scaled and shifted on a grey canvas; frame `blank` is the canvas only."""
    from skimage import data
    from skimage.transform import rescale

    photo = data.astronaut()
    out = np.full((n, SIZE, SIZE, 3), 128, np.uint8)
    for i, (s, dx, dy) in enumerate(transforms(n)):
        if i == blank:
            continue
        small = (rescale(photo, s, channel_axis=2, anti_aliasing=True) * 255).round().astype(np.uint8)
        out[i, dy : dy + small.shape[0], dx : dx + small.shape[1]] = small
    return out


def write(path: Path, n: int = 12, fps: int = 25, blank: int | None = BLANK) -> Path:
    """The frames as an H.264 video (near-lossless, crf 16) at `fps`."""
    from adrbench.features.video import write_video

    write_video(path, frames(n, blank), fps=fps, codec="libx264", options={"crf": "16"})
    return path
