"""KEPT's training resume state: written after every epoch, read to continue a killed run where it stopped.

One file in the run's training folder, written atomically (adrbench.atomic) by rank 0 once every rank has
finished the epoch: the trainable weights, optimiser and schedule (identical on every rank under DDP), each
rank's RNG state and loss history, and the plan: seed, epochs, steps, world size, the options that shape
training and a SHA-256 of the training tensors. Only rank 0 reads and writes the file (it sends the state to the
other ranks), so the folder need only exist where rank 0 runs.

A state of another plan is refused with a ConfigError naming what differs, an unreadable one with a DataError
naming the file: continuing it would train another model than the one asked for, and starting over would
silently throw it away.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

from adrbench.atomic import write_atomic
from adrbench.errors import ConfigError, DataError
from kept.config import INFERENCE_FIELDS, KeptConfig
from kept.weights import load_trainable_state, trainable_state

RESUME_FILE = "train_state.pt"
FORMAT = 2  # 1 (before kept.resume): the plan as [seed, epochs, total_steps] and one RNG state
KEYS = ("format", "plan", "net", "optimiser", "scheduler", "ranks")
EXIT_AFTER_EPOCH = "KEPT_TEST_EXIT_AFTER_EPOCH"  # tests: N stands in for a kill once epoch N's state is saved
EXIT_CODE = 75
_START_OVER = "delete it to train from the start"


def digest(value: Any) -> str:
    """SHA-256 of tensors (dtype, shape, bytes) and scalars nested in dicts, lists, tuples and dataclasses."""
    h = hashlib.sha256()
    _feed(h, value)
    return h.hexdigest()


def _feed(h: Any, value: Any) -> None:
    if torch.is_tensor(value):
        t = value.detach().cpu().contiguous()
        h.update(f"tensor {t.dtype} {tuple(t.shape)}\n".encode())
        h.update(t.flatten().view(torch.uint8).numpy())  # the bytes of any dtype, bf16 and bool included
    elif isinstance(value, dict):
        h.update(f"dict {len(value)}\n".encode())
        for k, v in value.items():
            _feed(h, k)
            _feed(h, v)
    elif isinstance(value, (list, tuple)):
        h.update(f"list {len(value)}\n".encode())
        for v in value:
            _feed(h, v)
    elif is_dataclass(value) and not isinstance(value, type):
        _feed(h, {f.name: getattr(value, f.name) for f in fields(value)})
    elif value is None or isinstance(value, (str, int, float, bool)):
        h.update(f"{type(value).__name__} {value!r}\n".encode())
    else:
        raise TypeError(f"kept: cannot digest a {type(value).__name__}")


def training_plan(
    cfg: KeptConfig, tensors: Any, seed: int, epochs: int, steps_per_epoch: int, total_steps: int
) -> dict[str, Any]:
    """What decides the trained weights: a state is resumed only by a run of the very same plan."""
    return {
        "seed": seed,
        "epochs": epochs,
        "steps_per_epoch": steps_per_epoch,
        "total_steps": total_steps,
        "world_size": dist.get_world_size() if _distributed() else 1,
        "options": {k: v for k, v in cfg.to_dict().items() if k not in INFERENCE_FIELDS},
        "data": digest(tensors),
    }


def plan_differences(a: dict[str, Any], b: dict[str, Any], a_name: str, b_name: str) -> list[str]:
    """One line per difference between two plans, e.g. "world_size: saved 2, now 1"."""
    out: list[str] = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        if key == "options" and isinstance(va, dict) and isinstance(vb, dict):
            out += [
                f"option {k}: {a_name} {va.get(k)!r}, {b_name} {vb.get(k)!r}"
                for k in sorted(set(va) | set(vb))
                if va.get(k) != vb.get(k)
            ]
        elif va != vb:
            if key == "data":
                key, va, vb = "data (SHA-256 of the training tensors)", f"{va}"[:12], f"{vb}"[:12]
            out.append(f"{key}: {a_name} {va!r}, {b_name} {vb!r}")
    return out


def _distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


def _read(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The saved state (None: no file) and why it cannot be used (None: it can)."""
    if not path.is_file():
        return None, None
    try:
        saved = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # truncated or foreign: RuntimeError, EOFError, UnpicklingError, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return None, f"not a readable KEPT training state ({type(exc).__name__}: {first})"
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        found = saved.get("format", 1) if isinstance(saved, dict) else type(saved).__name__
        return None, f"a KEPT training state of format {found!r}, not {FORMAT} (written by another version)"
    missing = [k for k in KEYS if k not in saved]
    if missing:
        return None, f"a KEPT training state without {', '.join(missing)}"
    return saved, None


