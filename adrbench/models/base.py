"""The one small interface a model implements to be run by adrbench."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Literal

from adrbench.dataset import Dataset
from adrbench.option_docs import OptionDoc
from adrbench.records import Pair, Prediction, Unit, Video

#: What a model can produce: scores (ADR's two, JIGSAWS' one), difference descriptions, error labels.
Output = Literal["scores", "text", "labels"]
ALL_OUTPUTS: frozenset[Output] = frozenset({"scores", "text", "labels"})


class Model(ABC):
    """A model adapter.

    Lifecycle used by the runner: ``__init__(**model_args)`` → ``fit(data, seed)`` on ``data.splits["train"]``
    (a no-op for zero-shot models) → ``predict(data, batch)`` on batches of test items, whose predictions are
    written as they come. Keyword arguments come from ``--model-arg k=v`` as strings; a model parses them and
    returns its resolved settings from ``config()``, which the run records.
    """

    name: ClassVar[str]
    units: ClassVar[frozenset[Unit]] = frozenset({"pair", "video"})
    tasks: ClassVar[frozenset[str] | None] = None  # task families it supports (None: all of its units)
    trainable: ClassVar[bool] = False
    #: What its predictions hold, of what the task asks. A model without "text" is score-only: its descriptions
    #: are not applicable (text metrics n/a), not failed.
    outputs: ClassVar[frozenset[Output]] = ALL_OUTPUTS
    #: --model-arg keys that cannot change a prediction (concurrency, cache, timeouts...): left out of the run's
    #: hash, so changing them and starting again resumes the same run folder.
    runtime_args: ClassVar[frozenset[str]] = frozenset()
    batch_size: int = 64
    #: Set by the runner before `fit`: a folder of the run where a trainable model may keep in-progress training
    #: state (e.g. after every epoch), so that a killed run resumes its training; deleted once `save` succeeded.
    work_dir: Path | None = None

    def check(self, data: Dataset) -> None:  # noqa: B027 - most models can run on any task of their units
        """Raise an AdrbenchError if the model cannot run on `data` (e.g. its checkpoint is of another task);
        the runner calls it before it writes anything."""

    @classmethod
    def option_docs(cls) -> list[OptionDoc]:
        """The `--model-arg` options it takes, with their defaults and meaning (shown by `adrbench models NAME`);
        [] when it takes none or does not say (adrbench.option_docs.documented_options reads them)."""
        return []

    def fit(self, data: Dataset, seed: int) -> None:  # noqa: B027 - zero-shot models need no training
        """Train on the train split of `data`."""

    @abstractmethod
    def predict(self, data: Dataset, items: Sequence[Pair] | Sequence[Video]) -> list[Prediction]:
        """One prediction per item, in order; a failed item is a prediction with None fields and meta['error']."""

    def choose(self, data: Dataset, pair: Pair, options: Sequence[str]) -> list[float] | None:
        """ADR multiple choice: a score per option (higher = more likely the pair's true difference).

        None means the model has no native way; the protocol then falls back to its generated description.
        """
        return None

    def probe(self, data: Dataset, pair: Pair, statements: Sequence[str]) -> list[int | None] | None:
        """Closed probe: for each difference statement, the player (1 or 2) it applies to; None if unsupported."""
        return None

    def config(self) -> dict[str, Any]:
        """The resolved settings of this model (recorded in the run's config.json)."""
        return {}

    def save(self, directory: Path) -> bool:
        """Save the fitted state so a resumed run need not train again; False if the model keeps none."""
        return False

    def load(self, directory: Path) -> bool:
        """Load a state saved by `save`; False if there is none."""
        return False
