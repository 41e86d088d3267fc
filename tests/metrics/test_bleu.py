"""BLEU agrees with NLTK's sentence_bleu and corpus_bleu on the same tokens; one call gives every order."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from nltk.tokenize import wordpunct_tokenize
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu

from adrbench.metrics import bleu, bleu_item_scores, bleu_signature, bleu_stats, corpus_bleu_from_stats
from adrbench.metrics.tokenize import bleu_tokenize

from .metric_cases import EDGE_PAIRS, random_pairs

PAIRS = EDGE_PAIRS + random_pairs(150, seed=1)
HYPS = [h for h, _ in PAIRS]
REFS = [r for _, r in PAIRS]


def _nltk_weights(n: int, cumulative: bool) -> tuple[float, ...]:
    return (1 / n,) * n if cumulative else tuple(1.0 if k == n else 0.0 for k in range(1, 5))


def _smoothing(name: str | None):
    return SmoothingFunction().method1 if name == "method1" else None


def test_tokenizer_is_nltk_wordpunct_on_lowercase() -> None:
    for text in HYPS + REFS:
        assert list(bleu_tokenize(text)) == wordpunct_tokenize(text.lower())


@pytest.mark.parametrize("smoothing", [None, "method1"])
@pytest.mark.parametrize("cumulative", [True, False])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_sentence_bleu_matches_nltk(n: int, cumulative: bool, smoothing: str | None) -> None:
    stats = bleu_stats(HYPS, REFS, 4)
    ours = bleu_item_scores(stats, n, cumulative, smoothing)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = [
            sentence_bleu(
                [bleu_tokenize(r)],
                bleu_tokenize(h),
                _nltk_weights(n, cumulative),
                smoothing_function=_smoothing(smoothing),
            )
            for h, r in PAIRS
        ]
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)
    result = bleu(HYPS, REFS, 4 if not cumulative else n, smoothing)
    got = result.individual[n - 1] if not cumulative else result.score
    assert got == pytest.approx(float(np.mean(ref)), abs=1e-12)


@pytest.mark.parametrize("smoothing", [None, "method1"])
@pytest.mark.parametrize("cumulative", [True, False])
@pytest.mark.parametrize("n", [1, 2, 4])
def test_corpus_bleu_matches_nltk(n: int, cumulative: bool, smoothing: str | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = corpus_bleu(
            [[bleu_tokenize(r)] for r in REFS],
            [bleu_tokenize(h) for h in HYPS],
            _nltk_weights(n, cumulative),
            smoothing_function=_smoothing(smoothing),
        )
    result = bleu(HYPS, REFS, n, smoothing, corpus=True)
    assert (result.score if cumulative else result.individual[n - 1]) == pytest.approx(ref, abs=1e-12)


def test_corpus_bleu_zero_unigram_matches_and_resamples() -> None:
    assert bleu(["a b"], ["c d"], corpus=True).score == 0.0
    stats = bleu_stats(HYPS, REFS)
    rows = [3, 3, 7, 20]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = corpus_bleu([[bleu_tokenize(REFS[i])] for i in rows], [bleu_tokenize(HYPS[i]) for i in rows])
    assert corpus_bleu_from_stats(stats[rows]) == pytest.approx(ref, abs=1e-12)


def test_token_lists_are_used_as_given() -> None:
    hyp = [["The", "Cat", "sat"], ["x"]]
    ref = [["The", "Cat", "sat", "down"], ["X"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = np.mean([sentence_bleu([r], h, (1.0, 0, 0, 0)) for h, r in zip(hyp, ref, strict=True)])
    assert bleu(hyp, ref, 1).individual[0] == pytest.approx(want, abs=1e-12)
    assert bleu(hyp, ref, 1).individual != bleu(["the cat sat", "x"], ["the cat sat down", "X"], 1).individual


def test_edge_values() -> None:
    assert bleu([""], ["anything at all"]).score == 0.0
    assert bleu(["..."], ["?!"]).score == 0.0
    assert bleu(["jumps"], ["jumps"], 1).score == 1.0
    same = bleu(["the cat sat on the mat"], ["the cat sat on the mat"])
    assert same.score == pytest.approx(1.0) and same.individual == pytest.approx((1.0,) * 4)


def test_one_call_gives_every_order_with_its_signature() -> None:
    result = bleu(HYPS, REFS)
    stats = bleu_stats(HYPS, REFS, 4)
    for k in range(1, 5):
        assert result.individual[k - 1] == float(np.mean(bleu_item_scores(stats, k, cumulative=False)))
        assert result.signature(k) == bleu_signature(k, cumulative=False)
    assert result.score == float(np.mean(bleu_item_scores(stats, 4, cumulative=True)))
    assert result.signature() == bleu_signature(4, cumulative=True)
    assert "agg:corpus" in bleu(HYPS, REFS, corpus=True).signature(2).format()
    assert bleu(HYPS, REFS, 2).signature() == bleu_signature(2, cumulative=True)
    with pytest.raises(ValueError):
        result.signature(5)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        bleu(["a"], ["a", "b"])
    with pytest.raises(ValueError):
        bleu(["a"], ["a"], smoothing="method7")
    with pytest.raises(ValueError):
        bleu([], [])
