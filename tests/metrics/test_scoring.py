"""score_predictions on hand-built tiny Datasets: the metrics.json object, failures, groups, CIs, paired test."""

from __future__ import annotations

import json

import numpy as np
import pytest

from adrbench.display import metric_rows
from adrbench.errors import AdrbenchError, ConfigError
from adrbench.metrics import TEXT_KEYS, bleu, f1, meteor, relative_l2, rouge, spearman
from adrbench.records import PairPrediction, VideoPrediction
from adrbench.scoring import paired_test, score_predictions

SCORE_KEYS = {"spearman", "relative_l2", "relative_l2_unsquared"}


def _adr_preds() -> list[PairPrediction]:
    return [
        PairPrediction(
            pair_id="p1", score_1=6.5, score_2=5.5, description="the first player bends his knees more"
        ),
        PairPrediction(
            pair_id="p2", score_1=7.5, score_2=None, description=None
        ),  # one failed score, no text
        PairPrediction(pair_id="p3", score_1=4.0, score_2=3.0, description="both jump equally high"),
        PairPrediction(
            pair_id="p4", score_1=7.0, score_2=6.1, description="the first player plants the left foot"
        ),
        # p5 is missing entirely
    ]


def test_adr_metrics_object(adr_dataset) -> None:
    m = score_predictions(adr_dataset, _adr_preds(), n_bootstrap=200, seed=0)
    assert m["schema"] == "adrbench.metrics/1" and m["task"] == "adr-tiny" and m["split"] == "test"
    assert m["n_items"] == 5 and m["n_failed"] == 2  # p2 (score + text) and p5 (missing)
    assert m["failures"]["by_field"] == {"score": 3, "description": 2}
    assert m["failures"]["coverage"]["score"] == pytest.approx(7 / 10)
    assert "empty string" in m["failures"]["policy"]
    assert set(m["metrics"]) == SCORE_KEYS | set(TEXT_KEYS)
    for entry in m["metrics"].values():
        assert set(entry) == {"value", "ci95", "n", "signature", "higher_is_better"}
        assert entry["ci95"] is None or entry["ci95"][0] <= entry["ci95"][1]
        assert "bs:200|rs:0|resample:video-cluster" in entry["signature"]
    json.dumps(m, allow_nan=False)


def test_adr_values_equal_the_functional_api(adr_dataset) -> None:
    m = score_predictions(adr_dataset, _adr_preds(), n_bootstrap=0)
    videos = adr_dataset.videos
    # Answered sides, pooled: (p1: v1 6.5, v2 5.5), (p2: v1 7.5), (p3: v2 4.0, v3 3.0), (p4: v4 7.0, v5 6.1).
    truth = [videos[v].score for v in ("v1", "v2", "v1", "v2", "v3", "v4", "v5")]
    pred = [6.5, 5.5, 7.5, 4.0, 3.0, 7.0, 6.1]
    assert m["metrics"]["spearman"]["value"] == pytest.approx(spearman(truth, pred), abs=1e-12)
    assert m["metrics"]["relative_l2"]["value"] == pytest.approx(relative_l2(truth, pred), abs=1e-12)
    assert m["metrics"]["relative_l2_unsquared"]["value"] == pytest.approx(
        relative_l2(truth, pred, squared=False)
    )
    assert m["metrics"]["spearman"]["n"] == 7
    # Text: every pair scored, missing descriptions as "".
    by_id = {p.pair_id: p.description for p in _adr_preds()}
    hyps = [by_id.get(pid) or "" for pid in adr_dataset.splits["test"]]
    refs = [adr_dataset.pairs[pid].description for pid in adr_dataset.splits["test"]]
    assert m["metrics"]["bleu"]["value"] == pytest.approx(bleu(hyps, refs).score, abs=1e-12)
    assert m["metrics"]["bleu_2"]["value"] == pytest.approx(bleu(hyps, refs).individual[1], abs=1e-12)
    assert m["metrics"]["bleu_2"]["signature"] == bleu(hyps, refs).signature(2).format()  # no bootstrap here
    assert m["metrics"]["rouge_s"]["value"] == pytest.approx(rouge(hyps, refs, "S*")["fmeasure"], abs=1e-12)
    assert m["metrics"]["rouge_su4"]["value"] == pytest.approx(
        rouge(hyps, refs, "SU4")["fmeasure"], abs=1e-12
    )
    assert m["metrics"]["meteor"]["value"] == pytest.approx(meteor(hyps, refs), abs=1e-12)
    assert m["metrics"]["meteor"]["n"] == 5
    assert m["metrics"]["meteor"]["ci95"] is None and "bs:" not in m["metrics"]["meteor"]["signature"]


