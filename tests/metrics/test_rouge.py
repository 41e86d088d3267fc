"""ROUGE-1/2/L agree with rouge-score; ROUGE-S/SU follow ROUGE-1.5.5 (hand-computed and transcribed cases)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from rouge_score import rouge_scorer, tokenize

from adrbench.metrics import rouge, rouge_item_scores, rouge_stats
from adrbench.metrics.rouge_metric import item_stats, lcs_length, skip_bigram_count
from adrbench.metrics.tokenize import rouge_tokenize

from .metric_cases import EDGE_PAIRS, random_pairs

PAIRS = EDGE_PAIRS + random_pairs(150, seed=2)
HYPS = [h for h, _ in PAIRS]
REFS = [r for _, r in PAIRS]


@pytest.mark.parametrize("stem", [False, True])
def test_tokenizer_is_rouge_scores(stem: bool) -> None:
    from nltk.stem import porter

    stemmer = porter.PorterStemmer() if stem else None
    for text in HYPS + REFS:
        assert list(rouge_tokenize(text, stem)) == tokenize.tokenize(text, stemmer)


@pytest.mark.parametrize("stem", [False, True])
@pytest.mark.parametrize(("kind", "key"), [("1", "rouge1"), ("2", "rouge2"), ("L", "rougeL")])
def test_rouge_n_and_l_match_rouge_score(kind: str, key: str, stem: bool) -> None:
    scorer = rouge_scorer.RougeScorer([key], use_stemmer=stem)
    ref = [scorer.score(r, h)[key] for h, r in PAIRS]
    ours = rouge_item_scores(rouge_stats(HYPS, REFS, kind, stem), kind)
    np.testing.assert_allclose(ours, [[s.precision, s.recall, s.fmeasure] for s in ref], rtol=0, atol=1e-12)
    mean = rouge(HYPS, REFS, kind, stem)
    assert mean["fmeasure"] == pytest.approx(np.mean([s.fmeasure for s in ref]), abs=1e-12)
    assert mean["precision"] == pytest.approx(np.mean([s.precision for s in ref]), abs=1e-12)
    assert mean["recall"] == pytest.approx(np.mean([s.recall for s in ref]), abs=1e-12)


def test_token_lists_are_used_as_given() -> None:
    class Identity:
        def tokenize(self, text: str) -> list[str]:
            return text.split(" ")

    scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=Identity())
    hyp, ref = ["The", "Cat", "sat", "-"], ["the", "Cat", "-", "sat"]
    want = scorer.score(" ".join(ref), " ".join(hyp))["rougeL"]
    got = rouge([hyp], [ref], "L")
    assert got["fmeasure"] == pytest.approx(want.fmeasure, abs=1e-12)
    assert got["precision"] == pytest.approx(want.precision, abs=1e-12)


def test_lcs_length_against_dynamic_programming() -> None:
    rng = np.random.default_rng(0)
    for _ in range(300):
        a = list(rng.choice(list("abcde"), size=rng.integers(0, 25)))
        b = list(rng.choice(list("abcxy"), size=rng.integers(0, 25)))
        table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i in range(1, len(a) + 1):
            for j in range(1, len(b) + 1):
                table[i][j] = (
                    table[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(table[i - 1][j], table[i][j - 1])
                )
        assert lcs_length(a, b) == table[-1][-1]


# ---- ROUGE-S / SU: ROUGE-1.5.5 -2 -1 / -2 4, -U, alpha 0.5 ------------------------------------------------


def test_rouge_s_star_hand_computed() -> None:
    # Lin (2004) §5 example. Reference "police killed the gunman": 6 skip-bigrams. Hypothesis "police kill the
    # gunman": shared (police,the) (police,gunman) (the,gunman) = 3 → R = P = 3/6, F = 0.5.
    assert item_stats(("police", "kill", "the", "gunman"), ("police", "killed", "the", "gunman"), "S*") == (
        3,
        6,
        6,
    )
    # "the gunman kill police": only (the,gunman) shared → F = 1/6.
    got = rouge(["the gunman kill police"], ["police killed the gunman"], "S*")
    assert got == pytest.approx({"precision": 1 / 6, "recall": 1 / 6, "fmeasure": 1 / 6})
    # "the gunman police killed": (the,gunman) and (police,killed) → 2/6.
    assert rouge(["the gunman police killed"], ["police killed the gunman"], "S*")[
        "fmeasure"
    ] == pytest.approx(2 / 6)


def test_rouge_s4_window_hand_computed() -> None:
    # Reference a b c d e f g: with at most 4 skipped tokens, (a,g) (gap 5) is out: 21 − 1 = 20 units.
    ref = tuple("abcdefg")
    assert skip_bigram_count(7, 4, False) == 20
    assert skip_bigram_count(7, -1, False) == 21
    # Hypothesis "a g": its only unit (a,g) is inside S* but outside S4's window.
    assert item_stats(("a", "g"), ref, "S*") == (1, 1, 21)
    assert item_stats(("a", "g"), ref, "S4") == (0, 1, 20)
    p, r, f = 1.0, 1 / 21, (1.0 * (1 / 21)) / (0.5 * 1.0 + 0.5 * (1 / 21))
    assert rouge(["a g"], ["a b c d e f g"], "S*") == pytest.approx(
        {"precision": p, "recall": r, "fmeasure": f}
    )


def test_rouge_su_counts_unigrams_but_not_the_last_token() -> None:
    # ROUGE-1.5.5 -U adds a unigram for each token i < n−1: "a b c" → units a, b, (a,b), (a,c), (b,c) = 5.
    assert skip_bigram_count(3, -1, True) == 5
    # Hypothesis "c a": units c, (c,a) — no shared unit with "a b c" ("c" is the reference's last token).
    assert item_stats(("c", "a"), ("a", "b", "c"), "SU*") == (0, 2, 5)
    # Hypothesis "a c": units a, (a,c) — both shared → P = 2/2, R = 2/5, F = 2PR/(P+R) = 4/7.
    got = rouge(["a c"], ["a b c"], "SU*")
    assert got == pytest.approx({"precision": 1.0, "recall": 0.4, "fmeasure": 4 / 7})
    # One-token texts have no units at all in ROUGE-1.5.5, so the score is 0.
    assert item_stats(("a",), ("a",), "SU4") == (0, 0, 0)
    assert rouge(["a"], ["a"], "SU4") == {"precision": 0.0, "recall": 0.0, "fmeasure": 0.0}


def _perl_skip_bigrams(tokens: list[str], distance: int, unigrams: bool) -> tuple[Counter, int]:
    # createSkipBigram of ROUGE-1.5.5, statement by statement (keys "w1 w2" as in the script).
    grams: Counter = Counter()
    count = 0
    for i in range(len(tokens) - 1):
        if unigrams:
            grams[tokens[i]] += 1
            count += 1
        j = i + 1
        while j <= len(tokens) - 1 and (distance < 0 or j <= i + distance + 1):
            grams[tokens[i] + " " + tokens[j]] += 1
            count += 1
            j += 1
    return grams, count


@pytest.mark.parametrize(
    ("kind", "distance", "unigrams"),
    [("S*", -1, False), ("S4", 4, False), ("SU*", -1, True), ("SU4", 4, True)],
)
def test_rouge_s_matches_transcribed_rouge_155(kind: str, distance: int, unigrams: bool) -> None:
    for hyp_text, ref_text in PAIRS:
        hyp, ref = tokenize.tokenize(hyp_text, None), tokenize.tokenize(ref_text, None)
        peer, n_peer = _perl_skip_bigrams(hyp, distance, unigrams)
        model, n_model = _perl_skip_bigrams(ref, distance, unigrams)
        hits = sum(min(c, peer[g]) for g, c in model.items() if g in peer)
        recall = hits / n_model if n_model else 0.0
        precision = hits / n_peer if n_peer else 0.0
        den = 0.5 * precision + 0.5 * recall
        f = precision * recall / den if den > 0 else 0.0
        got = rouge([hyp_text], [ref_text], kind)
        assert got == pytest.approx({"precision": precision, "recall": recall, "fmeasure": f}, abs=1e-12)


def test_edge_values_and_errors() -> None:
    assert rouge([""], [""], "L") == {"precision": 0.0, "recall": 0.0, "fmeasure": 0.0}
    assert rouge(["..."], ["?!"], "1")["fmeasure"] == 0.0
    with pytest.raises(ValueError):
        rouge(["a"], ["a"], "W")
    with pytest.raises(ValueError):
        rouge(["a"], ["a", "b"], "1")
