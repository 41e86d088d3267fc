"""The synthetic twins through the real loaders: Table 1 sizes, real trial/clip counts, truth in meta, caching."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from adrbench.data.adr_layout import TABLE1
from adrbench.data.synth.cache import ensure_synth
from adrbench.tasks import get_task


@pytest.fixture(scope="module")
def adr(adr_synth_dir):
    return get_task("adr-synth").load()


def test_adr_synth_counts_equal_table1(adr, adr_synth_dir: Path):
    videos = Counter((v.group, v.split) for v in adr.videos.values())
    pairs = Counter((p.group, p.split) for p in adr.pairs.values())
    for row in TABLE1:
        assert videos[(row.group, "train")] == row.videos_train, row
        assert videos[(row.group, "test")] == row.videos_test, row
        assert pairs[(row.group, "train")] == row.pairs_train, row
        assert pairs[(row.group, "test")] == row.pairs_test, row
    assert len(adr.videos) == 436
    assert (len(adr.splits["train"]), len(adr.splits["test"])) == (3705, 1782)
    report = json.loads((adr_synth_dir / "adr" / "build_report.json").read_text())
    assert report["pairs"] == {"train": 3705, "test": 1782}
    # one unrated take per group and split, 3 withheld Ego-Exo4D test takes, 3 takes of a task ADR does not use,
    # 6 climbing takes without body pose or video
    assert report["left_out"] == {
        "no_numeric_rating": 14,
        "egoexo_split_test": 3,
        "task_not_in_adr": 3,
        "no_body_pose_no_video": 6,
    }
    assert report["stats"]["pose_track_annotation"] > 0 and report["stats"]["camera_first_exo_listed"] > 0
    assert report["stats"]["non_numeric_ratings_dropped"] > 0
    assert report["stats"]["duplicate_submissions_dropped"] > 0


def test_adr_synth_dataset_shape(adr):
    assert adr.unit == "pair" and adr.score_range == (1.0, 10.0)
    assert len(adr.provenance["fingerprint"]) == 64
    pair = adr.items("test")[0]
    v1, v2 = adr.videos[pair.video_1], adr.videos[pair.video_2]
    assert v1.group == v2.group == pair.group and v1.split == v2.split == "test"
    assert pair.description and 3 <= len(pair.meta.get("references", [])) + 1 <= 5 and pair.meta["facts"]
    kp = adr.keypoints(v1.id)
    assert kp.dtype == np.float32 and kp.shape[1:] == (17, 3) and 60 <= kp.shape[0] <= 90
    all_kp = np.concatenate([adr.keypoints(v) for v in list(adr.videos)[:50]])
    assert (
        np.isnan(all_kp).any() and np.isfinite(all_kp).mean() > 0.9
    )  # some joints are missing, most are not
    for v in adr.videos.values():
        assert 1.0 <= v.score <= 10.0 and v.item_scores and v.comments
        assert set(v.meta["decisive_groups"]) <= {"elbow", "shoulder", "hip", "knee"}
        assert set(v.meta["skill"]) == set(v.meta["kinematics"]) == {"elbow", "shoulder", "hip", "knee"}
        assert {tuple(c) for c in v.meta["decisive"]} <= {
            (g, p, a) for g in v.meta["skill"] for p in v.meta["phases"] for a in v.meta["skill"][g][p]
        }


def test_adr_synth_scores_follow_decisive_skill(adr):
    videos = list(adr.videos.values())
    rho = spearmanr([v.meta["quality"] for v in videos], [v.score for v in videos]).statistic
    assert rho > 0.9
    performers = {s: {v.performer for v in videos if v.split == s} for s in ("train", "test")}
    assert not performers["train"] & performers["test"]


def test_adr_synth_newest_submission_wins(adr, adr_synth_dir: Path):
    commentary = adr_synth_dir / "egoexo4d" / "annotations" / "expert_commentary"
    checked = 0
    for stale in sorted(commentary.glob("*/*_old/data.json")):
        take = stale.parent.parent.name
        if take not in adr.videos:
            continue
        expert = stale.parent.name.removesuffix("_old")
        newest = json.loads((stale.parent.parent / expert / "data.json").read_text())["proficiency"]["rating"]
        if str(newest).isdigit():
            assert adr.videos[take].item_scores[expert] == float(newest)
            checked += 1
    assert checked > 0


def test_jigsaws_synth_real_trial_counts(jigsaws_synth_dir):
    data = get_task("jigsaws-synth").load()
    assert Counter(v.group for v in data.videos.values()) == {
        "Suturing": 39,
        "Knot Tying": 36,
        "Needle Passing": 28,
    }
    assert data.score_range == (6.0, 30.0) and data.unit == "video"
    assert data.provenance["fold"] == "B"
    assert all(data.videos[i].performer == "B" for i in data.splits["test"])
    kp = data.keypoints(data.splits["test"][0])
    assert kp.shape[1:] == (12, 3) and kp.dtype == np.float32
    # body and tail sit 1 cm and 3 cm behind the tip
    assert np.allclose(np.linalg.norm(kp[:, 0] - kp[:, 1], axis=1), 0.01, atol=1e-5)
    assert np.allclose(np.linalg.norm(kp[:, 0] - kp[:, 2], axis=1), 0.03, atol=1e-5)
    scores = [v.score for v in data.videos.values()]
    assert spearmanr([v.meta["ability"] for v in data.videos.values()], scores).statistic > 0.8
    loso = get_task("jigsaws-synth").load(protocol="loso", fold="2")
    assert {loso.videos[i].meta["repetition"] for i in loso.splits["test"]} == {2}


def test_fitnessaqa_synth_real_split_sizes(fitnessaqa_synth_dir):
    data = get_task("fitnessaqa-synth").load()
    by = Counter((v.group, v.split) for v in data.videos.values())
    assert by == {
        ("Squat", "train"): 1136,
        ("Squat", "val"): 243,
        ("Squat", "test"): 244,
        ("OHP", "train"): 1582,
        ("OHP", "val"): 339,
        ("OHP", "test"): 339,
    }
    assert data.label_names == ("OHP_knee", "OHP_elbow", "Squat_forward", "Squat_inward")
    prevalence = {
        lab: np.mean([v.labels[lab] for v in data.videos.values() if lab in v.labels])
        for lab in data.label_names
    }
    expected = {"OHP_knee": 0.344, "OHP_elbow": 0.255, "Squat_forward": 0.683, "Squat_inward": 0.143}
    for lab, p in expected.items():
        assert abs(prevalence[lab] - p) < 0.08, (lab, prevalence[lab])
    v = data.items("test")[0]
    kp = data.keypoints(v.id)
    assert 45 <= kp.shape[0] <= 90 and kp.shape[1:] == (17, 3)
    assert all(bool(v.meta["intervals"][k]) == bool(v.labels[k]) for k in v.labels)


def test_cached_twin_is_reused(adr_synth_dir):
    marker = adr_synth_dir / "synth.json"
    before = marker.stat().st_mtime_ns
    assert ensure_synth("adr-synth", 0) == adr_synth_dir
    assert marker.stat().st_mtime_ns == before
