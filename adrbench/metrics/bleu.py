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

import numpy as np

from adrbench.metrics.tokenize import Text, bleu_tokenize

SMOOTHINGS = (None, "method1")
_EPSILON = 0.1  # NLTK SmoothingFunction().method1 default


def _ngram_counts(tokens: tuple[str, ...], k: int) -> Counter:
    if k == 1:
        return Counter(tokens)
    return Counter(zip(*(tokens[i:] for i in range(k)))) if len(tokens) >= k else Counter()


def item_stats(hyp: tuple[str, ...], ref: tuple[str, ...], n: int) -> list[int]:
    """[m_1, d_1, ..., m_n, d_n, hyp_len, ref_len] for one pair (NLTK's `modified_precision` parts)."""
    row: list[int] = []
    for k in range(1, n + 1):
        hyp_counts = _ngram_counts(hyp, k)
        if hyp_counts:
            ref_counts = _ngram_counts(ref, k)
            matches = sum(min(c, ref_counts[g]) for g, c in hyp_counts.items() if g in ref_counts)
        else:
            matches = 0
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
    """Per-item sentence BLEU (NLTK `sentence_bleu([ref], hyp, weights, smoothing_function)`)."""
    _check(smoothing, stats, n)
    weights = _weights(n, cumulative)
    width = stats.shape[1]
    out = np.empty(len(stats), dtype=np.float64)
    for i, row in enumerate(stats.tolist()):
        out[i] = _score(row[0 : 2 * n : 2], row[1 : 2 * n : 2], row[width - 2], row[width - 1], weights, smoothing)
    return out


def corpus_bleu_from_stats(
    stats: np.ndarray, n: int = 4, cumulative: bool = True, smoothing: str | None = None
) -> float:
    """Corpus BLEU (NLTK `corpus_bleu`) from summed statistics; rows may be a bootstrap resample."""
    _check(smoothing, stats, n)
    total = stats.sum(axis=0).tolist() if len(stats) else [0] * stats.shape[1]
    width = stats.shape[1]
    return _score(
        total[0 : 2 * n : 2], total[1 : 2 * n : 2], total[width - 2], total[width - 1], _weights(n, cumulative), smoothing
    )


def bleu(
    hyps: Sequence[Text],
    refs: Sequence[Text],
    n: int = 4,
    cumulative: bool = True,
    smoothing: str | None = None,
    corpus: bool = False,
) -> float:
    """BLEU of hypotheses against one reference each.

    `cumulative=True`: geometric mean of 1..n-gram precisions (n=4: BLEU, the paper's "All");
    `cumulative=False`: the individual n-gram score (the paper's NG1–NG4). Sentence level (default) is the
    mean over pairs of NLTK's `sentence_bleu`; `corpus=True` is NLTK's `corpus_bleu`. Strings are tokenized
    with `wordpunct-lc` (see adrbench.metrics.tokenize); token lists are used as given.
    """
    stats = bleu_stats(hyps, refs, n)
    if corpus:
        return corpus_bleu_from_stats(stats, n, cumulative, smoothing)
    if len(stats) == 0:
        raise ValueError("bleu of an empty set of pairs")
    return float(np.mean(bleu_item_scores(stats, n, cumulative, smoothing)))