def test_adr_groups(adr_dataset) -> None:
    m = score_predictions(adr_dataset, _adr_preds(), n_bootstrap=50)
    assert sorted(m["groups"]["category"]) == ["Basketball", "Soccer"]
    assert sorted(m["groups"]["group"]) == ["Jump Shot", "Penalty Kick"]
    soccer = m["groups"]["category"]["Soccer"]
    assert soccer["n_items"] == 2
    # Soccer answered sides: p4 only (v4 8.0 → 7.0, v5 6.0 → 6.1); the range is the group's own (8 − 6).
    want = relative_l2([8.0, 6.0], [7.0, 6.1])
    assert soccer["metrics"]["relative_l2"]["value"] == pytest.approx(want)
    assert "range:gt-per-category" in soccer["metrics"]["relative_l2"]["signature"]
    assert soccer["metrics"]["meteor"]["n"] == 2
    assert m["groups"]["group"]["Jump Shot"]["n_items"] == 3


def test_scoring_is_deterministic(adr_dataset) -> None:
    a = score_predictions(adr_dataset, _adr_preds(), n_bootstrap=100, seed=7)
    b = score_predictions(adr_dataset, list(reversed(_adr_preds())), n_bootstrap=100, seed=7)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    c = score_predictions(adr_dataset, _adr_preds(), n_bootstrap=100, seed=8)
    assert c["metrics"]["meteor"]["value"] == a["metrics"]["meteor"]["value"]
    assert all(type(e["value"]) is float for e in a["metrics"].values() if e["value"] is not None)


def test_no_predictions_scores_text_as_zero(adr_dataset) -> None:
    m = score_predictions(adr_dataset, [], n_bootstrap=20)
    assert m["n_failed"] == 5
    assert m["metrics"]["spearman"] == {
        "value": None,
        "ci95": None,
        "n": 0,
        "signature": m["metrics"]["spearman"]["signature"],
        "higher_is_better": True,
    }
    assert m["metrics"]["relative_l2"]["higher_is_better"] is False
    assert m["metrics"]["bleu"]["value"] == 0.0 and m["metrics"]["bleu"]["n"] == 5
    assert m["metrics"]["meteor"]["value"] == 0.0


def test_bad_predictions_are_refused(adr_dataset) -> None:
    dup = _adr_preds() + [PairPrediction(pair_id="p1", score_1=1.0, score_2=1.0, description="x")]
    with pytest.raises(AdrbenchError, match="two predictions"):
        score_predictions(adr_dataset, dup)
    with pytest.raises(ConfigError):
        score_predictions(adr_dataset, [VideoPrediction(video_id="v1", score=1.0)])
    with pytest.raises(ConfigError, match="no split"):
        score_predictions(adr_dataset, [], split="val")


def test_jigsaws_per_task_and_pooled(jigsaws_dataset) -> None:
    preds = [
        VideoPrediction(video_id=v, score=s) for v, s in [("k1", 11), ("k2", 13), ("k3", 21), ("n1", 14)]
    ]
    preds += [VideoPrediction(video_id="n2", score=22), VideoPrediction(video_id="n3", score=None)]
    m = score_predictions(jigsaws_dataset, preds, n_bootstrap=100)
    assert m["n_items"] == 7 and m["n_failed"] == 2  # n3 failed, n4 missing
    assert m["failures"]["by_field"] == {"score": 2, "labels": 0}
    truth = [10, 14, 20, 12, 25]
    pred = [11, 13, 21, 14, 22]
    assert m["metrics"]["spearman"]["value"] == pytest.approx(spearman(truth, pred))
    assert m["metrics"]["relative_l2"]["value"] == pytest.approx(relative_l2(truth, pred))
    knot = m["groups"]["group"]["Knot Tying"]["metrics"]
    assert knot["spearman"]["value"] == pytest.approx(1.0)
    assert knot["relative_l2"]["value"] == pytest.approx(relative_l2([10, 14, 20], [11, 13, 21]))
    assert "resample:item" in knot["spearman"]["signature"]
    assert not any(k.startswith("f1_") for k in m["metrics"])


