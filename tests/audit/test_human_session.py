"""Human mode driven in a pseudo-terminal: descriptions without scores, answers saved as given, quit and resume."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pexpect
import pytest

from adrbench.audit import AnswerStore

QUESTION = r"which player is better\? \[1/2/t\(ie\)/s\(kip\)/q\(uit\)\]"


def _spawn(folder: Path, answers: Path) -> pexpect.spawn:
    args = [
        "-m",
        "adrbench.cli.audit",
        "--data",
        str(folder),
        "--mode",
        "human",
        "--n-per-sport",
        "2",
        "--seed",
        "3",
        "--answers",
        str(answers),
    ]
    env = dict(os.environ, COLUMNS="120", TERM="xterm", NO_COLOR="1")
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=60, dimensions=(50, 120))
    child.logfile_read = io.StringIO()  # everything the person saw
    return child


def test_quit_and_resume(adr_folder: Path, tmp_path: Path) -> None:
    answers = tmp_path / "human.jsonl"
    child = _spawn(adr_folder, answers)
    child.expect(r"\[1/6\]")
    child.expect(QUESTION)
    shown = child.before
    assert "Overall, Player" in shown  # the description is shown ...
    for score in ("4.0", "6.0", "7.5", "9.0"):  # ... and never a score
        assert score not in shown
    child.sendline("x")
    child.expect("please type 1, 2, t, s or q")
    child.expect(QUESTION)
    child.sendline("1")
    child.expect(r"\[2/6\]")
    child.expect(QUESTION)
    child.sendline("s")
    child.expect(r"\[3/6\]")
    child.expect(QUESTION)
    child.sendline("t")
    child.expect(r"\[4/6\]")
    child.expect(QUESTION)
    assert len(AnswerStore(answers).answers) == 3  # saved as given, before the session ends
    child.sendline("q")
    child.expect("3 left; run again to resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "agreement" not in child.logfile_read.getvalue()  # blind until every pair is answered
    assert not answers.with_suffix(".report.json").exists()

    saved = AnswerStore(answers).answers
    assert [a.answer for a in saved.values()] == ["1", "skip", "tie"]
    assert all(a.rater == "human" for a in saved.values())

    child = _spawn(adr_folder, answers)
    child.expect(r"\[4/6\]")  # resumes at the first unanswered pair
    for position in (4, 5, 6):
        child.expect(QUESTION)
        child.sendline("2")
        if position < 6:
            child.expect(rf"\[{position + 1}/6\]")
    child.expect(r"\(complete\)")
    assert "agreement with the score order" in child.logfile_read.getvalue()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    saved = AnswerStore(answers).answers
    assert len(saved) == 6
    report = json.loads(answers.with_suffix(".report.json").read_text())
    answered = [a for a in saved.values() if a.answer != "skip"]
    assert report["agreement"]["n"] == len(answered) == 5
    assert report["agreement"]["k"] == sum(a.answer == a.truth for a in answered)
    assert report["n_skipped"] == 1
    assert {c: b["n_sampled"] for c, b in report["by_category"].items()} == {
        "Basketball": 2,
        "Rock Climbing": 2,
        "Soccer": 2,
    }


@pytest.mark.parametrize("ending", ["eof", "kill"])
def test_end_of_input_or_kill_keeps_the_answers(adr_folder: Path, tmp_path: Path, ending: str) -> None:
    answers = tmp_path / "human.jsonl"
    child = _spawn(adr_folder, answers)
    child.expect(QUESTION)
    child.sendline("2")
    child.expect(r"\[2/6\]")
    child.expect(QUESTION)
    if ending == "eof":
        child.sendeof()
        child.expect(pexpect.EOF)
    else:
        child.kill(9)
    child.close()
    assert [a.answer for a in AnswerStore(answers).answers.values()] == ["2"]
