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

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import combinations, repeat

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


def _ngram_hits(hyp: tuple[str, ...], ref: tuple[str, ...], n: int) -> int:
    """Σ_g min(count_hyp(g), count_ref(g)): each hypothesis n-gram uses up one remaining reference occurrence."""
    if len(hyp) < n or len(ref) < n:
        return 0
    left = Counter(ref if n == 1 else zip(*(ref[i:] for i in range(n)), strict=False))
    get = left.get
    hits = 0
    for gram in hyp if n == 1 else zip(*(hyp[i:] for i in range(n)), strict=False):
        remaining = get(gram)
        if remaining:
            left[gram] = remaining - 1
            hits += 1
    return hits


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


def _skip_units(
    tokens: Sequence[str], positions: Sequence[int], last: int, distance: int, unigrams: bool
) -> Counter:
    """Skip-bigram (and unigram) units among `tokens` found at `positions` of a text whose last index is `last`."""
    if distance < 0 and not unigrams:
        return Counter(combinations(tokens, 2))  # every ordered pair i < j (the last token never starts one)
    units: Counter = Counter()
    for a, i in enumerate(positions):
        if i >= last:  # ROUGE-1.5.5's outer loop stops before the last token
            break
        head = tokens[a]
        if unigrams:
            units[head] += 1
        end = len(tokens) if distance < 0 else bisect_right(positions, i + distance + 1, a + 1)
        units.update(zip(repeat(head), tokens[a + 1 : end]))
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
        return _ngram_hits(hyp, ref, param), max(0, len(hyp) - param + 1), max(0, len(ref) - param + 1)
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
        item_stats(rouge_tokenize(h, stem), rouge_tokenize(r, stem), kind)
        for h, r in zip(hyps, refs, strict=True)
    ]
    return np.asarray(rows, dtype=np.int64).reshape(len(rows), 3)


def rouge_item_scores(stats: np.ndarray, kind: str) -> np.ndarray:
    """Per-item precision, recall, F-measure: a float array N × 3.

    ROUGE-1/2/L as rouge-score (P = hits / max(#hyp, 1), F = 2PR / (P + R), 0 when P + R = 0); ROUGE-S/SU as
    ROUGE-1.5.5 (a zero count gives 0, F = PR / ((1 − α)P + αR)). Elementwise IEEE operations, so the
    values are bit-identical to the reference's scalar arithmetic.
    """
    skip = KINDS[kind][0] == "skip"
    hits, n_hyp, n_ref = (stats[:, j].astype(np.float64) for j in range(3))
    p = hits / np.maximum(n_hyp, 1.0)  # hits are 0 whenever a count is 0, so this is 0 there too
    r = hits / np.maximum(n_ref, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if skip:
            den = (1 - ALPHA) * p + ALPHA * r
            f = np.where(den > 0, (p * r) / den, 0.0)
        else:
            f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
    return np.stack([p, r, f], axis=1)


def rouge(
    hyps: Sequence[Text], refs: Sequence[Text], kind: str = "L", stem: bool = False
) -> dict[str, float]:
    """Mean over pairs of ROUGE precision, recall and F-measure.

    kind "1", "2", "L": as rouge-score's RougeScorer (tokenizer and optional Porter stemming included);
    "S*", "S4", "SU*", "SU4": skip-bigram ROUGE as ROUGE-1.5.5 with -2 -1 / -2 4 (and -U), α = 0.5.
    """
    stats = rouge_stats(hyps, refs, kind, stem)
    if len(stats) == 0:
        raise ValueError("rouge of an empty set of pairs")
    p, r, f = rouge_item_scores(stats, kind).mean(axis=0).tolist()
    return {"precision": p, "recall": r, "fmeasure": f}
