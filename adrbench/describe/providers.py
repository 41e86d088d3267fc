"""Named LLM providers → a configured LLMClient (the shared client layer), for describers and judges.

`openai-compatible` talks to any chat-completions server (vLLM, SGLang, a loopback test server) at `base_url`;
`openai` is the OpenAI API; `gemini` is Google's API through google-genai. Keys come from the environment only.
"""

from __future__ import annotations

from dataclasses import dataclass

from adrbench.errors import ConfigError
from adrbench.llm import Budget, LLMClient, Pricing, RetryPolicy, open_cache
from adrbench.llm.backends import GeminiBackend, OpenAIChatBackend
from adrbench.llm.keys import api_key_from_env


@dataclass(frozen=True)
class Provider:
    """How to reach one kind of API: its backend, default endpoint and the environment variables of its key."""

    backend: str  # "openai-chat" | "gemini"
    base_url: str | None
    key_envs: tuple[str, ...]
    key_required: bool


PROVIDERS: dict[str, Provider] = {
    "openai-compatible": Provider("openai-chat", None, ("OPENAI_API_KEY",), key_required=False),
    "openai": Provider("openai-chat", "https://api.openai.com/v1", ("OPENAI_API_KEY",), key_required=True),
    "gemini": Provider("gemini", None, ("GEMINI_API_KEY", "GOOGLE_API_KEY"), key_required=True),
}


@dataclass
class ClientOptions:
    """Everything that configures a client besides the model; all serialisable, no secrets."""

    base_url: str | None = None
    api_key_env: str | None = None
    cache: str | None = None  # None → default cache file, "off" → none, else a path
    concurrency: int = 8
    timeout_s: float = 120.0
    max_retries: int = 6
    max_cost_usd: float | None = None
    max_tokens_total: int | None = None
    input_per_mtok: float = 0.0
    output_per_mtok: float = 0.0
    seed: int = 0


def connect(name: str, options: ClientOptions | None = None) -> LLMClient:
    """A cached, retried, budgeted, concurrent client for provider `name`."""
    if name not in PROVIDERS:
        raise ConfigError(f"unknown provider {name!r}; known: {', '.join(PROVIDERS)}")
    provider = PROVIDERS[name]
    opts = options or ClientOptions()
    base_url = opts.base_url or provider.base_url
    if name == "openai-compatible" and not base_url:
        raise ConfigError(
            "provider 'openai-compatible' needs a base URL (e.g. --base-url http://localhost:8000/v1)"
        )
    envs = (opts.api_key_env,) if opts.api_key_env else provider.key_envs
    key = api_key_from_env(envs, required=provider.key_required or bool(opts.api_key_env))
    timeout = opts.timeout_s
    backend_cls = GeminiBackend if provider.backend == "gemini" else OpenAIChatBackend

    def factory() -> GeminiBackend | OpenAIChatBackend:
        return backend_cls(base_url, key, timeout)

    return LLMClient(
        factory,
        provider.backend,
        cache=open_cache(opts.cache),
        concurrency=opts.concurrency,
        retry=RetryPolicy(max_retries=opts.max_retries),
        budget=Budget(max_tokens=opts.max_tokens_total, max_cost_usd=opts.max_cost_usd),
        pricing=Pricing(opts.input_per_mtok, opts.output_per_mtok),
        seed=opts.seed,
    )
