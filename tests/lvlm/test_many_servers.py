"""One client over several loopback servers (`base_url=URL,URL,...`): the least-busy live server takes each
attempt, at most `concurrency` in flight on each; a refused, stopped or failing server is skipped for its
cool-down and its requests move on; the answers and cache keys are those of a single-server run."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from pathlib import Path

import pytest

from adrbench.errors import ConfigError
from adrbench.llm.backends import Backend
from adrbench.llm.client import LLMClient
from adrbench.llm.loopback import Faults, LoopbackServer, default_responder
from adrbench.llm.messages import ChatRequest, ChatResult, text_request
from adrbench.llm.pool import ServerPool
from adrbench.llm.retry import PermanentError, TransientError
from adrbench.llm.spec import ClientSpec, connect
from baselines.lvlm.settings import LVLMSettings

FAST = {"backoff_s": 0.001, "backoff_cap_s": 0.01, "timeout_s": 5.0}


def _unbound_url() -> str:
    """A base URL on which nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def _requests(n: int) -> list[ChatRequest]:
    return [
        text_request("loopback", f'Rate clip {i}: a "score" from 1 to 10 as JSON.', "t") for i in range(n)
    ]


def _client(urls: list[str], cache: str = "off", **spec: object) -> LLMClient:
    return connect("openai-compatible", ClientSpec(base_url=",".join(urls), cache=cache, **{**FAST, **spec}))  # type: ignore[arg-type]


def _by_server(results: list[ChatResult]) -> Counter[str | None]:
    return Counter(r.server for r in results)


def test_requests_spread_over_the_live_servers_and_a_refusing_one_is_skipped(tmp_path: Path) -> None:
    dead = _unbound_url()
    with LoopbackServer(Faults(latency_s=0.03)) as a, LoopbackServer(Faults(latency_s=0.03)) as b:
        urls = [a.openai_base_url, dead, b.openai_base_url]
        client = _client(urls, cache=str(tmp_path / "c.sqlite"), concurrency=3, server_cooldown_s=60)
        results = client.run(_requests(36))
        assert all(r.text and r.error is None for r in results)
        answered = _by_server(results)
        assert set(answered) == {
            a.openai_base_url,
            b.openai_base_url,
        }  # recorded per result, never the dead one
        assert (answered[a.openai_base_url], answered[b.openai_base_url]) == (a.counts["ok"], b.counts["ok"])
        assert 12 <= a.counts["ok"] <= 24 and 12 <= b.counts["ok"] <= 24  # roughly even
        assert a.max_in_flight == b.max_in_flight == 3  # reached, never exceeded
        # the dead server took at most one round of attempts before it was skipped; each moved on, no retry spent
        assert client.pool.deaths == {dead: 1}
        assert 1 <= client.stats["failovers"] <= 3 and client.stats["retries"] == 0
        assert client.stats["requests"] == 36 + client.stats["failovers"]
        assert all(r.attempts in (1, 2) for r in results)
        assert results[0].usage()["server"] in {a.openai_base_url, b.openai_base_url}
        # the cache key holds no server: another single server answers every request from the cache
        with LoopbackServer() as single:
            again = _client([single.openai_base_url], cache=str(tmp_path / "c.sqlite")).run(_requests(36))
            assert single.counts["requests"] == 0 and all(r.cached for r in again)
    assert [r.text for r in again] == [r.text for r in results]


def test_same_answers_as_one_server() -> None:
    requests = _requests(12)
    with LoopbackServer() as one:
        alone = _client([one.openai_base_url]).run(requests)
    with LoopbackServer() as a, LoopbackServer() as b:
        spread = _client([a.openai_base_url, b.openai_base_url], concurrency=2).run(requests)
        assert a.counts["ok"] > 0 and b.counts["ok"] > 0
    assert [r.text for r in spread] == [r.text for r in alone]
    assert [r.text for r in alone] == [default_responder(r.parts[0].text, 0) for r in requests]
    assert {r.server for r in alone} == {one.openai_base_url}


