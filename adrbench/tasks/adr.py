"""ADR tasks: `adr` reads a built ADR folder (from Ego-Exo4D); `adr-synth` its generated twin."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from adrbench.data.adr_loader import load_adr
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.records import Unit
from adrbench.tasks.base import Task


class AdrTask(Task):
    """The ADR benchmark built from Ego-Exo4D (paper §2, Table 1): pairs of takes, two scores and a description."""

    name: ClassVar[str] = "adr"
    family: ClassVar[str] = "adr"
    unit: ClassVar[Unit] = "pair"
    env_var: ClassVar[str | None] = "ADRBENCH_ADR_ROOT"
    missing_hint: ClassVar[str] = (
        "the folder is written by `adrbench data build-adr`; without Ego-Exo4D run: adrbench run --task adr-synth"
    )
    args: ClassVar[tuple[str, ...]] = ("holdout", "val", "video_root")
    summary: ClassVar[str] = (
        "ADR pairs built from Ego-Exo4D (adrbench data build-adr); args holdout=<sport> (leave-one-sport-out), "
        "val=<fraction> (performer-disjoint validation split from train), video_root=<Ego-Exo4D root> "
        "(default: the one it was built from)"
    )

    def read(self, root: Path, **args: str) -> Dataset:
        return load_adr(root, task=self.name, video_root=args.get("video_root"))

    def load(
        self, data_root: Path | None = None, seed: int = 0, extracted_keypoints: bool = True, **args: str
    ) -> Dataset:
        """The ADR pairs; `holdout=SPORT` tests on a sport never trained on, `val=F` carves a "val" split by performer."""
        from adrbench.protocols.splits import carve_validation, leave_one_sport_out

        data = super().load(data_root, seed, extracted_keypoints, **args)
        if "holdout" in args:
            data = leave_one_sport_out(data, args["holdout"])
        if "val" in args:
            try:
                fraction = float(args["val"])
            except ValueError:
                raise ConfigError(
                    f"task {self.name!r}: val must be a fraction, got {args['val']!r}"
                ) from None
            data = carve_validation(data, fraction, seed)
        return data


class AdrSynthTask(AdrTask):
    """The embedded synthetic twin of ADR: Table 1's sizes, generated once per seed and cached."""

    name: ClassVar[str] = "adr-synth"
    synthetic: ClassVar[bool] = True
    summary: ClassVar[str] = "synthetic ADR twin (Ego-Exo4D files → ADR builder), Table 1 sizes; args as adr"
