"""All the numbers of a set of predictions: the task metrics and, for ADR, the evaluation protocols."""

from __future__ import annotations

from collections.abc import Sequence

from adrbench.dataset import Dataset
from adrbench.records import PairPrediction, Prediction
from adrbench.scoring import NOT_APPLICABLE, score_predictions

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
    score_only = metrics.get("failures", {}).get("text") == NOT_APPLICABLE
    found = protocol_metrics(data, split, both, k=CHOICES, seed=seed, **boot)
    metrics["metrics"].update(_text_not_applicable(found) if score_only else found)
    categories = metrics.setdefault("groups", {}).setdefault("category", {})
    for name, group in protocol_groups(data, split, list(predictions), **boot).items():
        entry = categories.setdefault(name, {"n_items": group["n_items"], "metrics": {}})
        entry["metrics"].update(_text_not_applicable(group["metrics"]) if score_only else group["metrics"])
    return metrics


def _text_not_applicable(found: dict) -> dict:
    """A score-only model's protocol metrics that read its (absent) text become n/a instead of zeros."""
    from adrbench.protocols import protocol_of

    reads_text = {"verdict judge", "closed probe", "multiple choice", "body parts", "multi-reference"}
    return {
        key: {**entry, "value": None, "ci95": None, "n": 0}
        if protocol_of(key) in reads_text and key != "mcq_chance"
        else entry
        for key, entry in found.items()
    }
