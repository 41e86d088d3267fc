"""The full text suite of the paper (BLEU NG1–NG4 + BLEU, ROUGE-1/2/L/S, METEOR) from shared statistics.

Text matching runs once per pair (`text_stats`); per-item scores of every metric key follow from the
statistics, and every reported text metric is the mean of its per-item scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


def text_item_scores(stats: TextStats) -> dict[str, np.ndarray]:
    """Per-item score of every text metric key whose statistics were computed (ROUGE: F-measure)."""
    out = {f"bleu_{k}": bleu_item_scores(stats.bleu, k, cumulative=False) for k in range(1, 5)}
    out["bleu"] = bleu_item_scores(stats.bleu, 4, cumulative=True)
    for key, kind in ROUGE_KEYS.items():
        if kind in stats.rouge:
            out[key] = rouge_item_scores(stats.rouge[kind], kind)[:, 2]
    out["meteor"] = meteor_item_scores(stats.meteor)
    return out


def text_signature(key: str) -> Signature:
    """The signature of a text metric key of metrics.json."""
    if key == "bleu":
        return bleu_signature(4, cumulative=True)
    if key.startswith("bleu_"):
        return bleu_signature(int(key[5:]), cumulative=False)
    if key in ROUGE_KEYS:
        return rouge_signature(ROUGE_KEYS[key])
    if key == "meteor":
        return meteor_signature(wordnet_source())
    raise KeyError(f"unknown text metric {key!r}; known: {', '.join(TEXT_KEYS)}")
