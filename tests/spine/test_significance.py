"""Stored runs carry paired tests against the baseline run, and the measured tables mark what is significant."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from spine_cli import cli

REPO = Path(__file__).resolve().parents[2]


def test_stored_run_is_tested_against_the_baseline(tmp_path: Path, plugin_path) -> None:
    common = ("--limit", "80", "--n-bootstrap", "50", "--orders", "ab")
    cli("run", "--model", "mean", "--out", str(tmp_path / "runs/mean"), *common, check=True)
    cli(
        "run",
        "--model",
        "slow-mean",
        "--out",
        str(tmp_path / "runs/other"),
        "-M",
        "bias=4",
        *common,
        check=True,
    )
    board = tmp_path / "board"
    shutil.copytree(REPO / "leaderboards/paper", board / "paper")
    cli("tables", "--runs", str(tmp_path / "runs"), "--store", "--leaderboard-dir", str(board), check=True)
    stored = board / "measured/adr-synth"
    assert not (stored / "mean-seed0/paired.json").exists()  # the baseline is not tested against itself
    [other] = [p for p in stored.iterdir() if p.name.startswith("slow-mean")]
    paired = json.loads((other / "paired.json").read_text())
    assert paired["baseline"] == "mean" and {"spearman", "relative_l2", "bleu", "meteor"} <= set(
        paired["tests"]
    )
    test = paired["tests"]["relative_l2"]
    assert test["delta"] > 0 and test["p_value"] < 0.05  # a 4-point bias is clearly worse than the mean
    table = (board / "generated/measured/table2-measured-synth.md").read_text()
    assert "p < 0.05" in table and "*" in next(line for line in table.splitlines() if "slow-mean" in line)
