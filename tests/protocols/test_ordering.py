"""Ordering accuracy, ties, both presentation orders and position bias, checked by hand."""

from __future__ import annotations

import pytest
from protocol_fixtures import dataset, pair, video

from adrbench.protocols.ordering import ordering_metrics
from adrbench.protocols.players import split_by_order, swap_pair, swap_players, unswap_prediction
from adrbench.records import PairPrediction


@pytest.fixture
def data():
    # GT: video_1 better in p1, p2, p3; video_2 better in p4; p5 is a GT tie.
    scores = {"a": 9, "b": 5, "c": 8, "d": 2, "e": 7, "f": 7}
    videos = [video(k, s) for k, s in scores.items()]
    pairs = [
        pair("p1", "a", "b", "Player 1 is better."),
        pair("p2", "c", "d", None),
        pair("p3", "a", "d", None),
        pair("p4", "d", "e", None),
        pair("p5", "e", "f", None),
    ]
    return dataset(videos, pairs)


def _predict_first_better(p) -> PairPrediction:
    """A model that always scores the first-presented video higher."""
    return PairPrediction(pair_id=p.id, score_1=1.0, score_2=0.0, description="Player 1 performs better.")


def test_always_first_model_shows_its_position_bias(data) -> None:
    pairs = data.items("test")
    preds = [_predict_first_better(p) for p in pairs]
    preds += [unswap_prediction(_predict_first_better(swap_pair(p))) for p in pairs]
    ab, ba = split_by_order(preds)
    m = ordering_metrics(data, pairs, ab, ba)
    # 4 GT-decided pairs; video_1 is better in 3 of them.
    assert m["order_acc"]["value"] == pytest.approx(3 / 4) and m["order_acc"]["n"] == 4
    assert m["order_acc_ba"]["value"] == pytest.approx(1 / 4)
    assert m["position_bias"]["value"] == pytest.approx(0.5)
    assert m["order_first_preferred"]["value"] == 1.0
    assert m["order_consistency"]["value"] == 0.0
    assert m["order_gt_ties"]["value"] == 1 and m["order_gt_ties"]["n"] == 5
    lo, hi = m["order_acc"]["ci95"]
    assert 0.0 <= lo <= hi <= 1.0


def test_an_order_invariant_model_has_no_bias(data) -> None:
    pairs = data.items("test")
    truth = {v.id: v.score for v in data.videos.values()}

    def oracle(p):
        return PairPrediction(pair_id=p.id, score_1=truth[p.video_1], score_2=truth[p.video_2])

    ab, ba = split_by_order(
        [oracle(p) for p in pairs] + [unswap_prediction(oracle(swap_pair(p))) for p in pairs]
    )
    m = ordering_metrics(data, pairs, ab, ba)
    assert m["order_acc"]["value"] == m["order_acc_ba"]["value"] == 1.0
    assert m["position_bias"]["value"] == 0.0 and m["order_consistency"]["value"] == 1.0
    assert m["order_first_preferred"]["value"] == pytest.approx(
        4 / 8
    )  # ab: 3 of 4 first; ba: only (e, d); ties out


def test_predicted_ties_earn_half_and_failures_nothing(data) -> None:
    pairs = data.items("test")
    ab = {
        "p1": PairPrediction(pair_id="p1", score_1=3, score_2=3),
        "p2": PairPrediction(pair_id="p2", score_1=None, score_2=1),
        "p3": PairPrediction(pair_id="p3", score_1=5, score_2=1),
        "p4": PairPrediction(pair_id="p4", score_1=5, score_2=1),
    }
    m = ordering_metrics(data, pairs, ab)
    assert m["order_acc"]["value"] == pytest.approx((0.5 + 0 + 1 + 0) / 4)
    assert m["order_pred_ties"]["value"] == 1 and m["order_failed"]["value"] == 1
    assert "position_bias" not in m
    del ab["p3"]  # a missing (A,B) prediction is a failure, not a smaller n
    m = ordering_metrics(data, pairs, ab)
    assert m["order_acc"]["n"] == 4 and m["order_failed"]["value"] == 2


def test_swap_pair_and_unswap_roundtrip(data) -> None:
    p = data.pairs["p1"]
    s = swap_pair(p)
    assert (s.id, s.video_1, s.video_2, s.description) == ("p1~ba", "b", "a", "Player 2 is better.")
    pred = PairPrediction(
        pair_id=s.id, score_1=2.0, score_2=7.0, description="Climber 2 is stronger than climber 1."
    )
    back = unswap_prediction(pred)
    assert (back.pair_id, back.score_1, back.score_2, back.swapped) == ("p1", 7.0, 2.0, True)
    assert back.description == "Climber 1 is stronger than climber 2."
    with pytest.raises(ValueError):
        unswap_prediction(back)
    with pytest.raises(ValueError):
        swap_pair(s)
    assert (
        swap_players(swap_players("The first player beats Player two."))
        == "The first player beats Player two."
    )
