"""Data-parallel KEPT training with torchrun (gloo on CPU, nccl on CUDA); rank 0 writes the checkpoint.

    torchrun --nproc_per_node 2 -m kept.distributed --task adr-synth --out runs/kept-ddp -M epochs=3
    torchrun --nproc_per_node 2 -m kept.distributed --dataset my_data.py:build --out ckpt   # your own Dataset

Every rank draws the same batches (same seed) and trains on its share of each; DDP averages the gradients.
Rank 0 writes the resume state to OUT/training after every epoch (kept.resume); the same command run again
after a kill continues after the last finished epoch, and refuses a state of other data, another world size,
seed or options (the ranks exit with code 2). Evaluate the result with `adrbench run --model kept -M
checkpoint=<out>`.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
from pathlib import Path

import torch
import torch.distributed as dist

from adrbench.atomic import remove_dir
from adrbench.dataset import Dataset
from adrbench.errors import AdrbenchError, ConfigError
from adrbench.jsonl import write_json
from adrbench.options import parse_pairs
from adrbench.runs import TRAINING_DIR
from kept.resume import digest
from kept.weights import trainable_state


def load_dataset(task: str | None, factory: str | None, seed: int, data_root: Path | None = None) -> Dataset:
    """A registered task's data (under `data_root`, else its default place), or the Dataset returned by
    `file.py:function`."""
    if factory:
        path, sep, func = factory.rpartition(":")
        if not sep or not path or not func:
            raise ConfigError(f"--dataset expects file.py:function, got {factory!r}")
        spec = importlib.util.spec_from_file_location("kept_dataset_factory", path)
        if spec is None or spec.loader is None or not Path(path).is_file():
            raise ConfigError(f"--dataset: cannot import {path!r} (not a Python file)")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        build = getattr(module, func, None)
        if not callable(build):
            raise ConfigError(f"--dataset: {path} has no function {func!r}")
        data = build()
        if not isinstance(data, Dataset):
            raise ConfigError(f"--dataset: {factory} returned {type(data).__name__}, not an adrbench Dataset")
        return data
    from adrbench.tasks import get_task

    return get_task(task or "adr-synth").load(data_root=data_root, seed=seed)


def parameter_digest(module: torch.nn.Module) -> str:
    """SHA-256 of the saved tensors in order (ranks must agree after every step; a frozen base cannot differ)."""
    return digest(trainable_state(module))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kept.distributed", description=__doc__.split("\n")[0])
    parser.add_argument("--task", default=None)
    parser.add_argument("--dataset", default=None, help="file.py:function returning an adrbench Dataset")
    parser.add_argument(
        "--data-root", default=None, type=Path, help="the task's data folder (as adrbench run)"
    )
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-M", "--model-arg", action="append", default=[], help="KEPT option key=value")
    args = parser.parse_args(argv)
    try:
        model_args = parse_pairs(args.model_arg, "--model-arg")
    except ConfigError as exc:
        parser.error(str(exc))  # exit 2 with the usage line
    cuda = torch.cuda.is_available() and model_args.get("device", "cpu").startswith("cuda")
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    rank = dist.get_rank()
    shown = logging.StreamHandler()  # KEPT's progress (epochs, resuming) on stderr, one line per rank
    shown.setFormatter(logging.Formatter(f"kept.distributed rank {rank}: %(message)s"))
    logging.getLogger("kept").addHandler(shown)
    logging.getLogger("kept").setLevel(logging.INFO)
    if cuda:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        model_args["device"] = f"cuda:{local}"
    try:
        train(args, model_args, rank)
    except AdrbenchError as exc:  # a refused resume state, bad data: one line per rank, no traceback
        print(f"kept.distributed rank {rank}: {exc}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    finally:
        dist.destroy_process_group()


def train(args: argparse.Namespace, model_args: dict[str, str], rank: int) -> None:
    """Train on this rank (resuming from OUT/training), then rank 0 saves the model and drops the resume state."""
    from kept.adapter import KeptModel

    data = load_dataset(args.task, args.dataset, args.seed, args.data_root)
    model = KeptModel(**model_args)
    model.work_dir = work = args.out / TRAINING_DIR
    model.fit(data, args.seed)
    if model.state is None:
        raise RuntimeError("KEPT training ended without a network")
    record = {"rank": rank, "digest": parameter_digest(model.state.net), "history": model.history}
    write_json(args.out / f"rank{rank}.json", record)
    dist.barrier()
    if rank == 0:
        model.save(args.out)
        remove_dir(work)  # as after `adrbench run`: the saved model supersedes it


if __name__ == "__main__":
    main()
