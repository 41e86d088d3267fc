"""The runner/scorer entry points: answers stored in predictions, all protocols computed, table rows."""

from __future__ import annotations

from protocol_fixtures import dataset, pair, video

from adrbench.display import metric_rows
from adrbench.protocols import (
    answer_protocols,
    protocol_groups,
    protocol_metrics,
    swap_pair,
    unswap_prediction,
)
from adrbench.protocols.choice import choice_item
from adrbench.records import PairPrediction


def _data():
    scores = {"a": 9, "b": 5, "c": 3, "d": 7}
    videos = [video(v, s, category="Soccer" if v == "d" else "Basketball") for v, s in scores.items()]
    pairs = [
        pair(
            "p",
            "a",
            "b",
            "Player 1 keeps the knees more stable than Player 2. Overall, Player 1 performs better.",
        ),
        pair(
            "q",
            "b",
            "c",
            "Player 2 lacks power in the hips, whereas Player 1 bends the elbows well.",
            references=["Player 1 is better."],
        ),
        pair("r", "c", "d", "Player 2 has better footwork.", category="Soccer", group="Juggle"),
    ]
    return dataset(videos, pairs)


class Oracle:
    """Scores by the truth, chooses the true description, answers the probe from the GT subject."""

    def __init__(self, data):
        self.data = data

    def predict(self, data, items):
        return [
            PairPrediction(
                pair_id=p.id,
                score_1=data.videos[p.video_1].score,
                score_2=data.videos[p.video_2].score,
                description=p.description,
            )
            for p in items
        ]

    def choose(self, data, pair, options):
        return [float(o == pair.description) for o in options]

    def probe(self, data, pair, statements):
        from adrbench.protocols.probe import statements_of

        return [s.answer for s in statements_of(data, pair)[0]]


def test_protocol_metrics_end_to_end() -> None:
    data = _data()
    model = Oracle(data)
    pairs = data.items("test")
    preds = answer_protocols(model, data, pairs, model.predict(data, pairs))
    assert all("mcq" in q.meta["protocols"] and "probe" in q.meta["protocols"] for q in preds)
    preds += [unswap_prediction(q) for q in model.predict(data, [swap_pair(p) for p in pairs])]
    m = protocol_metrics(data, "test", preds, n_bootstrap=200)
    for key in ("order_acc", "order_acc_ba", "judge_winner_agreement", "probe_acc", "mcq_acc", "part_recall"):
        assert m[key]["value"] == 1.0, key
    assert m["position_bias"]["value"] == 0.0 and m["mcq_fallback"]["value"] == 0
    assert m["probe_fallback"]["value"] == 0
    assert m["rouge_l_multiref"]["value"] == 1.0 and "nrefs:1-2" in m["rouge_l_multiref"]["signature"]
    for e in m.values():
        assert set(e) == {"value", "ci95", "n", "signature", "higher_is_better"}
    assert m["order_acc"]["higher_is_better"] is True and m["position_bias"]["higher_is_better"] is None
    assert (
        m["mcq_picked_swapped"]["higher_is_better"] is False
        and m["order_gt_ties"]["higher_is_better"] is None
    )
    assert protocol_metrics(data, "test", preds, n_bootstrap=200) == m  # deterministic

    # stale stored answers (the options changed, e.g. another seed) are not used: the fallback answers instead
    m7 = protocol_metrics(data, "test", preds, seed=7, n_bootstrap=200)
    assert m7["mcq_fallback"]["value"] == 3

    groups = protocol_groups(data, "test", preds, n_bootstrap=200)
    assert sorted(groups) == ["Basketball", "Soccer"] and groups["Soccer"]["n_items"] == 1

    rows = metric_rows({"metrics": {"spearman": {"value": 0.5, "ci95": None, "n": 3, "signature": "x"}, **m}})
    labels = [label for label, _, _ in rows]
    assert labels[0] == "spearman" and labels.index("ordering: order_acc") < labels.index(
        "multiple choice: mcq_acc"
    )
    shown = {label: (value, n) for label, value, n in rows}
    assert shown["ordering: order_gt_ties"] == ("0", "3")  # a count: an integer
    # the part_ metrics pool body parts and skill attributes (timing, smoothness, balance, range_of_motion)
    assert "body parts and skill attributes: part_recall" in shown and not any(
        label.startswith("body parts:") for label in shown
    )
    assert shown["multiple choice: mcq_acc"][0].startswith("1.0000 [")


def test_models_without_choose_or_probe_store_nothing() -> None:
    data = _data()

    class Plain:
        def choose(self, data, pair, options):
            return None

        def probe(self, data, pair, statements):
            return None

    p = data.pairs["p"]
    pred = PairPrediction(pair_id="p", score_1=1, score_2=0, description="Player 1 is better.")
    assert answer_protocols(Plain(), data, [p], [pred]) == [pred]
    assert choice_item(data, p) is not None
