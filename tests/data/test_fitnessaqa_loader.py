"""The FitnessAQA reader on hand-written files: case-insensitive folders, .mp4 keys, videos in videos.zip or
unzipped, the keypoints side folder."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from adrbench.data.fitnessaqa import load_fitnessaqa
from adrbench.data.media import exists, open_media
from adrbench.errors import DataError
from adrbench.tasks import get_task


def write_fitnessaqa(root: Path, keypoints: bool = True, videos: bool = True) -> Path:
    """Squat: 3 clips, videos in Labeled_Dataset/videos.zip as the release ships them; OHP: 2 clips, unzipped
    into labeled_dataset/videos/videos/ (unzip run inside a videos/ folder)."""
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
    if videos:
        with zipfile.ZipFile(squat / "videos.zip", "w") as z:
            z.writestr("videos/", b"")
            for name in ("62794_6.mp4", "37640_3.MP4", "48331_1.mp4"):
                z.writestr(f"videos/{name}", f"bytes of {name}")
            z.writestr("__MACOSX/videos/._62794_6.mp4", b"resource fork")
        (ohp / "videos" / "videos").mkdir(parents=True)
        for clip in ("25195_3", "25195_4"):
            (ohp / "videos" / "videos" / f"{clip}.mp4").write_bytes(clip.encode())
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


def test_videos_in_the_zip_and_unzipped(tmp_path: Path):
    data = load_fitnessaqa(write_fitnessaqa(tmp_path))
    squat = data.videos["Squat_37640_3"]
    assert (
        squat.video_path == "Squat/Labeled_Dataset/videos.zip!/videos/37640_3.MP4"
    )  # matched case-insensitively
    with open_media(data.video_root, squat.video_path) as handle:
        assert handle.read() == b"bytes of 37640_3.MP4"
    assert data.videos["OHP_25195_4"].video_path == "ohp/labeled_dataset/videos/videos/25195_4.mp4"
    assert all(exists(data.root, v.video_path) for v in data.videos.values())
    assert data.provenance["videos"]["Squat"] == {
        "sources": ["Squat/Labeled_Dataset/videos.zip"],
        "with_video": 3,
        "without_video": 0,
    }
    assert data.provenance["left_out_no_video_no_keypoints"] == {}


def test_unzipped_copy_wins_over_the_zip(tmp_path: Path):
    write_fitnessaqa(tmp_path)
    squat = tmp_path / "Fitness-AQA_dataset_release" / "Squat" / "Labeled_Dataset"
    (squat / "videos").mkdir()
    (squat / "videos" / "48331_1.mp4").write_bytes(b"unzipped")
    data = load_fitnessaqa(tmp_path)
    assert data.videos["Squat_48331_1"].video_path == "Squat/Labeled_Dataset/videos/48331_1.mp4"
    assert data.videos["Squat_62794_6"].video_path.startswith("Squat/Labeled_Dataset/videos.zip!/")
    before = data.provenance["fingerprint"]
    (squat / "videos" / "48331_1.mp4").write_bytes(b"unzipped, other size")
    assert load_fitnessaqa(tmp_path).provenance["fingerprint"] != before  # videos are part of the data


def test_clip_without_video_or_keypoints_is_counted_and_left_out(tmp_path: Path):
    write_fitnessaqa(tmp_path)
    release = tmp_path / "Fitness-AQA_dataset_release"
    with zipfile.ZipFile(release / "Squat" / "Labeled_Dataset" / "videos.zip", "w") as z:
        for name in ("62794_6.mp4", "48331_1.mp4"):  # 37640_3 is missing (and has no keypoints)
            z.writestr(f"videos/{name}", b"x")
    with pytest.warns(UserWarning, match=r"Squat: 1 clips \({'train': 1}\) have no video and no keypoints"):
        data = load_fitnessaqa(tmp_path)
    assert "Squat_37640_3" not in data.videos and data.splits["train"] == ["Squat_62794_6", "OHP_25195_3"]
    assert data.provenance["left_out_no_video_no_keypoints"] == {"Squat": {"train": 1}}
    assert data.provenance["videos"]["Squat"]["without_video"] == 1
    (release / "ohp" / "labeled_dataset" / "videos" / "videos" / "25195_3.mp4").unlink()
    with pytest.raises(DataError) as err:  # OHP's train split: no usable clip at all
        load_fitnessaqa(tmp_path)
    assert err.value.path.endswith("train_keys.json") and "none of its 1 clips" in str(err.value)
    expected = (
        "found 1 videos (e.g. ohp/labeled_dataset/videos/videos/25195_4.mp4) in ohp/labeled_dataset/videos/"
    )
    assert f"{expected}, none named 25195_3.mp4" in str(err.value)


def test_without_videos_says_what_to_unzip(tmp_path: Path):
    write_fitnessaqa(tmp_path, keypoints=False, videos=False)
    with pytest.raises(DataError) as err:
        load_fitnessaqa(tmp_path)
    assert err.value.path.endswith("train_keys.json") and "videos.zip" in str(err.value)
    assert "unzip it there" in str(err.value)


def test_videos_named_otherwise_fail_clearly(tmp_path: Path):
    write_fitnessaqa(tmp_path, keypoints=False, videos=False)
    squat = tmp_path / "Fitness-AQA_dataset_release" / "Squat" / "Labeled_Dataset"
    with zipfile.ZipFile(squat / "videos.zip", "w") as z:
        z.writestr("videos/clip_0001.mp4", b"x")
    with pytest.raises(
        DataError, match=r"clip_0001.mp4\) in Squat/Labeled_Dataset/videos.zip, none named 62794_6.mp4"
    ):
        load_fitnessaqa(tmp_path)
    (squat / "videos.zip").write_bytes(b"PK truncated")
    with pytest.raises(DataError, match="not a readable zip") as err:
        load_fitnessaqa(tmp_path)
    assert err.value.path.endswith("videos.zip")


def test_two_copies_of_a_clip_are_an_error(tmp_path: Path):
    write_fitnessaqa(tmp_path)
    extra = tmp_path / "Fitness-AQA_dataset_release" / "ohp" / "labeled_dataset" / "videos" / "more"
    extra.mkdir()
    (extra / "25195_3.mp4").write_bytes(b"again")
    with pytest.raises(DataError, match="two videos for clip '25195_3'"):
        load_fitnessaqa(tmp_path)


def test_without_keypoints_folder(tmp_path: Path):
    data = load_fitnessaqa(write_fitnessaqa(tmp_path, keypoints=False) / "Fitness-AQA_dataset_release")
    assert data.keypoint_loader is None and data.provenance["keypoints"] is None
    assert all(v.keypoints_path is None and v.video_path for v in data.videos.values())


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
    assert len(get_task("fitnessaqa").load(extracted_keypoints=False).videos) == 5
    monkeypatch.setenv("ADRBENCH_FITNESSAQA_ROOT", str(tmp_path / "nowhere"))
    with pytest.raises(DataError, match="fitnessaqa-synth"):
        get_task("fitnessaqa").load()
