"""Winner agreement, self-consistency and the GT audit on a hand-checked pair set."""

from __future__ import annotations

import pytest
from protocol_fixtures import dataset, pair, video

from adrbench.protocols.verdicts import gt_verdict_metrics, judge_metrics
from adrbench.records import PairPrediction


def test_winner_agreement_and_self_consistency() -> None:
    data = dataset(
        [video("a", 9), video("b", 5), video("c", 3), video("d", 3)],
        [
            pair("p1", "a", "b", "Player 1 is better."),
            pair("p2", "b", "c", "Player 2 is better."),
            pair("p3", "a", "c", "The players differ in stance."),
            pair("p4", "c", "d", "Player 1 is better."),
        ],
    )
    preds = {
        "p1": PairPrediction(
            pair_id="p1", score_1=8, score_2=4, description="Player 1 performs better overall."
        ),
        "p2": PairPrediction(pair_id="p2", score_1=2, score_2=6, description="Player 2 is clearly superior."),
        "p3": PairPrediction(
            pair_id="p3", score_1=8, score_2=4, description="Both players perform equally well."
        ),
        "p4": PairPrediction(
            pair_id="p4", score_1=None, score_2=4, description="Player 1 shows better balance."
        ),
    }
    m = judge_metrics(data, data.items("test"), preds)
    # decided verdicts: p1 → 1 (GT 1 ✓), p2 → 2 (GT 1 ✗), p4 → 1 (GT tie: excluded)
    assert (
        m["judge_winner_agreement"]["value"] == pytest.approx(1 / 2) and m["judge_winner_agreement"]["n"] == 2
    )
    # against own scores: p1 ✓, p2 ✓, p4 no scores
    assert m["judge_self_consistency"]["value"] == 1.0 and m["judge_self_consistency"]["n"] == 2
    assert m["judge_tie"]["value"] == 1 and m["judge_undecided"]["value"] == 0 and m["judge_tie"]["n"] == 4
    assert "judge:rules-v2" in m["judge_winner_agreement"]["signature"]
    # accuracy counts every pair with a true winner, a tie or no verdict as wrong: p1 ✓, p2 ✗, p3 (tie) ✗
    assert m["judge_winner_accuracy"]["value"] == pytest.approx(1 / 3) and m["judge_winner_accuracy"]["n"] == 3

    audit = gt_verdict_metrics(data, data.items("test"))
    assert audit["gt_verdict_agreement"]["value"] == pytest.approx(1 / 2)  # p1 ✓, p2 ✗, p3 None, p4 GT tie
    assert audit["gt_verdict_undecided"]["value"] == 1


def test_a_custom_judge_is_named_in_the_signature() -> None:
    data = dataset([video("a", 9), video("b", 5)], [pair("p1", "a", "b", "x")])
    preds = {"p1": PairPrediction(pair_id="p1", score_1=1, score_2=0, description="anything")}
    m = judge_metrics(data, data.items("test"), preds, judge=lambda _text: 2, judge_name="llm:loopback")
    assert m["judge_winner_agreement"]["value"] == 0.0
    assert "judge:llm:loopback" in m["judge_winner_agreement"]["signature"]
