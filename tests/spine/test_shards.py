"""Sharded runs: `run --shard i/N` predicts a stable slice of the test items into its own folder, and `merge`
joins the N shards into the unsharded run's folder (same predictions and metrics.json bytes), refusing shards
that do not make one run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from spine_cli import cli

RUN = ("run", "--model", "nn", "--task", "jigsaws-synth", "--n-bootstrap", "200")


def _one_line_error(proc) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the unsharded run (full/) and its three shards (x/shard0..2)."""
    root = tmp_path_factory.mktemp("shards")
    cli(*RUN, "--out", str(root / "full"), check=True)
    for i in range(3):
        cli(*RUN, "--shard", f"{i}/3", "--out", str(root / "x" / f"shard{i}"), check=True)
    return root


def test_merged_shards_are_the_unsharded_run(shards: Path, tmp_path: Path) -> None:
    x = tmp_path / "x"
    shutil.copytree(shards / "x", x)
    ids = []
    for i in range(3):
        folder = x / f"shard{i}"
        record = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        assert record["shard"] == f"{i}/3" and record["config"]["shard"] == [i, 3]
        # a shard is complete but not scored
        assert record["status"] == "complete" and not (folder / "metrics.json").exists()
        lines = (folder / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == record["n_shard_items"] >= 1
        ids += [json.loads(line)["video_id"] for line in lines]
    full = shards / "full"
    assert sorted(ids) == sorted(json.loads(line)["video_id"] for line in (full / "predictions.jsonl").open())

    merged = cli("merge", *(str(x / f"shard{i}") for i in (2, 0, 1)), "--out", str(x), check=True)
    assert "3 shards merged" in merged.stdout
    for name in ("metrics.json", "predictions.jsonl"):
        assert (x / name).read_bytes() == (full / name).read_bytes(), name
    full_cfg, merged_cfg = (json.loads((f / "config.json").read_text(encoding="utf-8")) for f in (full, x))
    assert merged_cfg["config_hash"] == full_cfg["config_hash"] and merged_cfg["config"] == full_cfg["config"]
    assert len(merged_cfg["merged_from"]) == 3 and "shard" not in merged_cfg

    # the merged folder is the full run's: running it again predicts nothing and rescores to the same bytes
    again = cli(*RUN, "--out", str(x), check=True)
    assert "0 predicted" in again.stdout
    assert (x / "metrics.json").read_bytes() == (full / "metrics.json").read_bytes()


def _bad_copy(shards: Path, tmp_path: Path, name: str, shard: int) -> Path:
    target = tmp_path / name
    shutil.copytree(shards / "x" / f"shard{shard}", target)
    return target


def _set(folder: Path, **fields) -> None:
    path = folder / "config.json"
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")) | fields), encoding="utf-8")


def test_merge_refuses_shards_that_do_not_make_one_run(shards: Path, tmp_path: Path) -> None:
    s0, s1, s2 = (str(shards / "x" / f"shard{i}") for i in range(3))
    other_seed = tmp_path / "seed1"
    cli(*RUN, "--train-seed", "1", "--shard", "2/3", "--out", str(other_seed), check=True)
    unfinished = _bad_copy(shards, tmp_path, "unfinished", 2)
    _set(unfinished, status="interrupted")
    torn = _bad_copy(shards, tmp_path, "torn", 2)
    lines = (torn / "predictions.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (torn / "predictions.jsonl").write_text("".join(lines[:-1]), encoding="utf-8")
    overlap = _bad_copy(shards, tmp_path, "overlap", 2)
    with (overlap / "predictions.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(Path(s0, "predictions.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)[0])
    full = str(shards / "full")

    cases = {
        "missing shard 2 of 3": (s0, s1),
        "missing shards 0, 2 of 3": (s1,),
        "shard 0/3 is given twice": (s0, s1, s0, s2),
        "differ in train_seed (None vs 1)": (s0, s1, str(other_seed)),
        "is not complete (status 'interrupted')": (s0, s1, str(unfinished)),
        f"{len(lines) - 1} of the shard's {len(lines)} items predicted": (s0, s1, str(torn)),
        "overlapping shards": (s0, s1, str(overlap)),
        "is a full run, not a shard": (s0, s1, full),
        "already holds a run": (s0, s1, s2),  # --out full below
    }
    for expected, dirs in cases.items():
        out = shards / "full" if expected == "already holds a run" else tmp_path / "merged"
        before = _files(shards)
        message = _one_line_error(cli("merge", *dirs, "--out", str(out)))
        assert expected in message, (expected, message)
        assert not (tmp_path / "merged").exists() and _files(shards) == before  # nothing written


def test_a_shard_folder_resumes_only_as_itself(shards: Path, tmp_path: Path) -> None:
    folder = tmp_path / "shard0"
    shutil.copytree(shards / "x" / "shard0", folder)
    before = _files(folder)
    message = _one_line_error(cli(*RUN, "--shard", "1/3", "--out", str(folder)))
    assert "holds shard 0/3, not shard 1/3" in message and "--out" in message
    message = _one_line_error(cli(*RUN, "--out", str(folder)))
    assert "holds shard 0/3, not a full run" in message
    assert _files(folder) == before
    # the same shard resumes: nothing to do
    again = cli(*RUN, "--shard", "0/3", "--out", str(folder), check=True)
    assert "0 predicted" in again.stdout and _files(folder) == before | {
        "config.json": (folder / "config.json").read_bytes()
    }
    message = _one_line_error(cli(*RUN, "--shard", "3/3", "--out", str(tmp_path / "bad")))
    assert "--shard 3/3" in message and "0 to 2" in message and not (tmp_path / "bad").exists()


def test_adr_shards_merge_both_orders(tmp_path: Path) -> None:
    adr = ("run", "--model", "mean", "--task", "adr-synth", "--limit", "12", "--n-bootstrap", "100")
    cli(*adr, "--orders", "both", "--out", str(tmp_path / "full"), check=True)
    for i in range(2):
        cli(*adr, "--orders", "both", "--shard", f"{i}/2", "--out", str(tmp_path / f"s{i}"), check=True)
    cli("merge", str(tmp_path / "s0"), str(tmp_path / "s1"), "--out", str(tmp_path / "m"), check=True)
    for name in ("metrics.json", "predictions.jsonl", "predictions_ba.jsonl"):
        assert (tmp_path / "m" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name
