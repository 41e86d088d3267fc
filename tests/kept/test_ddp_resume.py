"""Resuming a killed torchrun DDP run of KEPT (2 CPU processes, gloo): the weights of an uninterrupted run, and
a resume state of another plan, or a damaged one, refused before anything is written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from kept_fixtures import TINY_ARGS, make_dataset

from adrbench.errors import ConfigError, DataError
from kept.adapter import KeptModel
from kept.resume import EXIT_AFTER_EPOCH, RESUME_FILE

HERE = Path(__file__).parent
# batch 5 of 12 pairs: 3/2 items a rank, so the ranks draw different dropout masks and their RNGs part
ARGS = {**TINY_ARGS, "epochs": "3", "batch": "5", "threads": "1"}
slow = pytest.mark.slow  # each torchrun launch starts three Python processes with torch (~10 s)


def torchrun(
    factory: Path,
    out: Path,
    *,
    nproc: int = 2,
    seed: int = 0,
    args: dict[str, str] = ARGS,
    exit_after: int = 0,
) -> subprocess.CompletedProcess[str]:
    """`torchrun -m kept.distributed` on one node; `exit_after` N: the ranks exit once epoch N's state is saved."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    env.pop(EXIT_AFTER_EPOCH, None)
    if exit_after:
        env[EXIT_AFTER_EPOCH] = str(exit_after)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(nproc)]
    command += [
        "-m",
        "kept.distributed",
        "--dataset",
        f"{factory}:build",
        "--out",
        str(out),
        "--seed",
        str(seed),
    ]
    command += [f"-M{k}={v}" for k, v in args.items()]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def ranks(out: Path) -> list[dict]:
    return [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]


@pytest.fixture(scope="module")
def factory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("factory") / "factory.py"
    path.write_text(
        f"import sys\nsys.path.insert(0, {str(HERE)!r})\nfrom kept_fixtures import make_dataset\n\n"
        "def build():\n    return make_dataset()\n"
    )
    return path


