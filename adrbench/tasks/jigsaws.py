"""JIGSAWS tasks: GRS regression per trial under LOUO/LOSO folds (`--task-arg protocol=louo fold=1`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from adrbench.data.jigsaws import load_jigsaws
from adrbench.data.synth.cache import resolve_synth_root
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.records import Unit
from adrbench.tasks.base import Task

ARGS = ("protocol", "fold", "surgical_task")


def _check_args(task: str, args: dict[str, str]) -> None:
    unknown = sorted(set(args) - set(ARGS))
    if unknown:
        raise ConfigError(f"task {task!r} has no argument {', '.join(unknown)}; known: {', '.join(ARGS)}")


class JigsawsTask(Task):
    """JIGSAWS (Gao et al. 2014) from its original release: Knot Tying, Needle Passing, Suturing."""

    name: ClassVar[str] = "jigsaws"
    family: ClassVar[str] = "jigsaws"
    unit: ClassVar[Unit] = "video"
    env_var: ClassVar[str | None] = "ADRBENCH_JIGSAWS_ROOT"
    summary: ClassVar[str] = "JIGSAWS GRS regression; args protocol=louo|loso, fold=N, surgical_task=..."

    def load(self, data_root: Path | None = None, seed: int = 0, **args: str) -> Dataset:
        _check_args(self.name, args)
        root = data_root or os.environ.get(self.env_var or "")
        if not root:
            raise DataError(
                f"${self.env_var}",
                "no JIGSAWS folder given",
                hint="pass --data-root DIR or set ADRBENCH_JIGSAWS_ROOT to the folder holding "
                "Suturing/ Knot_Tying/ Needle_Passing/; without it run: adrbench run --task jigsaws-synth",
            )
        return load_jigsaws(
            Path(root),
            task=self.name,
            protocol=args.get("protocol", "louo"),
            fold=args.get("fold"),
            surgical_task=args.get("surgical_task"),
        )


class JigsawsSynthTask(Task):
    """The embedded synthetic twin of JIGSAWS: the real trial counts, written in the original formats."""

    name: ClassVar[str] = "jigsaws-synth"
    family: ClassVar[str] = "jigsaws"
    unit: ClassVar[Unit] = "video"
    synthetic: ClassVar[bool] = True
    summary: ClassVar[str] = "synthetic JIGSAWS twin; args protocol=louo|loso, fold=N, surgical_task=..."

    def load(self, data_root: Path | None = None, seed: int = 0, **args: str) -> Dataset:
        _check_args(self.name, args)
        dataset = load_jigsaws(
            resolve_synth_root(self.name, data_root, seed),
            task=self.name,
            protocol=args.get("protocol", "louo"),
            fold=args.get("fold"),
            surgical_task=args.get("surgical_task"),
        )
        dataset.provenance["synthetic_seed"] = seed
        return dataset
