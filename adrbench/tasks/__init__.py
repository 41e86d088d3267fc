"""Tasks by name: the real datasets (`adr`, `jigsaws`, `fitnessaqa`) and their embedded synthetic twins."""

from adrbench.tasks.base import Task
from adrbench.tasks.registry import available_tasks, get_task, task_family

__all__ = ["Task", "available_tasks", "get_task", "task_family"]
