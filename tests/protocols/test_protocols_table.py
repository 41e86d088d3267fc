"""Every column of the measured 'ADR protocols' table is a metric that the evaluation really produces."""

from __future__ import annotations

from protocol_fixtures import dataset, pair, video

from adrbench.evaluate import evaluate
from adrbench.leaderboard.layouts import EXTRA_LAYOUTS
from adrbench.protocols import swap_pair, unswap_prediction
from adrbench.records import PairPrediction


def test_protocol_table_columns_are_evaluated_metrics() -> None:
    videos = [video(v, s) for v, s in {"a": 9, "b": 5, "c": 3}.items()]
    pairs = [
        pair("p", "a", "b", "Player 1 keeps the knees more stable than Player 2."),
        pair("q", "b", "c", "Player 2 lacks power in the hips, whereas Player 1 bends the elbows well."),
    ]
    data = dataset(videos, pairs)
    ab = [PairPrediction(pair_id=p.id, score_1=6.0, score_2=4.0, description=p.description) for p in pairs]
    ba = [unswap_prediction(PairPrediction(pair_id=swap_pair(p).id, score_1=6.0, score_2=4.0)) for p in pairs]
    metrics = evaluate(data, ab, swapped=ba, n_bootstrap=20)["metrics"]
    columns = [c.metric for c in EXTRA_LAYOUTS["protocols"].columns]
    assert set(columns) <= set(metrics), set(columns) - set(metrics)
    # a model that always scores the first-shown player higher: position bias is in plain view
    assert metrics["order_first_preferred"]["value"] == 1.0
    assert metrics["order_acc"]["value"] == 1.0 and metrics["order_acc_ba"]["value"] == 0.0
