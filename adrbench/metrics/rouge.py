"""ROUGE-1/2/L as rouge-score computes them, and skip-bigram ROUGE-S/SU as the ROUGE-1.5.5 script defines it.

Per-item sufficient statistics are (hits, hypothesis count, reference count); precision, recall and F of an
item follow from them with the reference implementation's float arithmetic.

ROUGE-S (Lin 2004; ROUGE-1.5.5 `createSkipBigram`): ordered token pairs (t_i, t_j), i < j, with at most d
tokens skipped between them (-2 d; d = -1 means unlimited: S*). With -U (SU) each token t_i, i < len − 1,
also counts as a unigram — ROUGE-1.5.5 leaves out the last token, and so do we. Hits are clipped counts;
recall = hits / reference count, precision = hits / hypothesis count, F = P·R / ((1 − α)·P + α·R) with
α = 0.5 (-p 0.5). Unlike the Perl script we do not round P and R to 5 decimals before computing F.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from adrbench.metrics.tokenize import Text, rouge_tokenize

#: kind → (family, parameter): n-gram order, skip distance (-1 = unlimited) with a unigram flag.
KINDS: dict[str, tuple[str, int, bool]] = {
    "1": ("n", 1, False),
    "2": ("n", 2, False),
    "L": ("lcs", 0, False),
    "S*": ("skip", -1, False),
    "S4": ("skip", 4, False),
    "SU*": ("skip", -1, True),
    "SU4": ("skip", 4, True),
}
ALPHA = 0.5


def _ngrams(tokens: tuple[str, ...], n: int) -> Counter:
    if n == 1:
        return Counter(tokens)
    return Counter(zip(*(tokens[i:] for i in range(n))))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (bit-parallel: Allison–Dix / Hyyrö, one big-int op per token)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, tok in enumerate(a):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for tok in b:
        u = v & masks.get(tok, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def skip_bigram_count(length: int, distance: int, unigrams: bool) -> int:
    """How many skip-bigram units ROUGE-1.5.5 counts in a text of `length` tokens."""
    if length < 2:
        return 0
    if distance < 0:
        pairs = length * (length - 1) // 2
    else:
        pairs = sum(min(distance + 1, length - 1 - i) for i in range(length - 1))
    return pairs + (length - 1 if unigrams else 0)


def _skip_units(tokens: Sequence[str], positions: Sequence[int], last: int, distance: int, unigrams: bool) -> Counter:
    """Skip-bigram (and unigram) units among `tokens` found at `positions` of a text whose last index is `last`."""
    units: Counter = Counter()
    count = len(tokens)
    for a in range(count):
        i = positions[a]
        if i >= last:  # ROUGE-1.5.5's outer loop stops before the last token
            break
        if unigrams:
            units[tokens[a]] += 1
        for b in range(a + 1, count):
            if distance >= 0 and positions[b] > i + distance + 1:
                break
            units[(tokens[a], tokens[b])] += 1
    return units


def _skip_hits(hyp: tuple[str, ...], ref: tuple[str, ...], distance: int, unigrams: bool) -> int:
    # Only tokens found in both texts can form a shared unit: filter first, keep original positions.
    common = set(hyp) & set(ref)
    if not common or len(hyp) < 2 or len(ref) < 2:
        return 0
    sides = []
    for toks in (hyp, ref):
        pos = [i for i, t in enumerate(toks) if t in common]
        sides.append(_skip_units([toks[i] for i in pos], pos, len(toks) - 1, distance, unigrams))
    hyp_units, ref_units = sides
    return sum(min(c, hyp_units[g]) for g, c in ref_units.items() if g in hyp_units)


def item_stats(hyp: tuple[str, ...], ref: tuple[str, ...], kind: str) -> tuple[int, int, int]:
    """(hits, hypothesis unit count, reference unit count) for one pair."""
    family, param, unigrams = KINDS[kind]
    if family == "n":
        hyp_ng, ref_ng = _ngrams(hyp, param), _ngrams(ref, param)
        hits = sum(min(c, hyp_ng[g]) for g, c in ref_ng.items() if g in hyp_ng)
        return hits, max(0, len(hyp) - param + 1), max(0, len(ref) - param + 1)
    if family == "lcs":
        return lcs_length(ref, hyp), len(hyp), len(ref)
    return (
        _skip_hits(hyp, ref, param, unigrams),
        skip_bigram_count(len(hyp), param, unigrams),
        skip_bigram_count(len(ref), param, unigrams),
    )


def rouge_stats(hyps: Sequence[Text], refs: Sequence[Text], kind: str, stem: bool = False) -> np.ndarray:
    """Sufficient statistics, an int64 array N × 3 (hits, hyp count, ref count)."""
    if kind not in KINDS:
        raise ValueError(f"ROUGE kind must be one of {sorted(KINDS)}, got {kind!r}")
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    rows = [
        item_stats(rouge_tokenize(h, stem), rouge_tokenize(r, stem), kind) for h, r in zip(hyps, refs, strict=True)
    ]
    return np.asarray(rows, dtype=np.int64).reshape(len(rows), 3)


def _prf(hits: int, n_hyp: int, n_ref: int, skip: bool) -> tuple[float, float, float]:
    if skip:  # ROUGE-1.5.5: zero counts give zero scores; F weighted by alpha
        r = hits / n_ref if n_ref else 0.0
        p = hits / n_hyp if n_hyp else 0.0
        den = (1 - ALPHA) * p + ALPHA * r
        return p, r, (p * r) / den if den > 0 else 0.0
    p = hits / max(n_hyp, 1)  # rouge-score: _score_ngrams / _score_lcs (hits are 0 when a side is empty)
    r = hits / max(n_ref, 1)
    return p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0


def rouge_item_scores(stats: np.ndarray, kind: str) -> np.ndarray:
    """Per-item precision, recall, F-measure: a float array N × 3."""
    skip = KINDS[kind][0] == "skip"
    out = np.zeros((len(stats), 3), dtype=np.float64)
    for i, (hits, n_hyp, n_ref) in enumerate(stats.tolist()):
        out[i] = _prf(hits, n_hyp, n_ref, skip)
    return out


def rouge(hyps: Sequence[Text], refs: Sequence[Text], kind: str = "L", stem: bool = False) -> dict[str, float]:
    """Mean over pairs of ROUGE precision, recall and F-measure.

    kind "1", "2", "L": as rouge-score's RougeScorer (tokenizer and optional Porter stemming included);
    "S*", "S4", "SU*", "SU4": skip-bigram ROUGE as ROUGE-1.5.5 with -2 -1 / -2 4 (and -U), α = 0.5.
    """
    stats = rouge_stats(hyps, refs, kind, stem)
    if len(stats) == 0:
        raise ValueError("rouge of an empty set of pairs")
    p, r, f = rouge_item_scores(stats, kind).mean(axis=0).tolist()
    return {"precision": p, "recall": r, "fmeasure": f}
