"""Multiple choice: distractor kinds, no duplicates, determinism, scoring by choose and by fallback."""

from __future__ import annotations

import pytest
from protocol_fixtures import dataset, pair, video

from adrbench.protocols.choice import build_choices, choice_item, choice_metrics, collect_choice_scores
from adrbench.records import PairPrediction


def _data():
    texts = [
        "Player 1 keeps the knees more stable than Player 2.",
        "Player 2 extends the elbows fully, whereas Player 1 lacks power.",
        "Player 1 is better.",
        "Both players perform at a similar level.",
        "Player 1 keeps the knees more stable than Player 2.",  # a duplicate of p0's text
    ]
    videos = [video(v, s) for v, s in zip("abcdef", (9, 5, 3, 7, 6, 2), strict=True)]
    pairs = [pair(f"p{i}", "abcde"[i], "bcdef"[i], t) for i, t in enumerate(texts)]
    pairs.append(pair("x0", "a", "f", "Player 2 has better hip timing.", category="Soccer", group="Juggle"))
    return dataset(videos, pairs)


def _norm(t: str) -> str:
    return " ".join(t.lower().split())


def test_options_are_distinct_and_the_answer_appears_once() -> None:
    data = _data()
    for k in (1, 3, 5):
        for item in build_choices(data, data.items("test"), k=k, seed=3):
            normed = [_norm(o) for o in item.options]
            assert len(set(normed)) == len(normed)
            truth = _norm(data.pairs[item.pair_id].description)
            assert normed.count(truth) == 1 and normed[item.answer] == truth
            assert item.kinds[item.answer] == "answer" and item.kinds.count("answer") == 1
            assert len(item.options) <= k + 1


def test_distractor_kinds() -> None:
    data = _data()
    item = choice_item(data, data.pairs["p0"], k=3, seed=0)
    by_kind = dict(zip(item.kinds, item.options, strict=True))
    assert by_kind["swapped"] == "Player 2 keeps the knees more stable than Player 1."
    wrong = by_kind["wrong-part"]
    assert (
        "knees" not in wrong
        and wrong.startswith("Player 1 keeps the ")
        and wrong.endswith(" more stable than Player 2.")
    )
    assert by_kind["other-pair"] in {data.pairs[p].description for p in ("p1", "p2", "p3")}
    # "Both players ..." has no player and no part to swap: distractors come from other pairs
    item = choice_item(data, data.pairs["p3"], k=3, seed=0)
    assert item.kinds.count("other-pair") == 3


def test_same_seed_same_choices_other_seed_differs() -> None:
    data = _data()
    a = build_choices(data, data.items("test"), k=3, seed=7)
    b = build_choices(data, list(reversed(data.items("test"))), k=3, seed=7)
    assert a == list(reversed(b))  # per-pair generators: order of evaluation does not matter
    c = build_choices(data, data.items("test"), k=3, seed=8)
    assert a != c


def test_chance_choose_and_fallback_scoring() -> None:
    data = _data()
    items = build_choices(data, data.items("test"), k=3, seed=0)

    class Oracle:
        def choose(self, data, pair, options):
            return [float(o == pair.description) for o in options]

    scores = collect_choice_scores(Oracle(), data, items)
    m = choice_metrics(data, items, scores, {})
    assert m["mcq_acc"]["value"] == 1.0 and m["mcq_fallback"]["value"] == 0
    assert m["mcq_chance"]["value"] == pytest.approx(sum(1 / len(i.options) for i in items) / len(items))

    # fallback: the generated text copies the answer for p0 and is missing elsewhere
    preds = {"p0": PairPrediction(pair_id="p0", description=data.pairs["p0"].description)}
    m = choice_metrics(data, items, {i.pair_id: None for i in items}, preds)
    assert m["mcq_acc"]["value"] == pytest.approx(1 / len(items))
    assert m["mcq_fallback"]["value"] == len(items) and m["mcq_unanswered"]["value"] == len(items) - 1

    # a model that cannot tell direction ties the answer with the swapped option: half credit
    class Blind:
        def choose(self, data, pair, options):
            return [
                float(
                    _norm(o)
                    in {
                        _norm(pair.description),
                        _norm(pair.description.replace("1", "#").replace("2", "1").replace("#", "2")),
                    }
                )
                for o in options
            ]

    item = next(i for i in items if i.pair_id == "p0")
    m = choice_metrics(data, [item], collect_choice_scores(Blind(), data, [item]), {})
    assert m["mcq_acc"]["value"] == 0.5 and m["mcq_picked_swapped"]["value"] == 0.5
