"""What task a saved model was trained on, and the one check that a checkpoint fits the task it is used on.

A checkpoint records `task_record(data)` of its training data (task, family, unit, skeleton, joints). Used on a
task of another family, unit or skeleton, or where the feature sizes it was built for differ, it is refused
with one line naming both tasks (exit code 2) instead of a tensor-size traceback deep inside the network.
Checkpoints older than the record are checked on the fields they have.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from adrbench.data.skeletons import skeleton_name
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.tasks import task_family

#: The fields of the record that name what a model was trained on (the message shows them).
IDENTITY = ("family", "unit", "skeleton", "n_joints")


def task_record(data: Dataset) -> dict[str, Any]:
    """What a checkpoint records of the task it was trained on."""
    return {
        "task": data.task,
        "family": task_family(data.task),
        "unit": data.unit,
        "skeleton": skeleton_name(data.skeleton),
        "n_joints": len(data.skeleton.joints),
    }


def check_trained_on(
    checkpoint: str | Path,
    saved: Mapping[str, Any],
    data: Dataset,
    shapes: Mapping[str, tuple[Any, Any]] | None = None,
) -> None:
    """A ConfigError unless the checkpoint whose record is `saved` fits `data`'s task: the same family, unit
    and skeleton, and every `shapes` entry (name → (saved, what this task needs)) equal; a field the saved
    record lacks (an older checkpoint) is not checked."""
    saved = dict(saved)
    if "family" not in saved and "task" in saved:
        saved["family"] = task_family(saved["task"])
    here = task_record(data)
    differs = [k for k in IDENTITY if k in saved and saved[k] != here[k]]
    sizes = {k: v for k, v in (shapes or {}).items() if v[0] is not None and v[0] != v[1]}
    if not differs and not sizes:
        return
    detail = "" if differs else " (" + "; ".join(f"{k} {a}, here {b}" for k, (a, b) in sizes.items()) + ")"
    raise ConfigError(
        f"checkpoint {checkpoint} was trained on {_describe(saved)}; this task is {_describe(here)}{detail}: "
        f"train on this task or pass a checkpoint of it"
    )


def _describe(record: Mapping[str, Any]) -> str:
    """'adr-synth (skeleton body, 17 joints)', with what the record has."""
    parts = [f"skeleton {record['skeleton']}"] if "skeleton" in record else []
    parts += [f"{record['n_joints']} joints"] if "n_joints" in record else []
    task = record.get("task", "another task")
    return f"{task} ({', '.join(parts)})" if parts else str(task)
