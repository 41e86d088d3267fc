"""Request keys, the SQLite cache, retry delays and Retry-After parsing."""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from pathlib import Path

import pytest

from adrbench.errors import ConfigError
from adrbench.llm.backends import OpenAIChatBackend
from adrbench.llm.cache import RequestCache, default_cache_path, open_cache
from adrbench.llm.client import LLMClient
from adrbench.llm.loopback import Faults, LoopbackServer
from adrbench.llm.messages import ChatRequest, ChatResult, Part, Reply, text_request
from adrbench.llm.retry import RetryPolicy, parse_retry_after
from adrbench.llm.spec import ClientSpec, connect


def _request(**overrides: object) -> ChatRequest:
    base: dict[str, object] = {
        "model": "m",
        "parts": (Part.of_text("rate it"), Part.of_image(b"frame-bytes", "image/png")),
        "prompt_version": "v1",
        "params": {"temperature": 0.0},
    }
    base.update(overrides)
    return ChatRequest(**base)  # type: ignore[arg-type]


def test_key_covers_every_reply_changing_field() -> None:
    key = _request().key("openai-chat")
    assert key == _request().key("openai-chat")
    assert key != _request().key("gemini")
    assert key != _request(model="m2").key("openai-chat")
    assert key != _request(prompt_version="v2").key("openai-chat")
    assert key != _request(params={"temperature": 0.5}).key("openai-chat")
    assert key != _request(parts=(Part.of_text("rate it"), Part.of_image(b"other", "image/png"))).key(
        "openai-chat"
    )


def test_cache_round_trip_and_persistence(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    cache = RequestCache(path)
    reply = Reply(text='{"score": 3}', input_tokens=10, output_tokens=4, finish_reason="stop")
    cache.put("k", "openai-chat", "m", reply)
    cache.close()
    again = RequestCache(path)
    assert again.get("k") == reply and again.get("nope") is None and len(again) == 1


def test_open_cache_settings(tmp_path: Path) -> None:
    assert open_cache("off") is None
    assert (
        default_cache_path() == tmp_path / "default-cache" / "requests.sqlite"
    )  # conftest sets ADRBENCH_CACHE
    cache = open_cache(None)
    assert cache is not None and cache.path == default_cache_path()
    assert open_cache(str(tmp_path / "x.sqlite")).path == tmp_path / "x.sqlite"  # type: ignore[union-attr]


def test_backoff_grows_with_jitter_and_obeys_retry_after() -> None:
    policy = RetryPolicy(base_s=1.0, cap_s=8.0, max_retry_after_s=60.0)
    rng = random.Random(0)
    for attempt, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0), (6, 8.0)]:
        delays = [policy.delay(attempt, None, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1  # jittered
    assert policy.delay(0, 5.0, rng) == 5.0
    assert policy.delay(0, 500.0, rng) == 60.0


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after": "2"}) == 2.0
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= parse_retry_after({"retry-after": when}) <= 31  # type: ignore[operator]
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after(None) is None


def _client(srv: LoopbackServer, **kwargs: object) -> LLMClient:
    return LLMClient(lambda: OpenAIChatBackend(srv.openai_base_url, "EMPTY", 2.0), "openai-chat", **kwargs)  # type: ignore[arg-type]


def test_retry_after_is_honoured_and_exhaustion_is_reported() -> None:
    with LoopbackServer(Faults(rate_429=1.0, retry_after_s=0.3)) as srv:
        client = _client(srv, retry=RetryPolicy(max_retries=2, base_s=0.001, cap_s=0.001))
        start = time.monotonic()
        (result,) = client.run([_request()])
        elapsed = time.monotonic() - start
    assert result.error == "retries exhausted: http 429" and result.text is None and result.attempts == 3
    assert elapsed >= 0.6  # two waits of Retry-After 0.3 s, not the 1 ms backoff
    assert srv.counts["fault:429"] == 3 and client.stats["request_failures"] == 1


def test_run_works_inside_a_running_event_loop() -> None:
    with LoopbackServer(Faults()) as srv:
        client = _client(srv, cache=None)

        async def notebook_cell() -> list[ChatResult]:
            return client.run([_request(), _request(model="other")])

        results = asyncio.run(notebook_cell())
    assert [r.error for r in results] == [None, None] and srv.counts["requests"] == 2


@pytest.mark.parametrize("provider", ["openai-compatible", "gemini"])
def test_text_requests_for_describers_and_judges(
    provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gm-test-key")
    with LoopbackServer(Faults(rate_500=0.3, seed=1)) as srv:
        base = srv.openai_base_url if provider == "openai-compatible" else srv.url
        spec = ClientSpec(base_url=base, cache=str(tmp_path / "c.sqlite"), backoff_s=0.001, backoff_cap_s=0.01)
        client = connect(provider, spec.model_copy(update={"max_retries": 8}))
        requests = [
            text_request("judge", f'Give a "score" from 0 to 1 for answer {i}.', "judge-1") for i in range(6)
        ]
        first = client.run(requests)
        assert all(r.text and r.error is None for r in first)
        assert (client.retry.max_retries, client.retry.base_s) == (8, 0.001)  # the spec reached the client
        sent = srv.counts["requests"]
        again = connect(provider, spec).run(requests)
    assert [r.text for r in again] == [r.text for r in first] and srv.counts["requests"] == sent
    with pytest.raises(ConfigError, match="unknown provider 'anthropic'"):
        connect("anthropic")


def test_client_spec_names_each_setting_once() -> None:
    from adrbench.llm.spec import checked

    spec = ClientSpec(timeout_s=5, max_cost_usd=1.5, input_per_mtok=2.0)
    client = connect("openai-compatible", spec.model_copy(update={"base_url": "http://127.0.0.1:9/v1"}))
    assert (client.concurrency, client.budget.max_cost_usd, client.pricing.input_per_mtok) == (8, 1.5, 2.0)
    with pytest.raises(ConfigError, match="concurrency=0"):
        checked(ClientSpec, {"concurrency": 0}, "test")
    with pytest.raises(ConfigError, match="timeout"):
        checked(ClientSpec, {"timeout": 3}, "test")  # the old name is not a second way to say it
