"""`audit --mode human --rater NAME`: the name is recorded with each answer, so the same command resumes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adrbench.audit import AnswerStore
from adrbench.cli.audit import app

runner = CliRunner()


@pytest.mark.parametrize("rater", [None, "alice"])
def test_the_same_command_resumes_with_and_without_rater(
    adr_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rater: str | None
) -> None:
    monkeypatch.chdir(tmp_path)  # the default answers file: runs/audit/<source>/<split>/<rater>.jsonl
    args = ["--data", str(adr_folder), "--mode", "human", "--n-per-sport", "1"]
    args += ["--rater", rater] if rater else []
    first = runner.invoke(app, args, input="1\nq\n")
    assert first.exit_code == 0, first.output
    assert "2 left; run again to resume" in first.output
    name = rater or "human"
    answers = tmp_path / "runs" / "audit" / "adr" / "test" / f"{name}.jsonl"
    assert [a.rater for a in AnswerStore(answers).answers.values()] == [name]

    again = runner.invoke(app, args, input="2\n2\n")
    assert again.exit_code == 0, again.output
    assert "[2/3]" in again.output and "[1/3]" not in again.output  # resumed after the first answer
    assert "(complete)" in again.output
    report = json.loads(answers.with_suffix(".report.json").read_text())
    assert report["rater"] == name and report["n_answered"] == 3
    assert {a.rater for a in AnswerStore(answers).answers.values()} == {name}


def test_another_rater_name_is_refused_and_told_how_to_resume(adr_folder: Path, tmp_path: Path) -> None:
    answers = tmp_path / "alice.jsonl"
    base = ["--data", str(adr_folder), "--mode", "human", "--n-per-sport", "1", "--answers", str(answers)]
    assert runner.invoke(app, [*base, "--rater", "alice"], input="1\nq\n").exit_code == 0
    before = answers.read_bytes()
    result = runner.invoke(app, base, input="1\n")  # no --rater: the answers are alice's, not human's
    assert result.exit_code != 0
    message = str(result.exception)
    assert "holds answers of alice, not of 'human'" in message and "--rater" in message
    assert answers.read_bytes() == before
