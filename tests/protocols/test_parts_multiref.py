"""Lexicon tagging, per-part recall/precision, wrong-part replacement, and multi-reference reduction."""

from __future__ import annotations

import numpy as np
import pytest
from protocol_fixtures import dataset, pair, video

from adrbench.metrics import rouge_item_scores, rouge_stats
from adrbench.protocols.lexicon import replace_parts, tag
from adrbench.protocols.multiref import multi_reference_metrics, references_of
from adrbench.protocols.parts import part_metrics, part_metrics_by_category
from adrbench.records import PairPrediction


def test_tagging_sports_and_surgery() -> None:
    text = (
        "Player 1 keeps the Knees stable and the elbow tucked; Player 2 has better footwork and upper body."
    )
    assert tag(text) == {"knee", "balance", "elbow", "footwork", "core/trunk"}
    assert tag("The tooltip hesitates near the tissue; needle handling is poor.", "surgery") == {
        "tip",
        "tissue",
        "needle",
        "flow",
    }
    assert tag("Player 1 is better.") == frozenset() and tag(None) == frozenset()
    assert "knee" not in tag("knee-high socks")  # hyphenated compounds are not the part


def test_replace_parts_keeps_number_and_case() -> None:
    out = replace_parts("Knees bend; the knee and both elbows.", np.random.default_rng(0))
    assert out is not None and "knee" not in out.lower() and "elbow" not in out.lower()
    words = out.replace(";", "").replace(".", "").split()
    assert words[0][0].isupper() and words[0].endswith(("s", "feet"))
    assert replace_parts("Player 1 is better.", np.random.default_rng(0)) is None


def test_part_recall_and_precision_by_hand() -> None:
    data = dataset(
        [video("a", 1), video("b", 2), video("c", 3), video("d", 4)],
        [
            pair("p", "a", "b", "Player 1 bends the knees more; Player 2 drops the elbow."),
            pair("q", "c", "d", "Player 2 keeps the knees stable.", category="Soccer", group="Juggle"),
        ],
    )
    preds = {
        "p": PairPrediction(pair_id="p", description="Player 1 has better knees and hips."),
        "q": PairPrediction(pair_id="q", description=None),
    }
    m = part_metrics(data, data.items("test"), preds)
    # GT tags: p {knee, elbow, range of motion(bend)}, q {knee, balance}; generated: p {knee, hip}, q {}
    assert m["part_recall.knee"]["value"] == pytest.approx(1 / 2) and m["part_recall.knee"]["n"] == 2
    assert m["part_precision.knee"]["value"] == 1.0 and m["part_precision.knee"]["n"] == 1
    assert m["part_recall.elbow"]["value"] == 0.0
    assert m["part_precision.hip"]["value"] == 0.0 and m["part_recall.hip"]["n"] == 0
    assert m["part_recall"]["value"] == pytest.approx(1 / 5) and m["part_precision"][
        "value"
    ] == pytest.approx(1 / 2)
    groups = part_metrics_by_category(data, data.items("test"), preds)
    assert groups["Soccer"]["n_items"] == 1 and groups["Soccer"]["metrics"]["part_recall"]["value"] == 0.0


def test_multi_reference_takes_the_max_per_pair() -> None:
    refs = ["Player 1 keeps the knees stable.", "Player 2 lacks power in the hips."]
    data = dataset(
        [video("a", 1), video("b", 2), video("c", 3)],
        [
            pair("p", "a", "b", refs[0], references=[refs[1], refs[0]]),
            pair("q", "b", "c", "Player 1 is better."),
        ],
    )
    assert references_of(data.pairs["p"]) == refs
    hyp = "Player 2 lacks power."
    preds = {
        "p": PairPrediction(pair_id="p", description=hyp),
        "q": PairPrediction(pair_id="q", description=hyp),
    }
    m = multi_reference_metrics(data.items("test"), preds, keys=("rouge_l", "bleu_1"))
    single = rouge_item_scores(rouge_stats([hyp] * 3, [refs[0], refs[1], "Player 1 is better."], "L"), "L")[
        :, 2
    ]
    assert m["rouge_l_multiref"]["value"] == pytest.approx((max(single[0], single[1]) + single[2]) / 2)
    assert single[1] > single[0]
    assert (
        "nrefs:1-2" in m["rouge_l_multiref"]["signature"]
        and "reduce:max" in m["rouge_l_multiref"]["signature"]
    )
    with pytest.raises(ValueError):
        references_of(pair("z", "a", "b", "x", references="not a list"))
