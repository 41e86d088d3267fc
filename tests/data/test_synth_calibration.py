"""The twins separate good from bad: correct content beats wrong content, simple baselines sit where they should
(the checks behind benchmarks/bench_synth_calibration.py and docs/synthetic.md)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from adrbench import calibration
from adrbench.data.synth import fitnessaqa_synth
from adrbench.tasks import get_task
from baselines.sanity import MeanBaseline

HELD = "held-out reference (correct content, other words)"
SWAPPED = "held-out reference, players swapped"
OTHER = "another pair's description (same sub-activity)"
COMMON = "most common training description (= mean)"


@pytest.fixture(scope="module")
def adr(adr_synth_dir):
    return get_task("adr-synth").load()


@pytest.fixture(scope="module")
def text_rows(adr):
    return calibration.text_calibration(adr)


def test_scores_need_the_right_joints_at_the_right_time(adr):
    rows = calibration.score_calibration(adr)
    ceiling = rows["noise ceiling (generator quality)"]["spearman"]
    ridge = rows["ridge on clip statistics"]["spearman"]
    oracle = rows["decisive-cell oracle (keypoints)"]["spearman"]
    assert ceiling >= 0.9
    assert ridge <= 0.6
    assert oracle >= ridge + 0.3  # looking at the decisive cells recovers most of what clip statistics miss


@pytest.mark.parametrize("error", ["OHP_elbow", "OHP_knee", "Squat_forward", "Squat_inward"])
def test_labels_need_the_right_phase(fitnessaqa_labels, error):
    """No fault can be read from clip statistics as well as from its own phase: the walk-out / re-rack decoys and
    per-person set-ups keep the logistic floor below the ceiling, the decisive-phase probe well above the floor."""
    ceiling, floor, probe = (fitnessaqa_labels[name][f"f1_{error}"] for name in ("ceiling", "floor", "probe"))
    assert ceiling >= 0.85
    assert floor <= ceiling - 0.05
    assert probe >= floor + 0.05


@pytest.fixture(scope="module")
def fitnessaqa_labels(fitnessaqa_synth_dir):
    data = get_task("fitnessaqa-synth").load()
    return {
        "ceiling": calibration.label_ceiling(data),
        "floor": calibration.label_calibration(data),
        "probe": calibration.decisive_phase_probe(data),
    }


@pytest.mark.parametrize("key", ["judge_winner_accuracy", "probe_acc", "mcq_acc"])
def test_content_protocols_see_a_role_swap(text_rows, key):
    held = text_rows[HELD][key]
    assert held > text_rows[SWAPPED][key] + 0.5
    assert held > text_rows[OTHER][key] and held > text_rows[COMMON][key]


@pytest.mark.parametrize("key", ["bleu_4", "meteor", "bleu_4_multiref", "meteor_multiref"])
def test_ngram_metrics_prefer_correct_content(text_rows, key):
    held = text_rows[HELD][key]
    assert held > text_rows[OTHER][key] > text_rows[COMMON][key]


def test_the_most_common_training_description_sits_at_the_papers_scale(adr, text_rows):
    assert text_rows[COMMON]["bleu_4"] < 0.1
    _, candidates = calibration.text_candidates(adr, limit=5)
    mean = MeanBaseline()
    mean.fit(adr, seed=0)
    preds = mean.predict(adr, adr.items("test")[:1])
    assert set(candidates[COMMON].values()) == {preds[0].description}


def test_ohp_knee_fault_is_not_the_largest_knee_bend():
    """A knee dip while settling is no fault: a clip's largest knee bend ranks OHP_knee clips poorly, as the
    clip-level statistics a linear model sees would (the old twin's labels were that statistic)."""
    rng = np.random.default_rng(0)
    labels, bends = [], []
    for _ in range(400):
        z = {name: float(rng.normal()) for name in fitnessaqa_synth.LABEL_FILES["OHP"]}
        kp, intervals, _ = fitnessaqa_synth._ohp(rng, z, int(rng.integers(45, 91)))
        knee = np.pi - fitnessaqa_synth._joint_angle(kp, 13, 11, 15)
        labels.append(bool(intervals["OHP_knee"]))
        bends.append(float(np.nanmax(knee)))
    assert 0.2 < np.mean(labels) < 0.45
    assert roc_auc_score(labels, bends) < 0.85
