"""The full text suite of the paper (BLEU NG1–NG4 + BLEU, ROUGE-1/2/L/S, METEOR) from shared statistics.

Text matching runs once per pair (`text_stats`); per-item scores of every metric key follow from the
statistics, and every reported text metric is the mean of its per-item scores. Each key has a metric object
(`TEXT_METRICS`) that computes its per-item scores and signs them (see adrbench.metrics.metric).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from adrbench.metrics.bleu_metric import bleu_item_scores, bleu_stats
from adrbench.metrics.meteor_metric import meteor_item_scores, meteor_stats
from adrbench.metrics.rouge_metric import rouge_item_scores, rouge_stats
from adrbench.metrics.signature import Signature, bleu_signature, meteor_signature, rouge_signature
from adrbench.metrics.tokenize import Text
from adrbench.metrics.wordnet import wordnet_source

#: metrics.json key → ROUGE kind, for the ROUGE keys.
ROUGE_KEYS = {"rouge_1": "1", "rouge_2": "2", "rouge_l": "L", "rouge_s": "S*", "rouge_su4": "SU4"}
TEXT_KEYS = ("bleu_1", "bleu_2", "bleu_3", "bleu_4", "bleu", *ROUGE_KEYS, "meteor")


@dataclass(frozen=True)
class TextStats:
    """Per-pair sufficient statistics of the whole text suite."""

    bleu: np.ndarray
    rouge: dict[str, np.ndarray]
    meteor: np.ndarray

    def __len__(self) -> int:
        return len(self.bleu)


def text_stats(
    hyps: Sequence[Text], refs: Sequence[Text], rouge_keys: Sequence[str] = tuple(ROUGE_KEYS)
) -> TextStats:
    """Match every hypothesis against its reference once, for all text metrics (ROUGE: those in `rouge_keys`)."""
    return TextStats(
        bleu=bleu_stats(hyps, refs, 4),
        rouge={ROUGE_KEYS[key]: rouge_stats(hyps, refs, ROUGE_KEYS[key]) for key in rouge_keys},
        meteor=meteor_stats(hyps, refs),
    )


@dataclass(frozen=True)
class BleuMetric:
    """Sentence BLEU (`bleu`): cumulative BLEU-n, or the individual n-gram score."""

    n: int = 4
    cumulative: bool = True
    smoothing: str | None = None
    higher_is_better: ClassVar[bool | None] = True

    def item_scores(self, stats: TextStats) -> np.ndarray:
        return bleu_item_scores(stats.bleu, self.n, self.cumulative, self.smoothing)

    def signature(self) -> Signature:
        return bleu_signature(self.n, self.cumulative, self.smoothing)


@dataclass(frozen=True)
class RougeMetric:
    """ROUGE F-measure (`rouge`) of one kind, on unstemmed tokens (as `text_stats` computes them)."""

    kind: str = "L"
    higher_is_better: ClassVar[bool | None] = True

    def item_scores(self, stats: TextStats) -> np.ndarray:
        return rouge_item_scores(stats.rouge[self.kind], self.kind)[:, 2]

    def signature(self) -> Signature:
        return rouge_signature(self.kind)


@dataclass(frozen=True)
class MeteorMetric:
    """METEOR (`meteor`, NLTK's defaults), signed with the WordNet it reads."""

    higher_is_better: ClassVar[bool | None] = True

    def item_scores(self, stats: TextStats) -> np.ndarray:
        return meteor_item_scores(stats.meteor)

    def signature(self) -> Signature:
        return meteor_signature(wordnet_source())


TextMetric = BleuMetric | RougeMetric | MeteorMetric

#: metrics.json key → the metric object that computes and signs it.
TEXT_METRICS: dict[str, TextMetric] = {
    **{f"bleu_{k}": BleuMetric(k, cumulative=False) for k in range(1, 5)},
    "bleu": BleuMetric(4, cumulative=True),
    **{key: RougeMetric(kind) for key, kind in ROUGE_KEYS.items()},
    "meteor": MeteorMetric(),
}


def text_item_scores(stats: TextStats) -> dict[str, np.ndarray]:
    """Per-item score of every text metric key whose statistics were computed (ROUGE: F-measure)."""
    return {
        key: metric.item_scores(stats)
        for key, metric in TEXT_METRICS.items()
        if not isinstance(metric, RougeMetric) or metric.kind in stats.rouge
    }


def text_metric(key: str) -> TextMetric:
    """The metric object of a text metric key of metrics.json."""
    if key not in TEXT_METRICS:
        raise KeyError(f"unknown text metric {key!r}; known: {', '.join(TEXT_KEYS)}")
    return TEXT_METRICS[key]


def text_signature(key: str) -> Signature:
    """The signature of a text metric key of metrics.json."""
    return text_metric(key).signature()
