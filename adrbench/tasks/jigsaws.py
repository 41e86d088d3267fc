"""JIGSAWS tasks: GRS regression per trial under LOUO/LOSO folds (`--task-arg protocol=louo -T fold=1`)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from adrbench.data.jigsaws import load_jigsaws
from adrbench.dataset import Dataset
from adrbench.records import Unit
from adrbench.tasks.base import Task


class JigsawsTask(Task):
    """JIGSAWS (Gao et al. 2014) from its original release: Knot Tying, Needle Passing, Suturing."""

    name: ClassVar[str] = "jigsaws"
    family: ClassVar[str] = "jigsaws"
    unit: ClassVar[Unit] = "video"
    env_var: ClassVar[str | None] = "ADRBENCH_JIGSAWS_ROOT"
    missing_hint: ClassVar[str] = (
        "it holds Suturing/ Knot_Tying/ Needle_Passing/; without it run: adrbench run --task jigsaws-synth"
    )
    args: ClassVar[tuple[str, ...]] = ("protocol", "fold", "surgical_task", "folds")
    summary: ClassVar[str] = (
        "JIGSAWS GRS regression; args protocol=louo|loso, fold=N (the official N_Out where Experimental_setup is "
        "there), surgical_task=..., folds=auto|official|derived"
    )

    def read(self, root: Path, **args: str) -> Dataset:
        return load_jigsaws(
            root,
            task=self.name,
            protocol=args.get("protocol", "louo"),
            fold=args.get("fold"),
            surgical_task=args.get("surgical_task"),
            folds=args.get("folds", "auto"),
        )


class JigsawsSynthTask(JigsawsTask):
    """The embedded synthetic twin of JIGSAWS: the real trial counts, written in the original formats."""

    name: ClassVar[str] = "jigsaws-synth"
    synthetic: ClassVar[bool] = True
    summary: ClassVar[str] = "synthetic JIGSAWS twin; args as jigsaws"
