"""METEOR agrees with NLTK's meteor_score (same WordNet reader, same tokens), alignment included."""

from __future__ import annotations

import numpy as np
import pytest
from nltk.translate.meteor_score import _count_chunks, align_words, meteor_score

from adrbench.metrics import load_wordnet, meteor, meteor_item_scores, meteor_stats
from adrbench.metrics.meteor_metric import align, chunk_count
from adrbench.metrics.tokenize import bleu_tokenize

from .metric_cases import EDGE_PAIRS, random_pairs

PAIRS = EDGE_PAIRS + random_pairs(400, seed=3)


@pytest.fixture(scope="module")
def wordnet():
    return load_wordnet()


def _nltk(hyp, ref, wordnet) -> float:
    return meteor_score([list(bleu_tokenize(ref))], list(bleu_tokenize(hyp)), wordnet=wordnet)


def test_meteor_matches_nltk(wordnet) -> None:
    hyps = [h for h, _ in PAIRS]
    refs = [r for _, r in PAIRS]
    ours = meteor_item_scores(meteor_stats(hyps, refs))
    ref = np.asarray([_nltk(h, r, wordnet) for h, r in PAIRS])
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)
    assert meteor(hyps, refs) == pytest.approx(float(ref.mean()), abs=1e-12)


def test_alignment_is_nltks_including_ties(wordnet) -> None:
    # Repeated words (tie on which reference position), stems and synonyms competing for the same position.
    cases = [
        ("the the cat the", "the cat the the"),
        ("jumps jumped jumping jump", "jump jumping jumped jumps"),
        ("quick fast rapid", "fast rapid quick quick"),
        ("big large huge big", "large big big huge"),
        ("he leaps and jumps", "she jumped and leapt"),
    ]
    for hyp, ref in cases + PAIRS[:200]:
        h = [t.lower() for t in bleu_tokenize(hyp)]
        r = [t.lower() for t in bleu_tokenize(ref)]
        if not h or not r:
            continue
        want, _, _ = align_words(h, r, wordnet=wordnet)
        got = align(h, r)
        assert got == want, (hyp, ref)
        assert chunk_count(got) == _count_chunks(want), (hyp, ref)
    # Runs adjacent in both texts make one chunk; a gap in either text starts a new one.
    assert chunk_count([(0, 0), (1, 1), (2, 2)]) == 1
    assert chunk_count([(0, 0), (1, 2), (2, 3)]) == 2
    assert chunk_count([(0, 3), (1, 0), (3, 1)]) == 3


def test_synonym_and_stem_stages_are_used(wordnet) -> None:
    # "quick" ~ "fast" only through WordNet; "jumping" ~ "jumps" only through the Porter stem.
    assert meteor(["quick"], ["fast"]) == pytest.approx(0.5)
    assert meteor(["jumping"], ["jumps"]) == pytest.approx(0.5)
    assert meteor(["quick"], ["fast"]) == pytest.approx(_nltk("quick", "fast", wordnet), abs=1e-12)
    # NLTK looks synonyms up for the *stemmed* leftovers: "large" is stemmed to "larg", so big/large do not
    # match — a quirk we reproduce, since the reference number is NLTK's.
    assert meteor(["big"], ["large"]) == 0.0 == _nltk("big", "large", wordnet)


def test_edge_values(wordnet) -> None:
    for hyp, ref in EDGE_PAIRS[:6]:
        assert meteor([hyp], [ref]) == pytest.approx(_nltk(hyp, ref, wordnet), abs=1e-12)
    assert meteor([""], ["anything"]) == 0.0
    assert meteor(["Player"], ["player"]) == pytest.approx(0.5)  # 1 match, 1 chunk: (1 − 0.5) · 1
    with pytest.raises(ValueError):
        meteor([], [])


def test_token_lists_are_used_as_given(wordnet) -> None:
    hyp, ref = ["The", "cat", "-", "sat"], ["the", "cat", "sat"]
    assert meteor([hyp], [ref]) == pytest.approx(meteor_score([ref], hyp, wordnet=wordnet), abs=1e-12)
