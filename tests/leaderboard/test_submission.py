"""Submissions: a valid file becomes an entry and the tables are regenerated; every kind of bad file is refused
with file, line and field, and the leaderboards folder is byte-identical afterwards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lb_helpers import stand_in_scorer, tiny_adr, tiny_fitness, tiny_jigsaws

from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.leaderboard.entries import leaderboard_entries
from adrbench.leaderboard.generate import regenerate
from adrbench.leaderboard.submission import submit

ADR_IDS = tiny_adr().splits["test"]


def _line(
    pid: str, s1: Any = 4.0, s2: Any = 6.0, desc: Any = "the right arm is straighter", **extra: Any
) -> str:
    return json.dumps({"pair_id": pid, "score_1": s1, "score_2": s2, "description": desc, **extra})


def _good_adr(**override: str) -> str:
    return "".join(override.get(pid, _line(pid, 1.0 + i, 2.0 + i)) + "\n" for i, pid in enumerate(ADR_IDS))


def _snapshot(root: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def board(lb_dir: Path, tmp_path: Path) -> Path:
    """A leaderboard with generated tables and one existing entry named 'taken'."""
    pred = tmp_path / "taken.jsonl"
    pred.write_text(_good_adr(), encoding="utf-8")
    submit("adr-synth", pred, "taken", {}, lb_dir, dataset=tiny_adr(), scorer=stand_in_scorer)
    regenerate(lb_dir)
    return lb_dir


def test_valid_submission_becomes_an_entry(board: Path, tmp_path: Path) -> None:
    pred = tmp_path / "p.jsonl"
    pred.write_text("\n" + _good_adr() + "\n\n", encoding="utf-8")
    before = (board / "generated" / "leaderboard.html").read_text(encoding="utf-8")
    entry = submit(
        "adr-synth",
        pred,
        "my-model_v1.0",
        {"url": "https://example.org", "team": "A & B"},
        board,
        dataset=tiny_adr(),
        scorer=stand_in_scorer,
    )
    assert entry == board / "measured" / "adr-synth" / "my-model_v1.0"
    assert sorted(p.name for p in entry.iterdir()) == ["metrics.json", "predictions.jsonl", "submission.json"]
    info = json.loads((entry / "submission.json").read_text(encoding="utf-8"))
    assert info["meta"] == {"team": "A & B", "url": "https://example.org"} and info["n_predictions"] == 6
    assert len((entry / "predictions.jsonl").read_text(encoding="utf-8").splitlines()) == 6
    assert {e.label for e in leaderboard_entries(board)} == {"taken", "my-model_v1.0"}
    table = (board / "generated" / "measured" / "table2-measured-synth.md").read_text(encoding="utf-8")
    assert "| my-model_v1.0 |" in table and "| taken |" in table
    assert (board / "generated" / "leaderboard.html").read_text(encoding="utf-8") != before
    assert not [p for p in board.rglob("*") if p.name.startswith(".")]


def test_video_tasks_accept_scores_and_labels(lb_dir: Path, tmp_path: Path) -> None:
    pred = tmp_path / "j.jsonl"
    pred.write_text("".join(json.dumps({"video_id": f"t{i}", "score": 10.0 + i}) + "\n" for i in range(6)))
    submit("jigsaws-synth", pred, "j1", {}, lb_dir, dataset=tiny_jigsaws(), scorer=stand_in_scorer)
    pred.write_text(
        "".join(
            json.dumps({"video_id": f"c{i}", "labels": {"OHP_knee": 1, "OHP_elbow": 0}}) + "\n"
            for i in range(4)
        )
    )
    submit("fitnessaqa-synth", pred, "f1", {}, lb_dir, dataset=tiny_fitness(), scorer=stand_in_scorer)
    assert sorted(e.task for e in leaderboard_entries(lb_dir)) == ["fitnessaqa-synth", "jigsaws-synth"]


BIG = "x" * 20_001
# (kind, file text or bytes, changes to the call, expected line, expected field)
ADR_CORPUS: list[tuple[str, str | bytes, dict[str, Any], int | None, str | None]] = [
    ("empty file", "", {}, None, None),
    ("blank lines only", "\n\n  \n", {}, None, None),
    ("not JSON", "hello\n", {}, 1, None),
    ("truncated JSON", _line(ADR_IDS[0])[:-5] + "\n", {}, 1, None),
    ("array line", "[1, 2]\n", {}, 1, None),
    ("string line", '"pair-0-0"\n', {}, 1, None),
    ("number line", "5\n", {}, 1, None),
    ("missing id field", json.dumps({"score_1": 1.0}) + "\n", {}, 1, "pair_id"),
    ("id not a string", _good_adr(**{ADR_IDS[0]: _line(7)}), {}, 1, "pair_id"),
    ("unknown id", _good_adr() + _line("pair-9-9") + "\n", {}, 7, "pair_id"),
    ("train split id", _good_adr() + _line("pair-train") + "\n", {}, 7, "pair_id"),
    ("duplicate id", _good_adr() + _line(ADR_IDS[2]) + "\n", {}, 7, "pair_id"),
    ("missing item", "".join(_line(p) + "\n" for p in ADR_IDS[:-1]), {}, None, "pair_id"),
    ("score as string", _good_adr(**{ADR_IDS[1]: _line(ADR_IDS[1], s1="5.0")}), {}, 2, "score_1"),
    ("score NaN", _good_adr(**{ADR_IDS[1]: _line(ADR_IDS[1], s1=float("nan"))}), {}, 2, "score_1"),
    ("score Infinity", _good_adr(**{ADR_IDS[2]: _line(ADR_IDS[2], s2=float("inf"))}), {}, 3, "score_2"),
    ("score -Infinity", _good_adr(**{ADR_IDS[2]: _line(ADR_IDS[2], s1=float("-inf"))}), {}, 3, "score_1"),
    (
        "score overflows",
        _good_adr(**{ADR_IDS[0]: _line(ADR_IDS[0]).replace("4.0", "1e400")}),
        {},
        1,
        "score_1",
    ),
    ("score above range", _good_adr(**{ADR_IDS[3]: _line(ADR_IDS[3], s1=10.5)}), {}, 4, "score_1"),
    ("score below range", _good_adr(**{ADR_IDS[3]: _line(ADR_IDS[3], s2=-0.1)}), {}, 4, "score_2"),
    ("score boolean", _good_adr(**{ADR_IDS[0]: _line(ADR_IDS[0], s1=True)}), {}, 1, "score_1"),
    ("score object", _good_adr(**{ADR_IDS[0]: _line(ADR_IDS[0], s1={"v": 1})}), {}, 1, "score_1"),
    ("description number", _good_adr(**{ADR_IDS[4]: _line(ADR_IDS[4], desc=3)}), {}, 5, "description"),
    ("description list", _good_adr(**{ADR_IDS[4]: _line(ADR_IDS[4], desc=["a"])}), {}, 5, "description"),
    ("description too long", _good_adr(**{ADR_IDS[4]: _line(ADR_IDS[4], desc=BIG)}), {}, 5, "description"),
    ("unknown field", _good_adr(**{ADR_IDS[5]: _line(ADR_IDS[5], confidence=0.9)}), {}, 6, "confidence"),
    ("swapped pair", _good_adr(**{ADR_IDS[5]: _line(ADR_IDS[5], swapped=True)}), {}, 6, "swapped"),
    ("meta not an object", _good_adr(**{ADR_IDS[0]: _line(ADR_IDS[0], meta=[1])}), {}, 1, "meta"),
    ("meta with NaN", _good_adr(**{ADR_IDS[0]: _line(ADR_IDS[0], meta={"x": float("nan")})}), {}, 1, "meta"),
    ("meta too large", _good_adr(**{ADR_IDS[0]: _line(ADR_IDS[0], meta={"x": "y" * 5000})}), {}, 1, "meta"),
    ("invalid UTF-8", _good_adr().encode() + b'{"pair_id": "\xff"}\n', {}, 7, None),
    ("UTF-8 BOM", "\ufeff" + _good_adr(), {}, 1, None),
    ("over the size limit", _good_adr(), {"max_bytes": 100}, None, None),
    ("name with ../", _good_adr(), {"name": "../escape"}, None, "name"),
    ("name with a slash", _good_adr(), {"name": "a/b"}, None, "name"),
    ("name with a backslash", _good_adr(), {"name": "a\\b"}, None, "name"),
    ("name '..'", _good_adr(), {"name": ".."}, None, "name"),
    ("name with dots inside", _good_adr(), {"name": "a..b"}, None, "name"),
    ("hidden name", _good_adr(), {"name": ".hidden"}, None, "name"),
    ("empty name", _good_adr(), {"name": ""}, None, "name"),
    ("name too long", _good_adr(), {"name": "a" * 65}, None, "name"),
    ("name with a space", _good_adr(), {"name": "my model"}, None, "name"),
    ("non-ASCII name", _good_adr(), {"name": "modèle"}, None, "name"),
    ("name with NUL", _good_adr(), {"name": "a\x00b"}, None, "name"),
    ("name taken", _good_adr(), {"name": "taken"}, None, "name"),
    ("name taken in another case", _good_adr(), {"name": "TAKEN"}, None, "name"),
    ("meta key not allowed", _good_adr(), {"meta": {"bad key": "v"}}, None, "meta"),
    ("meta value too long", _good_adr(), {"meta": {"k": "v" * 501}}, None, "meta.k"),
    ("meta value not a string", _good_adr(), {"meta": {"k": 3}}, None, "meta.k"),
    ("unknown task", _good_adr(), {"task": "adr-synthh", "dataset": None}, None, "task"),
    ("task and dataset disagree", _good_adr(), {"task": "jigsaws-synth"}, None, "task"),
]

# The expected field may be a tuple: either is a right answer (e.g. a missing video_id or an unexpected pair_id).
VIDEO_CORPUS: list[tuple[str, Dataset, str, int | None, str | tuple[str, ...] | None]] = [
    ("pair line for a video task", tiny_jigsaws(), _line("t0") + "\n", 1, ("video_id", "pair_id")),
    (
        "video score above range",
        tiny_jigsaws(),
        "".join(
            json.dumps({"video_id": f"t{i}", "score": 31.0 if i == 2 else 10.0}) + "\n" for i in range(6)
        ),
        3,
        "score",
    ),
    (
        "unknown label",
        tiny_fitness(),
        json.dumps({"video_id": "c0", "labels": {"Squat_inward": 1}}) + "\n",
        1,
        "labels.Squat_inward",
    ),
    (
        "label not 0/1",
        tiny_fitness(),
        json.dumps({"video_id": "c0", "labels": {"OHP_knee": 2}}) + "\n",
        1,
        "labels.OHP_knee",
    ),
    (
        "label as float",
        tiny_fitness(),
        json.dumps({"video_id": "c0", "labels": {"OHP_knee": 1.0}}) + "\n",
        1,
        "labels.OHP_knee",
    ),
    (
        "label as boolean",
        tiny_fitness(),
        json.dumps({"video_id": "c0", "labels": {"OHP_knee": True}}) + "\n",
        1,
        "labels.OHP_knee",
    ),
]


def _submit_bad(board: Path, path: Path, changes: dict[str, Any], dataset: Dataset) -> DataError:
    call = {"task": dataset.task, "name": "new-entry", "meta": {}, "dataset": dataset} | changes
    with pytest.raises(DataError) as info:
        submit(
            call.pop("task"), path, call.pop("name"), call.pop("meta"), board, scorer=stand_in_scorer, **call
        )
    return info.value


#: Values of the wrong JSON type for each field of an ADR prediction (None is allowed for scores and text).
WRONG_TYPES: dict[str, list[Any]] = {
    "pair_id": [7, None, ["pair"]],
    "score_1": ["5", True, [5.0]],
    "score_2": [{"v": 5}, False, "high"],
    "description": [3, ["text"], {"text": "x"}],
}


@pytest.mark.parametrize("field", sorted(WRONG_TYPES))
def test_every_field_of_every_line_is_checked(board: Path, tmp_path: Path, field: str) -> None:
    path = tmp_path / "bad.jsonl"
    for line, pid in enumerate(ADR_IDS, start=1):
        for wrong in WRONG_TYPES[field]:
            record = {"pair_id": pid, "score_1": 4.0, "score_2": 6.0, "description": "ok", field: wrong}
            path.write_text(_good_adr(**{pid: json.dumps(record)}), encoding="utf-8")
            err = _submit_bad(board, path, {}, tiny_adr())
            assert (err.path, err.line, err.field) == (str(path), line, field), (wrong, str(err))


@pytest.mark.parametrize(
    ("kind", "content", "changes", "line", "field"), ADR_CORPUS, ids=[c[0] for c in ADR_CORPUS]
)
def test_bad_adr_submission_is_refused_and_changes_nothing(
    board: Path,
    tmp_path: Path,
    kind: str,
    content: str | bytes,
    changes: dict[str, Any],
    line: int | None,
    field: str | None,
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    before = _snapshot(board)
    err = _submit_bad(board, path, changes, tiny_adr())
    assert _snapshot(board) == before
    assert err.path == str(path) or err.field == "name"
    if line is not None:
        assert err.line == line, str(err)
    if field is not None:
        assert err.field == field, str(err)


@pytest.mark.parametrize(
    ("kind", "dataset", "content", "line", "field"), VIDEO_CORPUS, ids=[c[0] for c in VIDEO_CORPUS]
)
def test_bad_video_submission_is_refused_and_changes_nothing(
    board: Path,
    tmp_path: Path,
    kind: str,
    dataset: Dataset,
    content: str,
    line: int | None,
    field: str | tuple[str, ...] | None,
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    before = _snapshot(board)
    err = _submit_bad(board, path, {}, dataset)
    assert _snapshot(board) == before
    assert err.line == line, str(err)
    assert err.field in (field if isinstance(field, tuple) else (field,)), str(err)


def test_missing_file_and_folder_are_refused(board: Path, tmp_path: Path) -> None:
    before = _snapshot(board)
    for path in (tmp_path / "absent.jsonl", tmp_path):
        with pytest.raises(DataError, match="not a file"):
            submit("adr-synth", path, "x", {}, board, dataset=tiny_adr(), scorer=stand_in_scorer)
    assert _snapshot(board) == before


def test_a_broken_scorer_leaves_nothing_behind(lb_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(_good_adr(), encoding="utf-8")
    before = _snapshot(lb_dir)
    with pytest.raises(DataError, match="schema"):
        submit("adr-synth", path, "x", {}, lb_dir, dataset=tiny_adr(), scorer=lambda d, p: {"schema": "nope"})
    assert _snapshot(lb_dir) == before


def test_submission_scored_by_the_standard_scorer(lb_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(_good_adr(), encoding="utf-8")
    entry = submit("adr-synth", path, "standard", {}, lb_dir, dataset=tiny_adr())
    metrics = json.loads((entry / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["schema"] == "adrbench.metrics/1" and metrics["task"] == "adr-synth"
    assert "spearman" in metrics["metrics"]
    assert (lb_dir / "generated" / "measured" / "table2-measured-synth.md").is_file()
