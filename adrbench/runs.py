"""Run specifications and run folders: what a run is (RunConfig), where it lives, and what it produced."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from adrbench.errors import ConfigError
from adrbench.jsonl import dumps

CONFIG_FILE, METRICS_FILE, MODEL_DIR = "config.json", "metrics.json", "model"
TRAINING_DIR = (
    "training"  # a trainable model's in-progress state (Model.work_dir), gone once MODEL_DIR is saved
)
PREDICTIONS_FILE = "predictions.jsonl"  # (A,B) order: what the text and score metrics use
SWAPPED_FILE = (
    "predictions_ba.jsonl"  # (B,A) order, mapped back to (A,B): the ordering protocol's second half
)


class RunConfig(BaseModel):
    """Everything that decides a run's predictions and metrics; its hash names the run folder.

    The data fingerprint is part of it: the runner binds a config to the data it loads (`for_data`), so the
    same arguments on other data (another --data-root, a rebuilt twin) land in another folder."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(description="registered model name")
    task: str = Field("adr-synth", description="registered task name")
    model_args: dict[str, str] = Field(default_factory=dict, description="--model-arg k=v, as given")
    task_args: dict[str, str] = Field(default_factory=dict, description="--task-arg k=v, as given")
    seed: int = Field(
        0, description="seeds data generation (synthetic tasks), and training and bootstrap unless train_seed is set"
    )
    train_seed: int | None = Field(
        None,
        description="seeds training, answer protocols and bootstrap only (None: `seed`); a seeds study varies it "
        "on fixed data",
    )
    limit: int | None = Field(None, ge=1, description="evaluate only the first N test items")
    split: str = Field("test", description="the split that is predicted and scored")
    data_root: str | None = Field(
        None, description="real data location (None: the synthetic twin or env var)"
    )
    n_bootstrap: int = Field(1000, ge=0, description="bootstrap resamples for confidence intervals")
    orders: Literal["ab", "both"] = Field(
        "both",
        description="pair tasks: present each pair as (A,B) only, or also as (B,A) to measure position bias",
    )
    data_fingerprint: str | None = Field(
        None,
        description="fingerprint of the data files the run reads; the runner sets it once they are loaded",
    )
    shard: tuple[int, int] | None = Field(
        None,
        description="(i, N): predict only the items of shard i (0-based) of N (adrbench.shards); None: all",
    )

    @model_validator(mode="after")
    def _check_shard(self) -> RunConfig:
        if self.shard is not None and not 0 <= self.shard[0] < self.shard[1]:
            raise ConfigError(f"a shard is i/N with 0 <= i < N, not {self.shard[0]}/{self.shard[1]}")
        return self

    def unsharded(self) -> RunConfig:
        """This config without its shard: the run that the merged shards make."""
        return self.model_copy(update={"shard": None})

    def for_data(self, fingerprint: str | None) -> RunConfig:
        """This config bound to the data of `fingerprint`; one bound to other data is refused."""
        if self.data_fingerprint is not None and self.data_fingerprint != fingerprint:
            raise ConfigError(
                f"this run is of the data with fingerprint {self.data_fingerprint}, but the data found has "
                f"fingerprint {fingerprint}; point --data-root at the run's data, or start a new run"
            )
        return self.model_copy(update={"data_fingerprint": fingerprint})

    @property
    def training_seed(self) -> int:
        """The seed of training, the answer protocols and the bootstrap: `train_seed`, else `seed`.

        Kept apart from `seed` so that a seeds study (`adrbench run --seeds`) varies training on the same data:
        for a synthetic task `seed` also generates the data, and a ρ that moves with the data is not seed noise.
        """
        return self.seed if self.train_seed is None else self.train_seed

    def config_hash(self) -> str:
        """A short hash of what decides the results: the settings and the data fingerprint (not the data's
        location, not runtime options), so a run folder never holds predictions of other data."""
        from adrbench.models import get_model_class

        spec = self.model_dump(exclude={"data_root"})
        if self.train_seed is None:  # unset: the hash (and folder) of every run made before the field existed
            del spec["train_seed"]
        if self.shard is None:  # likewise: an unsharded run keeps the hash it had before shards existed
            del spec["shard"]
        runtime = get_model_class(self.model).runtime_args
        spec["model_args"] = {k: v for k, v in self.model_args.items() if k not in runtime}
        return hashlib.sha256(dumps(spec).encode()).hexdigest()[:12]

    def default_dir(self, base: Path = Path("runs")) -> Path:
        """runs/<task>/<model>-<hash>: the same arguments always land in the same folder, so a rerun resumes."""
        safe_model = re.sub(r"[^A-Za-z0-9._-]+", "_", self.model)
        return base / self.task / f"{safe_model}-{self.config_hash()}"


class RunResult(BaseModel):
    """What `run` returns: the run folder, its metrics, and how much work this invocation did."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    directory: Path
    metrics: dict[str, Any]
    n_predicted: int = Field(description="predictions made by this invocation")
    n_resumed: int = Field(description="predictions found from an earlier, interrupted invocation")
    trained: bool = Field(
        description="whether this invocation trained the model (False: loaded or zero-shot)"
    )
