"""A run's identity includes its data; one scoring path and one strict reader for run, score and submit; a run
that will need WordNet says so before it trains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spine_cli import cli

from adrbench.errors import ConfigError, DataError
from adrbench.runs import RunConfig


def _one_line_error(proc) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def test_a_run_folder_is_never_resumed_onto_other_data(tmp_path: Path) -> None:
    builds = {}
    for seed in (1, 2):
        builds[seed] = tmp_path / f"jigsaws-{seed}"
        cli(
            "data",
            "synth",
            "--task",
            "jigsaws-synth",
            "--out",
            str(builds[seed]),
            "--seed",
            str(seed),
            check=True,
        )
    out = tmp_path / "run"
    common = ("run", "--model", "nn", "--task", "jigsaws-synth", "--n-bootstrap", "0")
    cli(*common, "--data-root", str(builds[1]), "--out", str(out), check=True)
    first = json.loads((out / "config.json").read_text(encoding="utf-8"))
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    refused = cli(*common, "--data-root", str(builds[2]), "--out", str(out))
    message = _one_line_error(refused)
    assert first["data_fingerprint"] in message and "other data" in message and "--out" in message
    second_fp = message.split("this data ")[1].split(")")[0]
    assert second_fp != first["data_fingerprint"] and len(second_fp) >= 8
    assert {
        p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()
    } == before  # nothing reused or touched

    # without --out each build has its own folder, and the second run predicts everything anew
    for seed in (1, 2):
        cli(*common, "--data-root", str(builds[seed]), cwd=tmp_path, check=True)
    folders = sorted((tmp_path / "runs" / "jigsaws-synth").iterdir())
    assert len(folders) == 2
    fps = {json.loads((f / "config.json").read_text(encoding="utf-8"))["data_fingerprint"] for f in folders}
    assert fps == {first["data_fingerprint"], second_fp}
    assert first["config_hash"] in {f.name.split("-")[-1] for f in folders}


def test_run_score_and_submit_write_the_same_metrics(tmp_path: Path) -> None:
    import shutil

    from adrbench.leaderboard.paths import default_leaderboard_dir
    from adrbench.leaderboard.submission import submit
    from adrbench.runner import load_task_data

    run_dir = tmp_path / "r"
    cli("run", "--model", "mean", "--limit", "12", "--out", str(run_dir), check=True)
    preds, twin = run_dir / "predictions.jsonl", run_dir / "predictions_ba.jsonl"
    cli(
        "score", "--task", "adr-synth", "--predictions", str(preds), "--swapped", str(twin), "--limit", "12",
        "--json", str(tmp_path / "scored.json"), check=True,
    )  # fmt: skip
    board = tmp_path / "leaderboards"
    shutil.copytree(default_leaderboard_dir() / "paper", board / "paper")
    # `adrbench submit` loads the whole test split; the run has 12 items, so submit gets the run's data
    config = RunConfig.model_validate(
        json.loads((run_dir / "config.json").read_text(encoding="utf-8"))["config"]
    )
    entry = submit("adr-synth", preds, "mean-12", {}, board, swapped=twin, dataset=load_task_data(config))

    at_run = (run_dir / "metrics.json").read_bytes()
    assert (tmp_path / "scored.json").read_bytes() == at_run
    assert (entry / "metrics.json").read_bytes() == at_run
    metrics = json.loads(at_run)["metrics"]
    assert metrics["order_acc_ba"]["n"] > 0 and metrics["mcq_acc"]["n"] > 0  # the protocols, in every copy
    assert sorted(p.name for p in entry.iterdir()) == [
        "metrics.json", "paired.json", "predictions.jsonl", "predictions_ba.jsonl", "submission.json"
    ]  # fmt: skip
    info = json.loads((entry / "submission.json").read_text(encoding="utf-8"))
    assert info["outputs"] == ["labels", "scores", "text"] and len(info["swapped_sha256"]) == 64


def test_score_reads_strictly_with_file_line_and_field(tmp_path: Path) -> None:
    cli(
        "run",
        "--model",
        "mean",
        "--limit",
        "5",
        "--out",
        str(tmp_path / "r"),
        "--n-bootstrap",
        "0",
        check=True,
    )
    lines = (tmp_path / "r/predictions.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[2])
    record["score_2"] = "3.5"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines[:2], json.dumps(record), *lines[3:]]) + "\n", encoding="utf-8")
    message = _one_line_error(cli("score", "--task", "adr-synth", "--predictions", str(bad), "--limit", "5"))
    assert str(bad) in message and "line 3" in message and "'score_2'" in message

    # the run's own resume reads the same way: a corrupted line stops the run with the same kind of message
    (tmp_path / "r/predictions.jsonl").write_text(bad.read_text(encoding="utf-8"), encoding="utf-8")
    again = cli("run", "--model", "mean", "--limit", "5", "--out", str(tmp_path / "r"), "--n-bootstrap", "0")
    message = _one_line_error(again)
    assert "predictions.jsonl, line 3, field 'score_2'" in message

    from adrbench.predictions import read_predictions
    from adrbench.runner import load_task_data

    data = load_task_data(RunConfig(model="mean", limit=5))
    with pytest.raises(DataError) as info:
        read_predictions(tmp_path / "r/predictions_ba.jsonl", data, "test")  # a (B,A) file read as (A,B)
    assert info.value.line == 1 and info.value.field == "swapped"


def test_missing_wordnet_stops_the_run_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import adrbench.metrics.wordnet as wn_mod
    from adrbench.runner import run
    from baselines.sanity import NearestNeighbourBaseline

    monkeypatch.setattr(wn_mod, "_nltk_wordnet_dir", lambda: None)
    monkeypatch.setattr(wn_mod, "DEBIAN_DIR", tmp_path / "absent")
    monkeypatch.setattr(wn_mod, "cache_root", lambda: tmp_path / "empty-cache")

    def no_training(self, data, seed):
        raise AssertionError("trained although METEOR cannot be computed")

    monkeypatch.setattr(NearestNeighbourBaseline, "fit", no_training)
    out = tmp_path / "r"
    with pytest.raises(ConfigError, match="WordNet") as info:
        run(RunConfig(model="nn", limit=5, n_bootstrap=0), out=out)
    assert "apt-get install" in str(info.value) and "nltk.downloader wordnet" in str(info.value)
    assert not out.exists()
    # a task that scores no text needs no WordNet
    result = run(RunConfig(model="mean", task="jigsaws-synth", limit=5, n_bootstrap=0), out=tmp_path / "j")
    assert result.metrics["metrics"]["spearman"]["n"] > 0
