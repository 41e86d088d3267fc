"""The Ego-Exo4D files as they really are (research/real-world.md §1): sparse human pose, takes without body
pose, `best_exo` null, downscaled-only videos, a download without the ratings part, per-expert rating scales."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from adrbench.cli.data import app
from adrbench.data import egoexo
from adrbench.data.adr_builder import BuildOptions, build_adr
from adrbench.data.adr_loader import load_adr
from adrbench.data.kinematics import joint_statistics
from adrbench.data.media import exists
from adrbench.data.skeletons import BODY
from adrbench.errors import ConfigError, DataError
from adrbench.tasks import get_task

from .egoexo_fixture import UIDS, true_motion, write_egoexo, write_pose_track, write_video

DENSE = np.arange(0, 300)  # 10 s at 30 fps
TEN_FPS = np.arange(0, 300, 3)  # every third frame: annotated at 10 fps


def _speed(kp: np.ndarray) -> np.ndarray:
    """Per-frame joint speeds as every model sees them (adrbench.data.kinematics), T×17."""
    return joint_statistics(kp, BODY)[..., 1]


def test_ten_fps_track_gives_the_true_speeds(tmp_path: Path):
    path = write_pose_track(tmp_path / "pose.json", TEN_FPS, true_motion(TEN_FPS))
    pose = egoexo.read_timed_pose(path)
    assert pose is not None and pose.keypoints.shape == (298, 17, 3) and pose.first_frame == 0
    assert pose.annotated_fps == pytest.approx(30 * 100 / 298, abs=1e-3) and pose.n_gap == 0
    truth = _speed(true_motion(np.arange(0, 298)))
    got = _speed(pose.keypoints)
    # body speed (walking) and the circling wrist: the real rate, not 3× too high
    assert got[:, 0].mean() / truth[:, 0].mean() == pytest.approx(1.0, abs=0.01)
    assert got[:, 10].mean() / truth[:, 10].mean() == pytest.approx(1.0, abs=0.02)
    packed = _speed(egoexo.read_body_pose(path)[0])  # the annotated frames as consecutive rows
    assert packed[:, 0].mean() / truth[:, 0].mean() > 2.9  # what the old reader gave


def test_a_gap_is_not_read_as_a_jump(tmp_path: Path):
    frames = TEN_FPS[(TEN_FPS <= 120) | (TEN_FPS >= 180)]  # 2 s without annotation: the body walks 2.4 m
    path = write_pose_track(tmp_path / "pose.json", frames, true_motion(frames))
    pose = egoexo.read_timed_pose(path)
    assert pose is not None and pose.n_gap == 59  # frames 121..179 hold nothing
    assert np.isnan(pose.keypoints[121:180]).all()
    assert not np.isnan(pose.keypoints[:121]).any() and not np.isnan(pose.keypoints[180:]).any()
    truth = _speed(true_motion(DENSE))
    got = _speed(pose.keypoints)
    assert got.max() <= 1.1 * truth.max()
    assert _speed(egoexo.read_body_pose(path)[0]).max() > 10 * truth.max()  # packed rows: a 2.4 m jump


def test_interpolation_limit_is_an_option(tmp_path: Path):
    path = write_pose_track(tmp_path / "pose.json", TEN_FPS, true_motion(TEN_FPS))
    pose = egoexo.read_timed_pose(path, max_gap_s=0.0)  # no interpolation: unannotated frames stay NaN
    assert pose is not None and pose.n_interpolated == 0 and pose.n_gap == 298 - 100
    assert egoexo.read_timed_pose(write_pose_track(tmp_path / "empty.json", [], [])) is None


def test_both_videos_of_a_pair_on_one_time_base(tmp_path: Path):
    """a: human pose only, at 10 fps; b: automatic pose at 30 fps; the same motion gives the same speeds."""
    names = write_egoexo(tmp_path / "egoexo")
    body = tmp_path / "egoexo" / "annotations" / "ego_pose" / "train" / "body"
    (body / "automatic" / f"{UIDS['a']}.json").unlink()
    write_pose_track(body / "annotation" / f"{UIDS['a']}.json", TEN_FPS + 600, true_motion(TEN_FPS))
    write_pose_track(body / "automatic" / f"{UIDS['b']}.json", DENSE, true_motion(DENSE))
    build_adr(tmp_path / "egoexo", tmp_path / "adr")
    data = load_adr(tmp_path / "adr")
    a, b = data.videos[names["a"]], data.videos[names["b"]]
    assert (a.meta["pose_source"], b.meta["pose_source"]) == ("annotation", "automatic")
    assert a.meta["first_frame"] == 600 and a.meta["annotated_fps"] == pytest.approx(10.07, abs=0.01)
    assert a.meta["fps"] == b.meta["fps"] == BODY.fps == 30.0
    speed_a, speed_b = _speed(data.keypoints(a.id)), _speed(data.keypoints(b.id))
    assert speed_a.mean() / speed_b.mean() == pytest.approx(1.0, abs=0.02)


def test_camera_choice_and_resolution(tmp_path: Path):
    names = write_egoexo(tmp_path / "egoexo")
    root = tmp_path / "egoexo"
    takes = egoexo.load_takes(root)
    f, d, a = (takes[UIDS[k]] for k in "fda")
    assert [cam for cam, _ in f.exo_videos] == [
        "cam01",
        "cam02",
    ]  # aria01 and the collage are not exo cameras
    choice = egoexo.choose_video(root, f)  # best_exo null: the first exo camera listed, only at 448 on disk
    assert (choice.camera, choice.rule, choice.resolution, choice.on_disk) == (
        "cam01",
        "first_exo_listed",
        "448",
        True,
    )
    assert choice.path == f"takes/{names['f']}/frame_aligned_videos/downscaled/448/cam01.mp4"
    assert (
        egoexo.choose_video(root, d).path == f"takes/{names['d']}/frame_aligned_videos/cam02.mp4"
    )  # full first
    assert egoexo.choose_video(root, d, "448").path.endswith("downscaled/448/cam02.mp4")
    missing = egoexo.choose_video(root, f, "full")  # nothing at full resolution: the path it would have
    assert missing.path == f"takes/{names['f']}/frame_aligned_videos/cam01.mp4" and not missing.on_disk
    write_video(root, names["a"], "frame_aligned_videos/cam01.mp4")  # best_exo cam02 absent, cam01 present
    fallback = egoexo.choose_video(root, a)
    assert (fallback.path, fallback.camera, fallback.rule) == (
        f"takes/{names['a']}/frame_aligned_videos/cam01.mp4",
        "cam01",
        "exo_on_disk",
    )


def test_takes_without_body_pose_keep_their_video_for_the_extractor(tmp_path: Path):
    names = write_egoexo(tmp_path / "egoexo")
    report = build_adr(tmp_path / "egoexo", tmp_path / "adr")
    with pytest.raises(DataError, match="adrbench features keypoints"):  # a run needs them extracted first
        get_task("adr").load(tmp_path / "adr")
    data = get_task("adr").load(tmp_path / "adr", extracted_keypoints=False)
    f = data.videos[names["f"]]
    assert f.keypoints_path is None and f.meta["camera_rule"] == "first_exo_listed"
    assert data.video_root.resolve() == (tmp_path / "egoexo").resolve()
    assert exists(data.video_root, f.video_path)
    assert data.provenance["videos_without_keypoints"] == 1
    assert report["groups"]["Climbing"]["with_keypoints"] == 0
    assert report["groups"]["Climbing"]["video_on_disk"] == 1
    assert report["stats"]["videos_on_disk_448"] == 1 and report["stats"]["videos_on_disk_full"] == 1
    provenance = json.loads((tmp_path / "adr" / "provenance.json").read_text())
    assert provenance["video_root"] == "../egoexo" and provenance["options"]["video_resolution"] == "auto"


def test_video_root_found_again_or_named(tmp_path: Path):
    names = write_egoexo(tmp_path / "egoexo")
    build_adr(tmp_path / "egoexo", tmp_path / "adr")
    (tmp_path / "deeper").mkdir()
    adr = tmp_path / "deeper" / "adr"
    shutil.move(tmp_path / "adr", adr)  # the relative root (../egoexo) breaks; the absolute one holds
    assert load_adr(adr).video_root == (tmp_path / "egoexo").resolve()
    shutil.move(tmp_path / "egoexo", tmp_path / "deeper" / "egoexo")  # both moved together: the relative one
    assert load_adr(adr).video_root == (tmp_path / "deeper" / "egoexo").resolve()
    shutil.move(tmp_path / "deeper" / "egoexo", tmp_path / "elsewhere")
    with pytest.raises(DataError) as err:
        load_adr(adr)
    message = str(err.value)
    assert err.value.field == "video_path" and names["f"] in message and "video_root=" in message
    data = get_task("adr").load(adr, extracted_keypoints=False, video_root=str(tmp_path / "elsewhere"))
    assert exists(data.video_root, data.videos[names["f"]].video_path)
    with pytest.raises(DataError, match="video root not found"):
        get_task("adr").load(adr, extracted_keypoints=False, video_root=str(tmp_path / "nowhere"))


def test_download_without_expert_commentary_names_the_part(tmp_path: Path):
    write_egoexo(tmp_path / "egoexo")
    shutil.rmtree(tmp_path / "egoexo" / "annotations" / "expert_commentary")
    with pytest.raises(DataError) as err:
        build_adr(tmp_path / "egoexo", tmp_path / "adr")
    message = str(err.value)
    assert err.value.path.endswith("expert_commentary") and "'expert_commentary'" in message
    assert f"egoexo -o {tmp_path / 'egoexo'} --parts expert_commentary" in message
    assert not (tmp_path / "adr").exists()
    command = ["data", "build-adr", "--egoexo-root", str(tmp_path / "egoexo"), "--out", str(tmp_path / "adr")]
    result = subprocess.run(
        [sys.executable, "-c", "from adrbench.cli.main import main; main()", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert result.returncode == 2 and "--parts expert_commentary" in result.stderr.replace("\n", "")
    assert "Traceback" not in result.stderr and not (tmp_path / "adr").exists()


def test_no_usable_take_is_an_error_not_an_empty_folder(tmp_path: Path):
    write_egoexo(tmp_path / "egoexo")
    commentary = tmp_path / "egoexo" / "annotations" / "expert_commentary"
    shutil.rmtree(commentary)
    commentary.mkdir()  # the part is there, but no take has a rating
    with pytest.raises(DataError, match="no take could be used") as err:
        build_adr(tmp_path / "egoexo", tmp_path / "adr")
    assert "no_numeric_rating 7" in str(err.value)
    assert not (tmp_path / "adr").exists()


def _rate(root: Path, take: str, expert: str, rating: int) -> None:
    path = root / "annotations" / "expert_commentary" / take / expert / "data.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"user_id": expert, "ds": 1, "proficiency": {"rating": str(rating)}}))


def test_per_expert_rating_scale(tmp_path: Path):
    names = write_egoexo(tmp_path / "egoexo")
    root = tmp_path / "egoexo"
    # qfbn5o rates a 7, b 5, d 6, e 9; "harsh" rates the same takes 3 points lower on their own scale
    for key, value in {"a": 4, "b": 2, "d": 3, "e": 6}.items():
        _rate(root, names[key], "harsh", value)
    build_adr(root, tmp_path / "plain")
    build_adr(root, tmp_path / "norm", options=BuildOptions(rating_norm="per-expert"))
    plain, norm = load_adr(tmp_path / "plain"), load_adr(tmp_path / "norm")
    assert plain.videos[names["a"]].score == pytest.approx((7 + 8 + 4) / 3)  # the paper's plain mean
    a, b = norm.videos[names["a"]], norm.videos[names["b"]]
    assert a.meta["raw_ratings"] == {"harsh": 4.0, "qfbn5o": 7.0, "zz99aa": 8.0}
    for key in "abde":  # once each expert's scale is removed, the two experts agree exactly
        scores = norm.videos[names[key]].item_scores
        assert scores["harsh"] == pytest.approx(scores["qfbn5o"], abs=1e-6)
    assert a.item_scores["zz99aa"] == 8.0  # one rating: no scale to remove, kept as it is
    ratings = [7, 5, 6, 9, 8, 4, 2, 3, 6, 4]  # every numeric rating of the kept takes (f: 4; h is left out)
    mean, std = np.mean(ratings), np.std(ratings)
    z = (7 - np.mean([7, 5, 6, 9])) / np.std([7, 5, 6, 9])
    assert a.item_scores["qfbn5o"] == pytest.approx(mean + std * z, abs=1e-6)
    assert b.score == pytest.approx(np.mean([b.item_scores["qfbn5o"], b.item_scores["harsh"]]), abs=1e-6)
    assert all(1.0 <= v.score <= 10.0 for v in norm.videos.values())
    recorded = json.loads((tmp_path / "norm" / "provenance.json").read_text())
    assert (
        recorded["options"]["rating_norm"] == "per-expert"
        and recorded["ratings"]["experts"]["harsh"]["n"] == 4
    )
    assert recorded["ratings"]["experts_kept_raw"] == ["abcdef", "zz99aa"]
    assert norm.provenance["build"]["options"]["rating_norm"] == "per-expert"
    assert json.loads((tmp_path / "plain" / "provenance.json").read_text())["ratings"] == {"norm": "none"}


def test_bad_options_and_files(tmp_path: Path):
    write_egoexo(tmp_path / "egoexo")
    with pytest.raises(ConfigError, match="rating_norm"):
        build_adr(tmp_path / "egoexo", tmp_path / "adr", options=BuildOptions(rating_norm="zscore"))
    with pytest.raises(ConfigError, match="video_resolution"):
        build_adr(tmp_path / "egoexo", tmp_path / "adr", options=BuildOptions(video_resolution="720"))
    takes_path = tmp_path / "egoexo" / "takes.json"
    takes = json.loads(takes_path.read_text())
    takes[1]["frame_aligned_videos"]["cam01"]["0"]["relative_path"] = 3
    takes_path.write_text(json.dumps(takes))
    with pytest.raises(DataError) as err:
        build_adr(tmp_path / "egoexo", tmp_path / "adr")
    assert (
        err.value.path.endswith("takes.json")
        and err.value.field == "[1].frame_aligned_videos.cam01.0.relative_path"
    )
    assert not (tmp_path / "adr").exists()


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        ({"3": [{"annotation3D": {}}], "03": [{"annotation3D": {}}]}, "3", "appears twice"),
        ({"-4": [{"annotation3D": {"nose": {"x": 1, "y": 1, "z": 1}}}]}, "-4", "negative"),
        (
            {str(f): [{"annotation3D": {"nose": {"x": 1, "y": 1, "z": 1}}}] for f in (0, 10**9)},
            str(10**9),
            "span more than",
        ),
        ({"5": "cam01"}, "5", "annotation3D"),
    ],
)
def test_bad_pose_files(tmp_path: Path, content: dict, field: str, message: str):
    path = tmp_path / "pose.json"
    path.write_text(json.dumps(content))
    with pytest.raises(DataError, match=message) as err:
        egoexo.read_timed_pose(path)
    assert err.value.path == str(path) and err.value.field == field


def test_cli_prints_counts_beside_table1(tmp_path: Path):
    write_egoexo(tmp_path / "egoexo")
    out = tmp_path / "adr"
    result = CliRunner().invoke(
        app,
        [
            "build-adr",
            "--egoexo-root",
            str(tmp_path / "egoexo"),
            "--out",
            str(out),
            "--rating-norm",
            "per-expert",
            "--video-resolution",
            "448",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    row = next(line for line in lines if "Reverse Layup" in line)
    assert row.split() == ["Basketball", "Reverse", "Layup", "2", "27", "2", "30", "1", "351", "1", "435"]
    assert any("Climbing" in line and "70" in line and "703" in line for line in lines)
    assert any("Mikan Layup" in line and "26" in line for line in lines)  # a group we have no take of
    assert "videos on disk" in result.output
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["options"]["rating_norm"] == "per-expert"
    assert provenance["options"]["video_resolution"] == "448"
