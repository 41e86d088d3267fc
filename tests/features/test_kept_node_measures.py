"""KEPT's node measures: each keyframe's node carries its group's angle measures in that keyframe's window."""

from __future__ import annotations

import numpy as np

from adrbench.data.angle_measures import MEASURES, group_angles, window_measures
from adrbench.data.skeletons import BODY, TOOLS
from kept.features import input_dims, measure_windows, node_measures, video_features


def test_windows_are_a_third_of_the_clip_around_each_keyframe() -> None:
    windows = measure_windows(90, 16)
    assert len(windows) == 16 and windows[0][0] == 0 and windows[-1][1] == 90
    assert all(b - a <= 31 for a, b in windows) and max(b - a for a, b in windows) >= 29
    centres = [(a + b) / 2 for a, b in windows[4:12]]  # away from the clip's ends: centred on the keyframe
    assert np.allclose(centres, (np.arange(4, 12) + 0.5) * 90 / 16, atol=1.0)


def test_node_measures_are_each_groups_window_measures(keypoint_data) -> None:
    kp = keypoint_data.keypoints("v0")
    got = node_measures(kp, keypoint_data.skeleton, 8)
    windows = measure_windows(len(kp), 8)
    for j, group in enumerate(keypoint_data.skeleton.groups):
        want = window_measures(group_angles(kp, keypoint_data.skeleton, group), windows).reshape(8, -1)
        assert np.allclose(got[:, j, : want.shape[1]], want, atol=1e-6)
        assert not got[:, j, want.shape[1] :].any()  # zero-padded to the largest group


def test_input_widths_with_and_without_measures() -> None:
    for skeleton, size in ((BODY, 2), (TOOLS, 4)):
        plain, measured = input_dims(skeleton, 16, 4), input_dims(skeleton, 16, 4, measures=True)
        assert measured["node_dim"] == plain["node_dim"] + size * len(MEASURES)
        assert measured["frame_dim"] == plain["frame_dim"] and measured["traj_dim"] == plain["traj_dim"]


def test_a_tremor_in_one_group_shows_in_its_nodes_only() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(90)
    kp = rng.normal(scale=0.001, size=(90, 17, 3)) + rng.normal(size=(1, 17, 3))
    steady = video_features(kp, BODY, 16, 4, measures=True).nodes
    shaky = kp.copy()
    shaky[:, 9, 0] += 0.05 * np.sin(np.pi * 0.9 * t)  # the left wrist trembles: the elbow's angle does
    nodes = video_features(shaky, BODY, 16, 4, measures=True).nodes
    tremor = 10 + MEASURES.index("smoothness")  # 2 joints × 5 statistics, then the left joint's measures
    groups = list(BODY.groups)
    assert (nodes[:, groups.index("elbow"), tremor] > 10 * steady[:, groups.index("elbow"), tremor]).all()
    assert np.allclose(nodes[:, groups.index("knee"), 10:], steady[:, groups.index("knee"), 10:])
