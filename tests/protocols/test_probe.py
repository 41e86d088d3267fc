"""Closed probe: statements from GT clauses, truth from text or skill, model answers and the fallback."""

from __future__ import annotations

import pytest
from protocol_fixtures import dataset, pair, video

from adrbench.protocols.probe import build_probe, collect_probe_answers, probe_metrics, statements_of
from adrbench.records import PairPrediction

SKILL_A = {"knee": {"timing": 0.9, "stability": 0.2}, "hip": {"timing": 0.1, "stability": 0.5}}
SKILL_B = {"knee": {"timing": 0.3, "stability": 0.6}, "hip": {"timing": 0.1, "stability": 0.9}}


def _data():
    return dataset(
        [video("a", 9, skill=SKILL_A), video("b", 5, skill=SKILL_B), video("c", 4), video("d", 6)],
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
    assert [(s.answer, s.source) for s in stmts] == [(1, "skill"), (2, "skill"), (1, "text")]
    assert dropped == 1  # "the players differ": no subject
    stmts, dropped = statements_of(data, data.pairs["q"])
    assert [(s.text, s.answer, s.positive) for s in stmts] == [
        ("This player shows better footwork.", 1, True),
        ("This player: a stiff knee.", 1, False),
        ("This player lacks power.", 2, False),
    ]
    assert not any("1" in s.text or "2" in s.text for s in stmts)


def test_skill_truth_overrides_a_wrong_text_subject() -> None:
    # the text claims player 1 is steadier at the hips; the generator's truth says player 2 is
    data = dataset(
        [video("a", 9, skill=SKILL_A), video("b", 5, skill=SKILL_B)],
        [pair("p", "a", "b", "Player 1 keeps the hips more stable than Player 2.")],
    )
    (s,), _ = statements_of(data, data.pairs["p"])
    assert (s.answer, s.source) == (2, "skill")


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
