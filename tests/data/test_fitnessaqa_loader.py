"""The FitnessAQA reader on hand-written files: case-insensitive folders, .mp4 keys, the keypoints side folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from adrbench.data.fitnessaqa import load_fitnessaqa
from adrbench.errors import DataError
from adrbench.tasks import get_task


def write_fitnessaqa(root: Path, keypoints: bool = True) -> Path:
    release = root / "Fitness-AQA_dataset_release"
    squat = release / "Squat" / "Labeled_Dataset"
    (squat / "Labels").mkdir(parents=True)
    (squat / "Splits").mkdir()
    (squat / "Labels" / "error_knees_forward.json").write_text(
        json.dumps({"62794_6": [[0.87, 2.13]], "37640_3": [], "48331_1": [[0.4, 1.1], [2.05, 2.9]]})
    )
    (squat / "Labels" / "error_knees_inward.json").write_text(
        json.dumps({"62794_6": [], "37640_3": [[1.0, 1.5]], "48331_1": []})
    )
    (squat / "Splits" / "train_keys.json").write_text(json.dumps(["62794_6", "37640_3.mp4"]))
    (squat / "Splits" / "val_keys.json").write_text(json.dumps([]))
    (squat / "Splits" / "test_keys.json").write_text(json.dumps(["48331_1"]))
    ohp = release / "ohp" / "labeled_dataset"  # lower-case, as some users unpack it
    (ohp / "labels").mkdir(parents=True)
    (ohp / "splits").mkdir()
    (ohp / "labels" / "error_knees.json").write_text(json.dumps({"25195_3": [[0.1, 0.5]], "25195_4": []}))
    (ohp / "labels" / "Error_Elbows.json").write_text(json.dumps({"25195_3": [], "25195_4": [[1.2, 1.9]]}))
    (ohp / "splits" / "train_keys.json").write_text(json.dumps(["25195_3"]))
    (ohp / "splits" / "test_keys.json").write_text(json.dumps(["25195_4"]))
    if keypoints:
        (squat / "keypoints").mkdir()
        np.save(squat / "keypoints" / "62794_6.npy", np.zeros((5, 17, 3), np.float32))
    return root


def test_labels_splits_and_case(tmp_path: Path):
    data = load_fitnessaqa(write_fitnessaqa(tmp_path))
    # no clip in any val_keys.json: no "val" split
    assert data.splits == {
        "train": ["Squat_62794_6", "Squat_37640_3", "OHP_25195_3"],
        "test": ["Squat_48331_1", "OHP_25195_4"],
    }
    assert data.videos["Squat_62794_6"].labels == {"Squat_forward": 1, "Squat_inward": 0}
    assert data.videos["Squat_37640_3"].labels == {"Squat_forward": 0, "Squat_inward": 1}
    assert data.videos["OHP_25195_4"].labels == {"OHP_knee": 0, "OHP_elbow": 1}
    assert data.videos["OHP_25195_3"].performer == "25195" and data.videos["OHP_25195_3"].group == "OHP"
    assert data.label_names == ("OHP_knee", "OHP_elbow", "Squat_forward", "Squat_inward")
    assert data.keypoints("Squat_62794_6").shape == (5, 17, 3)
    with pytest.raises(DataError, match="no keypoints"):
        data.keypoints("Squat_37640_3")


def test_without_keypoints_folder(tmp_path: Path):
    data = load_fitnessaqa(write_fitnessaqa(tmp_path, keypoints=False) / "Fitness-AQA_dataset_release")
    assert data.keypoint_loader is None and data.provenance["keypoints"] is None


def test_clip_without_label_is_an_error(tmp_path: Path):
    write_fitnessaqa(tmp_path)
    split = (
        tmp_path / "Fitness-AQA_dataset_release" / "Squat" / "Labeled_Dataset" / "Splits" / "test_keys.json"
    )
    split.write_text(json.dumps(["48331_1", "99999_1"]))
    with pytest.raises(DataError) as err:
        load_fitnessaqa(tmp_path)
    assert err.value.field == "99999_1" and err.value.path.endswith("error_knees_forward.json")


def test_env_var_and_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ADRBENCH_FITNESSAQA_ROOT", str(write_fitnessaqa(tmp_path)))
    assert len(get_task("fitnessaqa").load().videos) == 5
    monkeypatch.setenv("ADRBENCH_FITNESSAQA_ROOT", str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match="fitnessaqa-synth"):
        get_task("fitnessaqa").load()
