"""The loopback server refuses what the real servers refuse, and the client handles what they answer: truncated,
blocked and refused replies, substituted models, quota errors and rate limits with a wait."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from lvlm_fixtures import adr_dataset

from adrbench.llm.backends import GeminiBackend, OpenAIChatBackend
from adrbench.llm.budget import Budget, Pricing
from adrbench.llm.cache import RequestCache
from adrbench.llm.client import LLMClient
from adrbench.llm.loopback import Faults, LoopbackServer
from adrbench.llm.messages import ChatRequest, Part, text_request
from adrbench.llm.retry import FatalError, RetryPolicy
from adrbench.llm.strict import ModelCard
from adrbench.records import PairPrediction
from baselines.lvlm.adapters import Gemini25Model, OpenAICompatibleModel

FAST = {"frames": "3", "frame_size": "32", "timeout_s": "2", "backoff_s": "0.01", "backoff_cap_s": "0.05"}
JSON_ASK = 'Give a "score" from 1 to 10 as JSON.'


def _openai(srv: LoopbackServer, **kwargs: object) -> LLMClient:
    return LLMClient(lambda: OpenAIChatBackend(srv.openai_base_url, "EMPTY", 2.0), "openai-chat", **kwargs)  # type: ignore[arg-type]


def _gemini(srv: LoopbackServer, **kwargs: object) -> LLMClient:
    return LLMClient(lambda: GeminiBackend(srv.url, "gm-key", 2.0), "gemini", **kwargs)  # type: ignore[arg-type]


def _fast_retry(n: int = 6) -> RetryPolicy:
    return RetryPolicy(max_retries=n, base_s=0.001, cap_s=0.001)


def _video(model: str, n_videos: int) -> ChatRequest:
    parts = tuple(Part.of_video((b"f1", b"f2"), "image/jpeg") for _ in range(n_videos))
    return ChatRequest(model=model, parts=(Part.of_text("rate"), *parts), prompt_version="t")


def test_unknown_model_media_limits_json_word_and_context_are_refused() -> None:
    models = {
        "llava-hf/LLaVA-NeXT-Video-7B-hf": ModelCard(max_videos=1, max_model_len=1000),
        "m": ModelCard(),
    }
    with LoopbackServer(models=models) as srv:
        client = _openai(srv, retry=_fast_retry())
        unknown, two, one, no_json, json_ok, long = client.run(
            [
                text_request("gpt-5", JSON_ASK, "t"),
                _video("llava-hf/LLaVA-NeXT-Video-7B-hf", 2),
                _video("llava-hf/LLaVA-NeXT-Video-7B-hf", 1),
                text_request("m", "Give a score.", "t", json_mode=True),
                text_request("m", JSON_ASK, "t", json_mode=True),
                text_request("llava-hf/LLaVA-NeXT-Video-7B-hf", "word " * 900, "t"),
            ]
        )
    assert unknown.error is not None and unknown.error.startswith("http 404") and "gpt-5" in unknown.error
    assert two.error is not None and two.error.startswith("http 400") and "At most 1 video(s)" in two.error
    assert one.error is None and json_ok.error is None
    assert no_json.error is not None and "must contain the word 'json'" in no_json.error
    assert long.error is not None and "maximum context length is 1000 tokens" in long.error
    assert (
        srv.counts["rejected:400"] == 3 and srv.counts["rejected:404"] == 1 and client.stats["retries"] == 0
    )


def test_strict_schema_rules_and_gemini_thinking_budget() -> None:
    loose = {"type": "object", "properties": {"score": {"type": "number"}}}
    with LoopbackServer() as srv:
        (bad,) = _openai(srv).run([text_request("m", JSON_ASK, "t", json_mode=True, json_schema=loose)])
        gem = _gemini(srv)
        zero, ok = gem.run(
            [text_request("gemini-2.5-pro", JSON_ASK, "t", thinking_budget=b) for b in (0, 1024)]
        )
    assert bad.error is not None and "additionalProperties" in bad.error
    assert zero.error is not None and "only works in thinking mode" in zero.error
    assert (
        ok.error is None and ok.served_model == "gemini-2.5-pro" and ok.output_tokens > 64
    )  # thoughts billed


@pytest.mark.parametrize("gemini", [False, True])
@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("truncated", "truncated"),
        ("blocked", "blocked"),
        ("null_content", "empty reply"),
        ("refusal", "refusal"),
    ],
)
def test_deterministic_non_answers_fail_once_are_billed_and_never_cached(
    mode: str, reason: str, gemini: bool, tmp_path: Path
) -> None:
    if gemini and mode == "refusal":
        pytest.skip("Gemini has no refusal field")
    cache = RequestCache(tmp_path / "c.sqlite")
    with LoopbackServer(Faults(mode=mode)) as srv:  # type: ignore[arg-type]
        make = _gemini if gemini else _openai
        model = "gemini-2.5-flash" if gemini else "m"
        client = make(srv, cache=cache, pricing=Pricing(1.0, 1.0), retry=_fast_retry())
        (result,) = client.run([text_request(model, JSON_ASK, "t")])
    assert result.error is not None and result.error.startswith(reason) and result.text is None
    assert srv.counts["requests"] == 1 and result.attempts == 1  # not retried
    assert result.input_tokens > 0 and result.cost_usd > 0 and client.budget.cost_usd == result.cost_usd
    assert len(cache) == 0


def test_every_billed_attempt_counts_against_the_budget() -> None:
    with LoopbackServer(Faults(mode="truncated")) as srv:
        client = _openai(srv, budget=Budget(max_cost_usd=1e-6), pricing=Pricing(2.5, 10.0), concurrency=1)
        results = client.run([text_request("m", f"{JSON_ASK} {i}", "t") for i in range(5)])
    assert srv.counts["requests"] == 1  # the first truncated reply was billed and spent the budget
    assert [r.error for r in results[1:]] == ["budget"] * 4 and client.summary()["cost_usd"] > 1e-6


@pytest.mark.parametrize("gemini", [False, True])
def test_quota_exhaustion_is_fatal_with_one_message(gemini: bool) -> None:
    with LoopbackServer(Faults(mode="quota")) as srv:
        client = (_gemini if gemini else _openai)(srv, retry=_fast_retry(), concurrency=1)
        model = "gemini-2.5-flash" if gemini else "m"
        with pytest.raises(FatalError, match="daily quota" if gemini else "insufficient_quota"):
            client.run([text_request(model, f"{JSON_ASK} {i}", "t") for i in range(4)])
        with pytest.raises(FatalError):  # a later batch sends nothing either
            client.run([text_request(model, "another", "t")])
    assert srv.counts["requests"] == 1


def test_gemini_retry_delay_is_the_wait() -> None:
    with LoopbackServer(Faults(mode="rate_limited", mode_requests=2, retry_after_s=0.3)) as srv:
        client = _gemini(srv, retry=_fast_retry())
        start = time.monotonic()
        (result,) = client.run([text_request("gemini-2.5-flash", JSON_ASK, "t")])
        elapsed = time.monotonic() - start
    assert result.error is None and result.attempts == 3 and elapsed >= 0.6


def test_transient_503_is_retried() -> None:
    with LoopbackServer(Faults(mode="unavailable", mode_requests=2)) as srv:
        (result,) = _openai(srv, retry=_fast_retry()).run([text_request("m", JSON_ASK, "t")])
    assert result.error is None and result.attempts == 3 and srv.counts["fault:503"] == 2


def test_served_model_is_recorded_warned_once_and_cached(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = adr_dataset(3)
    args = {**FAST, "model": "m", "cache": str(tmp_path / "c.sqlite")}
    with LoopbackServer(Faults(served_model="m-2025-01-01")) as srv, caplog.at_level(logging.WARNING):
        model = OpenAICompatibleModel(base_url=srv.openai_base_url, **args)
        preds = model.predict(data, data.items("test"))
        again = OpenAICompatibleModel(base_url=srv.openai_base_url, **args)
        cached = again.predict(data, data.items("test"))
    assert all(p.meta["usage"]["served_model"] == "m-2025-01-01" for p in preds + cached)
    assert all(p.meta["usage"]["cached"] for p in cached)
    assert model.config()["served_models"] == ["m-2025-01-01"] == again.config()["served_models"]
    warnings = [r for r in caplog.records if "answered by 'm-2025-01-01'" in r.getMessage()]
    assert len(warnings) == 2  # once per client, not once per reply


def test_gemini_asks_by_schema_and_records_thinking(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gm-test-key")
    data = adr_dataset(2)
    bodies: list[str] = []

    def responder(prompt: str, n_images: int) -> str:
        return '{"score_1": 4, "score_2": 6, "description": "B is steadier."}'

    with LoopbackServer(Faults(), responder=responder) as srv:
        original = srv.card

        def spy(model: str, gemini: bool) -> ModelCard:
            bodies.append(model)
            return original(model, gemini)

        srv.card = spy  # type: ignore[method-assign]
        model = Gemini25Model(base_url=srv.url, cache="off", **FAST)
        (pred,) = model.predict(data, data.items("test"))
    assert isinstance(pred, PairPrediction) and (pred.score_1, pred.score_2) == (4.0, 6.0)
    assert bodies == ["gemini-2.5-pro"] and srv.rejections == []
    assert model.config()["thinking_budget"] == 2048 and model.config()["served_models"] == ["gemini-2.5-pro"]


def test_gemini_gets_the_answer_schema_as_json_schema() -> None:
    """The answer schemas are JSON Schema (closed objects): Gemini takes them as `response_json_schema`, whose
    documented subset has additionalProperties; `response_schema` is the OpenAPI subset."""
    from adrbench.llm import prompts

    schema = prompts.pair_schema()
    config = GeminiBackend("http://127.0.0.1:9", "k", 1.0)._config({"json_mode": True, "json_schema": schema}, "")
    assert config.response_json_schema == schema and config.response_schema is None
    assert config.response_mime_type == "application/json"
    plain = GeminiBackend("http://127.0.0.1:9", "k", 1.0)._config({}, "")
    assert plain.response_json_schema is None and plain.response_mime_type is None
