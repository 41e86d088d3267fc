"""Rendered videos of the synthetic motion: a real camera model, deterministic bytes, readable by the decoders."""

from __future__ import annotations

import hashlib
import zipfile

import numpy as np
import pytest

from adrbench.data.media import archive_path, open_media
from adrbench.data.skeletons import BODY
from adrbench.data.synth import body, motion, render

pytest.importorskip("av")
pytest.importorskip("PIL")


def _clip(n: int = 40) -> np.ndarray:
    rng = np.random.default_rng(1)
    action = motion.ACTIONS["Mikan Layup"]
    skill = motion.sample_skill(action, 0.5, rng)
    bounds = motion.phase_bounds(action, n, rng)
    angles = {g: motion.trajectory(action, g, skill, bounds, rng).angles for g in motion.GROUPS}
    return body.body_pose(angles, 1.8, np.zeros((n, 3)), 0.0)


def test_the_camera_sees_the_body_upright_and_centred():
    kp = _clip()
    px = render.project(kp, heading=np.pi / 2)
    head, ankles = px[:, 0], px[:, 15:17].mean(axis=1)
    assert np.all(head[:, 1] < ankles[:, 1])  # image y grows downwards: the head is above the feet
    assert np.all((px > 0) & (px < render.SIZE))
    assert abs(np.nanmean(px[..., 0]) - render.SIZE / 2) < 10
    height = np.median(ankles[:, 1] - head[:, 1])
    assert 0.3 * render.SIZE < height < 0.9 * render.SIZE
    # from behind and from the front the body is mirrored: left and right shoulders swap sides of the image
    back, front = render.project(kp, heading=0.0), render.project(kp, heading=np.pi)
    assert abs(back[0, 5, 0] - back[0, 6, 0]) > 5
    assert np.sign(back[0, 5, 0] - back[0, 6, 0]) == -np.sign(front[0, 5, 0] - front[0, 6, 0])


def test_rendering_is_deterministic_and_decodes(tmp_path):
    from adrbench.features.video import read_keyframes

    kp = _clip()
    first, second = (render.render(kp, BODY.edges, 0.5, 30.0) for _ in range(2))
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    render.write_zip(tmp_path / "videos.zip", {"videos/c1.mp4": first, "videos/c0.mp4": second})
    with zipfile.ZipFile(tmp_path / "videos.zip") as archive:
        assert archive.namelist() == ["videos/c0.mp4", "videos/c1.mp4"]
    with open_media(tmp_path, archive_path("videos.zip", "videos/c1.mp4")) as handle:
        frames = read_keyframes(handle, 4, name="c1")
    assert frames.shape == (4, render.SIZE, render.SIZE, 3)
    lit = (frames.max(axis=-1) > 150).mean()
    assert 0.005 < lit < 0.2  # bones drawn, background dark