def test_a_server_stopped_mid_run_hands_its_requests_to_the_others() -> None:
    stopper: list[threading.Thread] = []
    b = LoopbackServer(Faults(latency_s=0.02))

    def dying(prompt: str, n_images: int) -> str:
        if b.counts["ok"] == 4 and not stopper:  # the process dies while this reply is being written
            stopper.append(threading.Thread(target=b.stop))
            stopper[0].start()
        return default_responder(prompt, n_images)

    b.responder = dying
    requests = _requests(30)
    with LoopbackServer(Faults(latency_s=0.02)) as a:
        b.start()
        client = _client([a.openai_base_url, b.openai_base_url], concurrency=2, server_cooldown_s=60)
        results = client.run(requests)
        stopper[0].join(timeout=10)
        assert all(r.text and r.error is None for r in results), [r.error for r in results if r.error]
        answered = _by_server(results)
        assert answered[a.openai_base_url] + answered[b.openai_base_url] == 30
        assert 1 <= answered[b.openai_base_url] <= 4 < answered[a.openai_base_url]
        assert client.pool.deaths == {b.openai_base_url: 1} and client.stats["failovers"] >= 1
        assert a.max_in_flight <= 2 and b.max_in_flight <= 2
    assert [r.text for r in results] == [default_responder(r.parts[0].text, 0) for r in requests]


def test_a_server_failing_with_5xx_is_skipped_after_three_in_a_row() -> None:
    with LoopbackServer(Faults(rate_500=1.0)) as broken, LoopbackServer() as good:
        client = _client([broken.openai_base_url, good.openai_base_url], concurrency=1, server_cooldown_s=60)
        results = client.run(_requests(10))
        assert all(r.error is None and r.server == good.openai_base_url for r in results)
        assert broken.counts["fault:500"] == 3 and client.pool.deaths == {broken.openai_base_url: 1}
        assert client.stats["retries"] == 2 and client.stats["failovers"] == 1  # 2 retries, then it moved on


def test_all_servers_dead_fails_with_the_reason_as_with_one(tmp_path: Path) -> None:
    urls = [_unbound_url(), _unbound_url()]
    client = _client(urls, max_retries=2)
    results = client.run(_requests(3))
    for result in results:
        assert result.text is None and result.error is not None
        assert result.error.startswith("retries exhausted: connection error: connection refused (127.0.0.1:")
    # the 1 + 2 attempts of the retry policy each, plus a free move to the other server while it was still live
    assert (
        sum(r.attempts for r in results) == 3 * 3 + client.stats["failovers"] and client.stats["retries"] == 6
    )
    assert client.summary()["request_failures:retries exhausted"] == 3


class _Stub:
    """A backend for the pool's own tests; never sends."""

    name = "stub"

    async def __aenter__(self) -> Backend:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def send(self, request: ChatRequest) -> object:
        raise AssertionError("not sent in these tests")


def test_a_dead_server_is_tried_again_after_its_cooldown() -> None:
    now = [0.0]
    pool = ServerPool({"a": _Stub, "b": _Stub}, cooldown_s=30, dead_after=3, clock=lambda: now[0])  # type: ignore[dict-item]
    a, b = pool.servers
    pool.report(a, TransientError("connection error: connection refused", server="unreachable"))
    assert pool.dead(a) and pool.live() == [b]
    now[0] = 10.0
    for _ in range(2):
        pool.report(b, TransientError("http 503", server="failing"))
    pool.report(b, PermanentError("http 400: bad"))  # an answer: alive, the count starts again
    pool.report(b, TransientError("http 429"))  # a rate limit is no sign of a dead server
    for _ in range(2):
        pool.report(b, TransientError("timeout", server="failing"))
    assert not pool.dead(b)
    pool.report(b, TransientError("timeout", server="failing"))
    assert pool.dead(b) and pool.live() == [] and pool.deaths == {"a": 1, "b": 1}
    now[0] = 29.9
    assert pool.live() == []
    now[0] = 30.0
    assert pool.live() == [a]  # its cool-down is over: tried again
    now[0] = 40.0
    assert pool.live() == [a, b]


def test_base_url_lists_are_one_setting_checked_once() -> None:
    spec = ClientSpec(base_url=" http://h1:8000/v1 , http://h2:8000/v1")
    assert spec.base_url == "http://h1:8000/v1,http://h2:8000/v1"
    assert spec.base_urls() == ("http://h1:8000/v1", "http://h2:8000/v1")
    settings = LVLMSettings.from_args("t", {"model": "m", "base_url": "http://h1:8000/v1,http://h2:8000/v1"})
    assert settings.base_urls() == spec.base_urls()
    recorded = settings.recorded()
    assert recorded["runtime"]["server_cooldown_s"] == 30.0 and "server_cooldown_s" not in recorded
    for bad, message in (
        ("http://h1/v1,,http://h2/v1", "'' is not an http"),
        ("http://h1/v1,http://h1/v1", "given twice"),
        ("h1:8000/v1", "'h1:8000/v1' is not an http"),
    ):
        with pytest.raises(ConfigError, match=message):
            LVLMSettings.from_args("t", {"model": "m", "base_url": bad})
    client = connect("openai-compatible", spec)
    assert [s.name for s in client.pool.servers] == list(spec.base_urls())
