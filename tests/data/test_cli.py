"""`adrbench data synth` and `adrbench data build-adr` through typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adrbench.cli.data import app
from adrbench.errors import DataError
from adrbench.tasks import get_task

from .egoexo_fixture import write_egoexo


def test_synth_writes_original_format(tmp_path: Path, synth_cache: Path):
    result = CliRunner().invoke(
        app, ["synth", "--task", "jigsaws-synth", "--out", str(tmp_path / "j"), "--seed", "4"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "j" / "jigsaws" / "Suturing" / "meta_file_Suturing.txt").exists()
    data = get_task("jigsaws-synth").load(tmp_path / "j", seed=4)
    assert len(data.videos) == 103 and data.provenance["root"].startswith(str(tmp_path))


def test_build_adr_command(tmp_path: Path):
    write_egoexo(tmp_path / "egoexo")
    out = tmp_path / "adr"
    result = CliRunner().invoke(
        app, ["build-adr", "--egoexo-root", str(tmp_path / "egoexo"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "build_report.json").read_text())
    assert report["videos"] == {"train": 3, "test": 2}
    assert len(get_task("adr").load(out, extracted_keypoints=False).splits["train"]) == 1
    # a climbing take has no body pose but its exo video is on disk: a run needs its keypoints extracted first
    with pytest.raises(DataError, match=r"1 of 5 videos .* adrbench features keypoints --task adr"):
        get_task("adr").load(out)


def test_build_adr_bad_root_fails_cleanly(tmp_path: Path):
    result = CliRunner().invoke(
        app, ["build-adr", "--egoexo-root", str(tmp_path), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code != 0 and not (tmp_path / "o").exists()
