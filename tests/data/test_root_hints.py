"""A data folder given one level too high (the folder that holds adr/, jigsaws/ or fitnessaqa/) gets one error line
naming the folder to pass, and the format hints point at docs that ship."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from adrbench.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def _adrbench(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run `adrbench ARGS` through the console entry point: (exit code, stderr)."""
    monkeypatch.setattr(sys, "argv", ["adrbench", *args])
    with pytest.raises(SystemExit) as info:
        main()
    return int(info.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(
    ("task", "inner", "marker"),
    [
        ("adr", "adr", "provenance.json"),
        ("jigsaws", "jigsaws", "Suturing/"),
        ("fitnessaqa", "fitnessaqa", "Fitness-AQA_dataset_release/Squat/Labeled_Dataset/"),
    ],
)
def test_a_data_root_one_level_too_high_names_the_folder_to_pass(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    task: str,
    inner: str,
    marker: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # where a run would write its folder (runs/)
    target = tmp_path / inner / marker
    if marker.endswith("/"):
        target.mkdir(parents=True)
    else:
        target.parent.mkdir(parents=True)
        target.write_text("{}")
    code, err = _adrbench(monkeypatch, capsys, "run", "--model", "mean", "--task", task, "--data-root", str(tmp_path))
    assert code == 2
    assert f"--data-root {tmp_path} holds {inner}/: pass {tmp_path / inner}" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "runs").exists()


def test_an_audit_folder_one_level_too_high_names_the_folder_to_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "adr").mkdir()
    (tmp_path / "adr" / "pairs_test.jsonl").write_text("")
    code, err = _adrbench(monkeypatch, capsys, "data", "audit", "--data", str(tmp_path), "--mode", "rule")
    assert code == 2 and f"--data {tmp_path} holds adr/: pass {tmp_path / 'adr'}" in err


@pytest.mark.parametrize("task", ["jigsaws", "fitnessaqa"])
def test_the_format_hint_of_an_empty_root_names_a_page_that_ships(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], task: str
) -> None:
    code, err = _adrbench(monkeypatch, capsys, "run", "--model", "mean", "--task", task, "--data-root", str(tmp_path))
    assert code == 2 and f"see docs/{task}-format.md" in err
    assert (REPO / "docs" / f"{task}-format.md").is_file()
