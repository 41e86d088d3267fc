"""The offline template describer: who is better at what, from the truth or from the comments."""

from __future__ import annotations

from adrbench.data.describers import Describer, TemplateDescriber
from adrbench.records import Video


def _video(vid: str, score: float, skill: dict | None = None, comments: list[str] | None = None) -> Video:
    meta = {"skill": skill} if skill else {}
    return Video(
        id=vid,
        task="adr",
        split="train",
        group="Juggling",
        category="Soccer",
        performer=vid,
        score=score,
        comments=comments or [],
        meta=meta,
    )


def _skill(knee: float, elbow: float) -> dict:
    flat = {"timing": 0.5, "amplitude": 0.5, "smoothness": 0.5, "stability": 0.5}
    return {
        "elbow": {**flat, "smoothness": elbow},
        "shoulder": flat,
        "hip": flat,
        "knee": {**flat, "timing": knee},
    }


def test_names_the_groups_that_differ():
    describer = TemplateDescriber()
    assert isinstance(describer, Describer)
    text = describer.describe(_video("a", 8.0, _skill(0.9, 0.2)), _video("b", 4.0, _skill(0.1, 0.6)))
    assert text == (
        "Player 1 times the knee movement better than Player 2. "
        "Player 2 moves the elbows more smoothly than Player 1. Overall, Player 1 performs better."
    )


def test_similar_players_and_comment_fallback():
    describer = TemplateDescriber()
    same = _skill(0.5, 0.5)
    assert "very similar" in describer.describe(_video("a", 5.0, same), _video("b", 5.1, same))
    text = describer.describe(_video("a", 3.0, comments=["Knees cave in."]), _video("b", 6.0, comments=[]))
    assert text == (
        "Experts comment on Player 1's knees. For Player 1: Knees cave in. Overall, Player 2 performs better."
    )
