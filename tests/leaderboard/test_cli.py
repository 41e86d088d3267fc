"""The `tables` and `submit` command functions, registered on a throwaway typer app as the main CLI does."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from lb_helpers import adr_metrics, make_run
from typer.testing import CliRunner

from adrbench.cli.submit import submit
from adrbench.cli.tables import tables

app = typer.Typer()
app.command()(tables)
app.command()(submit)


def test_tables_print_and_write(lb_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(app, ["tables", "--leaderboard-dir", str(lb_dir), "--format", "csv"])
    assert printed.exit_code == 0, printed.output
    assert "Gmini 2.5 Gem (2025),0.61,5.57" in printed.output
    run = make_run(tmp_path / "runs" / "a", "kept", "adr-synth", adr_metrics(0.8, 0.03))
    out = tmp_path / "out"
    written = runner.invoke(
        app,
        [
            "tables",
            "--leaderboard-dir",
            str(lb_dir),
            "--source",
            "measured",
            "--runs",
            str(run),
            "--format",
            "latex",
            "--out",
            str(out),
            "--figures",
            str(tmp_path / "f"),
        ],
    )
    assert written.exit_code == 0, written.output
    assert (out / "table7-measured-synth.tex").read_text(encoding="utf-8").count(
        r"\dag{}"
    ) == 3  # two cells and the footnote
    assert sorted(p.suffix for p in (tmp_path / "f").iterdir()) == [".png", ".png", ".svg", ".svg"]
    page = runner.invoke(
        app,
        [
            "tables",
            "--leaderboard-dir",
            str(lb_dir),
            "--source",
            "both",
            "--runs",
            str(run),
            "--format",
            "html",
            "--out",
            str(out),
            "--update",
        ],
    )
    assert page.exit_code == 0, page.output
    assert (out / "leaderboard.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (lb_dir / "generated" / "paper" / "table9.tex").is_file()


def test_tables_bad_options_exit_non_zero(lb_dir: Path) -> None:
    bad = CliRunner().invoke(app, ["tables", "--leaderboard-dir", str(lb_dir), "--format", "docx"])
    assert bad.exit_code == 2 and "unknown format 'docx'" in bad.output


def test_submit_refuses_a_bad_file_with_line_and_field(lb_dir: Path, tmp_path: Path) -> None:
    pred = tmp_path / "p.jsonl"
    pred.write_text(json.dumps({"pair_id": 3}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "submit",
            "--task",
            "adr-synth",
            "--predictions",
            str(pred),
            "--name",
            "../x",
            "--leaderboard-dir",
            str(lb_dir),
        ],
    )
    assert result.exit_code == 2 and "'name'" in result.output
    result = CliRunner().invoke(
        app,
        [
            "submit",
            "--task",
            "adr-synth",
            "--predictions",
            str(pred),
            "--name",
            "ok",
            "--meta",
            "novalue",
            "--leaderboard-dir",
            str(lb_dir),
        ],
    )
    assert result.exit_code == 2 and "key=value" in result.output
    assert sorted(p.name for p in lb_dir.iterdir()) == ["paper"]


def test_store_keeps_finished_runs_on_the_leaderboard(lb_dir: Path, tmp_path: Path) -> None:
    run = make_run(tmp_path / "runs" / "a", "kept", "adr-synth", adr_metrics(0.8, 0.03), seed=2)
    args = [
        "tables",
        "--leaderboard-dir",
        str(lb_dir),
        "--runs",
        str(run),
        "--store",
        "--out",
        str(tmp_path / "o"),
    ]
    stored = CliRunner().invoke(app, args)
    assert stored.exit_code == 0, stored.output
    entry = lb_dir / "measured" / "adr-synth" / "kept-seed2"
    assert sorted(p.name for p in entry.iterdir()) == ["config.json", "metrics.json"]
    assert "| kept (seed 2) |" in (lb_dir / "generated" / "measured" / "table2-measured-synth.md").read_text()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "exists already" in again.output
    unfinished = make_run(tmp_path / "runs" / "b", "nn", "adr-synth", adr_metrics(0.5, 0.03))
    config = json.loads((unfinished / "config.json").read_text())
    (unfinished / "config.json").write_text(json.dumps(config | {"status": "running"}))
    refused = CliRunner().invoke(
        app, ["tables", "--leaderboard-dir", str(lb_dir), "--runs", str(unfinished), "--store"]
    )
    assert refused.exit_code == 2 and "not finished" in refused.output
    assert not (lb_dir / "measured" / "adr-synth" / "nn-seed0").exists()


def test_submit_prints_what_run_prints_and_tests_against_mean(lb_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """A run's predictions, submitted: the same table rows as the run printed, and paired tests against the
    `mean` baseline in paired.json (the tables' `*`), as a stored run has."""
    from adrbench.cli.main import app as main_app

    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "cache"))
    runner = CliRunner()
    run_dir = tmp_path / "run"
    ran = runner.invoke(main_app, ["run", "--task", "jigsaws-synth", "--model", "nn", "--out", str(run_dir)])
    assert ran.exit_code == 0, ran.output
    predictions = str(run_dir / "predictions.jsonl")
    args = ["submit", "--task", "jigsaws-synth", "--predictions", predictions, "--name", "my-nn"]
    sub = runner.invoke(app, [*args, "--leaderboard-dir", str(lb_dir)])
    assert sub.exit_code == 0, sub.output

    def rows(output: str) -> list[str]:
        return [line for line in output.splitlines() if line.startswith("│")]

    assert rows(sub.output) == rows(ran.output) and rows(ran.output)
    paired = json.loads((lb_dir / "measured" / "jigsaws-synth" / "my-nn" / "paired.json").read_text())
    assert paired["baseline"] == "mean" and {"spearman", "relative_l2"} <= set(paired["tests"])
    assert paired["tests"]["relative_l2"]["p_value"] < 0.05  # nn's R-ℓ2 (48) is far below mean's (220)
    assert "paired tests against mean" in sub.output
