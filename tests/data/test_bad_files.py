"""Malformed or missing files raise DataError naming the file, the line (where there is one) and the field."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from adrbench.data import egoexo
from adrbench.data.adr_builder import build_adr
from adrbench.data.adr_loader import load_adr
from adrbench.data.fitnessaqa import load_fitnessaqa, read_label_file
from adrbench.data.jigsaws import read_kinematics, read_meta
from adrbench.errors import DataError
from adrbench.tasks import get_task

from .egoexo_fixture import write_egoexo
from .test_jigsaws_loader import _row


def _raises(fn, *args) -> DataError:
    with pytest.raises(DataError) as err:
        fn(*args)
    return err.value


def test_takes_json_invalid_json_names_line(tmp_path: Path):
    (tmp_path / "takes.json").write_text('[\n {"take_uid": "x",\n  "take_name": }\n]')
    err = _raises(egoexo.load_takes, tmp_path)
    assert err.path.endswith("takes.json") and err.line == 3 and "adr-synth" in str(err)


def test_takes_json_missing_field(tmp_path: Path):
    (tmp_path / "takes.json").write_text(json.dumps([{"take_uid": "x", "parent_task_name": "Soccer"}]))
    err = _raises(egoexo.load_takes, tmp_path)
    assert err.field == "[0].take_name"


def test_splits_json_without_known_keys(tmp_path: Path):
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "splits.json").write_text("{}")
    assert _raises(egoexo.load_splits, tmp_path).field == "take_uid_to_split"


def test_pose_coordinate_not_a_number(tmp_path: Path):
    path = tmp_path / "pose.json"
    path.write_text(json.dumps({"7": [{"annotation3D": {"left-knee": {"x": "1.0", "y": 0, "z": 0}}}]}))
    err = _raises(egoexo.load_body_pose, path)
    assert err.field == "7.annotation3D.left-knee.x"
    path.write_text(json.dumps({"seven": []}))
    assert _raises(egoexo.load_body_pose, path).field == "seven"


def test_pose_partial_joint_is_nan(tmp_path: Path):
    path = tmp_path / "pose.json"
    path.write_text(json.dumps({"7": [{"annotation3D": {"left-knee": {"x": 1.0, "y": 2.0}}}]}))
    kp = egoexo.load_body_pose(path)
    assert kp[0, 13, 0] == 1.0 and np.isnan(kp[0, 13, 2])


def test_bad_data_json_in_build(tmp_path: Path):
    names = write_egoexo(tmp_path / "egoexo")
    bad = tmp_path / "egoexo" / "annotations" / "expert_commentary" / names["a"] / "qfbn5o" / "data.json"
    bad.write_text('{"user_id": "qfbn5o",\n "proficiency": {"rating": "7"},\n "ds": "yesterday"}')
    err = _raises(build_adr, tmp_path / "egoexo", tmp_path / "adr")
    assert err.path == str(bad) and err.field == "ds"
    assert not (tmp_path / "adr").exists()  # nothing half-written
    bad.write_text('{"user_id": "qfbn5o",\n "proficiency": {"rating": "7"}\n "ds": 1}')
    assert _raises(build_adr, tmp_path / "egoexo", tmp_path / "adr").line == 3


def test_build_from_a_folder_without_takes(tmp_path: Path):
    assert _raises(build_adr, tmp_path, tmp_path / "out").path.endswith("takes.json")


def test_adr_folder_unknown_video(tmp_path: Path):
    write_egoexo(tmp_path / "egoexo")
    build_adr(tmp_path / "egoexo", tmp_path / "adr")
    pairs = tmp_path / "adr" / "pairs_test.jsonl"
    line = json.loads(pairs.read_text().splitlines()[0])
    line["video_2"] = "nope"
    pairs.write_text(json.dumps(line) + "\n")
    err = _raises(load_adr, tmp_path / "adr")
    assert err.line == 1 and err.field == "video_2"
    pairs.write_text('{"id": 1}\n')
    assert _raises(load_adr, tmp_path / "adr").line == 1


def test_adr_task_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("ADRBENCH_ADR_ROOT", raising=False)
    assert "adrbench run --task adr-synth" in str(_raises(get_task("adr").load))
    write_egoexo(tmp_path)
    assert "build-adr" in str(_raises(get_task("adr").load, tmp_path))  # an Ego-Exo4D root, not an ADR folder


def test_jigsaws_meta_line_and_field(tmp_path: Path):
    meta = tmp_path / "meta_file_Suturing.txt"
    meta.write_text("Suturing_B001\t\tN\t10\t\t2\t2\t1\t2\t1\t2\nSuturing_B002\t\tN\t10\t\t2\t2\t1\t2\t1\n")
    err = _raises(read_meta, meta)
    assert err.line == 2 and "9 fields" in str(err)
    meta.write_text("Suturing_B001\t\tN\t10\t\t2\tx\t1\t2\t1\t2\n")
    err = _raises(read_meta, meta)
    assert (err.line, err.field) == (1, "suture_needle_handling")
    meta.write_text("Suturing_B001\t\tQ\t10\t\t2\t2\t1\t2\t1\t2\n")
    assert _raises(read_meta, meta).field == "skill"


def test_jigsaws_kinematics_row(tmp_path: Path):
    kin = tmp_path / "Suturing_B001.txt"
    kin.write_text(_row(0) + "\n" + _row(0).rsplit(" ", 1)[0] + "\n")
    err = _raises(read_kinematics, kin)
    assert (err.line, err.field) == (2, "columns") and "75" in str(err)
    short, long = _row(0).rsplit(" ", 1)[0], _row(0) + " 1.0"  # 75 + 77 values: a multiple of 76 in total
    kin.write_text(_row(0) + "\n" + short + "\n" + long + "\n")
    assert _raises(read_kinematics, kin).line == 2
    kin.write_text(_row(0) + "\n" + _row(0).replace("0.5000", "nan?", 1) + "\n")
    err = _raises(read_kinematics, kin)
    assert err.line == 2 and err.field == "column 19 (mtm_left_gripper)"


def test_jigsaws_missing_meta_line(tmp_path: Path):
    kin = tmp_path / "Suturing" / "kinematics" / "AllGestures"
    kin.mkdir(parents=True)
    (kin / "Suturing_B001.txt").write_text(_row(0) + "\n")
    (tmp_path / "Suturing" / "meta_file_Suturing.txt").write_text("")
    err = _raises(get_task("jigsaws").load, tmp_path)
    assert err.path.endswith("meta_file_Suturing.txt") and "Suturing_B001" in str(err)
    assert "no JIGSAWS task folder" in str(_raises(get_task("jigsaws").load, tmp_path / "Suturing"))


def test_fitnessaqa_bad_label_file(tmp_path: Path):
    path = tmp_path / "error_knees.json"
    path.write_text(json.dumps({"1_1": [[0.1, 0.2]], "1_2": [0.1, 0.2]}))
    assert _raises(read_label_file, path).field == "1_2"
    assert "no Squat" in str(_raises(load_fitnessaqa, tmp_path))


def test_keypoints_without_frames_or_of_the_wrong_shape(tmp_path: Path):
    from adrbench.data.files import load_npy, save_npy_atomic

    path = tmp_path / "kp.npy"
    save_npy_atomic(path, np.zeros((0, 4, 3), dtype=np.float32))
    with pytest.raises(DataError, match="no frames") as info:
        load_npy(path, (4, 3))
    assert info.value.path == str(path)
    save_npy_atomic(path, np.ones((2, 5, 3), dtype=np.float32))
    with pytest.raises(DataError, match=r"T×4×3, got shape \(2, 5, 3\)"):
        load_npy(path, (4, 3))
    assert load_npy(path, (5, 3)).shape == (2, 5, 3) and sorted(p.name for p in tmp_path.iterdir()) == ["kp.npy"]
