"""All the numbers of a set of predictions: the task metrics and, for ADR, the evaluation protocols.

`evaluate` is the one scoring path of `run`, `score` and `submit`; `evaluate_files` reads the predictions
files strictly (adrbench.predictions) and evaluates them, so the same files give the same metrics.json bytes
whichever command scores them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.metrics.entry import MetricEntry
from adrbench.models.base import ALL_OUTPUTS, Output
from adrbench.predictions import read_predictions
from adrbench.records import PairPrediction, Prediction
from adrbench.scoring import score_predictions

#: Distractors per ADR multiple-choice item (chance level 1/(k+1)).
CHOICES = 3
#: The protocols that read a model's descriptions: not applicable to a score-only model.
READS_TEXT = (
    "verdict judge",
    "closed probe",
    "multiple choice",
    "body parts and skill attributes",
    "multi-reference",
)


def evaluate(
    data: Dataset,
    predictions: Sequence[Prediction],
    split: str = "test",
    *,
    swapped: Sequence[PairPrediction] = (),
    n_bootstrap: int = 1000,
    seed: int = 0,
    outputs: Iterable[Output] = ALL_OUTPUTS,
) -> dict:
    """The metrics.json object: task metrics (adrbench.scoring) plus, on pair tasks, every ADR protocol.

    `predictions` are in the (A,B) presentation order; `swapped` holds (B,A) predictions already mapped back
    to the original video order (PairPrediction.swapped=True), used by the ordering protocol only. `outputs`
    is what the model produces (`Model.outputs`): without "text", the text metrics are not applicable.
    """
    describes = "text" in set(outputs)
    metrics = score_predictions(
        data, predictions, split=split, n_bootstrap=n_bootstrap, seed=seed, describes=describes
    )
    from adrbench.protocols.paths import path_metrics

    metrics["metrics"].update(path_metrics(data, predictions, n_bootstrap=n_bootstrap, seed=seed))
    if data.unit != "pair":
        return metrics
    from adrbench.protocols import protocol_groups, protocol_metrics

    pair_predictions = cast(list[PairPrediction], list(predictions))  # score_predictions checked their kind
    both = [*pair_predictions, *swapped]
    found = protocol_metrics(data, split, both, k=CHOICES, seed=seed, n_bootstrap=n_bootstrap)
    metrics["metrics"].update(found if describes else _text_not_applicable(found))
    categories = metrics.setdefault("groups", {}).setdefault("category", {})
    groups = protocol_groups(data, split, pair_predictions, n_bootstrap=n_bootstrap, seed=seed)
    for name, group in groups.items():
        entry = categories.setdefault(name, {"n_items": group["n_items"], "metrics": {}})
        entry["metrics"].update(group["metrics"] if describes else _text_not_applicable(group["metrics"]))
    return metrics


def evaluate_files(
    data: Dataset,
    predictions: Path,
    split: str = "test",
    *,
    swapped: Path | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    outputs: Iterable[Output] = ALL_OUTPUTS,
) -> dict:
    """`evaluate` of a predictions file and, optionally, its (B,A) twin, both read strictly."""
    preds, twin = read_files(data, predictions, split, swapped)
    return evaluate(data, preds, split, swapped=twin, n_bootstrap=n_bootstrap, seed=seed, outputs=outputs)


def read_files(
    data: Dataset, predictions: Path, split: str = "test", swapped: Path | None = None
) -> tuple[list[Prediction], list[PairPrediction]]:
    """The predictions of a file and of its (B,A) twin (none without one), read strictly."""
    preds = read_predictions(predictions, data, split)
    twin = read_predictions(swapped, data, split, swapped=True) if swapped is not None else []
    # a (B,A) file is only read for pairs, so its records are PairPredictions
    return preds, cast(list[PairPrediction], twin)


def needs_wordnet(data: Dataset, split: str, outputs: Iterable[Output] = ALL_OUTPUTS) -> bool:
    """Whether evaluating `split` computes METEOR: the model's descriptions, or a pair's extra references."""
    if data.unit != "pair":
        return False
    from adrbench.protocols import references_of

    pairs: list = data.items(split)
    if "text" in set(outputs) and any(p.description is not None for p in pairs):
        return True
    return any(len(references_of(p)) > 1 for p in pairs)


def check_wordnet(data: Dataset, split: str, outputs: Iterable[Output] = ALL_OUTPUTS) -> None:
    """A ConfigError now, not after training, when the evaluation needs WordNet (METEOR) and it is missing."""
    if not needs_wordnet(data, split, outputs):
        return
    from adrbench.metrics.wordnet import WordNetMissingError, wordnet_dir

    try:
        wordnet_dir()
    except WordNetMissingError as exc:
        raise ConfigError(str(exc)) from None


def _text_not_applicable(found: dict) -> dict:
    """A score-only model's protocol metrics that read its (absent) text become n/a instead of zeros."""
    from adrbench.protocols import protocol_of

    return {
        key: MetricEntry(**{**entry, "value": None, "ci95": None, "n": 0}).as_json()
        if protocol_of(key) in READS_TEXT and key != "mcq_chance"
        else entry
        for key, entry in found.items()
    }
