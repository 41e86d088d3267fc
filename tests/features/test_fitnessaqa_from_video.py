"""The newcomer's path: FitnessAQA with videos only → `features keypoints` → `run --model kept`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adrbench.cli.main import app
from adrbench.errors import DataError

from . import astronaut

pytest.importorskip("mediapipe", reason="mediapipe not installed: pip install -e '.[pose]'")
pytest.importorskip("skimage", reason="scikit-image (dev extra) makes the test videos")

TRAIN, TEST = ["10001_1", "10002_1"], ["10003_1", "10004_1"]


def write_videos_only_release(root: Path) -> Path:
    """A FitnessAQA Squat release with labels, splits and one short real video per clip, and no keypoints."""
    labeled = root / "Fitness-AQA_dataset_release" / "Squat" / "Labeled_Dataset"
    for sub in ("Labels", "Splits", "videos"):
        (labeled / sub).mkdir(parents=True)
    clips = TRAIN + TEST
    forward = {c: [[0.1, 0.3]] if i % 2 else [] for i, c in enumerate(clips)}
    inward = {c: [] if i % 2 else [[0.0, 0.2]] for i, c in enumerate(clips)}
    (labeled / "Labels" / "error_knees_forward.json").write_text(json.dumps(forward))
    (labeled / "Labels" / "error_knees_inward.json").write_text(json.dumps(inward))
    (labeled / "Splits" / "train_keys.json").write_text(json.dumps(TRAIN))
    (labeled / "Splits" / "test_keys.json").write_text(json.dumps(TEST))
    for i, clip in enumerate(clips):
        astronaut.write(labeled / "videos" / f"{clip}.mp4", n=4 + i, fps=30, blank=None)
    return root


def test_keypoints_then_kept_on_a_videos_only_release(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "cache"))
    root = write_videos_only_release(tmp_path / "fitnessaqa")
    run = ["run", "--model", "kept", "--task", "fitnessaqa", "--data-root", str(root), "--out", str(tmp_path / "run"),
           "--n-bootstrap", "0", "-M", "d=16", "-M", "heads=2", "-M", "epochs=2", "-M", "min_steps=0"]  # fmt: skip
    before = CliRunner().invoke(app, run)
    assert isinstance(before.exception, DataError)
    assert "4 of 4 videos have neither a keypoints file nor keypoints extracted" in str(before.exception)
    assert "adrbench features keypoints --task fitnessaqa --data-root" in str(before.exception)
    assert not (tmp_path / "run" / "metrics.json").exists()

    extract = CliRunner().invoke(
        app, ["features", "keypoints", "--task", "fitnessaqa", "--data-root", str(root)]
    )
    assert extract.exit_code == 0, extract.output
    assert "4 videos without keypoints: 4 extracted, 0 already in the cache (blazepose/1)" in extract.output
    assert "frames/s (decoding" in extract.output

    again = CliRunner().invoke(
        app, ["features", "keypoints", "--task", "fitnessaqa", "--data-root", str(root)]
    )
    assert "0 extracted, 4 already in the cache" in again.output

    result = CliRunner().invoke(app, run)
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    sources = config["keypoint_sources"]
    assert sources["counts"] == {"dataset": 0, "blazepose/1": 4}
    assert sorted(sources["videos"]) == sorted(f"Squat_{c}" for c in TRAIN + TEST)
    assert (tmp_path / "run" / "metrics.json").is_file()


def test_a_killed_extraction_resumes_with_only_the_rest(tmp_path: Path) -> None:
    """SIGKILL the real command once the first video is stored; the rerun extracts exactly the others."""
    import os
    import signal
    import subprocess
    import sys
    import time

    root = write_videos_only_release(tmp_path / "fitnessaqa")
    for i, clip in enumerate(TRAIN + TEST):  # longer (and distinct) clips, so that the kill lands mid-way
        video = root / "Fitness-AQA_dataset_release" / "Squat" / "Labeled_Dataset" / "videos" / f"{clip}.mp4"
        astronaut.write(video, n=20 + i, fps=30, blank=None)
    cache = tmp_path / "cache"
    env = {**os.environ, "ADRBENCH_CACHE": str(cache), "PYTHONPATH": str(Path(__file__).parents[2])}
    command = [sys.executable, "-c", "from adrbench.cli.main import main; main()", "features", "keypoints", "--task", "fitnessaqa",
               "--data-root", str(root)]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while not list(cache.glob("features/??/*.safetensors")) and time.monotonic() < deadline:
        if process.poll() is not None:
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_at_kill = len(list(cache.glob("features/??/*.safetensors")))
    assert 1 <= done_at_kill < 4, "the kill should land after the first video and before the last"

    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"{4 - done_at_kill} extracted, {done_at_kill} already in the cache" in result.stdout
    assert len(list(cache.glob("features/??/*.safetensors"))) == 4


def test_videos_inside_the_release_zip_are_extracted_in_place(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """As FitnessAQA ships them: `Labeled_Dataset/videos.zip` (members `videos/<id>.mp4`), never unzipped."""
    import shutil
    import zipfile

    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "cache"))
    root = write_videos_only_release(tmp_path / "fitnessaqa")
    labeled = root / "Fitness-AQA_dataset_release" / "Squat" / "Labeled_Dataset"
    with zipfile.ZipFile(labeled / "videos.zip", "w") as archive:
        for video in sorted((labeled / "videos").iterdir()):
            archive.write(video, f"videos/{video.name}")
    shutil.rmtree(labeled / "videos")
    extract = CliRunner().invoke(
        app, ["features", "keypoints", "--task", "fitnessaqa", "--data-root", str(root)]
    )
    assert extract.exit_code == 0, extract.output
    assert "4 videos without keypoints: 4 extracted" in extract.output
    from adrbench.tasks import get_task

    data = get_task("fitnessaqa").load(root)
    assert all("videos.zip!/videos/" in v.video_path for v in data.videos.values())
    assert all(data.keypoints(v).shape[1:] == (17, 3) for v in data.videos)
