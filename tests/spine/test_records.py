"""Records, the JSON Lines reader/writer and run configs."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrbench.errors import ConfigError, DataError
from adrbench.jsonl import cut_torn_tail, dumps, read_records, write_records
from adrbench.records import PairPrediction
from adrbench.runs import RunConfig


def test_jsonl_round_trip_is_canonical(tmp_path: Path) -> None:
    preds = [PairPrediction(pair_id="p1", score_1=3.5, score_2=None, description="é ✓")]
    write_records(tmp_path / "a.jsonl", preds)
    assert read_records(tmp_path / "a.jsonl", PairPrediction) == preds
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8").startswith('{"description":"é ✓"')


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"pair_id": "p", "score_1": "high"}', "score_1", "valid number"),
        ('{"score_1": 1}', "pair_id", "Field required"),
        ('{"pair_id": "p", "extra": 1}', "extra", "Extra inputs"),
        ('{"pair_id": "p",', None, "not valid JSON"),
    ],
)
def test_bad_line_names_file_line_and_field(
    tmp_path: Path, line: str, field: str | None, message: str
) -> None:
    path = tmp_path / "preds.jsonl"
    path.write_text('{"pair_id": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        read_records(path, PairPrediction)
    assert info.value.line == 2 and info.value.field == field and str(path) in str(info.value)


def test_torn_last_line_of_a_killed_run_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "predictions.jsonl"
    good = dumps(PairPrediction(pair_id="p1", score_1=1.0).model_dump(mode="json")) + "\n"
    path.write_text(good + '{"pair_id": "p2", "sco', encoding="utf-8")
    cut_torn_tail(path)
    assert path.read_text(encoding="utf-8") == good
    assert [p.pair_id for p in read_records(path, PairPrediction)] == ["p1"]
    cut_torn_tail(path)  # a complete file is left as it is
    assert path.read_text(encoding="utf-8") == good


def test_run_config_hash_names_the_folder_and_ignores_the_data_location() -> None:
    a = RunConfig(model="kept", model_args={"d": "64"})
    assert a.config_hash() == RunConfig(model="kept", model_args={"d": "64"}, data_root="/x").config_hash()
    assert a.config_hash() != RunConfig(model="kept", model_args={"d": "32"}).config_hash()
    assert a.default_dir() == Path("runs/adr-synth") / f"kept-{a.config_hash()}"


def test_the_data_fingerprint_is_part_of_the_run() -> None:
    a = RunConfig(model="kept").for_data("f1")
    assert a.config_hash() != RunConfig(model="kept").for_data("f2").config_hash()
    assert a.default_dir() != RunConfig(model="kept").for_data("f2").default_dir()
    assert a.for_data("f1") == a
    with pytest.raises(ConfigError, match="fingerprint f1.*fingerprint f2"):
        a.for_data("f2")


def test_runtime_model_args_do_not_change_the_run() -> None:
    base = RunConfig(model="openai-compatible", model_args={"model": "m"})
    faster = RunConfig(
        model="openai-compatible", model_args={"model": "m", "concurrency": "64", "timeout_s": "9"}
    )
    other = RunConfig(model="openai-compatible", model_args={"model": "m", "frames": "4"})
    assert base.config_hash() == faster.config_hash() != other.config_hash()