def test_fitness_f1_per_label(fitness_dataset) -> None:
    preds = [
        VideoPrediction(video_id="o1", labels={"OHP_knee": 1, "OHP_elbow": 1}),
        VideoPrediction(video_id="o2", labels={"OHP_knee": 0, "OHP_elbow": 1}),
        VideoPrediction(video_id="o3", labels={"OHP_knee": 0}),  # OHP_elbow missing
        VideoPrediction(video_id="s1", labels={"Squat_forward": 1, "Squat_inward": 1}),
        VideoPrediction(video_id="s2", labels={"Squat_forward": 0, "Squat_inward": 0}),
        VideoPrediction(video_id="s3", labels={"Squat_forward": 0, "Squat_inward": 1}),
    ]
    m = score_predictions(fitness_dataset, preds, n_bootstrap=50)
    assert set(m["metrics"]) == {"f1_OHP_knee", "f1_OHP_elbow", "f1_Squat_forward", "f1_Squat_inward"}
    assert m["failures"]["by_field"]["labels"] == 1 and m["n_failed"] == 1
    assert m["metrics"]["f1_OHP_knee"]["value"] == pytest.approx(f1([1, 0, 1], [1, 0, 0]))
    assert m["metrics"]["f1_OHP_elbow"]["n"] == 2
    assert m["metrics"]["f1_Squat_forward"]["value"] == pytest.approx(f1([1, 0, 1], [1, 0, 0]))
    assert m["metrics"]["f1_Squat_inward"]["value"] == pytest.approx(f1([0, 0, 1], [1, 0, 1]))
    squat = m["groups"]["group"]["Squat"]["metrics"]
    assert squat["f1_OHP_knee"]["n"] == 0 and squat["f1_OHP_knee"]["value"] is None
    assert "label:Squat_inward" in squat["f1_Squat_inward"]["signature"]
    json.dumps(m, allow_nan=False)


def test_metric_rows(adr_dataset) -> None:
    m = score_predictions(adr_dataset, _adr_preds(), n_bootstrap=50)
    rows = metric_rows(m)
    assert [r[0] for r in rows][:3] == ["spearman", "relative_l2 (x100)", "relative_l2_unsquared (x100)"]
    rl2 = m["metrics"]["relative_l2"]
    assert rows[1][1].startswith(f"{rl2['value'] * 100:.4f} [") and rows[1][2] == "7"
    assert all(len(r) == 3 and all(isinstance(x, str) for x in r) for r in rows)


def test_paired_test(adr_dataset) -> None:
    good = _adr_preds()
    empty = [PairPrediction(pair_id=p.pair_id, score_1=p.score_1, score_2=p.score_2) for p in good]
    res = paired_test(adr_dataset, good, empty, "meteor", n_bootstrap=200, seed=0)
    assert res["value_b"] == 0.0 and res["delta"] == pytest.approx(res["value_a"]) and res["delta"] > 0
    assert res["n_items"] == 5 and res["resample"] == "video-cluster"
    same = paired_test(adr_dataset, good, good, "spearman", n_bootstrap=100)
    assert same["delta"] == 0.0 and same["p_value"] == 1.0 and same["n_items"] == 7
    with pytest.raises(ConfigError):
        paired_test(adr_dataset, good, good, "cider")
    rng = np.random.default_rng(0)
    noisy = [p.model_copy(update={"score_1": (p.score_1 or 0) + rng.normal(0, 3)}) for p in good]
    assert paired_test(adr_dataset, good, noisy, "relative_l2", n_bootstrap=100)["n_items"] == 7


def test_paired_test_on_video_tasks(jigsaws_dataset, fitness_dataset) -> None:
    exact = [VideoPrediction(video_id=v.id, score=v.score) for v in jigsaws_dataset.videos.values()]
    flat = [
        VideoPrediction(video_id=v.id, score=15.0 + i % 2)
        for i, v in enumerate(jigsaws_dataset.videos.values())
    ]
    res = paired_test(jigsaws_dataset, exact, flat, "relative_l2", n_bootstrap=200, seed=1)
    assert res["value_a"] == 0.0 and res["delta"] < 0 and res["resample"] == "item" and res["n_items"] == 7
    truth = [VideoPrediction(video_id=v.id, labels=dict(v.labels)) for v in fitness_dataset.videos.values()]
    none = [
        VideoPrediction(video_id=v.id, labels={k: 0 for k in v.labels})
        for v in fitness_dataset.videos.values()
    ]
    res = paired_test(fitness_dataset, truth, none, "f1_OHP_knee", n_bootstrap=100)
    assert res["value_a"] == 1.0 and res["value_b"] == 0.0 and res["n_items"] == 3
