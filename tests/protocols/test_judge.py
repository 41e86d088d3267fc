"""The offline judge on hand-labelled descriptions (labels written from reading, before running the judge)."""

from __future__ import annotations

import pytest

from adrbench.protocols.judge import parse, split_clauses, verdict

FIGURE_6 = [  # the paper's Figure 6: ground truth and KEPT's generated text for three sports
    (
        "Player 1 shows superior initial control and striking purity at lower heights, whereas Player 2 demonstrates "
        "significantly better overall consistency with far fewer drops and proficient use of a wider variety of body "
        "surfaces.",
        2,
    ),
    (
        "Player 1 exhibits superior overall skill and technique , particularly in footwork, ball control , and passing, "
        "whereas Player 2 excels more in dribbling, shooting accuracy, and finishing.",
        1,
    ),
    (
        "Player 1 showed better specific technique in placing the ball high on the backboard despite inconsistent "
        "footwork , whereas Player 2 demonstrated better shooting arm extension and achieved correct positioning even "
        "while lacking the desired quickness, explosiveness, and consistent athletic stance.",
        2,
    ),
    (
        "Player 2 demonstrates superior footwork and balance while Player 1 has better body control in terms of hip "
        "flexion and knee alignment, though Player 1 lacks proper technique for initiating a vertical jump .",
        2,
    ),
    (
        "Climber 1 demonstrates better power, overall movement execution , and progresses further despite issues with "
        "fatigue and specific grips, while Climber 2 shows good footwork and tension management but lacks the power "
        "and sequence consistency needed for bigger moves , causing earlier falls.",
        1,
    ),
    (
        "Player 1 demonstrated superior overall technique and decision-making in managing dynamic holds and "
        "maintaining proper form throughout the climb, while Player 2 struggled with maintaining control and balance, "
        "particularly during dynamic moves and had more frequent falls.",
        1,
    ),
]

SYNTHETIC = [  # the offline template describer's sentences (adrbench.data.describers)
    (
        "Player 1 times the knees movement better than Player 2. Player 2 keeps the hips more stable than Player 1. "
        "Overall, Player 1 performs better.",
        1,
    ),
    ("Player 2 moves the elbows more smoothly than Player 1. Overall, Player 2 performs better.", 2),
    (
        "Player 1 uses a fuller range of motion at the shoulders than Player 2. Overall, the two players perform at a "
        "similar level.",
        "tie",
    ),
    (
        "Both players move their elbows, shoulders, hips and knees in a very similar way. Overall, the two players "
        "perform at a similar level.",
        "tie",
    ),
]

HAND_WRITTEN = [
    (
        "The first performer keeps the knees more stable; the second rushes the release.",
        1,
    ),  # loopback LVLM text
    ("The second player rushes the first jump; the first is steadier.", 1),
    ("Player 2 performs better than Player 1.", 2),
    ("Player 1 is outperformed by Player 2 in every drill.", 2),
    ("Compared to Player 1, Player 2 shows better balance.", 2),
    ("Unlike Player 2, Player 1 keeps the knees stable on landing.", 1),
    ("Player 1's footwork is superior to Player 2's.", 1),
    ("The first player shows better timing, while the second player rushes the release.", 1),
    ("Player 1 lacks explosiveness while Player 2 is powerful and explosive.", 2),
    ("Both players struggle with balance, but Player 2 recovers better.", 2),
    ("Player 1 makes fewer errors than Player 2.", 1),
    ("Player 2 makes more mistakes than Player 1.", 1),
    ("Player 1 is less consistent than Player 2.", 2),
    ("Player 2 does not keep the elbows as stable as Player 1.", 1),
    ("Player 1 and Player 2 perform equally well.", "tie"),
    ("Neither player shows a clear advantage; both are comparable.", "tie"),
    ("Player one has a cleaner release; player two fails to square the shoulders.", 1),
    (
        "Climber 2 excels at reading the route and moves fluidly, whereas Climber 1 hesitates and falls early.",
        2,
    ),
    ("Player 2 shows good arm extension, but Player 1 is clearly superior overall.", 1),
    ("Player 1 dribbles without errors, whereas Player 2 loses control twice.", 1),
    ("Player 2 is not only faster but also more accurate than Player 1.", 2),
    ("The players differ in stance width.", None),
    ("Player 1 uses the left foot; Player 2 uses the right foot.", None),
    ("", None),
    ("Player 2 needs to bend the knees more, while Player 1 shows a proper squat depth.", 1),
    (
        "Surgeon 1 handles the needle precisely and ties a tight knot, while surgeon 2 drops the needle twice.",
        1,
    ),
    ("Player 1 shows good form; Player 2 shows good form too.", "tie"),
]

#: Where the rules and the hand label differ (text, hand label, judge's answer): pinned so a change is visible.
KNOWN_DISAGREEMENTS = [
    (
        "Player 1 struggles with the approach but excels in the finish; Player 2 is solid throughout.",
        2,
        "tie",
    ),
]


@pytest.mark.parametrize(("text", "label", "judged"), KNOWN_DISAGREEMENTS)
def test_known_disagreements_are_pinned(text: str, label: object, judged: object) -> None:
    assert verdict(text) == judged != label


@pytest.mark.parametrize(("text", "expected"), FIGURE_6 + SYNTHETIC + HAND_WRITTEN)
def test_verdict(text: str, expected: object) -> None:
    assert verdict(text) == expected


@pytest.mark.parametrize(("text", "expected"), FIGURE_6 + SYNTHETIC + HAND_WRITTEN)
def test_verdict_ignores_case_and_spacing(text: str, expected: object) -> None:
    assert verdict(text.upper()) == expected
    assert verdict("  " + " \n  ".join(text.split()) + "\t") == expected


def test_verdict_of_none_is_none() -> None:
    assert verdict(None) is None


def test_clauses_split_and_subjects() -> None:
    clauses = parse("Player 1 shows better timing despite a stiff knee, whereas Player 2 lacks power.")
    assert [c.text for c in clauses] == ["@p1 shows better timing", "a stiff knee", "@p2 lacks power"]
    assert [c.subject for c in clauses] == [1, 1, 2]
    assert [c.polarity for c in clauses] == [2.0, -1.0, -1.0]
    assert [c.explicit for c in clauses] == [True, False, True]


def test_overall_comma_stays_with_its_clause() -> None:
    assert split_clauses("Overall, Player 1 performs better.") == ["overall, @p1 performs better"]
    assert parse("Overall, Player 1 performs better.")[0].overall


def test_swapping_players_flips_the_verdict() -> None:
    from adrbench.protocols.players import swap_players

    for text, expected in FIGURE_6 + SYNTHETIC + HAND_WRITTEN:
        flipped = {1: 2, 2: 1}.get(expected, expected)  # type: ignore[call-overload]
        assert verdict(swap_players(text)) == flipped, text
