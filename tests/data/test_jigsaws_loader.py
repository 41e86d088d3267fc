"""The JIGSAWS reader on hand-written files: double tabs, one-or-more spaces, folds from trial names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adrbench.data.jigsaws import BODY_OFFSET, TAIL_OFFSET, load_jigsaws, read_kinematics, tool_keypoints
from adrbench.errors import ConfigError, DataError
from adrbench.tasks import get_task

IDENTITY_BLOCK = [0.1, 0.2, 0.3, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5]


def _row(shift: float) -> str:
    values = []
    for m in range(4):
        block = list(IDENTITY_BLOCK)
        block[0] += shift + m
        values.extend(block)
    return "  ".join(f"{v:.4f}" for v in values)


def write_jigsaws(root: Path) -> None:
    """Knot_Tying with users B, C (2 repetitions each) and Suturing with user B; meta lines in both spacings."""
    kt = root / "Knot_Tying"
    (kt / "kinematics" / "AllGestures").mkdir(parents=True)
    (kt / "meta_file_Knot_Tying.txt").write_text(
        "Knot_Tying_B001\t\tN\t13\t\t2\t2\t2\t2\t3\t2\n"
        "Knot_Tying_B002\t\tN\t15\t\t3\t2\t2\t3\t3\t2\n"
        "Knot_Tying_C001 I 20 4 3 3 3 4 3\n"
        "Knot_Tying_C002\t\tI\t22\t\t4\t4\t3\t4\t4\t3   \n"
        "Knot_Tying_D001\t\tE\t25\t\t4\t4\t4\t4\t5\t4\n"  # listed in the meta file, no kinematics: skipped
        "\n"
    )
    for name in ("B001", "B002", "C001", "C002"):
        rows = [_row(0.0), "\t" + _row(0.01).replace("  ", "\t\t", 3), " " + _row(0.02)]
        (kt / "kinematics" / "AllGestures" / f"Knot_Tying_{name}.txt").write_text("\n".join(rows) + "\n")
    su = root / "Suturing"
    (su / "kinematics" / "AllGestures").mkdir(parents=True)
    (su / "video").mkdir()
    (su / "video" / "Suturing_B001_capture1.avi").write_bytes(b"")
    (su / "meta_file_Suturing.txt").write_text("Suturing_B001\t\tN\t10\t\t2\t2\t1\t2\t1\t2\n")
    (su / "kinematics" / "AllGestures" / "Suturing_B001.txt").write_text(_row(0.0) + "\n")


def test_meta_kinematics_and_louo(tmp_path: Path):
    write_jigsaws(tmp_path)
    data = load_jigsaws(tmp_path)
    assert sorted(data.videos) == [
        "Knot_Tying_B001",
        "Knot_Tying_B002",
        "Knot_Tying_C001",
        "Knot_Tying_C002",
        "Suturing_B001",
    ]
    c1 = data.videos["Knot_Tying_C001"]
    assert c1.score == 20.0 and c1.item_scores["respect_for_tissue"] == 4.0 and c1.meta["skill_level"] == "I"
    assert c1.group == "Knot Tying" and c1.performer == "C"
    assert data.videos["Suturing_B001"].video_path == "Suturing/video/Suturing_B001_capture1.avi"
    assert data.splits["test"] == [
        "Knot_Tying_B001",
        "Knot_Tying_B002",
        "Suturing_B001",
    ]  # LOUO fold 1 = user B
    assert load_jigsaws(tmp_path, fold="C").splits["test"] == ["Knot_Tying_C001", "Knot_Tying_C002"]
    assert load_jigsaws(tmp_path, fold="2").splits["test"] == ["Knot_Tying_C001", "Knot_Tying_C002"]
    loso = load_jigsaws(tmp_path, protocol="loso", fold="2")
    assert loso.splits["test"] == ["Knot_Tying_B002", "Knot_Tying_C002"]
    only = load_jigsaws(tmp_path, surgical_task="Suturing")
    assert list(only.videos) == ["Suturing_B001"]
    kp = data.keypoints("Knot_Tying_B001")
    assert kp.shape == (3, 12, 3)


def test_kinematics_columns_and_tool_points(tmp_path: Path):
    write_jigsaws(tmp_path)
    kin = read_kinematics(tmp_path / "Knot_Tying" / "kinematics" / "AllGestures" / "Knot_Tying_B001.txt")
    assert kin.shape == (3, 76)
    assert kin[1, 0] == pytest.approx(0.11) and kin[0, 57] == pytest.approx(3.1)  # PSM2 x is column 58
    kp = tool_keypoints(kin)
    # identity rotation: the tool axis is +z, so body/tail sit BODY_OFFSET/TAIL_OFFSET below the tip
    assert np.allclose(kp[0, 0] - kp[0, 1], [0, 0, BODY_OFFSET]) and np.allclose(
        kp[0, 0] - kp[0, 2], [0, 0, TAIL_OFFSET]
    )


def test_fold_and_protocol_errors(tmp_path: Path):
    write_jigsaws(tmp_path)
    with pytest.raises(ConfigError, match="protocol"):
        load_jigsaws(tmp_path, protocol="kfold")
    with pytest.raises(ConfigError, match="fold"):
        load_jigsaws(tmp_path, fold="9")
    with pytest.raises(ConfigError, match="no argument"):
        get_task("jigsaws").load(tmp_path, fold_number="1")


def test_env_var_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_jigsaws(tmp_path)
    monkeypatch.setenv("ADRBENCH_JIGSAWS_ROOT", str(tmp_path))
    assert len(get_task("jigsaws").load().videos) == 5
    monkeypatch.delenv("ADRBENCH_JIGSAWS_ROOT")
    with pytest.raises(DataError, match="jigsaws-synth"):
        get_task("jigsaws").load()


def _span_line(trial: str, start: int = 37, end: int = 1227) -> str:
    return f"{trial}_{start:06d}_{end:06d}.txt           {trial}.txt"


def write_setup(root: Path, task: str, protocol: str, folds: dict[int, tuple[list[str], list[str]]]) -> Path:
    """Experimental_setup/<task>/unBalanced/GestureRecognition/<protocol>/<k>_Out/itr_1/{Test,Train}.txt."""
    base = root / "Experimental_setup" / task / "unBalanced" / "GestureRecognition" / protocol
    for k, (test, train) in folds.items():
        itr = base / f"{k}_Out" / "itr_1"
        itr.mkdir(parents=True)
        (itr / "Test.txt").write_text("".join(_span_line(t) + "\n" for t in test))
        (itr / "Train.txt").write_text("".join(_span_line(t) + "\n" for t in train) + "\n")
    return base


def write_needle_passing(root: Path, users: str = "BD") -> None:
    """Needle_Passing with users B and D, one repetition each: like the real one, a user is missing (C here)."""
    np_dir = root / "Needle_Passing"
    (np_dir / "kinematics" / "AllGestures").mkdir(parents=True)
    lines = []
    for user in users:
        lines.append(f"Needle_Passing_{user}001\t\tN\t12\t\t2\t2\t2\t2\t2\t2\n")
        (np_dir / "kinematics" / "AllGestures" / f"Needle_Passing_{user}001.txt").write_text(_row(0.0) + "\n")
    (np_dir / "meta_file_Needle_Passing.txt").write_text("".join(lines))


def _official_louo(root: Path) -> None:
    """The official UserOut folds: users are numbered over the whole study (B=1, C=2, D=3), so Needle_Passing,
    which lacks C, has no 2_Out and its D fold is 3_Out."""
    kt = {u: [f"Knot_Tying_{u}00{r}" for r in (1, 2)] for u in "BC"}
    write_setup(root, "Knot_Tying", "UserOut", {1: (kt["B"], kt["C"]), 2: (kt["C"], kt["B"])})
    write_setup(root, "Suturing", "UserOut", {1: (["Suturing_B001"], [])})
    write_setup(
        root,
        "Needle_Passing",
        "UserOut",
        {
            1: (["Needle_Passing_B001"], ["Needle_Passing_D001"]),
            3: (["Needle_Passing_D001"], ["Needle_Passing_B001"]),
        },
    )


def test_official_folds_are_read_when_present(tmp_path: Path):
    write_jigsaws(tmp_path)
    write_needle_passing(tmp_path)
    derived = load_jigsaws(tmp_path, surgical_task="Needle_Passing", fold="2")
    assert derived.provenance["fold_source"] == "derived" and derived.splits["test"] == [
        "Needle_Passing_D001"
    ]
    _official_louo(tmp_path)
    needle = load_jigsaws(tmp_path, surgical_task="Needle_Passing", fold="3")  # the official 3_Out: user D
    assert needle.splits == {"train": ["Needle_Passing_B001"], "test": ["Needle_Passing_D001"]}
    assert needle.provenance["fold_source"] == "official" and needle.provenance["fold"] == "D"
    assert needle.provenance["fold_detail"]["folder"].endswith("UserOut/3_Out/itr_1")
    with pytest.raises(ConfigError, match="not an official UserOut fold"):
        load_jigsaws(tmp_path, surgical_task="Needle_Passing", fold="2")  # no user C in Needle_Passing
    pooled = get_task("jigsaws").load(tmp_path, fold="2")
    assert pooled.splits["test"] == ["Knot_Tying_C001", "Knot_Tying_C002"]
    assert "Needle_Passing_B001" in pooled.splits["train"] and "Suturing_B001" in pooled.splits["train"]
    assert pooled.provenance["fold_detail"]["tasks_without_this_fold"] == ["Needle_Passing", "Suturing"]
    assert (
        get_task("jigsaws").load(tmp_path, fold="C").splits == pooled.splits
    )  # the user letter names it too
    assert (
        get_task("jigsaws").load(tmp_path, fold="2", folds="derived").provenance["fold_source"] == "derived"
    )
    assert pooled.provenance["fingerprint"] != derived.provenance["fingerprint"]


def test_official_loso_and_trials_outside_the_fold(tmp_path: Path):
    write_jigsaws(tmp_path)
    kt = lambda r: [f"Knot_Tying_{u}00{r}" for u in "BC"]  # noqa: E731
    write_setup(
        tmp_path,
        "Knot_Tying",
        "SuperTrialOut",
        {1: (kt(1), kt(2)), 2: (kt(2), kt(1)[:1] + ["Knot_Tying_E001"])},
    )
    data = load_jigsaws(tmp_path, protocol="loso", fold="2", surgical_task="Knot_Tying")
    assert data.splits == {"train": ["Knot_Tying_B001"], "test": ["Knot_Tying_B002", "Knot_Tying_C002"]}
    assert "Knot_Tying_C001" not in data.videos  # on disk, in neither list of this fold
    assert data.provenance["fold_detail"]["on_disk_not_listed"] == ["Knot_Tying_C001"]
    assert data.provenance["fold_detail"]["listed_not_on_disk"] == 1  # E001
    assert data.provenance["fold"] == "002"
    with pytest.raises(DataError, match="folds=official") as err:  # Suturing has no official setup here
        load_jigsaws(tmp_path, protocol="loso", folds="official")
    assert "Suturing" in err.value.path
    auto = load_jigsaws(tmp_path, protocol="loso")  # not every task has official folds: derived, and why
    assert auto.provenance["fold_source"] == "derived" and "Suturing" in auto.provenance["fold_detail"]["why"]


def test_bad_fold_files(tmp_path: Path):
    write_jigsaws(tmp_path)
    base = write_setup(tmp_path, "Knot_Tying", "UserOut", {1: (["Knot_Tying_B001"], ["Knot_Tying_C001"])})
    test_file = base / "1_Out" / "itr_1" / "Test.txt"
    test_file.write_text(_span_line("Knot_Tying_B001") + "\nKnot_Tying_B002.txt\n")
    with pytest.raises(DataError) as err:
        load_jigsaws(tmp_path, surgical_task="Knot_Tying")
    assert err.value.path == str(test_file) and (err.value.line, err.value.field) == (2, "trial")
    test_file.write_text(_span_line("Knot_Tying_C001") + "\n")  # in Train.txt too
    with pytest.raises(DataError, match="in Train.txt too"):
        load_jigsaws(tmp_path, surgical_task="Knot_Tying")
    test_file.unlink()
    with pytest.raises(DataError, match="file not found") as err:
        load_jigsaws(tmp_path, surgical_task="Knot_Tying")
    assert err.value.path.endswith("Test.txt")
    with pytest.raises(ConfigError, match="folds must be"):
        load_jigsaws(tmp_path, folds="both")
