"""`audit --mode judge` against the loopback server, and `--mode rule` with the offline judge."""

from __future__ import annotations

import json
import socket
import sys
from pathlib import Path

import pytest
from audit_fixtures import judge_responder
from typer.testing import CliRunner, Result

from adrbench.audit import JUDGE_PROMPT_VERSION, AnswerStore, parse_verdict
from adrbench.cli.audit import app
from adrbench.errors import ConfigError
from adrbench.llm.loopback import Faults, LoopbackServer
from adrbench.llm.retry import RetryPolicy

runner = CliRunner()


def _judge(folder: Path, url: str, answers: Path, cache: Path) -> Result:
    return runner.invoke(
        app,
        [
            "--data",
            str(folder),
            "--mode",
            "judge",
            "--model",
            "judge-llm",
            "--base-url",
            url,
            "--answers",
            str(answers),
            "--cache",
            str(cache),
            "--n-per-sport",
            "10",
        ],
    )


def test_judge_mode_reports_agreement_and_repeats_no_request(adr_folder: Path, tmp_path: Path) -> None:
    answers, cache = tmp_path / "judge.jsonl", tmp_path / "requests.sqlite"
    with LoopbackServer(Faults(rate_unparseable=0.15, seed=1), responder=judge_responder) as srv:
        result = _judge(adr_folder, srv.openai_base_url, answers, cache)
        assert result.exit_code == 0, result.output
        unparseable = srv.counts["fault:unparseable"]
        assert 0 < unparseable < 30
        assert srv.counts["requests"] == 30
        report = json.loads(answers.with_suffix(".report.json").read_text())
        assert report["rater"] == "llm:openai-compatible:judge-llm"
        assert report["n_no_verdict"] == unparseable
        assert report["agreement"]["n"] == 30 - unparseable
        assert set(report["by_category"]) == {"Basketball", "Soccer", "Rock Climbing"}
        assert report["usage"]["requests"] == 30
        first = AnswerStore(answers).answers
        assert all(a.meta["prompt_version"] == JUDGE_PROMPT_VERSION for a in first.values())
        # a rerun retries only the pairs without a verdict; their replies are cached, so no request is sent
        again = _judge(adr_folder, srv.openai_base_url, answers, cache)
        assert again.exit_code == 0, again.output
        assert srv.counts["requests"] == 30
        assert "agreement with the score order" in again.output


def test_judge_agreement_matches_the_descriptions(adr_folder: Path, tmp_path: Path) -> None:
    with LoopbackServer(Faults(), responder=judge_responder) as srv:
        result = _judge(adr_folder, srv.openai_base_url, tmp_path / "a.jsonl", tmp_path / "c.sqlite")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "a.report.json").read_text())
    assert (report["agreement"]["k"], report["agreement"]["n"]) == (24, 30)
    assert report["confusion"]["tie"] == {"1": 0, "2": 0, "tie": 3, "skip": 0, "none": 0}


