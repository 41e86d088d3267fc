"""The Fig. 2 prompt: both players' merged comments, the which-part-who-better instruction, never the scores."""

from __future__ import annotations

from adrbench.describe.prompt import PROMPT_VERSION, describe_prompt, merged_comments
from adrbench.records import Video


def _video(vid: str, score: float, comments: list[str]) -> Video:
    return Video(
        id=vid,
        task="adr",
        split="test",
        group="Penalty Kick",
        category="Soccer",
        performer=vid,
        score=score,
        comments=comments,
    )


def test_prompt_holds_both_players_comments_and_no_scores() -> None:
    v1 = _video("a", 7.25, ["Plants the left foot well.", "  Plants the left   foot well. ", ""])
    v2 = _video("b", 3.5, ["Leans back on contact."])
    text = describe_prompt(v1, v2)
    assert "Penalty Kick (Soccer)" in text
    assert "which player does better in which part" in text
    p1, p2 = text.index("Expert comments on Player 1"), text.index("Expert comments on Player 2")
    assert p1 < text.index("Plants the left foot well.") < p2 < text.index("Leans back on contact.")
    assert text.count("Plants the left foot well.") == 1
    assert "7.25" not in text and "3.5" not in text


def test_merged_comments_marks_a_take_without_comments() -> None:
    assert merged_comments(_video("c", 5.0, [])) == "- (no comments)"


def test_prompt_version_is_named() -> None:
    assert PROMPT_VERSION.startswith("adr-describe-fig2/")
