"""Make an LLMClient for a named backend in one call (used by the LVLM adapters, the describers and the judges)."""

from __future__ import annotations

from typing import Any

from adrbench.errors import ConfigError
from adrbench.llm.backends import Backend, GeminiBackend, OpenAIChatBackend
from adrbench.llm.budget import Budget, Pricing
from adrbench.llm.cache import RequestCache
from adrbench.llm.client import LLMClient
from adrbench.llm.messages import ChatRequest, Part
from adrbench.llm.retry import RetryPolicy

BACKENDS: dict[str, type[OpenAIChatBackend] | type[GeminiBackend]] = {
    OpenAIChatBackend.name: OpenAIChatBackend,
    GeminiBackend.name: GeminiBackend,
}


def make_client(
    backend: str,
    api_key: str,
    *,
    base_url: str | None = None,
    timeout_s: float = 120.0,
    cache: RequestCache | None = None,
    concurrency: int = 16,
    retry: RetryPolicy | None = None,
    budget: Budget | None = None,
    pricing: Pricing | None = None,
    seed: int = 0,
) -> LLMClient:
    """An LLMClient for `backend` ("openai-chat" or "gemini"); `base_url` None means the provider's own API."""
    if backend not in BACKENDS:
        raise ConfigError(f"unknown LLM backend {backend!r}; known: {', '.join(sorted(BACKENDS))}")
    kind = BACKENDS[backend]

    def factory() -> Backend:
        return kind(base_url, api_key, timeout_s)

    return LLMClient(
        factory,
        backend,
        cache=cache,
        concurrency=concurrency,
        retry=retry,
        budget=budget,
        pricing=pricing,
        seed=seed,
    )


def text_request(model: str, text: str, prompt_version: str, system: str = "", **params: Any) -> ChatRequest:
    """A text-only request (describers, judges); `params` are temperature, max_tokens, seed, json_mode."""
    return ChatRequest(
        model=model,
        parts=(Part.of_text(text),),
        prompt_version=prompt_version,
        system=system,
        params={"temperature": 0.0, **params},
    )
