"""What a task is: a name, its unit of evaluation, where its data lives, and how to read it into a Dataset."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.records import Unit


class Task(ABC):
    """A benchmark task: real tasks read the original files from `data_root` (or `env_var`); synthetic tasks read
    their generated twin (made once per seed and cached, or the folder `data_root` names)."""

    name: ClassVar[str]
    family: ClassVar[str]  # 'adr' | 'jigsaws' | 'fitnessaqa'
    unit: ClassVar[Unit]
    synthetic: ClassVar[bool] = False
    env_var: ClassVar[str | None] = None  # environment variable naming the data root of a real task
    missing_hint: ClassVar[str] = ""  # what to do when a real task is given no data root
    args: ClassVar[tuple[str, ...]] = ()  # the `--task-arg` keys it takes
    summary: ClassVar[str] = ""

    @abstractmethod
    def read(self, root: Path, **args: str) -> Dataset:
        """Read the task's files under `root`."""

    def load(
        self, data_root: Path | None = None, seed: int = 0, extracted_keypoints: bool = True, **args: str
    ) -> Dataset:
        """Load the task's data; `args` come from `--task-arg k=v`, `seed` picks the synthetic twin.

        Every task also takes `pose=NAME[:MODEL]` and `pose_min_score=X`: which extracted keypoints the videos
        without a keypoints file read (see `adrbench.features.attach`); `extracted_keypoints=False` skips that
        step (the extraction command itself loads the task so). Synthetic tasks take `render_video=true`: the
        twin with videos of its motion (generated once, minutes; adrbench.data.synth.render).
        """
        from adrbench.features.attach import POSE_ARGS, attach_extracted_keypoints

        pose = {k: args.pop(k) for k in POSE_ARGS if k in args}
        render_video = self.synthetic and _flag(args.pop("render_video", "false"), "render_video")
        unknown = sorted(set(args) - set(self.args))
        if unknown:
            known = ", ".join((*self.args, *POSE_ARGS, *(("render_video",) if self.synthetic else ())))
            raise ConfigError(f"task {self.name!r} has no argument {', '.join(unknown)}; known: {known}")
        if self.synthetic:
            from adrbench.data.synth.cache import resolve_synth_root

            dataset = self.read(resolve_synth_root(self.name, data_root, seed, render_video), **args)
            dataset.provenance["synthetic_seed"] = seed
            if render_video:
                dataset.provenance["synthetic_videos"] = "rendered stick figures (adrbench.data.synth.render)"
            if extracted_keypoints:
                attach_extracted_keypoints(dataset, self.name, data_root, args, pose)
            return dataset
        root = data_root or os.environ.get(self.env_var or "")
        if not root:
            raise DataError(
                f"${self.env_var}",
                f"no data folder given for task {self.name!r}",
                hint=f"pass --data-root DIR or set {self.env_var}; {self.missing_hint}",
            )
        dataset = self.read(Path(root), **args)
        if extracted_keypoints:
            attach_extracted_keypoints(dataset, self.name, root, args, pose)
        return dataset


def _flag(value: str, name: str) -> bool:
    from adrbench.options import parse_value

    return bool(parse_value("task", name, value, bool, "task-arg"))
