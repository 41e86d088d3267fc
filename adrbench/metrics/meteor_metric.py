"""METEOR exactly as NLTK's `meteor_score([ref], hyp)` computes it (defaults: α 0.9, β 3, γ 0.5, Porter
stemmer, WordNet 3.0), fast.

NLTK aligns in three greedy stages — exact words, then Porter stems, then WordNet synonyms — each walking the
hypothesis from its last token backwards and taking the rightmost free reference position. The synonym stage
works on the *stemmed* leftovers of the stem stage (as NLTK's code does). We run the same stages in the same
order with the same tie rules; the speed comes from caching stems and synonym sets per distinct word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import compress

import numpy as np

from adrbench.metrics.tokenize import Text, bleu_tokenize, porter_stem
from adrbench.metrics.wordnet import load_wordnet

ALPHA, BETA, GAMMA = 0.9, 3.0, 0.5


@lru_cache(maxsize=1 << 17)
def synonyms(word: str) -> frozenset[str]:
    """The word and the single-word lemma names of all its WordNet synsets (NLTK's `_enum_wordnetsyn_match`)."""
    wn = load_wordnet()
    names = {lemma.name() for synset in wn.synsets(word) for lemma in synset.lemmas()}
    return frozenset(name for name in names if "_" not in name) | {word}


def _match(
    h_idx: list[int],
    h_words: list[str],
    r_idx: list[int],
    r_words: list[str],
    related: Callable[[str], frozenset[str]] | None,
) -> tuple[list[tuple[int, int]], list[int], list[str], list[int], list[str]]:
    """One greedy stage over the still-free words (original indices, words); `related=None` is exact matching,
    else a word's synonym set. Returns the matches and the words left free on each side."""
    positions: dict[str, list[int]] = {}
    for j, word in enumerate(r_words):
        positions.setdefault(word, []).append(j)
    matched: list[tuple[int, int]] = []
    h_free = [True] * len(h_words)
    r_free = [True] * len(r_words)
    for i in range(len(h_words) - 1, -1, -1):
        if related is None:
            found = positions.get(h_words[i])
            if not found:
                continue
            j = found.pop()
        else:
            # The synonym whose rightmost free reference position is largest (positions are distinct, so
            # there are no ties). Scan the smaller side: the synonym set or the free reference words.
            syns = related(h_words[i])
            best_j, best_list = -1, None
            if len(syns) <= len(positions):
                candidates = (positions.get(syn) for syn in syns)
            else:
                candidates = (found for ref_word, found in positions.items() if ref_word in syns)
            for found in candidates:
                if found and found[-1] > best_j:
                    best_j, best_list = found[-1], found
            if best_list is None:
                continue
            j = best_list.pop()
        h_free[i] = False
        r_free[j] = False
        matched.append((h_idx[i], r_idx[j]))
    if matched:
        h_idx, h_words = list(compress(h_idx, h_free)), list(compress(h_words, h_free))
        r_idx, r_words = list(compress(r_idx, r_free)), list(compress(r_words, r_free))
    return matched, h_idx, h_words, r_idx, r_words


def align(hyp: Sequence[str], ref: Sequence[str]) -> list[tuple[int, int]]:
    """NLTK's `align_words` on lowercased tokens: (hyp index, ref index) matches sorted by hyp index."""
    h_idx, r_idx = list(range(len(hyp))), list(range(len(ref)))
    matches, h_idx, h_words, r_idx, r_words = _match(h_idx, list(hyp), r_idx, list(ref), None)
    if h_words and r_words:
        h_words = list(map(porter_stem, h_words))
        r_words = list(map(porter_stem, r_words))
        found, h_idx, h_words, r_idx, r_words = _match(h_idx, h_words, r_idx, r_words, None)
        matches += found
        if h_words and r_words:
            matches += _match(h_idx, h_words, r_idx, r_words, synonyms)[0]
    return sorted(matches)  # hypothesis indices are distinct, so this is the order by hypothesis index


def chunk_count(matches: Sequence[tuple[int, int]]) -> int:
    """Fewest runs of matches adjacent in both texts (NLTK's `_count_chunks`; 1 when there are none)."""
    chunks = 1
    for (h0, r0), (h1, r1) in zip(matches, matches[1:], strict=False):
        if not (h1 == h0 + 1 and r1 == r0 + 1):
            chunks += 1
    return chunks


def item_stats(hyp: Sequence[str], ref: Sequence[str]) -> tuple[int, int, int, int]:
    """(matches, chunks, hyp length, ref length) for one pair; tokens are lowercased as NLTK does."""
    hyp_l = [t.lower() for t in hyp]
    ref_l = [t.lower() for t in ref]
    matches = align(hyp_l, ref_l) if hyp_l and ref_l else []
    return len(matches), chunk_count(matches), len(hyp_l), len(ref_l)


def meteor_stats(hyps: Sequence[Text], refs: Sequence[Text]) -> np.ndarray:
    """Sufficient statistics, an int64 array N × 4 (matches, chunks, hyp length, ref length)."""
    if len(hyps) != len(refs):
        raise ValueError(f"{len(hyps)} hypotheses but {len(refs)} references")
    load_wordnet()  # fail early and always when WordNet is missing, whatever the inputs need
    rows = [item_stats(bleu_tokenize(h), bleu_tokenize(r)) for h, r in zip(hyps, refs, strict=True)]
    return np.asarray(rows, dtype=np.int64).reshape(len(rows), 4)


def meteor_item_scores(
    stats: np.ndarray, alpha: float = ALPHA, beta: float = BETA, gamma: float = GAMMA
) -> np.ndarray:
    """Per-item METEOR from statistics: NLTK's single_meteor_score arithmetic, vectorized.

    P = m / |hyp|, R = m / |ref|, Fmean = PR / (αP + (1 − α)R), penalty = γ (chunks / m)^β,
    score = (1 − penalty) Fmean; 0 where NLTK divides by zero (no match or an empty side).
    """
    m, chunks, hyp_len, ref_len = (stats[:, j].astype(np.float64) for j in range(4))
    ok = (m > 0) & (hyp_len > 0) & (ref_len > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = m / hyp_len
        recall = m / ref_len
        fmean = (precision * recall) / (alpha * precision + (1 - alpha) * recall)
        penalty = gamma * (chunks / m) ** beta
        return np.where(ok, (1 - penalty) * fmean, 0.0)


def meteor(hyps: Sequence[Text], refs: Sequence[Text]) -> float:
    """Mean over pairs of NLTK's `meteor_score([ref], hyp)`; strings are tokenized with `wordpunct-lc`."""
    stats = meteor_stats(hyps, refs)
    if len(stats) == 0:
        raise ValueError("meteor of an empty set of pairs")
    return float(np.mean(meteor_item_scores(stats)))
