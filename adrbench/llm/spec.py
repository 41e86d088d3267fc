"""One client spec for every caller of an LLM or LVLM: the ADR describers, the judges and the LVLM baselines.

A caller names a provider (how to reach an API: its backend, default endpoint and the environment variables of
its key) and a `ClientSpec` (everything else: endpoint override, cache, concurrency, retries, timeout, budget,
prices); `connect` turns the two into a cached, retried, budgeted, concurrent `LLMClient`. Keys come from the
environment only; a spec holds the variable's name, never its value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from adrbench.errors import ConfigError
from adrbench.llm.backends import GeminiBackend, OpenAIChatBackend
from adrbench.llm.budget import Budget, Pricing
from adrbench.llm.cache import open_cache
from adrbench.llm.client import LLMClient
from adrbench.llm.keys import api_key_from_env
from adrbench.llm.retry import RetryPolicy


@dataclass(frozen=True)
class Provider:
    """How to reach one kind of API: its backend, default endpoint and the environment variables of its key."""

    backend: str  # "openai-chat" | "gemini"
    base_url: str | None  # None: the caller must give one (openai-compatible) or the SDK's own (gemini)
    key_envs: tuple[str, ...]
    key_required: bool


PROVIDERS: dict[str, Provider] = {
    "openai-compatible": Provider("openai-chat", None, ("OPENAI_API_KEY",), key_required=False),
    "openai": Provider("openai-chat", "https://api.openai.com/v1", ("OPENAI_API_KEY",), key_required=True),
    "gemini": Provider("gemini", None, ("GEMINI_API_KEY", "GOOGLE_API_KEY"), key_required=True),
}
_BACKENDS: dict[str, type[OpenAIChatBackend] | type[GeminiBackend]] = {
    "openai-chat": OpenAIChatBackend,
    "gemini": GeminiBackend,
}


class ClientSpec(BaseModel):
    """Everything that configures a client besides the provider and the model; serialisable, no secrets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str | None = Field(
        None,
        description="the server, or several serving the same model as URL,URL,... (None: the provider's API)",
    )
    api_key_env: str | None = Field(None, description="environment variable holding the key (never the key)")
    cache: str | None = Field(None, description="request cache: None → the default file, 'off' → none, or a path")
    concurrency: int = Field(8, ge=1, description="requests in flight on each server")
    server_cooldown_s: float = Field(
        30.0, gt=0, description="a dead server (refusing, or failing 3 times in a row) is skipped this long"
    )
    timeout_s: float = Field(120.0, gt=0, description="seconds per HTTP attempt")
    max_retries: int = Field(6, ge=0, description="retries after the first attempt")
    backoff_s: float = Field(0.5, ge=0, description="first retry waits backoff_s/2 to backoff_s, doubling")
    backoff_cap_s: float = Field(30.0, ge=0, description="the longest wait between attempts")
    max_tokens_total: int | None = Field(None, ge=0, description="no new request once this many tokens are used")
    max_cost_usd: float | None = Field(None, ge=0, description="no new request once this much is spent")
    input_per_mtok: float = Field(0.0, ge=0, description="USD per million input tokens (cost accounting)")
    output_per_mtok: float = Field(0.0, ge=0, description="USD per million output tokens")

    @field_validator("base_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        """One URL, or several joined by commas: each http(s), none empty or given twice."""
        if value is None:
            return None
        urls = [url.strip() for url in value.split(",")]
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValueError(f"{url!r} is not an http:// or https:// URL (several: URL,URL,...)")
        twice = sorted({url for url in urls if urls.count(url) > 1})
        if twice:
            raise ValueError(f"{twice[0]} is given twice")
        return ",".join(urls)

    def base_urls(self) -> tuple[str, ...]:
        """The servers `base_url` names, in order (none: the provider's API)."""
        return tuple(self.base_url.split(",")) if self.base_url else ()


#: Settings that cannot change a reply (where and how fast it is fetched, when to stop): out of a run's identity,
#: so a run resumes or is sharded over another list of servers (`base_url`) of the same model.
RUNTIME_FIELDS = frozenset(
    {"base_url", "cache", "concurrency", "server_cooldown_s", "timeout_s", "max_retries", "backoff_s", "backoff_cap_s",
     "max_tokens_total", "max_cost_usd"}  # fmt: skip
)


def checked(kind: type[BaseModel], values: dict[str, Any], owner: str, what: str = "setting") -> Any:
    """`kind(**values)`, with pydantic's validation errors turned into one ConfigError that names `owner` and
    each bad `what` (setting, model-arg) with its value."""
    try:
        return kind(**values)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            msg = str(err["msg"]).removeprefix("Value error, ")
            if err["loc"]:
                name = ".".join(map(str, err["loc"]))
                problems.append(f"{what} {name}={err.get('input')!r}: {msg}")
            else:
                problems.append(msg)
        raise ConfigError(f"{owner}: {'; '.join(problems)}") from None


def provider_of(name: str) -> Provider:
    if name not in PROVIDERS:
        raise ConfigError(f"unknown provider {name!r}; known: {', '.join(PROVIDERS)}")
    return PROVIDERS[name]


def api_key(provider: str, spec: ClientSpec) -> str:
    """The key for `provider` from the environment (`spec.api_key_env` if set, else the provider's variables);
    a key that is required and missing, or a missing base URL, is a ConfigError."""
    info = provider_of(provider)
    if not (spec.base_url or info.base_url) and provider == "openai-compatible":
        raise ConfigError(
            "provider 'openai-compatible' needs a base URL, e.g. http://localhost:8000/v1 "
            "(--base-url, or -M base_url=... for a model)"
        )
    envs = (spec.api_key_env,) if spec.api_key_env else info.key_envs
    return api_key_from_env(envs, required=info.key_required or bool(spec.api_key_env))


def connect(provider: str, spec: ClientSpec | None = None, *, seed: int = 0) -> LLMClient:
    """A cached, retried, budgeted, concurrent client for `provider` on each server of `spec.base_url` (or the
    provider's API); `seed` seeds the retry jitter."""
    spec = spec or ClientSpec()
    key = api_key(provider, spec)
    info = PROVIDERS[provider]
    backend_cls = _BACKENDS[info.backend]
    urls: tuple[str | None, ...] = spec.base_urls() or (info.base_url,)
    servers = {url or "": partial(backend_cls, url, key, spec.timeout_s) for url in urls}
    return LLMClient(
        servers,
        info.backend,
        cache=open_cache(spec.cache),
        concurrency=spec.concurrency,
        cooldown_s=spec.server_cooldown_s,
        retry=RetryPolicy(max_retries=spec.max_retries, base_s=spec.backoff_s, cap_s=spec.backoff_cap_s),
        budget=Budget(max_tokens=spec.max_tokens_total, max_cost_usd=spec.max_cost_usd),
        pricing=Pricing(spec.input_per_mtok, spec.output_per_mtok),
        seed=seed,
    )
