"""Reading real-world replies: fences, prose, strings, clipping, missing fields, garbage."""

from __future__ import annotations

import pytest

from adrbench.llm.parse import find_json, parse_errors, parse_pair, parse_score, to_flag, to_number


@pytest.mark.parametrize(
    "text",
    [
        '{"score": 7}',
        'Sure!\n```json\n{"score": 7}\n```\nAnything else?',
        '```\n{"score": 7}\n```',
        'My answer: {"score": 7} — done.',
        'Thinking {not json} then {"score": 7}',
    ],
)
def test_find_json_locates_the_object(text: str) -> None:
    assert find_json(text) == {"score": 7}


def test_find_json_none_without_object() -> None:
    assert find_json("I cannot tell.") is None
    assert find_json("[1, 2, 3]") is None


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        (7, 7.0),
        ("7", 7.0),
        ("7.5/10", 7.5),
        ("score: 8", 8.0),
        (True, None),
        ("high", None),
        (float("nan"), None),
        (None, None),
    ],
)
def test_to_number(raw: object, want: float | None) -> None:
    assert to_number(raw) == want


@pytest.mark.parametrize(
    ("raw", "want"), [("yes", 1), ("No.", 0), (True, 1), (0, 0), ("maybe", None), (2, None)]
)
def test_to_flag(raw: object, want: int | None) -> None:
    assert to_flag(raw) == want


def test_pair_clips_out_of_range_and_counts_it() -> None:
    parsed = parse_pair('{"score_1": "12", "score_2": 0.2, "description": "A bends more."}', 1, 10)
    assert parsed.values == {"score_1": 10.0, "score_2": 1.0, "description": "A bends more."}
    assert parsed.clipped == ["score_1", "score_2"] and parsed.error is None


def test_pair_missing_fields_are_none_not_guessed() -> None:
    parsed = parse_pair('{"score_1": 4, "description": ""}', 1, 10)
    assert parsed.values == {"score_1": 4.0, "score_2": None, "description": None}
    assert parsed.missing == ["score_2", "description"]
    assert parsed.error is None
    assert parse_pair('{"foo": 1}', 1, 10).error == "no expected field in reply"


def test_unparseable_reply_is_an_error() -> None:
    parsed = parse_pair("The first one is better.", 1, 10)
    assert parsed.error == "unparseable reply" and parsed.values == {}
    assert parsed.meta() == {"error": "unparseable reply"}


def test_score_and_errors() -> None:
    assert parse_score('{"GRS": "31"}', 6, 30).values == {"score": 30.0}
    parsed = parse_errors('{"errors": {"OHP_knee": "yes", "ohp elbow": "no"}}', ("OHP_knee", "OHP_elbow"))
    assert parsed.values == {"labels": {"OHP_knee": 1, "OHP_elbow": 0}}
    partial = parse_errors('{"OHP_knee": "unsure"}', ("OHP_knee",))
    assert partial.missing == ["OHP_knee"] and partial.error == "no expected field in reply"


@pytest.mark.parametrize(
    ("raw", "want"), [("7,5", 7.5), ("1-10: 7", 7.0), ("7/10", 7.0), ("score 1-10: 8,5", 8.5)]
)
def test_to_number_misreads_fixed(raw: str, want: float) -> None:
    assert to_number(raw) == want


def test_several_objects_read_the_last_and_say_so() -> None:
    parsed = parse_score('Example: {"score": 3}. My answer: {"score": 8}', 1, 10)
    assert parsed.values == {"score": 8.0} and parsed.notes == ["2 JSON objects in reply; read the last"]
    assert "notes" in parsed.meta()


def test_lenient_forms_and_person_keys() -> None:
    text = "{'person_1_score': 4, 'score_person_2': '6,5', 'description': \"B's knees bend more\",}"
    parsed = parse_pair(text, 1, 10)
    assert parsed.values == {"score_1": 4.0, "score_2": 6.5, "description": "B's knees bend more"}


def test_a_score_on_another_scale_is_refused_not_clipped() -> None:
    parsed = parse_pair('{"score_1": 75, "score_2": 11, "description": "A is steadier."}', 1, 10)
    assert parsed.values["score_1"] is None and parsed.off_scale == ["score_1"]
    assert parsed.values["score_2"] == 10.0 and parsed.clipped == ["score_2"]
