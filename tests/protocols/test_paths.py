"""Path metrics of a tree-search model: entropy, same-pair choice and agreement with the decisive groups,
each against the level that a choice without information reaches."""

from __future__ import annotations

import pytest
from protocol_fixtures import dataset, pair, video

from adrbench.data.skeletons import BODY
from adrbench.evaluate import evaluate
from adrbench.protocols.paths import path_metrics
from adrbench.records import PairPrediction

GROUPS = list(BODY.groups)


def _data(decisive: dict[str, list[str]]):
    videos = [video(v, float(i)) for i, v in enumerate(["a", "b", "c", "d"])]
    for v in videos:
        v.meta["decisive_groups"] = decisive[v.id]
    pairs = [pair("p1", "a", "b", "x."), pair("p2", "c", "d", "y."), pair("p3", "a", "c", "z.")]
    return dataset(videos, pairs)


def _pred(pid: str, path: list[str], path_2: list[str], h: float = 0.2, h2: float = 0.4) -> PairPrediction:
    meta = {"path": path, "path_2": path_2, "path_entropy": h, "path_entropy_2": h2}
    return PairPrediction(pair_id=pid, score_1=1.0, score_2=2.0, description="x.", meta=meta)


def test_values_on_hand_counted_choices() -> None:
    g0, g1 = GROUPS[0], GROUPS[1]
    data = _data({"a": [g0], "b": [g0], "c": [g1], "d": [g0, g1]})
    preds = [
        _pred("p1", [g0, g0, g0], [g0, g1, g1]),  # a: 3/3 decisive, b: 1/3
        _pred("p2", [g1, g1, g1], [g1, g1, g1], h=0.6, h2=0.8),  # c: 3/3, d: 3/3; same path
        _pred("p3", [g1, g1, g1], [g0, g0, g0], h=0.9, h2=0.9),  # a and c seen before: the first one counts
    ]
    m = path_metrics(data, preds, n_bootstrap=200)
    assert m["path_entropy"]["value"] == pytest.approx((0.2 + 0.4 + 0.6 + 0.8) / 4)
    assert m["path_same_pair"]["value"] == pytest.approx(1 / 3)
    # chosen paths over the 4 videos: g0g0g0, g0g1g1, g1g1g1 twice → Σ f² = (1 + 1 + 4) / 16
    assert m["path_same_pair_chance"]["value"] == pytest.approx(6 / 16)
    assert m["path_decisive"]["value"] == pytest.approx((1 + 1 / 3 + 1 + 1) / 4)
    j = len(GROUPS)
    assert m["path_decisive_chance"]["value"] == pytest.approx((1 + 1 + 1 + 2) / 4 / j)
    assert m["path_decisive_constant"]["value"] == pytest.approx(3 / 4)  # g0 (a, b, d) or g1 (c, d)
    assert (
        m["path_decisive"]["higher_is_better"] is True
        and m["path_decisive_chance"]["higher_is_better"] is None
    )
    assert all(m[k]["ci95"] is not None for k in ("path_entropy", "path_same_pair", "path_decisive"))


def test_coverage_tells_a_repeated_group_from_a_path_that_visits_every_decisive_one() -> None:
    g0, g1, g2 = GROUPS[:3]
    data = _data({v: [g0, g1] for v in "abcd"})
    repeat = [_pred(p, [g0] * 3, [g0] * 3) for p in ("p1", "p2")]
    visits = [_pred(p, [g0, g1, g2], [g1, g2, g0]) for p in ("p1", "p2")]
    one, both = path_metrics(data, repeat, n_bootstrap=0), path_metrics(data, visits, n_bootstrap=0)
    assert one["path_decisive"]["value"] == 1.0 > both["path_decisive"]["value"] == pytest.approx(2 / 3)
    assert one["path_decisive_coverage"]["value"] == 0.5 < both["path_decisive_coverage"]["value"] == 1.0
    j = len(GROUPS)
    assert one["path_decisive_coverage_chance"]["value"] == pytest.approx(1 - (1 - 1 / j) ** 3)
    assert one["path_decisive_coverage_constant"]["value"] == 1.0  # any path through g0 and g1
    mixed = _data({"a": [g0], "b": [g0], "c": [g1], "d": [g0, g1]})
    hand = [_pred("p1", [g0] * 3, [g0, g1, g1]), _pred("p2", [g1] * 3, [g1] * 3)]
    assert path_metrics(mixed, hand, n_bootstrap=0)["path_decisive_coverage"]["value"] == pytest.approx(3.5 / 4)


def test_a_choice_that_ignores_the_video_sits_at_its_chance_levels() -> None:
    g0, g1 = GROUPS[0], GROUPS[1]
    data = _data({"a": [g0], "b": [g1], "c": [g0], "d": [g1]})
    constant = [_pred(p, [g0] * 3, [g0] * 3) for p in ("p1", "p2")]
    m = path_metrics(data, constant, n_bootstrap=0)
    assert m["path_same_pair"]["value"] == m["path_same_pair_chance"]["value"] == 1.0  # same by construction
    assert m["path_decisive"]["value"] == 0.5 <= m["path_decisive_constant"]["value"]
    right = [_pred("p1", [g0] * 3, [g1] * 3), _pred("p2", [g0] * 3, [g1] * 3)]
    m = path_metrics(data, right, n_bootstrap=0)
    assert m["path_decisive"]["value"] == 1.0 > m["path_decisive_constant"]["value"] == 0.5


def test_models_without_paths_get_none_and_evaluate_reports_them() -> None:
    g0 = GROUPS[0]
    data = _data({v: [g0] for v in "abcd"})
    plain = [
        PairPrediction(pair_id=p, score_1=1.0, score_2=2.0, description="x.") for p in ("p1", "p2", "p3")
    ]
    assert path_metrics(data, plain) == {}
    assert not any(k.startswith("path_") for k in evaluate(data, plain, n_bootstrap=0)["metrics"])
    chosen = [_pred(p, [g0] * 3, [g0] * 3) for p in ("p1", "p2", "p3")]
    reported = evaluate(data, chosen, n_bootstrap=0)["metrics"]
    assert reported["path_decisive"]["value"] == 1.0 and reported["path_entropy"]["n"] == 4
