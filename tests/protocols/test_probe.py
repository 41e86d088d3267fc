"""Closed probe: statements from GT clauses or the generator's facts, model answers and the fallback."""

from __future__ import annotations

import pytest
from protocol_fixtures import dataset, pair, video

from adrbench.protocols.probe import build_probe, collect_probe_answers, probe_metrics, statements_of
from adrbench.records import PairPrediction


def _data():
    return dataset(
        [video("a", 9), video("b", 5), video("c", 4), video("d", 6)],
        [
            pair(
                "p",
                "a",
                "b",
                "Player 1 times the knees movement better than Player 2. Player 2 keeps the hips more "
                "stable than Player 1. Overall, Player 1 performs better. The players differ.",
            ),
            pair(
                "q",
                "c",
                "d",
                "Player 1 shows better footwork despite a stiff knee, whereas Player 2 lacks power.",
            ),
        ],
    )


def test_statements_are_neutral_with_their_answers() -> None:
    data = _data()
    stmts, dropped = statements_of(data, data.pairs["p"])
    assert [s.text for s in stmts] == [
        "This player times the knees movement better than the other player.",
        "This player keeps the hips more stable than the other player.",
        "Overall, this player performs better.",
    ]
    assert [(s.answer, s.source) for s in stmts] == [(1, "text"), (2, "text"), (1, "text")]
    assert dropped == 1  # "the players differ": no subject
    stmts, dropped = statements_of(data, data.pairs["q"])
    assert [(s.text, s.answer, s.positive) for s in stmts] == [
        ("This player shows better footwork.", 1, True),
        ("This player: a stiff knee.", 1, False),
        ("This player lacks power.", 2, False),
    ]
    assert not any("1" in s.text or "2" in s.text for s in stmts)


def test_generator_facts_replace_the_text_on_synthetic_pairs() -> None:
    """A pair with facts (adr-synth) is probed on each fact, said of the better or the worse player; the text,
    whatever it claims, is not parsed."""
    facts = [
        {"group": "knee", "phase": "dip", "aspect": "steadiness", "better": 2, "delta": 0.05, "salience": 0.7,
         "decisive": True},
        {"group": "elbow", "phase": "release", "aspect": "range", "better": 1, "delta": 0.2, "salience": 0.4,
         "decisive": False},
    ]  # fmt: skip
    data = dataset(
        [video("a", 9), video("b", 5)],
        [pair("p", "a", "b", "Player 1 keeps the hips more stable than Player 2.", facts=facts)],
    )
    stmts, dropped = statements_of(data, data.pairs["p"])
    assert dropped == 0 and [s.source for s in stmts] == ["facts", "facts"]
    for statement, fact in zip(stmts, facts, strict=True):
        assert "this player" in statement.text.lower()
        assert fact["group"] in statement.tags
        better = statement.answer if statement.positive else 3 - statement.answer
        assert better == fact["better"]
    assert stmts == statements_of(data, data.pairs["p"])[0]  # the same statements every time


class _Oracle:
    def __init__(self, items):
        self.items = items

    def probe(self, data, pair, statements):
        return [s.answer for s in self.items[pair.id]]


class _NoProbe:
    def probe(self, data, pair, statements):
        return None


def test_probe_accuracy_with_model_answers_and_fallback() -> None:
    data = _data()
    items, dropped = build_probe(data, data.items("test"))
    answers = collect_probe_answers(_Oracle(items), data, items)
    m = probe_metrics(data, items, answers, {}, dropped)
    assert m["probe_acc"]["value"] == 1.0 and m["probe_acc"]["n"] == 6
    assert m["probe_dropped"]["value"] == 1 and m["probe_fallback"]["value"] == 0

    # fallback: the generated description says player 2 has the better knees, player 1 is better overall
    preds = {
        "p": PairPrediction(
            pair_id="p", description="Player 2 moves the knees better. Overall, Player 1 is better."
        ),
        "q": PairPrediction(pair_id="q", description=None),
    }
    answers = collect_probe_answers(_NoProbe(), data, items)
    m = probe_metrics(data, items, answers, preds, dropped)
    # p: knee statement → 2 (wrong), hip statement → no hip clause → overall verdict 1 (wrong), overall → 1 (right)
    # q: no description → 3 unanswered (wrong)
    assert m["probe_acc"]["value"] == pytest.approx(1 / 6)
    assert m["probe_fallback"]["value"] == 6 and m["probe_unanswered"]["value"] == 3


def test_wrong_length_answers_fall_back() -> None:
    data = _data()
    items, dropped = build_probe(data, data.items("test"))
    m = probe_metrics(data, items, {"p": [1], "q": [1, 1, 2]}, {}, dropped)
    assert m["probe_fallback"]["value"] == 3 and m["probe_unanswered"]["value"] == 3
    assert m["probe_acc"]["value"] == pytest.approx(3 / 6)
