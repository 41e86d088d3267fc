"""Task names → task classes, imported lazily."""

from __future__ import annotations

from adrbench.registry import import_object, unknown
from adrbench.tasks.base import Task

TASKS: dict[str, str] = {
    "adr": "adrbench.tasks.adr:AdrTask",
    "adr-synth": "adrbench.tasks.adr:AdrSynthTask",
    "jigsaws": "adrbench.tasks.jigsaws:JigsawsTask",
    "jigsaws-synth": "adrbench.tasks.jigsaws:JigsawsSynthTask",
    "fitnessaqa": "adrbench.tasks.fitnessaqa:FitnessAqaTask",
    "fitnessaqa-synth": "adrbench.tasks.fitnessaqa:FitnessAqaSynthTask",
}


def available_tasks() -> list[str]:
    return list(TASKS)


def task_family(name: str) -> str:
    """The family of a task name: 'adr-synth' → 'adr' (a synthetic twin belongs to its dataset's family)."""
    return name.removesuffix("-synth")


def get_task(name: str) -> Task:
    """An instance of the task registered under `name`."""
    if name not in TASKS:
        raise unknown("task", name, TASKS)
    return import_object(TASKS[name])()
