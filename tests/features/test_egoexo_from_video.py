"""The newcomer's path for Ego-Exo4D takes without body pose: build-adr → `features keypoints` → `run --model kept`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adrbench.cli.main import app
from adrbench.errors import DataError
from tests.data.egoexo_fixture import write_egoexo

from . import astronaut

pytest.importorskip("mediapipe", reason="mediapipe not installed: pip install -e '.[pose]'")
pytest.importorskip("skimage", reason="scikit-image (dev extra) makes the test videos")


def write_takes_without_pose(root: Path) -> Path:
    """The fixture's Ego-Exo4D root with every body-pose file removed and a real video (the astronaut photo,
    moving) at each take's best exo camera, or its first listed one when `best_exo` is null."""
    write_egoexo(root)
    shutil.rmtree(root / "annotations" / "ego_pose")
    takes = json.loads((root / "takes.json").read_text())
    for i, take in enumerate(takes):
        camera = take["best_exo"] or "cam01"
        folder = root / take["root_dir"] / "frame_aligned_videos"
        for old in folder.rglob("*.mp4") if folder.exists() else []:
            old.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        astronaut.write(folder / f"{camera}.mp4", n=4 + i % 3, fps=30, blank=None)
    return root


def test_takes_without_body_pose_run_after_extraction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "cache"))
    egoexo = write_takes_without_pose(tmp_path / "egoexo")
    adr = tmp_path / "adr"
    built = CliRunner().invoke(app, ["data", "build-adr", "--egoexo-root", str(egoexo), "--out", str(adr)])
    assert built.exit_code == 0, built.output
    report = json.loads((adr / "build_report.json").read_text())
    assert report["stats"]["takes_without_keypoints"] == sum(report["videos"].values()) > 0

    run = ["run", "--model", "kept", "--task", "adr", "--data-root", str(adr), "--out", str(tmp_path / "run"),
           "--n-bootstrap", "0", "--orders", "ab", "-M", "d=16", "-M", "heads=2", "-M", "epochs=1",
           "-M", "min_steps=0", "-M", "beam=1"]  # fmt: skip
    before = CliRunner().invoke(app, run)
    assert isinstance(before.exception, DataError)
    assert "adrbench features keypoints --task adr --data-root" in str(before.exception)

    extract = CliRunner().invoke(app, ["features", "keypoints", "--task", "adr", "--data-root", str(adr)])
    assert extract.exit_code == 0, extract.output
    result = CliRunner().invoke(app, run)
    assert result.exit_code == 0, result.output
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["keypoint_sources"]["counts"]["dataset"] == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["metrics"]["spearman"]["n"] > 0
