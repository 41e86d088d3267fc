"""ADR tasks: `adr` reads a built ADR folder (from Ego-Exo4D); `adr-synth` its generated twin."""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from adrbench.data.adr_loader import load_adr
from adrbench.data.synth.cache import resolve_synth_root
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.records import Unit
from adrbench.tasks.base import Task


def _no_args(task: str, args: dict[str, str]) -> None:
    if args:
        raise ConfigError(f"task {task!r} takes no task arguments; got {', '.join(sorted(args))}")


class AdrTask(Task):
    """The ADR benchmark built from Ego-Exo4D (paper §2, Table 1): pairs of takes, two scores and a description."""

    name: ClassVar[str] = "adr"
    family: ClassVar[str] = "adr"
    unit: ClassVar[Unit] = "pair"
    env_var: ClassVar[str | None] = "ADRBENCH_ADR_ROOT"
    summary: ClassVar[str] = "ADR pairs built from Ego-Exo4D (adrbench data build-adr)"

    def load(self, data_root: Path | None = None, seed: int = 0, **args: str) -> Dataset:
        _no_args(self.name, args)
        root = data_root or os.environ.get(self.env_var or "")
        if not root:
            raise DataError(
                f"${self.env_var}",
                "no ADR folder given",
                hint="pass --data-root DIR or set ADRBENCH_ADR_ROOT to a folder written by "
                "`adrbench data build-adr`; without Ego-Exo4D run: adrbench run --task adr-synth",
            )
        return load_adr(Path(root), task=self.name)


class AdrSynthTask(Task):
    """The embedded synthetic twin of ADR: Table 1's sizes, generated once per seed and cached."""

    name: ClassVar[str] = "adr-synth"
    family: ClassVar[str] = "adr"
    unit: ClassVar[Unit] = "pair"
    synthetic: ClassVar[bool] = True
    summary: ClassVar[str] = "synthetic ADR twin (Ego-Exo4D files → ADR builder), Table 1 sizes"

    def load(self, data_root: Path | None = None, seed: int = 0, **args: str) -> Dataset:
        _no_args(self.name, args)
        dataset = load_adr(resolve_synth_root(self.name, data_root, seed), task=self.name)
        dataset.provenance["synthetic_seed"] = seed
        return dataset
