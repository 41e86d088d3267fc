"""`adrbench run --seeds` through the real CLI: one ordinary run folder per training seed on the same data,
seeds.json with the per-seed values and their mean and SD, the table, resume, and bad --seeds."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from spine_cli import cli

ARGS = ("run", "--model", "magr", "--task", "jigsaws-synth", "--n-bootstrap", "20", "--seeds", "2")


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_seeds_run_each_seed_in_its_folder_summarize_and_resume(tmp_path: Path) -> None:
    out = tmp_path / "study"
    proc = cli(*ARGS, "--out", str(out), check=True)
    configs = [_json(out / f"seed{s}" / "config.json") for s in (0, 1)]
    assert [(c["seed"], c["train_seed"], c["status"]) for c in configs] == [(0, 0, "complete"), (0, 1, "complete")]
    assert configs[0]["data_fingerprint"] == configs[1]["data_fingerprint"]  # the same data for both seeds
    assert configs[0]["config_hash"] != configs[1]["config_hash"]
    per_seed = [_json(out / f"seed{s}" / "metrics.json")["metrics"] for s in (0, 1)]
    summary = _json(out / "seeds.json")
    assert summary["seeds"] == [0, 1] and summary["n_seeds"] == 2
    rho = [m["spearman"]["value"] for m in per_seed]
    assert rho[0] != rho[1]  # the training seed does change the model
    for key, stats in summary["metrics"].items():
        values = [m[key]["value"] for m in per_seed]
        assert stats["values"] == values and stats["n_seeds"] == 2
        assert abs(stats["mean"] - statistics.fmean(values)) < 1e-12
        assert abs(stats["sd"] - statistics.stdev(values)) < 1e-12
    assert "seed 1" in proc.stdout and "mean ± SD" in proc.stdout
    assert f"{statistics.fmean(rho):.4f} ± {statistics.stdev(rho):.4f}" in proc.stdout

    # a killed study resumes: seed 1 lost its metrics (and predictions); the rerun redoes only that
    first_seed = (out / "seed0" / "metrics.json").read_bytes()
    (out / "seed1" / "metrics.json").unlink()
    (out / "seed1" / "predictions.jsonl").write_text("", encoding="utf-8")
    (out / "seeds.json").unlink()
    cli(*ARGS, "--out", str(out), check=True)
    assert (out / "seed0" / "metrics.json").read_bytes() == first_seed
    assert _json(out / "seed1" / "metrics.json")["metrics"]["spearman"]["value"] == rho[1]
    assert _json(out / "seeds.json") == summary


def test_a_seed_folder_is_what_train_seed_writes(tmp_path: Path) -> None:
    cli(*ARGS[:-1], "1", "--out", str(tmp_path / "study"), check=True)
    single = tmp_path / "single"
    cli(*ARGS[:-2], "--train-seed", "0", "--out", str(single), check=True)
    assert _json(single / "config.json")["config_hash"] == _json(tmp_path / "study/seed0/config.json")["config_hash"]


def test_bad_seeds_are_one_line_and_exit_2(tmp_path: Path) -> None:
    for bad in ("0,x", "0", "1,1"):
        proc = cli(*ARGS[:-1], bad, "--out", str(tmp_path / "bad"))
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--seeds" in proc.stderr, proc.stderr
    proc = cli(*ARGS, "--train-seed", "3", "--out", str(tmp_path / "bad"))
    assert proc.returncode == 2 and "not both" in proc.stderr
