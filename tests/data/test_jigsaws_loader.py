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
        get_task("jigsaws").load(tmp_path, folds="1")


def test_env_var_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    write_jigsaws(tmp_path)
    monkeypatch.setenv("ADRBENCH_JIGSAWS_ROOT", str(tmp_path))
    assert len(get_task("jigsaws").load().videos) == 5
    monkeypatch.delenv("ADRBENCH_JIGSAWS_ROOT")
    with pytest.raises(DataError, match="jigsaws-synth"):
        get_task("jigsaws").load()
