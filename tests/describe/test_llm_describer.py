"""LLM describers against the loopback server: text, provenance, cost, cache, failures, providers."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrbench.describe import (
    PROMPT_VERSION,
    DescribeError,
    LLMDescriber,
    describe_pairs,
    make_describer,
    provenance,
)
from adrbench.describe.llm import clean_reply
from adrbench.errors import ConfigError
from adrbench.llm import ClientSpec, connect
from adrbench.llm.loopback import Faults, LoopbackServer
from adrbench.records import Video


def _describer(server: LoopbackServer, cache: Path, **kw: object) -> LLMDescriber:
    spec = ClientSpec(
        base_url=server.openai_base_url,
        cache=str(cache),
        concurrency=4,
        input_per_mtok=1.0,
        output_per_mtok=2.0,
        **kw,
    )  # type: ignore[arg-type]
    describer = make_describer("openai-compatible", "loopback-llm", spec)
    assert isinstance(describer, LLMDescriber)
    return describer


def test_describes_pairs_with_provenance_and_cost(
    server: LoopbackServer, takes: list[Video], tmp_path: Path
) -> None:
    pairs = list(zip(takes[:-1], takes[1:], strict=True))
    found = _describer(server, tmp_path / "c.sqlite").describe_many(pairs)
    assert len(found) == len(pairs)
    assert len({d.text for d in found}) == len(pairs)  # one text per pair, in order
    first = found[0]
    assert first.text is not None and first.text.startswith("Player 1 keeps the knees")
    assert "```" not in first.text and "\n" not in first.text
    assert first.meta["describer"] == "openai-compatible"
    assert first.meta["model"] == "loopback-llm"
    assert first.meta["prompt_version"] == PROMPT_VERSION
    assert first.usage["input_tokens"] > 0 and first.usage["cost_usd"] > 0
    assert "usage" not in first.meta and first.error is None
    assert server.counts["requests"] == len(pairs)


def test_a_second_run_repeats_no_request(server: LoopbackServer, takes: list[Video], tmp_path: Path) -> None:
    pairs = list(zip(takes[:-1], takes[1:], strict=True))
    first = _describer(server, tmp_path / "c.sqlite").describe_many(pairs)
    again = _describer(server, tmp_path / "c.sqlite")
    second = again.describe_many(pairs)
    assert [d.text for d in second] == [d.text for d in first]
    assert server.counts["requests"] == len(pairs)
    assert again.summary()["cache_hits"] == len(pairs)
    assert all(d.usage["cached"] for d in second)
    assert [d.meta for d in second] == [d.meta for d in first]


def test_transient_faults_are_retried(takes: list[Video], tmp_path: Path) -> None:
    with LoopbackServer(
        Faults(rate_429=0.3, rate_500=0.2, retry_after_s=0.01, seed=3),
        responder=lambda p, n: "Player 2 bends the knees more.",
    ) as srv:
        describer = _describer(srv, tmp_path / "c.sqlite", max_retries=12)
        describer.client.retry = type(describer.client.retry)(max_retries=12, base_s=0.001, cap_s=0.01)
        found = describer.describe_many(list(zip(takes[:-1], takes[1:], strict=True)))
    assert all(d.text == "Player 2 bends the knees more." for d in found)
    assert srv.counts["fault:429"] + srv.counts["fault:500"] > 0


def test_a_failed_pair_has_no_text_and_describe_raises(takes: list[Video], tmp_path: Path) -> None:
    with LoopbackServer(Faults(rate_500=1.0)) as srv:
        describer = _describer(srv, tmp_path / "c.sqlite", max_retries=0)
        found = describer.describe_many([(takes[0], takes[1])])
        assert found[0].text is None and "http 500" in (found[0].error or "")
        with pytest.raises(DescribeError, match="take00"):
            describer.describe(takes[0], takes[1])


def test_budget_stops_new_requests(server: LoopbackServer, takes: list[Video], tmp_path: Path) -> None:
    describer = _describer(server, tmp_path / "c.sqlite", max_cost_usd=1e-12)
    describer.client.concurrency = 1
    found = describer.describe_many(list(zip(takes[:-1], takes[1:], strict=True)))
    assert found[0].text is not None
    assert [d.error for d in found[1:]] == ["budget"] * (len(found) - 1)
    assert server.counts["requests"] == 1


def test_gemini_provider_through_google_genai(
    server: LoopbackServer, takes: list[Video], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "test-key-not-real")
    describer = make_describer("gemini", None, ClientSpec(base_url=server.url, cache="off"))
    assert isinstance(describer, LLMDescriber) and describer.model == "gemini-2.5-pro"
    text = describer.describe(takes[0], takes[1])
    assert text.startswith("Player 1 keeps the knees")
    assert server.counts["requests"] == 1


def test_keys_come_from_the_environment_and_never_show(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        connect("openai")
    with pytest.raises(ConfigError, match="base URL"):
        connect("openai-compatible")
    with pytest.raises(ConfigError, match="unknown describer"):
        make_describer("gemni")
    monkeypatch.setenv("MY_KEY", "sk-secret-123")
    client = connect("openai", ClientSpec(api_key_env="MY_KEY", cache="off"))
    assert "sk-secret-123" not in repr(client.summary())


def test_template_describer_goes_through_the_same_batch_api(takes: list[Video]) -> None:
    describer = make_describer("template")
    found = describe_pairs(describer, [(takes[0], takes[5])])
    assert found[0].text and found[0].text.endswith("Overall, Player 2 performs better.")
    assert found[0].meta == provenance(describer) == {"describer": "TemplateDescriber"}


def test_clean_reply_strips_fences_quotes_and_breaks() -> None:
    assert clean_reply('```text\n"Player 1 is\nsteadier."\n```') == "Player 1 is steadier."
