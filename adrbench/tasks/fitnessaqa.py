"""FitnessAQA tasks: four binary form errors per clip (OHP_knee, OHP_elbow, Squat_forward, Squat_inward)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from adrbench.data.fitnessaqa import load_fitnessaqa
from adrbench.data.synth.cache import resolve_synth_root
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.records import Unit
from adrbench.tasks.base import Task


def _no_args(task: str, args: dict[str, str]) -> None:
    if args:
        raise ConfigError(f"task {task!r} takes no task arguments; got {', '.join(sorted(args))}")


class FitnessAqaTask(Task):
    """FitnessAQA (Parmar et al. 2022) from its release folder: Squat and OHP error labels per clip."""

    name: ClassVar[str] = "fitnessaqa"
    family: ClassVar[str] = "fitnessaqa"
    unit: ClassVar[Unit] = "video"
    env_var: ClassVar[str | None] = "ADRBENCH_FITNESSAQA_ROOT"
    summary: ClassVar[str] = "FitnessAQA error classification (Squat, OHP), F1 per error"

    def load(self, data_root: Path | None = None, seed: int = 0, **args: str) -> Dataset:
        _no_args(self.name, args)
        root = data_root or os.environ.get(self.env_var or "")
        if not root:
            raise DataError(
                f"${self.env_var}",
                "no FitnessAQA folder given",
                hint="pass --data-root DIR or set ADRBENCH_FITNESSAQA_ROOT to Fitness-AQA_dataset_release; "
                "without it run: adrbench run --task fitnessaqa-synth",
            )
        return load_fitnessaqa(Path(root), task=self.name)


class FitnessAqaSynthTask(Task):
    """The embedded synthetic twin of FitnessAQA: the real split sizes, labels measured from generated kinematics."""

    name: ClassVar[str] = "fitnessaqa-synth"
    family: ClassVar[str] = "fitnessaqa"
    unit: ClassVar[Unit] = "video"
    synthetic: ClassVar[bool] = True
    summary: ClassVar[str] = "synthetic FitnessAQA twin with a keypoints side folder"

    def load(self, data_root: Path | None = None, seed: int = 0, **args: str) -> Dataset:
        _no_args(self.name, args)
        dataset = load_fitnessaqa(resolve_synth_root(self.name, data_root, seed), task=self.name)
        dataset.provenance["synthetic_seed"] = seed
        return dataset
