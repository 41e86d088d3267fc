"""The LLM client options every command that calls an LLM takes (`data build-adr`, `data audit`), defined once
and turned into an `adrbench.llm.ClientSpec` by one function."""

from __future__ import annotations

from typing import Annotated

import typer

from adrbench.llm.spec import ClientSpec, checked

_DEFAULT = ClientSpec()

BaseUrl = Annotated[str | None, typer.Option(help="openai-compatible: the server, e.g. a local vLLM")]
ApiKeyEnv = Annotated[str | None, typer.Option(help="environment variable holding the API key")]
Cache = Annotated[str | None, typer.Option(help="request cache file, or 'off' (default: the shared cache)")]
Concurrency = Annotated[int, typer.Option(min=1, help="LLM requests in flight")]
MaxCostUsd = Annotated[float | None, typer.Option(help="no new request once this much is spent")]
InputPerMtok = Annotated[float, typer.Option(help="USD per million input tokens (for the cost and the budget)")]
OutputPerMtok = Annotated[float, typer.Option(help="USD per million output tokens")]
DEFAULT_CONCURRENCY = _DEFAULT.concurrency
DEFAULT_INPUT_PER_MTOK = _DEFAULT.input_per_mtok
DEFAULT_OUTPUT_PER_MTOK = _DEFAULT.output_per_mtok


def client_spec(
    base_url: str | None,
    api_key_env: str | None,
    cache: str | None,
    concurrency: int,
    max_cost_usd: float | None,
    input_per_mtok: float,
    output_per_mtok: float,
) -> ClientSpec:
    """The client spec of the command-line options above; a bad value is a ConfigError (exit 2)."""
    options = {
        "base_url": base_url,
        "api_key_env": api_key_env,
        "cache": cache,
        "concurrency": concurrency,
        "max_cost_usd": max_cost_usd,
        "input_per_mtok": input_per_mtok,
        "output_per_mtok": output_per_mtok,
    }
    return checked(ClientSpec, options, "LLM client", "option")
