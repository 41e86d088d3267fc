"""The one option parser: key=value splitting and typed model options, with the same words and messages for
every model (KEPT, MAGR/FineParser, the LVLMs)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from adrbench.errors import ConfigError
from adrbench.options import option_types, parse_options, parse_pairs
from baselines.aqa_common import parse_args
from baselines.lvlm.settings import LVLMSettings
from kept.config import KeptConfig


def test_parse_pairs() -> None:
    assert parse_pairs(["a=1", " b =x=y", "a=2", "c="], "-M") == {"a": "2", "b": "x=y", "c": ""}
    assert parse_pairs(None, "-M") == {}
    for bad in ("x", "=1"):
        with pytest.raises(ConfigError, match=f"-M expects key=value, got '{bad}'"):
            parse_pairs([bad], "-M")


@dataclass
class Opts:
    flag: bool = False
    n: int = 1
    rate: float = 0.5
    name: str = "a"
    limit: int | None = None


def test_typed_values_words_and_messages() -> None:
    kinds = option_types(Opts)
    assert kinds == {"flag": bool, "n": int, "rate": float, "name": str, "limit": int | None}
    for word, value in [("true", True), ("YES", True), ("on", True), ("1", True), ("False", False),
                        ("no", False), ("off", False), ("0", False)]:  # fmt: skip
        assert parse_options("m", {"flag": word}, kinds) == {"flag": value}
    got = parse_options("m", {"n": " 3 ", "rate": "1e-3", "name": " b ", "limit": "none"}, kinds)
    assert got == {"n": 3, "rate": 0.001, "name": "b", "limit": None}
    assert parse_options("m", {"limit": "7", "rate": 2}, kinds) == {"limit": 7, "rate": 2.0}  # typed values pass
    cases = {
        "flag": ("maybe", "m: model-arg flag='maybe' is not a boolean (true/false, yes/no, on/off, 1/0)"),
        "n": ("3.0", "m: model-arg n='3.0' is not an integer"),
        "rate": ("fast", "m: model-arg rate='fast' is not a number"),
        "limit": ("x", "m: model-arg limit='x' is not an integer or none"),
    }
    for name, (raw, message) in cases.items():
        with pytest.raises(ConfigError) as info:
            parse_options("m", {name: raw}, kinds)
        assert str(info.value) == message
    with pytest.raises(ConfigError, match="m: unknown model-arg 'colour'; known: flag, limit, n, name, rate"):
        parse_options("m", {"colour": "red"}, kinds)
    with pytest.raises(ConfigError, match="is not an integer"):
        parse_options("m", {"n": True}, kinds)  # a bool is not silently an int


@pytest.mark.parametrize(
    "make",
    [
        lambda flag: KeptConfig.from_args({"no_gnn": flag}),
        lambda flag: parse_args("magr", {"flag": flag}, {"flag": False, "n": 1}),
        lambda flag: LVLMSettings.from_args("openai-compatible", {"model": "m", "json_mode": flag}),
    ],
    ids=["kept", "magr", "lvlm"],
)
def test_every_model_reads_options_the_same_way(make) -> None:
    assert make("on") is not None and make("no") is not None
    with pytest.raises(ConfigError, match=r"model-arg \w+='maybe' is not "):
        make("maybe")


def test_dashes_are_underscores_everywhere() -> None:
    assert parse_args("magr", {"max-samples": "5"}, {"max_samples": 0}) == {"max_samples": 5}
    assert KeptConfig.from_args({"no-gnn": "yes"}).no_gnn is True
    assert LVLMSettings.from_args("x", {"model": "m", "frame-size": "64"}).frame_size == 64
