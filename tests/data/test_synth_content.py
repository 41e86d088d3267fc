"""adr-synth content: facts measured from the motion, recoverable from the keypoints, said in many ways that the
offline judge and the body-part lexicon still read correctly."""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pytest

from adrbench.data.angle_measures import MEASURES, cell_measures, group_angles
from adrbench.data.synth import grammar, motion
from adrbench.data.synth.facts import THRESHOLDS, Fact, pair_facts
from adrbench.protocols.claims import claims
from adrbench.protocols.judge import verdict
from adrbench.protocols.lexicon import tag
from adrbench.protocols.multiref import references_of
from adrbench.tasks import get_task

ATTRIBUTE = {
    "range": "range of motion",
    "timing": "timing",
    "smoothness": "smoothness",
    "steadiness": "balance",
}


@pytest.fixture(scope="module")
def adr(adr_synth_dir):
    return get_task("adr-synth").load()


def _measured(skill_value: float, aspect: str, seed: int) -> float:
    action = motion.ACTIONS["Mid-Range Shooting"]
    rng = np.random.default_rng(seed)
    skill = motion.sample_skill(action, 0.5, rng)
    skill["elbow"]["release"][aspect] = skill_value
    bounds = motion.phase_bounds(action, 75, rng)
    trajectories = {g: motion.trajectory(action, g, skill, bounds, rng) for g in motion.GROUPS}
    return motion.measure(action, trajectories, bounds)["elbow"]["release"][aspect]


@pytest.mark.parametrize("aspect", motion.ASPECTS)
def test_each_aspect_shapes_its_cell_of_the_motion(aspect):
    """More skill → more range, an earlier onset, less tremor, less wobble (the same noise draws otherwise)."""
    low, high = _measured(0.1, aspect, 3), _measured(0.9, aspect, 3)
    assert (high > low) if aspect == "range" else (high < low)
    assert abs(high - low) > THRESHOLDS[aspect]


def test_skill_is_mostly_cell_specific(adr):
    """Little shared ability: skills of different joint groups correlate weakly, so which joints a model reads
    matters (the old twin shared most ability across groups)."""
    rows = []
    for v in adr.videos.values():
        s = v.meta["skill"]
        rows.append([np.mean([s[g][p][a] for p in s[g] for a in motion.ASPECTS]) for g in motion.GROUPS])
    corr = np.corrcoef(np.array(rows).T)
    off_diagonal = corr[~np.eye(len(motion.GROUPS), dtype=bool)]
    assert off_diagonal.max() < 0.35


def test_stated_facts_are_detectable_measured_differences(adr):
    for pid in adr.splits["test"][:300]:
        pair = adr.pairs[pid]
        v1, v2 = adr.videos[pair.video_1], adr.videos[pair.video_2]
        for raw in pair.meta["facts"]:
            fact = Fact.from_json(raw)
            a = v1.meta["kinematics"][fact.group][fact.phase][fact.aspect]
            b = v2.meta["kinematics"][fact.group][fact.phase][fact.aspect]
            assert abs(a - b) >= THRESHOLDS[fact.aspect]
            first_better = a > b if fact.aspect == "range" else a < b
            assert fact.better == (1 if first_better else 2)
        again = pair_facts(
            pair.group,
            v1.meta["kinematics"],
            v2.meta["kinematics"],
            (v1.meta["phase_seconds"], v2.meta["phase_seconds"]),
        )
        assert [f.as_json() for f in again[:3]] == pair.meta["facts"]


def test_stated_facts_are_recoverable_from_the_keypoints(adr):
    """Measuring the stated cells from the noisy keypoints (calibration.cell_measures) orders the two players as
    the fact says, for every aspect, far above chance (0.5)."""
    agree: dict[str, list[bool]] = defaultdict(list)
    for pid in adr.splits["test"]:
        pair = adr.pairs[pid]
        for raw in pair.meta["facts"]:
            fact = Fact.from_json(raw)
            values = []
            for vid in (pair.video_1, pair.video_2):
                video = adr.videos[vid]
                p = video.meta["phases"].index(fact.phase)
                bounds = [b - video.meta["first_frame"] for b in video.meta["phase_frames"]]
                angles = group_angles(adr.keypoints(vid), adr.skeleton, fact.group)
                values.append(cell_measures(angles, bounds[p], bounds[p + 1])[MEASURES.index(fact.aspect)])
            first_better = values[0] > values[1] if fact.aspect == "range" else values[0] < values[1]
            agree[fact.aspect].append(first_better == (fact.better == 1))
    for aspect in motion.ASPECTS:
        assert np.mean(agree[aspect]) > 0.9, (aspect, np.mean(agree[aspect]), len(agree[aspect]))


def test_test_pairs_have_three_to_five_distinct_references(adr):
    counts = Counter(len(references_of(adr.pairs[pid])) for pid in adr.splits["test"])
    assert set(counts) <= {3, 4, 5} and len(counts) == 3
    assert all(len(references_of(adr.pairs[pid])) == 1 for pid in adr.splits["train"][:200])
    styles = Counter()
    for pid in adr.splits["test"]:
        for ref in references_of(adr.pairs[pid]):
            styles[
                next(k for k in ("Player 1", "Player One", "first", "Athlete", "Climber") if k in ref)
            ] += 1
    assert len(styles) == 5, styles  # every way of naming the players occurs


def test_the_judge_reads_every_reference(adr):
    """The offline judge gives the pair's verdict on ≥ 99 % of all references of the test split, and each
    reference's claims (who is better at which body part) are exactly those of its facts and verdict."""
    n = hits = exact = 0
    for pid in adr.splits["test"]:
        pair = adr.pairs[pid]
        expected = {(f["group"], f["better"]) for f in pair.meta["facts"]}
        expected.add(("overall", pair.meta["verdict"]))
        for ref in references_of(pair):
            n += 1
            hits += verdict(ref) == pair.meta["verdict"]
            exact += claims(ref) == frozenset(expected)
    assert hits / n >= 0.99, hits / n
    assert exact / n >= 0.97, exact / n


def test_the_lexicon_tags_every_reference(adr):
    """Body parts named = the facts' joint groups, and each stated aspect's attribute tag is found."""
    n = parts_ok = attrs_ok = 0
    for pid in adr.splits["test"][:600]:
        pair = adr.pairs[pid]
        groups = {f["group"] for f in pair.meta["facts"]}
        attributes = {ATTRIBUTE[f["aspect"]] for f in pair.meta["facts"]}
        for ref in references_of(pair):
            n += 1
            found = tag(ref)
            parts_ok += (found & {"knee", "hip", "elbow", "shoulder", "arm", "leg"}) == groups or not groups
            attrs_ok += attributes <= found
    assert parts_ok == n
    assert attrs_ok / n >= 0.97, attrs_ok / n


def test_the_grammar_says_one_fact_in_many_ways():
    fact = Fact("knee", "dip", "steadiness", 1, 0.05, 0.6, True)
    texts = {grammar.describe([fact], 1, 1.0, "Basketball", np.random.default_rng(i)) for i in range(200)}
    assert len(texts) > 100
    for text in texts:
        assert verdict(text) == 1
        assert claims(text) == {("knee", 1), ("overall", 1)}, text


def test_probe_statements_name_their_player():
    fact = Fact("elbow", "release", "range", 2, 0.2, 0.5, True)
    for i in range(50):
        text, answer, positive = grammar.probe_statement(fact, np.random.default_rng(i))
        assert "this player" in text.lower() and "Player 1" not in text and "Player 2" not in text
        assert answer == (2 if positive else 1)
        better = 3 - answer if not positive else answer
        assert better == fact.better
