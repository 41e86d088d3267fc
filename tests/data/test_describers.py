"""The offline template describer: measured facts through the grammar (synthetic truth), or the comments."""

from __future__ import annotations

import numpy as np

from adrbench.data.describers import Describer, TemplateDescriber
from adrbench.data.synth import motion
from adrbench.protocols.claims import claims
from adrbench.protocols.judge import verdict
from adrbench.protocols.multiref import references_of
from adrbench.records import Pair, Video

ACTION = motion.ACTIONS["Juggling"]


def _kinematics(**changes: float) -> dict:
    """Juggling kinematics of an average performer, with `<group>_<phase>_<aspect>=value` changed."""
    kin = {
        g: {
            p: {"smoothness": 0.06, "steadiness": 0.06, **({"range": 0.5, "timing": 0.2} if ACTION.moves(g, p) else {})}
            for p in ACTION.phases
        }
        for g in motion.GROUPS
    }
    for key, value in changes.items():
        group, phase, aspect = key.split("__")
        kin[group][phase][aspect] = value
    return kin


def _video(vid: str, score: float, split: str = "test", comments: list[str] | None = None, **kin: float) -> Video:
    meta = {"kinematics": _kinematics(**kin), "phase_seconds": [0.6, 1.2, 0.6]}
    return Video(
        id=vid, task="adr", split=split, group="Juggling", category="Soccer", performer=vid, score=score,
        comments=comments or [], meta=meta,
    )  # fmt: skip


def test_states_the_measured_differences_with_several_references():
    describer = TemplateDescriber(seed=3)
    assert isinstance(describer, Describer)
    a = _video("a", 8.0, knee__touches__steadiness=0.02, hip__touches__timing=0.1)
    b = _video("b", 4.0, knee__touches__steadiness=0.09, hip__touches__timing=0.35)
    text, meta = describer.describe_pair(a, b)
    facts = {(f["group"], f["phase"], f["aspect"], f["better"]) for f in meta["facts"]}
    assert facts == {("knee", "touches", "steadiness", 1), ("hip", "touches", "timing", 1)}
    assert meta["verdict"] == 1 and meta["n_detectable"] == 2
    refs = [text, *meta["references"]]
    assert 3 <= len(refs) <= 5 and len(set(refs)) == len(refs)
    for ref in refs:
        assert verdict(ref) == 1
        assert claims(ref) == {("knee", 1), ("hip", 1), ("overall", 1)}
    assert describer.describe_pair(a, b) == (text, meta)  # seeded per pair: the same every time
    assert TemplateDescriber(seed=4).describe_pair(a, b)[0] != text


def test_small_differences_are_not_stated_and_train_pairs_get_one_reference():
    describer = TemplateDescriber()
    a = _video("a", 5.0, split="train", knee__touches__steadiness=0.060)
    b = _video("b", 5.1, split="train", knee__touches__steadiness=0.065)  # below the 0.015 rad threshold
    text, meta = describer.describe_pair(a, b)
    assert meta["facts"] == [] and "references" not in meta and verdict(text) == "tie"
    pair = Pair(id="p", task="adr", split="train", group="Juggling", category="Soccer", video_1="a",
                video_2="b", description=text, meta=meta)  # fmt: skip
    assert references_of(pair) == [text]


def test_comment_fallback_without_truth():
    describer = TemplateDescriber()
    plain = [
        Video(id=v, task="adr", split="test", group="Juggling", category="Soccer", performer=v, score=s,
              comments=c)  # fmt: skip
        for v, s, c in (("a", 3.0, ["Knees cave in."]), ("b", 6.0, []))
    ]
    text = describer.describe(*plain)
    assert text == (
        "Experts comment on Player 1's knees. For Player 1: Knees cave in. Overall, Player 2 performs better."
    )
    assert describer.describe_pair(*plain) == (text, {})


def test_grammar_rng_is_per_pair():
    rng_texts = {TemplateDescriber(seed=s).describe(_video("a", 8.0, knee__touches__range=0.9),
                                                    _video("b", 4.0, knee__touches__range=0.5))
                 for s in range(20)}  # fmt: skip
    assert len(rng_texts) > 10
    assert np.all([verdict(t) == 1 for t in rng_texts])