@pytest.fixture(scope="module")
def killed(factory: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of a 3-epoch run whose ranks died right after epoch 1's state was written."""
    out = tmp_path_factory.mktemp("killed") / "out"
    proc = torchrun(factory, out, exit_after=1)
    assert proc.returncode != 0, proc.stderr[-3000:]
    assert "kept epoch 1/3" not in proc.stderr  # it died before saying so: the state is all that is left
    assert sorted(p.name for p in out.iterdir()) == ["training"]
    return out


def copy_of(killed: Path, tmp_path: Path) -> Path:
    shutil.copytree(killed, tmp_path / "out")
    return tmp_path / "out"


@slow
def test_killed_run_resumes_with_the_weights_of_an_uninterrupted_one(
    factory: Path, killed: Path, tmp_path: Path
) -> None:
    whole = tmp_path / "whole"
    proc = torchrun(factory, whole)
    assert proc.returncode == 0, proc.stderr[-3000:]

    saved = torch.load(killed / "training" / RESUME_FILE, weights_only=True)
    assert saved["plan"]["world_size"] == 2 and [len(r["history"]) for r in saved["ranks"]] == [1, 1]
    out = copy_of(killed, tmp_path)
    proc = torchrun(factory, out)  # the very same command again
    assert proc.returncode == 0, proc.stderr[-3000:]
    for rank in (0, 1):
        said = [
            line for line in proc.stderr.splitlines() if line.startswith(f"kept.distributed rank {rank}: ")
        ]
        assert any("resuming training after epoch 1/3" in line for line in said), proc.stderr[-3000:]
        epochs = [line.split(": ", 1)[1].split(" ")[2] for line in said if ": kept epoch " in line]
        assert epochs == ["2/3", "3/3"]  # epoch 1 is not trained again
    resumed, expected = ranks(out), ranks(whole)
    assert resumed[0]["digest"] == resumed[1]["digest"] == expected[0]["digest"]
    for r in (0, 1):  # each rank's own losses, epoch 1 from the state, in order
        assert len(resumed[r]["history"]) == 3 and resumed[r]["history"] == expected[r]["history"]
    assert not (out / "training").exists()  # the saved model supersedes the resume state, as after `run`
    assert (out / "model.safetensors").read_bytes() == (whole / "model.safetensors").read_bytes()


@slow
def test_resume_of_another_plan_is_refused_and_nothing_written(
    factory: Path, killed: Path, tmp_path: Path
) -> None:
    out = copy_of(killed, tmp_path)
    state = out / "training" / RESUME_FILE
    before = state.read_bytes()
    proc = torchrun(factory, out, nproc=1, seed=1, args={**ARGS, "lr": "0.003"})
    assert proc.returncode != 0
    assert "is the training state of another run" in proc.stderr, proc.stderr[-3000:]
    for difference in (
        "world_size: saved 2, now 1",
        "seed: saved 0, now 1",
        "option lr: saved 0.002, now 0.003",
    ):
        assert difference in proc.stderr
    assert "data (SHA-256" not in proc.stderr  # the same data: only what differs is named
    assert state.read_bytes() == before and sorted(p.name for p in out.iterdir()) == ["training"]


@slow
def test_damaged_state_is_refused_on_every_rank(factory: Path, killed: Path, tmp_path: Path) -> None:
    out = copy_of(killed, tmp_path)
    state = out / "training" / RESUME_FILE
    state.write_bytes(state.read_bytes()[:1000])  # cut short, as by a full disk outside the atomic writer
    proc = torchrun(factory, out)
    assert proc.returncode != 0
    for rank in (0, 1):
        assert f"kept.distributed rank {rank}: {state}: not a readable KEPT training state" in proc.stderr, (
            proc.stderr[-3000:]
        )
    assert "delete it to train from the start" in proc.stderr
    assert len(state.read_bytes()) == 1000 and sorted(p.name for p in out.iterdir()) == ["training"]


@slow
def test_ranks_with_different_data_are_refused(tmp_path: Path) -> None:
    factory = tmp_path / "factory.py"  # rank 1 reads one more training video than rank 0
    factory.write_text(
        f"import os, sys\nsys.path.insert(0, {str(HERE)!r})\nfrom kept_fixtures import make_dataset\n\n"
        "def build():\n    return make_dataset(n_train=8 + int(os.environ['RANK']))\n"
    )
    proc = torchrun(factory, tmp_path / "out")
    assert proc.returncode != 0
    assert "the ranks would train different models" in proc.stderr, proc.stderr[-3000:]
    assert "data (SHA-256 of the training tensors): rank 0" in proc.stderr
    assert not (tmp_path / "out" / "training").exists()


def test_single_process_resume_refuses_other_data_and_a_foreign_file(tmp_path: Path) -> None:
    args = {**TINY_ARGS, "epochs": "1"}
    first = KeptModel(**args)
    first.work_dir = tmp_path / "training"
    first.fit(make_dataset(), seed=0)
    other = make_dataset()
    other.videos["train0"] = other.videos["train0"].model_copy(update={"score": 9.5})
    with pytest.raises(ConfigError, match=r"data \(SHA-256 of the training tensors\): saved '[0-9a-f]{12}'"):
        again = KeptModel(**args)
        again.work_dir = tmp_path / "training"
        again.fit(other, seed=0)
    (tmp_path / "training" / RESUME_FILE).write_bytes(b"not a torch file")
    with pytest.raises(DataError, match="not a readable KEPT training state"):
        again = KeptModel(**args)
        again.work_dir = tmp_path / "training"
        again.fit(make_dataset(), seed=0)


def test_data_root_reaches_the_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import adrbench.tasks
    from kept.distributed import load_dataset

    seen: dict = {}

    class Task:
        def load(self, data_root=None, seed=0, **args):
            seen.update(data_root=data_root, seed=seed)
            return make_dataset()

    monkeypatch.setattr(adrbench.tasks, "get_task", lambda name: Task())
    load_dataset("adr", None, 3, tmp_path)
    assert seen == {"data_root": tmp_path, "seed": 3}
