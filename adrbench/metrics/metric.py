"""Metric objects: the settings of one metric call, which both compute its numbers and sign them.

As with sacrebleu's `BLEU(...)` and its `get_signature()`, the signature comes from the object that computes
the value, so a number and its signature cannot disagree; `higher_is_better` says which way is better.
Score metrics here (`weighted`: one value per bootstrap row); the text metrics are in adrbench.metrics.suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np

from adrbench.metrics.scores import ArrayLike, f1_weighted, relative_l2_weighted, spearman_weighted
from adrbench.metrics.signature import Signature, f1_signature, relative_l2_signature, spearman_signature


class Metric(Protocol):
    """What every metric object offers: its direction and the signature of its settings."""

    higher_is_better: ClassVar[bool | None]

    def signature(self) -> Signature: ...


@dataclass(frozen=True)
class SpearmanMetric:
    """Spearman's ρ (`spearman`), pooled over `pooled`."""

    pooled: str = "all"
    higher_is_better: ClassVar[bool | None] = True

    def weighted(self, truth: ArrayLike, pred: ArrayLike, weights: np.ndarray) -> np.ndarray:
        return spearman_weighted(truth, pred, weights)

    def signature(self) -> Signature:
        return spearman_signature(self.pooled)


@dataclass(frozen=True)
class RelativeL2Metric:
    """R-ℓ2 (`relative_l2`), squared or the paper's printed formula, the range taken over `range_over`."""

    squared: bool = True
    range_over: str = "gt-of-evaluated-set"
    higher_is_better: ClassVar[bool | None] = False

    def weighted(self, truth: ArrayLike, pred: ArrayLike, weights: np.ndarray) -> np.ndarray:
        return relative_l2_weighted(truth, pred, weights, self.squared)

    def signature(self) -> Signature:
        return relative_l2_signature(self.squared, self.range_over)


@dataclass(frozen=True)
class F1Metric:
    """Binary F1 (`f1`) of one error label."""

    label: str | None = None
    higher_is_better: ClassVar[bool | None] = True

    def weighted(self, truth: ArrayLike, pred: ArrayLike, weights: np.ndarray) -> np.ndarray:
        t = np.asarray(truth, dtype=np.float64).astype(np.int64)
        p = np.asarray(pred, dtype=np.float64).astype(np.int64)
        return f1_weighted(t, p, weights)

    def signature(self) -> Signature:
        return f1_signature(self.label)
