"""FitnessAQA tasks: `fitnessaqa` reads the release folder; `fitnessaqa-synth` its generated twin."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from adrbench.data.fitnessaqa import load_fitnessaqa
from adrbench.dataset import Dataset
from adrbench.records import Unit
from adrbench.tasks.base import Task


class FitnessAqaTask(Task):
    """FitnessAQA (Parmar et al. 2022) from its release folder: Squat and OHP error labels per clip."""

    name: ClassVar[str] = "fitnessaqa"
    family: ClassVar[str] = "fitnessaqa"
    unit: ClassVar[Unit] = "video"
    env_var: ClassVar[str | None] = "ADRBENCH_FITNESSAQA_ROOT"
    missing_hint: ClassVar[str] = (
        "point it at Fitness-AQA_dataset_release; without it run: adrbench run --task fitnessaqa-synth"
    )
    summary: ClassVar[str] = "FitnessAQA error classification (Squat, OHP), F1 per error"

    def read(self, root: Path, **args: str) -> Dataset:
        return load_fitnessaqa(root, task=self.name)


class FitnessAqaSynthTask(FitnessAqaTask):
    """The embedded synthetic twin of FitnessAQA: the real split sizes, labels measured from generated kinematics."""

    name: ClassVar[str] = "fitnessaqa-synth"
    synthetic: ClassVar[bool] = True
    summary: ClassVar[str] = "synthetic FitnessAQA twin with a keypoints side folder"
