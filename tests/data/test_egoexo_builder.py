"""The Ego-Exo4D readers and the ADR builder on a hand-written root with the documented quirks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from adrbench.data import egoexo
from adrbench.data.adr_builder import build_adr
from adrbench.data.adr_loader import load_adr
from adrbench.errors import DataError

from .egoexo_fixture import UIDS, write_egoexo, write_video


@pytest.fixture()
def built(tmp_path: Path):
    names = write_egoexo(tmp_path / "egoexo")
    report = build_adr(tmp_path / "egoexo", tmp_path / "adr")
    return names, report, load_adr(tmp_path / "adr")


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("7", 7),
        (8, 8),
        (" 10 ", 10),
        (7.0, 7),
        ("_none", None),
        ("N/A", None),
        ("", None),
        (None, None),
        ("11", None),
        (0, None),
        (True, None),
        (6.5, None),
    ],
)
def test_parse_rating(raw, parsed):
    assert egoexo.parse_rating(raw) == parsed


def test_builder_scores_comments_and_left_out(built):
    names, report, data = built
    a, b = data.videos[names["a"]], data.videos[names["b"]]
    assert a.item_scores == {"qfbn5o": 7.0, "zz99aa": 8.0}  # newest ds of zz99aa (8) beats the older "2"
    assert a.score == 7.5
    assert b.item_scores == {"qfbn5o": 5.0} and b.score == 5.0  # list-shaped data.json; "N/A" dropped
    assert a.comments == ["Nice low stance.", "Good knee drive.", "Balanced.", "Elbow flares out."]
    assert a.meta["proficiency"] == "Late Expert" and data.videos[names["d"]].meta["proficiency"] == "Novice"
    # a has sparse human pose and dense automatic pose: the dense track wins
    assert a.meta["pose_source"] == "automatic" and b.meta["pose_source"] == "automatic"
    assert names["c"] not in data.videos and names["g"] not in data.videos
    assert data.videos[names["f"]].group == "Climbing" and data.videos[names["f"]].category == "Rock Climbing"
    assert data.videos[names["d"]].split == "test"  # Ego-Exo4D val → ADR test
    # h: climbing, no body pose and no video on disk → nothing to get keypoints from
    assert names["h"] not in data.videos
    assert report["left_out"] == {"no_body_pose_no_video": 1, "no_numeric_rating": 1, "task_not_in_adr": 1}
    assert report["stats"]["duplicate_submissions_dropped"] == 2
    assert report["stats"]["takes_without_keypoints"] == 1  # f: its video is there for a keypoint extractor
    assert report["stats"]["videos_on_disk"] == 2  # d (full resolution) and f (448)
    assert a.video_path == f"takes/{names['a']}/frame_aligned_videos/cam02.mp4"  # best_exo, not on disk
    assert a.meta["video_on_disk"] is False and a.meta["camera_rule"] == "best_exo"


def test_builder_pairs_and_keypoints(built):
    names, _, data = built
    assert [data.pairs[i].video_1 for i in data.splits["train"]] == [
        names["a"]
    ]  # only a-b: c is out, f alone
    assert len(data.splits["test"]) == 1
    kp = data.keypoints(names["b"])
    assert kp.shape == (2, 17, 3) and kp.dtype == np.float32
    assert data.videos[names["b"]].meta["first_frame"] == 0 and data.videos[names["b"]].meta["fps"] == 30.0
    f = data.videos[names["f"]]
    assert f.keypoints_path is None  # the loader does not fail on it; keypoints come from its video
    with pytest.raises(DataError, match="no keypoints"):
        data.keypoints(names["f"])


def test_sparse_human_pose_on_the_frame_grid(tmp_path: Path):
    """With the human track preferred, a's frames 3, 12, 30 become rows 3..30 of the 30 fps grid."""
    from adrbench.data.adr_builder import BuildOptions

    names = write_egoexo(tmp_path / "egoexo")
    build_adr(tmp_path / "egoexo", tmp_path / "adr", options=BuildOptions(pose_track="annotation"))
    data = load_adr(tmp_path / "adr")
    a = data.videos[names["a"]]
    kp = data.keypoints(a.id)
    assert kp.shape == (28, 17, 3) and a.meta["first_frame"] == 3 and a.meta["pose_source"] == "annotation"
    assert a.meta["annotated_frames"] == 3 and a.meta["interpolated_frames"] == 8  # frames 4..11 (gap 9)
    assert a.meta["gap_frames"] == 17  # frames 13..29: a gap of 18 frames > 0.5 s stays empty
    assert np.isnan(kp[9, 0]).all() and np.isnan(kp[9, 16]).all()  # frame 12: nose and right ankle absent
    assert np.isnan(kp[27, 3]).all() and not np.isnan(kp[0]).any()  # frame 30: left ear absent
    assert np.allclose(kp[4, 5], kp[0, 5]) and np.isnan(kp[4, 0]).all()  # nose absent at frame 12: no fill
    assert np.isnan(kp[10:27]).all()


def test_max_pairs_cap_is_seeded(tmp_path: Path):
    write_egoexo(tmp_path / "egoexo")
    rating = {"user_id": "u", "ds": 1, "proficiency": {"rating": "5"}}
    (tmp_path / "egoexo" / "annotations" / "expert_commentary" / "unc_basketball_c" / "u").mkdir(parents=True)
    (
        tmp_path / "egoexo" / "annotations" / "expert_commentary" / "unc_basketball_c" / "u" / "data.json"
    ).write_text(json.dumps(rating))
    write_video(tmp_path / "egoexo", "unc_basketball_c", "frame_aligned_videos/cam01.mp4")  # c has no pose
    build_adr(tmp_path / "egoexo", tmp_path / "all")
    assert len(load_adr(tmp_path / "all").splits["train"]) == 3
    build_adr(tmp_path / "egoexo", tmp_path / "one", max_pairs=1, seed=3)
    first = load_adr(tmp_path / "one").splits["train"]
    build_adr(tmp_path / "egoexo", tmp_path / "one", max_pairs=1, seed=3)  # an earlier build is replaced
    assert load_adr(tmp_path / "one").splits["train"] == first and len(first) == 1


def test_splits_json_both_shapes(tmp_path: Path):
    path = tmp_path / "annotations" / "splits.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"take_uid_to_split": {UIDS["a"]: "TRAIN", UIDS["b"]: "Val"}}))
    assert egoexo.load_splits(tmp_path) == {UIDS["a"]: "train", UIDS["b"]: "val"}


def test_refuses_to_overwrite_a_foreign_folder(tmp_path: Path):
    write_egoexo(tmp_path / "egoexo")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(DataError, match="refusing to overwrite"):
        build_adr(tmp_path / "egoexo", tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_transcriptions_json_fallback(tmp_path: Path):
    names = write_egoexo(tmp_path / "egoexo")
    folder = tmp_path / "egoexo" / "annotations" / "expert_commentary" / names["d"] / "qfbn5o"
    (folder / "transcriptions.json").write_text(
        json.dumps(
            {
                "10.webm": {"text": "Late release.", "language": "en", "error": False, "error_desc": None},
                "2.webm": {"text": " Good  footwork.", "language": "en", "error": False, "error_desc": None},
                "3.webm": {"text": None, "language": "en", "error": True, "error_desc": "no audio"},
            }
        )
    )
    build_adr(tmp_path / "egoexo", tmp_path / "adr")
    assert load_adr(tmp_path / "adr").videos[names["d"]].comments == ["Good footwork.", "Late release."]
