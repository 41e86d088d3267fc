"""What a task is: a name, its unit of evaluation, and how to load its Dataset."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from adrbench.dataset import Dataset
from adrbench.records import Unit


class Task(ABC):
    """A benchmark task. `load` reads the original files (real tasks) or the generated twin (synthetic tasks)."""

    name: ClassVar[str]
    family: ClassVar[str]  # 'adr' | 'jigsaws' | 'fitnessaqa'
    unit: ClassVar[Unit]
    synthetic: ClassVar[bool] = False
    env_var: ClassVar[str | None] = None  # environment variable naming the data root of a real task
    summary: ClassVar[str] = ""

    @abstractmethod
    def load(self, data_root: Path | None = None, seed: int = 0, **args: str) -> Dataset:
        """Load the task's data. Real tasks need `data_root` (or `env_var`); `args` come from `--task-arg k=v`."""
