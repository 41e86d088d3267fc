"""Data-parallel KEPT training with torchrun (gloo on CPU, nccl on CUDA); rank 0 writes the checkpoint.

    torchrun --nproc_per_node 2 -m kept.distributed --task adr-synth --out runs/kept-ddp -M epochs=3
    torchrun --nproc_per_node 2 -m kept.distributed --dataset my_data.py:build --out ckpt   # your own Dataset

Every rank draws the same batches (same seed) and trains on its share of each; DDP averages the gradients.
Evaluate the result with `adrbench run --model kept -M checkpoint=<out>`.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
from pathlib import Path

import torch
import torch.distributed as dist

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.jsonl import write_json
from adrbench.options import parse_pairs
from kept.weights import trainable_state


def load_dataset(task: str | None, factory: str | None, seed: int) -> Dataset:
    """A registered task's data, or the Dataset returned by `file.py:function`."""
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

    return get_task(task or "adr-synth").load(seed=seed)


def parameter_digest(module: torch.nn.Module) -> str:
    """SHA-256 of the saved tensors in order (ranks must agree after every step; a frozen base cannot differ)."""
    h = hashlib.sha256()
    for name, p in trainable_state(module).items():
        h.update(name.encode())
        h.update(p.flatten().view(torch.uint8).numpy().tobytes())  # bytes of any dtype, bf16 included
    return h.hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kept.distributed", description=__doc__.split("\n")[0])
    parser.add_argument("--task", default=None)
    parser.add_argument("--dataset", default=None, help="file.py:function returning an adrbench Dataset")
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
    if cuda:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        model_args["device"] = f"cuda:{local}"
    try:
        from kept.adapter import KeptModel

        data = load_dataset(args.task, args.dataset, args.seed)
        model = KeptModel(**model_args)
        model.fit(data, args.seed)
        if model.state is None:
            raise RuntimeError("KEPT training ended without a network")
        digest = parameter_digest(model.state.net)
        write_json(args.out / f"rank{rank}.json", {"rank": rank, "digest": digest, "history": model.history})
        dist.barrier()
        if rank == 0:
            model.save(args.out)
    finally:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
