"""BlazePose on real pixels: the astronaut photo moved and scaled frame by frame, and a frame with no person."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import numpy as np
import pytest

from adrbench.data.skeletons import BODY, COCO_JOINTS
from adrbench.errors import ConfigError
from adrbench.features.blazepose import BLAZEPOSE_TO_COCO, BlazePose
from adrbench.features.keypoints import track_video

from . import astronaut

mp = pytest.importorskip(
    "mediapipe", reason="mediapipe not installed: pip install -e '.[pose]' (or '.[dev]')"
)
pytest.importorskip("skimage", reason="scikit-image (dev extra) makes the test video")

#: Joints clearly inside the photo (it is cut at the waist, the arms are mostly hidden, and the right shoulder
#: lies on the suit's dark edge, where it jitters by ~4%): the head and the left shoulder.
IN_PHOTO = [COCO_JOINTS.index(n) for n in ("nose", "left_eye", "right_eye", "left_ear", "right_ear",
                                           "left_shoulder")]  # fmt: skip
TOLERANCE = 0.025  # of the photo's side at the frame's scale (512·s px): ≤ 12.8 px at full size


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return astronaut.write(tmp_path_factory.mktemp("astronaut") / "a.mp4")


@pytest.fixture(scope="module")
def track(video: Path):  # type: ignore[no-untyped-def]
    return track_video(video.parent, video.name, BlazePose())


def test_mapping_picks_the_coco_joints_by_name() -> None:
    names = [mp.solutions.pose.PoseLandmark(b).name.lower() for b in BLAZEPOSE_TO_COCO]
    assert names == list(COCO_JOINTS)
    assert len(BLAZEPOSE_TO_COCO) == len(BODY.joints)


@pytest.mark.parametrize("complexity", [0, 2])
def test_complexities_that_download_are_refused(complexity: int) -> None:
    with pytest.raises(ConfigError, match="fails offline; only model_complexity=1"):
        BlazePose(model_complexity=complexity)


def test_image_keypoints_follow_the_known_shift_and_scale(track) -> None:  # type: ignore[no-untyped-def]
    moves = [
        (i, s, np.array([dx, dy]))
        for i, (s, dx, dy) in enumerate(astronaut.transforms())
        if i != astronaut.BLANK
    ]
    # each joint's position in the photo's own pixels: the frames' keypoints mapped back, averaged
    photo = np.mean([(track.image[i, IN_PHOTO] - d) / s for i, s, d in moves], axis=0)
    for i, s, d in moves:
        assert (track.score[i, IN_PHOTO] > 0.9).all()
        error = np.linalg.norm(track.image[i, IN_PHOTO] - (photo * s + d), axis=1)
        assert error.max() <= TOLERANCE * 512 * s, (i, error.round(1))
    # the joints really moved (by 30-60 px): keypoints that ignored the transform would fail above
    assert np.linalg.norm(track.image[-1, IN_PHOTO] - track.image[0, IN_PHOTO], axis=1).min() > 25


def test_blank_frame_gives_nan_joints_and_the_rest_survive(track) -> None:  # type: ignore[no-untyped-def]
    assert track.frames_without_person() == 1
    assert np.isnan(track.points[astronaut.BLANK]).all() and np.isnan(track.image[astronaut.BLANK]).all()
    assert (track.score[astronaut.BLANK] == 0).all()
    after = astronaut.BLANK + 1
    assert np.isfinite(track.image[after, IN_PHOTO]).all()  # detected again after the empty frame


def test_world_landmarks_are_metres_and_timestamps_come_from_pts(track) -> None:  # type: ignore[no-untyped-def]
    left, right = COCO_JOINTS.index("left_shoulder"), COCO_JOINTS.index("right_shoulder")
    width = np.linalg.norm(track.points[0, left] - track.points[0, right])
    assert 0.2 < width < 0.6  # a person's shoulder width in metres
    assert track.points.shape == (12, 17, 3) and track.points.dtype == np.float32
    assert np.allclose(track.timestamps, np.arange(12) / 25)  # written at 25 fps: times from pts × time_base


def test_runs_with_the_network_cut(video: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    track = track_video(video.parent, video.name, BlazePose(min_detection_confidence=0.6))
    assert np.isfinite(track.image[0, IN_PHOTO]).all()


def test_a_frame_without_person_is_a_counted_warning(video: Path, tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    from adrbench.features.cache import FeatureCache
    from adrbench.features.keypoints import extract_keypoints

    from .test_keypoint_extraction import video_dataset

    data = video_dataset(video.parent, {"a": video.name})
    with caplog.at_level(logging.WARNING, logger="adrbench.features"):
        report = extract_keypoints(data, list(data.videos.values()), BlazePose(), FeatureCache(tmp_path))
    assert report.without_person == {"a": 1} and report.extracted == 1 and report.frames == 12
    assert "1 of 12 frames show no person" in caplog.text