def test_rule_mode_uses_the_offline_judge(adr_folder: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--data", str(adr_folder), "--mode", "rule", "--answers", str(tmp_path / "r.jsonl")]
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.report.json").read_text())
    assert report["rater"] == "rule" and report["n_sampled"] == 30
    assert (report["agreement"]["k"], report["agreement"]["n"]) == (24, 30)


def test_bad_mode_and_missing_model_are_errors(adr_folder: Path) -> None:
    assert runner.invoke(app, ["--data", str(adr_folder), "--mode", "oracle"]).exit_code != 0
    assert runner.invoke(app, ["--data", str(adr_folder), "--mode", "judge"]).exit_code != 0


def test_parse_verdict_reads_the_forms_models_write() -> None:
    assert parse_verdict('{"better": "2"}') == "2"
    assert parse_verdict('```json\n{"winner": "Player 1"}\n```') == "1"
    assert parse_verdict('{"better": 2}') == "2"
    assert parse_verdict('{"Better": "Tie"}') == "tie"
    assert parse_verdict("Player 1 is better") is None
    assert parse_verdict('{"better": "maybe"}') is None


def test_an_answers_file_of_another_rater_is_refused(adr_folder: Path, tmp_path: Path) -> None:
    answers = tmp_path / "a.jsonl"
    assert (
        runner.invoke(app, ["--data", str(adr_folder), "--mode", "rule", "--answers", str(answers)]).exit_code
        == 0
    )
    before = answers.read_bytes()
    result = runner.invoke(
        app, ["--data", str(adr_folder), "--mode", "human", "--answers", str(answers)], input="1\n"
    )
    assert result.exit_code != 0 and "holds answers of rule" in str(result.exception)
    assert answers.read_bytes() == before


def test_gemini_judge_through_google_genai(
    adr_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "not-a-real-key")
    with LoopbackServer(Faults(), responder=judge_responder) as srv:
        result = runner.invoke(
            app,
            [
                "--data",
                str(adr_folder),
                "--mode",
                "judge",
                "--provider",
                "gemini",
                "--base-url",
                srv.url,
                "--cache",
                "off",
                "--n-per-sport",
                "2",
                "--answers",
                str(tmp_path / "g.jsonl"),
            ],
        )
        assert result.exit_code == 0, result.output
        assert srv.counts["requests"] == 6
    report = json.loads((tmp_path / "g.report.json").read_text())
    assert report["rater"] == "llm:gemini:gemini-2.5-pro" and report["agreement"]["n"] == 6


def test_judge_cost_options_reach_the_client(adr_folder: Path, tmp_path: Path) -> None:
    answers = tmp_path / "judge.jsonl"
    with LoopbackServer(Faults(), responder=judge_responder) as srv:
        result = runner.invoke(
            app,
            ["--data", str(adr_folder), "--mode", "judge", "--model", "judge-llm", "--base-url",
             srv.openai_base_url, "--answers", str(answers), "--cache", "off", "--n-per-sport", "2",
             "--input-per-mtok", "2", "--output-per-mtok", "8", "--concurrency", "1"],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    usage = json.loads(answers.with_suffix(".report.json").read_text())["usage"]
    expected = (2 * usage["input_tokens"] + 8 * usage["output_tokens"]) / 1e6
    assert usage["cost_usd"] == pytest.approx(expected) and expected > 0


def test_the_llm_commands_share_their_client_options(adr_folder: Path) -> None:
    from adrbench.cli.data import app as data_app

    flags = ("--base-url", "--api-key-env", "--cache", "--concurrency", "--max-cost-usd", "--input-per-mtok",
             "--output-per-mtok")  # fmt: skip
    for command, args in ((app, ["--help"]), (data_app, ["build-adr", "--help"])):
        shown = runner.invoke(command, args, terminal_width=200).output
        assert all(flag in shown for flag in flags), shown
    bad = runner.invoke(app, ["--data", str(adr_folder), "--mode", "judge", "--model", "m", "--base-url",
                              "http://127.0.0.1:9/v1", "--max-cost-usd", "-1"])  # fmt: skip
    assert isinstance(bad.exception, ConfigError) and "max_cost_usd=-1.0" in str(bad.exception)


def _unbound_port() -> int:
    """A loopback port that nothing listens on (bound once to pick it, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries without their waits, so the seven attempts of each failing request take no time."""
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, attempt, retry_after, rng: 0.0)


def test_an_unreachable_judge_says_why_and_fails(
    adr_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    no_backoff: None,
) -> None:
    from adrbench.cli.main import main

    port, answers = _unbound_port(), tmp_path / "judge.jsonl"
    argv = ["adrbench", "data", "audit", "--data", str(adr_folder), "--mode", "judge", "--model", "m",
            "--base-url", f"http://127.0.0.1:{port}/v1", "--cache", "off", "--n-per-sport", "2",
            "--answers", str(answers)]  # fmt: skip
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    shown = capsys.readouterr()
    assert "(complete)" not in shown.out and "agreement" not in shown.out
    assert "no judge request got a reply (6 of 6 failed" in shown.err
    assert f"connection refused (127.0.0.1:{port})" in shown.err
    assert not answers.with_suffix(".report.json").exists()


def test_a_judge_that_answers_some_requests_notes_the_others(
    adr_folder: Path, tmp_path: Path, no_backoff: None
) -> None:
    def responder(prompt: str, n_images: int) -> str:
        if "Juggling" in prompt:
            raise RuntimeError("this server drops the soccer requests")
        return judge_responder(prompt, n_images)

    answers = tmp_path / "judge.jsonl"
    with LoopbackServer(Faults(), responder=responder) as srv:
        result = runner.invoke(
            app,
            ["--data", str(adr_folder), "--mode", "judge", "--model", "m", "--base-url", srv.openai_base_url,
             "--cache", "off", "--n-per-sport", "2", "--answers", str(answers)],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "note: 2 of 6 judge requests got no reply (the first: retries exhausted: connection error" in (
        " ".join(result.output.split())
    )
    report = json.loads(answers.with_suffix(".report.json").read_text())
    assert report["n_no_verdict"] == 2 and report["agreement"]["n"] == 4
