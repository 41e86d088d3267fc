"""Describer names → describers: `template` (offline), `openai-compatible`, `openai`, `gemini`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adrbench.data.describers import Describer, TemplateDescriber
from adrbench.describe.llm import Description, LLMDescriber
from adrbench.errors import ConfigError
from adrbench.llm.spec import PROVIDERS, ClientSpec, connect
from adrbench.records import Video

DEFAULT_MODELS: dict[str, str] = {"gemini": "gemini-2.5-pro", "openai": "gpt-4o"}
DESCRIBERS = ("template", *PROVIDERS)


def make_describer(
    name: str, model: str | None = None, spec: ClientSpec | None = None, **params: Any
) -> Describer:
    """The describer `name`; LLM ones get a client from `spec` and generation `params` (temperature, ...)."""
    if name == "template":
        return TemplateDescriber()
    if name not in PROVIDERS:
        raise ConfigError(f"unknown describer {name!r}; known: {', '.join(DESCRIBERS)}")
    model = model or DEFAULT_MODELS.get(name)
    if not model:
        raise ConfigError(f"describer {name!r} needs a model name (the one the server serves)")
    return LLMDescriber(connect(name, spec), model, provider=name, **params)


def provenance(describer: Describer) -> dict[str, Any]:
    """What a description by `describer` records about how it was made."""
    if isinstance(describer, LLMDescriber):
        return describer.provenance()
    return {"describer": type(describer).__name__}


def describe_pairs(describer: Describer, pairs: Sequence[tuple[Video, Video]]) -> list[Description]:
    """Descriptions of many pairs: concurrently for LLM describers, one by one for offline ones."""
    if isinstance(describer, LLMDescriber):
        return describer.describe_many(pairs)
    meta = provenance(describer)
    return [Description(describer.describe(v1, v2), dict(meta)) for v1, v2 in pairs]
