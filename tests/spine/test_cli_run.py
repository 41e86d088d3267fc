"""The runner through the real CLI: run folders, byte-identical reruns, kill -9 resume, clear errors."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from spine_cli import cli


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_run_writes_config_predictions_and_metrics(tmp_path: Path, plugin_path) -> None:
    proc = cli(
        "run",
        "--model",
        "slow-mean",
        "--limit",
        "40",
        "--out",
        str(tmp_path / "r"),
        "--n-bootstrap",
        "50",
        check=True,
    )
    assert "spearman" in proc.stdout
    config = json.loads((tmp_path / "r/config.json").read_text())
    assert config["status"] == "complete" and config["task"] == "adr-synth" and config["seed"] == 0
    assert config["versions"]["adrbench"] and config["data_fingerprint"]
    preds = _lines(tmp_path / "r/predictions.jsonl")
    assert len(preds) == 40 and len({p["pair_id"] for p in preds}) == 40
    metrics = json.loads((tmp_path / "r/metrics.json").read_text())
    assert metrics["n_items"] == 40 and config["model"] == "slow-mean"
    assert config["config"]["data_fingerprint"] == config["data_fingerprint"]


def test_same_seed_gives_byte_identical_metrics(tmp_path: Path, plugin_path) -> None:
    for name in ("a", "b"):
        cli(
            "run",
            "--model",
            "slow-mean",
            "--limit",
            "60",
            "--out",
            str(tmp_path / name),
            "--n-bootstrap",
            "50",
            "--model-arg",
            "bias=0.5",
            check=True,
        )
    assert (tmp_path / "a/metrics.json").read_bytes() == (tmp_path / "b/metrics.json").read_bytes()


def test_killed_run_resumes_without_losing_or_repeating(tmp_path: Path, plugin_path) -> None:
    out = tmp_path / "killed"
    args = [
        "run",
        "--model",
        "slow-mean",
        "--limit",
        "120",
        "--out",
        str(out),
        "--n-bootstrap",
        "50",
        "--model-arg",
        "delay=0.05",
        "--model-arg",
        "batch_size=4",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from adrbench.cli.main import main; main()", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    preds = out / "predictions.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and (not preds.exists() or len(preds.read_bytes().splitlines()) < 20):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = len(preds.read_bytes().splitlines())
    assert 20 <= before < 120, "the run was not killed mid-way"
    resumed = cli(*args, check=True)
    assert f"{before} resumed" in resumed.stdout or f"{before - 1} resumed" in resumed.stdout
    ids = [p["pair_id"] for p in _lines(preds)]
    assert len(ids) == 120 and len(set(ids)) == 120
    cli(
        "run",
        "--model",
        "slow-mean",
        "--limit",
        "120",
        "--out",
        str(tmp_path / "clean"),
        "--n-bootstrap",
        "50",
        "--model-arg",
        "delay=0.05",
        "--model-arg",
        "batch_size=4",
        check=True,
    )
    assert (out / "metrics.json").read_bytes() == (tmp_path / "clean/metrics.json").read_bytes()


def test_a_finished_run_started_again_predicts_nothing(tmp_path: Path, plugin_path) -> None:
    args = (
        "run",
        "--model",
        "slow-mean",
        "--limit",
        "10",
        "--out",
        str(tmp_path / "r"),
        "--n-bootstrap",
        "0",
    )
    cli(*args, check=True)
    again = cli(*args, check=True)
    assert "0 predicted, 10 resumed" in again.stdout


def test_bad_arguments_give_clear_errors_and_exit_codes(tmp_path: Path, plugin_path) -> None:
    unknown = cli("run", "--model", "kpet")
    assert (
        unknown.returncode == 2
        and "Did you mean 'kept'" in unknown.stderr
        and "Traceback" not in unknown.stderr
    )
    bad_task = cli("run", "--model", "mean", "--task", "jigsaw")
    assert bad_task.returncode == 2 and "'jigsaws'" in bad_task.stderr
    bad_arg = cli("run", "--model", "slow-mean", "--model-arg", "delay")
    assert bad_arg.returncode == 2 and "--model-arg expects key=value" in bad_arg.stderr
    assert cli("run", "--model", "slow-mean", "--limit", "0").returncode == 2
    real = cli("run", "--model", "mean", "--task", "adr", "--data-root", str(tmp_path / "nowhere"))
    assert real.returncode == 2 and "nowhere" in real.stderr and "Traceback" not in real.stderr


def test_a_folder_of_another_run_is_refused(tmp_path: Path, plugin_path) -> None:
    cli(
        "run",
        "--model",
        "slow-mean",
        "--limit",
        "5",
        "--out",
        str(tmp_path / "r"),
        "--n-bootstrap",
        "0",
        check=True,
    )
    other = cli(
        "run", "--model", "slow-mean", "--limit", "6", "--out", str(tmp_path / "r"), "--n-bootstrap", "0"
    )
    assert other.returncode == 2 and "holds a different run" in other.stderr


def test_score_rescores_a_predictions_file_and_rejects_bad_ones(tmp_path: Path, plugin_path) -> None:
    cli(
        "run",
        "--model",
        "slow-mean",
        "--limit",
        "30",
        "--out",
        str(tmp_path / "r"),
        "--n-bootstrap",
        "50",
        check=True,
    )
    scored = cli(
        "score",
        "--task",
        "adr-synth",
        "--predictions",
        str(tmp_path / "r/predictions.jsonl"),
        "--swapped",
        str(tmp_path / "r/predictions_ba.jsonl"),
        "--limit",
        "30",
        "--n-bootstrap",
        "50",
        "--json",
        str(tmp_path / "m.json"),
        check=True,
    )
    assert "spearman" in scored.stdout
    assert (tmp_path / "m.json").read_bytes() == (tmp_path / "r/metrics.json").read_bytes()
    assert json.loads((tmp_path / "m.json").read_text())["metrics"]["order_acc_ba"]["n"] > 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"pair_id": "nope", "score_1": 1}\n', encoding="utf-8")
    rejected = cli("score", "--task", "adr-synth", "--predictions", str(bad))
    assert (
        rejected.returncode == 2
        and "line 1, field 'pair_id'" in rejected.stderr
        and "nope" in rejected.stderr
    )


def test_orders_ab_skips_the_swapped_presentation(tmp_path: Path, plugin_path) -> None:
    out = tmp_path / "ab"
    cli(
        "run",
        "--model",
        "slow-mean",
        "--limit",
        "8",
        "--out",
        str(out),
        "--n-bootstrap",
        "0",
        "--orders",
        "ab",
        check=True,
    )
    assert json.loads((out / "config.json").read_text())["config"]["orders"] == "ab"
    assert not (out / "predictions_ba.jsonl").exists()
    assert cli("run", "--model", "slow-mean", "--orders", "ba").returncode == 2


def test_leave_one_sport_out_and_validation_are_task_args(tmp_path: Path, plugin_path) -> None:
    out = tmp_path / "loso"
    args = ("run", "--model", "slow-mean", "-T", "holdout=Soccer", "-T", "val=0.1", "--out", str(out))
    cli(*args, "--n-bootstrap", "0", "--orders", "ab", check=True)
    config = json.loads((out / "config.json").read_text())
    assert config["split_protocol"]["split_protocol"]["held_out"] == "Soccer"
    assert config["split_protocol"]["validation"]["method"] == "by-performer" and config["splits"]["val"] > 0
    assert {json.loads(line)["pair_id"].split("_")[1] for line in (out / "predictions.jsonl").open()} == {
        "soccer"
    }
    assert cli("run", "--model", "slow-mean", "-T", "holdout=Socer").returncode == 2


def test_ctrl_c_says_what_is_saved_marks_the_run_and_the_same_command_resumes(
    tmp_path: Path, plugin_path
) -> None:
    out = tmp_path / "int"
    args = ["run", "--model", "slow-mean", "--task", "jigsaws-synth", "--out", str(out), "--n-bootstrap", "0",
            "--model-arg", "delay=0.3", "--model-arg", "batch_size=2"]  # fmt: skip
    # Ctrl-C in a terminal: SIGINT with Python's default handler (a shell may start background jobs ignoring it)
    entry = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    proc = subprocess.Popen(
        [sys.executable, "-c", entry + "from adrbench.cli.main import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    preds = out / "predictions.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and (not preds.exists() or len(preds.read_bytes().splitlines()) < 4):
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    saved = len(_lines(preds))
    assert proc.returncode == 130, stderr
    assert 4 <= saved < 14, "the run was not interrupted mid-way"
    assert stderr.strip().splitlines()[-1] == (
        f"interrupted: {saved} of 14 predictions saved in {out}; run the same command to resume"
    )
    assert "Traceback" not in stderr and "spearman" not in stdout
    config = json.loads((out / "config.json").read_text())
    assert config["status"] == "interrupted" and config["interrupted"]
    assert not (out / "metrics.json").exists()

    resumed = cli(*args, check=True)
    assert f"{14 - saved} predicted, {saved} resumed" in resumed.stdout
    ids = [p["video_id"] for p in _lines(preds)]
    assert len(ids) == 14 and len(set(ids)) == 14
    assert json.loads((out / "config.json").read_text())["status"] == "complete"


def test_score_of_a_partial_file_says_so_and_limit_scores_what_it_holds(tmp_path: Path) -> None:
    run = ("run", "--model", "mean", "--task", "jigsaws-synth", "--n-bootstrap", "50")
    cli(*run, "--limit", "5", "--out", str(tmp_path / "five"), check=True)
    cli(*run, "--out", str(tmp_path / "all"), check=True)
    five, every = tmp_path / "five/predictions.jsonl", tmp_path / "all/predictions.jsonl"
    score = ("score", "--task", "jigsaws-synth", "--n-bootstrap", "50")

    partial = cli(*score, "--predictions", str(five), check=True)
    assert partial.stderr.strip() == (
        f"{five}: 5 of 14 test items predicted; the rest count as failures; --limit 5 scores the first 5"
    )
    assert partial.stdout.rstrip().endswith("┘")  # the table comes last...
    assert '"metrics"' not in partial.stdout  # ...and no JSON scrolls it away

    limited = cli(
        *score, "--predictions", str(five), "--limit", "5", "--json", str(tmp_path / "m.json"), check=True
    )
    assert limited.stderr == "" and f"metrics written to {tmp_path / 'm.json'}" in limited.stdout
    assert limited.stdout.rstrip().endswith("┘") and "│ 5 │" in limited.stdout
    assert (tmp_path / "m.json").read_bytes() == (tmp_path / "five/metrics.json").read_bytes()

    # --limit cuts a complete file to the items it scores: the same metrics as `run --limit`
    cli(*score, "--predictions", str(every), "--limit", "5", "--json", str(tmp_path / "cut.json"), check=True)
    assert (tmp_path / "cut.json").read_bytes() == (tmp_path / "five/metrics.json").read_bytes()

    # a file that holds other items than the first ones: no --limit to suggest
    tail = tmp_path / "tail.jsonl"
    tail.write_text(
        "".join(every.read_text(encoding="utf-8").splitlines(keepends=True)[-3:]), encoding="utf-8"
    )
    scattered = cli(*score, "--predictions", str(tail), check=True)
    assert scattered.stderr.strip() == f"{tail}: 3 of 14 test items predicted; the rest count as failures"
