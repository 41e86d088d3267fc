"""BLEU exactly as NLTK's `sentence_bleu` / `corpus_bleu` compute it, from per-item sufficient statistics.

Per item we keep, for each order k = 1..n: clipped k-gram matches and NLTK's denominator max(1, #hyp k-grams),
plus hypothesis and reference lengths. Sentence scores, corpus scores and bootstrap resamples are all computed
from these statistics, so text matching happens once.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from adrbench.metrics.signature import Signature, bleu_signature
from adrbench.metrics.tokenize import Text, bleu_tokenize

SMOOTHINGS = (None, "method1")
_EPSILON = 0.1  # NLTK SmoothingFunction().method1 default


def _ngrams(tokens: tuple[str, ...], k: int):
    return tokens if k == 1 else zip(*(tokens[i:] for i in range(k)), strict=False)


def item_stats(hyp: tuple[str, ...], ref: tuple[str, ...], n: int) -> list[int]:
    """[m_1, d_1, ..., m_n, d_n, hyp_len, ref_len] for one pair (NLTK's `modified_precision` parts).

    Clipped matches Σ_g min(count_hyp(g), count_ref(g)) are counted by letting each hypothesis k-gram use up
    one remaining reference occurrence, which gives the same sum without a hypothesis Counter.
    """
    row: list[int] = []
    for k in range(1, n + 1):
        matches = 0
        if len(hyp) >= k and len(ref) >= k:
            left = Counter(_ngrams(ref, k))
            get = left.get
            for gram in _ngrams(hyp, k):
                remaining = get(gram)
                if remaining:
                    left[gram] = remaining - 1
                    matches += 1
        row += [matches, max(1, len(hyp) - k + 1)]
    return row + [len(hyp), len(ref)]


def bleu_stats(hyps: Sequence[Text], refs: Sequence[Text], n: int = 4) -> np.ndarray:
    """Sufficient statistics, an int64 array N × (2n + 2); see `item_stats`."""
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    rows = [item_stats(bleu_tokenize(h), bleu_tokenize(r), n) for h, r in zip(hyps, refs, strict=True)]
    return np.asarray(rows, dtype=np.int64).reshape(len(rows), 2 * n + 2)


def _weights(n: int, cumulative: bool) -> tuple[float, ...]:
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    return (1.0 / n,) * n if cumulative else (0.0,) * (n - 1) + (1.0,)


def _score(
    matches: Sequence[int],
    denoms: Sequence[int],
    hyp_len: int,
    ref_len: int,
    weights: tuple[float, ...],
    smoothing: str | None,
) -> float:
    """NLTK's corpus_bleu arithmetic on (summed) statistics; float operations in NLTK's order."""
    if matches[0] == 0:
        return 0.0
    if hyp_len > ref_len:
        bp = 1.0
    elif hyp_len == 0:
        bp = 0.0
    else:
        bp = math.exp(1 - ref_len / hyp_len)
    logs = []
    for w, m, d in zip(weights, matches, denoms, strict=False):
        if m != 0:
            p = m / d
        elif smoothing == "method1":
            p = (m + _EPSILON) / d
        else:
            p = sys.float_info.min  # NLTK method0: a zero precision becomes the smallest float
        logs.append(w * math.log(p))
    return bp * math.exp(math.fsum(logs))


def _check(smoothing: str | None, stats: np.ndarray, n: int) -> None:
    if smoothing not in SMOOTHINGS:
        raise ValueError(f"smoothing must be one of {SMOOTHINGS}, got {smoothing!r}")
    if stats.shape[1] < 2 * n + 2:
        raise ValueError(f"statistics hold {(stats.shape[1] - 2) // 2} n-gram orders, {n} needed")


def bleu_item_scores(
    stats: np.ndarray, n: int = 4, cumulative: bool = True, smoothing: str | None = None
) -> np.ndarray:
    """Per-item sentence BLEU (NLTK `sentence_bleu([ref], hyp, weights, smoothing_function)`), vectorized.

    Same arithmetic as `_score` item by item; numpy's log/exp may differ from math's in the last bit.
    """
    _check(smoothing, stats, n)
    weights = _weights(n, cumulative)
    width = stats.shape[1]
    m = stats[:, 0 : 2 * n : 2].astype(np.float64)
    d = stats[:, 1 : 2 * n : 2].astype(np.float64)
    hyp_len = stats[:, width - 2].astype(np.float64)
    ref_len = stats[:, width - 1].astype(np.float64)
    zero = (m + _EPSILON) / d if smoothing == "method1" else np.full_like(m, sys.float_info.min)
    p = np.where(m > 0, m / np.maximum(d, 1.0), zero)
    log_sum = np.zeros(len(stats))
    for k, w in enumerate(weights):
        if w != 0.0:  # a zero weight adds 0 · log(p) = 0 in NLTK's sum
            log_sum = log_sum + w * np.log(p[:, k])
    with np.errstate(divide="ignore", invalid="ignore"):
        bp = np.where(hyp_len > ref_len, 1.0, np.where(hyp_len == 0, 0.0, np.exp(1 - ref_len / hyp_len)))
    return np.where(m[:, 0] == 0, 0.0, bp * np.exp(log_sum))


def corpus_bleu_from_stats(
    stats: np.ndarray, n: int = 4, cumulative: bool = True, smoothing: str | None = None
) -> float:
    """Corpus BLEU (NLTK `corpus_bleu`) from summed statistics; rows may be a bootstrap resample."""
    _check(smoothing, stats, n)
    total = stats.sum(axis=0).tolist() if len(stats) else [0] * stats.shape[1]
    width = stats.shape[1]
    return _score(
        total[0 : 2 * n : 2],
        total[1 : 2 * n : 2],
        total[width - 2],
        total[width - 1],
        _weights(n, cumulative),
        smoothing,
    )


@dataclass(frozen=True)
class BleuScore:
    """Every BLEU number of a set of pairs from one call (sacrebleu's BLEUScore shape).

    `score` is the cumulative BLEU-n (geometric mean of the 1..n-gram precisions; n=4: the paper's "All");
    `individual[k-1]` is the individual k-gram score (the paper's NG1–NG4: NLTK's weights (0, .., 1, .., 0),
    brevity penalty included). The statistics are computed once for all of them.
    """

    score: float
    individual: tuple[float, ...]
    n: int
    smoothing: str | None
    corpus: bool

    def signature(self, order: int | None = None) -> Signature:
        """The signature of `score` (order None) or of `individual[order - 1]`, from this call's settings."""
        if order is not None and not 1 <= order <= self.n:
            raise ValueError(f"order must be in 1..{self.n}, got {order}")
        n, cumulative = (self.n, True) if order is None else (order, False)
        return bleu_signature(n, cumulative, self.smoothing, self.corpus)


def bleu(
    hyps: Sequence[Text],
    refs: Sequence[Text],
    n: int = 4,
    smoothing: str | None = None,
    corpus: bool = False,
) -> BleuScore:
    """BLEU of hypotheses against one reference each: the cumulative score and every individual k-gram score.

    Sentence level (default) is the mean over pairs of NLTK's `sentence_bleu`; `corpus=True` is NLTK's
    `corpus_bleu`. Strings are tokenized with `wordpunct-lc` (see adrbench.metrics.tokenize); token lists are
    used as given.
    """
    stats = bleu_stats(hyps, refs, n)
    if corpus:
        values = [corpus_bleu_from_stats(stats, k, False, smoothing) for k in range(1, n + 1)]
        values.append(corpus_bleu_from_stats(stats, n, True, smoothing))
    else:
        if len(stats) == 0:
            raise ValueError("bleu of an empty set of pairs")
        values = [float(np.mean(bleu_item_scores(stats, k, False, smoothing))) for k in range(1, n + 1)]
        values.append(float(np.mean(bleu_item_scores(stats, n, True, smoothing))))
    return BleuScore(values[-1], tuple(values[:-1]), n, smoothing, corpus)
