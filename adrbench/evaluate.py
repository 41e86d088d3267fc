"""All the numbers of a set of predictions: the task metrics and, for ADR, the evaluation protocols."""

from __future__ import annotations

from collections.abc import Sequence

from adrbench.dataset import Dataset
from adrbench.records import PairPrediction, Prediction
from adrbench.scoring import score_predictions

#: Distractors per ADR multiple-choice item (chance level 1/(k+1)).
CHOICES = 3


def evaluate(
    data: Dataset,
    predictions: Sequence[Prediction],
    split: str = "test",
    *,
    swapped: Sequence[PairPrediction] = (),
    n_bootstrap: int = 1000,
    seed: int = 0,
) -> dict:
    """The metrics.json object: task metrics (adrbench.scoring) plus, on pair tasks, every ADR protocol.

    `predictions` are in the (A,B) presentation order; `swapped` holds (B,A) predictions already mapped back
    to the original video order (PairPrediction.swapped=True), used by the ordering protocol only.
    """
    metrics = score_predictions(data, predictions, split=split, n_bootstrap=n_bootstrap, seed=seed)
    if data.unit != "pair":
        return metrics
    from adrbench.protocols import protocol_groups, protocol_metrics

    both = [*predictions, *swapped]
    boot = {"n_boot": n_bootstrap, "boot_seed": seed}
    metrics["metrics"].update(protocol_metrics(data, split, both, k=CHOICES, seed=seed, **boot))
    categories = metrics.setdefault("groups", {}).setdefault("category", {})
    for name, group in protocol_groups(data, split, list(predictions), **boot).items():
        entry = categories.setdefault(name, {"n_items": group["n_items"], "metrics": {}})
        entry["metrics"].update(group["metrics"])
    return metrics