class ResumeState:
    """The resume file of one training run, seen from this process's rank: `restore` once, `save` every epoch."""

    def __init__(self, folder: Path, plan: dict[str, Any], device: str) -> None:
        self.path = Path(folder) / RESUME_FILE
        self.plan, self.device = plan, device
        self.distributed = _distributed()
        self.rank = dist.get_rank() if self.distributed else 0
        if self.distributed:
            self._check_ranks_agree()

    def _check_ranks_agree(self) -> None:
        """Refuse ranks that would train different models (their own data, seed or options)."""
        plans: list[Any] = [None] * dist.get_world_size()
        dist.all_gather_object(plans, self.plan)
        for rank, plan in enumerate(plans[1:], start=1):
            differences = plan_differences(plans[0], plan, "rank 0", f"rank {rank}")
            if differences:
                raise ConfigError(f"kept: the ranks would train different models: {'; '.join(differences)}")

    def restore(self, net: torch.nn.Module, optimiser: Any, scheduler: Any) -> list[dict[str, float]]:
        """Load a saved state of this plan into the training objects; returns its history ([]: no state)."""
        found: list[Any] = [_read(self.path) if self.rank == 0 else None]
        if self.distributed:
            dist.broadcast_object_list(found, src=0)
        saved, why = found[0]
        if why is not None:
            raise DataError(self.path, why, hint=_START_OVER)
        if saved is None:
            return []
        differences = plan_differences(saved["plan"], self.plan, "saved", "now")
        if differences:
            raise ConfigError(
                f"kept: {self.path} is the training state of another run ({'; '.join(differences)}); resume "
                f"with the same data, world size, seed and options, or delete {self.path.parent} to start over"
            )
        try:
            load_trainable_state(net, saved["net"])
            optimiser.load_state_dict(saved["optimiser"])
            scheduler.load_state_dict(saved["scheduler"])
            mine = saved["ranks"][self.rank]
            torch.set_rng_state(mine["rng"])
            if "cuda_rng" in mine:
                torch.cuda.set_rng_state(mine["cuda_rng"], self.device)
        except (KeyError, IndexError, TypeError, ValueError, RuntimeError) as exc:
            raise DataError(self.path, f"does not fit this network ({exc})", hint=_START_OVER) from None
        return list(mine["history"])

    def save(
        self, net: torch.nn.Module, optimiser: Any, scheduler: Any, history: list[dict[str, float]]
    ) -> None:
        """After an epoch: rank 0 gathers every rank's RNG and history (so all ranks finished it) and writes the
        state; the barrier after it means no rank goes on before the state is on disk."""
        mine: dict[str, Any] = {"rng": torch.get_rng_state(), "history": history}
        if self.device.startswith("cuda"):
            mine["cuda_rng"] = torch.cuda.get_rng_state(self.device)
        ranks: list[Any] | None = [mine]
        if self.distributed:
            ranks = [None] * dist.get_world_size() if self.rank == 0 else None
            dist.gather_object(mine, ranks, dst=0)
        if self.rank == 0:
            state = {
                "format": FORMAT,
                "plan": self.plan,
                "net": trainable_state(net),  # no frozen base weights: they are reloaded from the base
                "optimiser": optimiser.state_dict(),
                "scheduler": scheduler.state_dict(),
                "ranks": ranks,
            }
            buffer = io.BytesIO()
            torch.save(state, buffer)
            write_atomic(self.path, buffer.getvalue())
        if self.distributed:
            dist.barrier()
        if os.environ.get(EXIT_AFTER_EPOCH) == str(len(history)):
            os._exit(EXIT_CODE)  # a kill's stand-in for tests: no cleanup, no clean shutdown
