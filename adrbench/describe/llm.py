"""LLM describers: the ADR ground-truth difference description of a pair from its two takes' expert comments.

Every description carries its provenance (describer, model, prompt version) and its cost; requests run
concurrently through the shared client, each reply is cached as it arrives, so a killed build resumes and repeats
no request. A failed request yields no description (text None, the reason in `error`), never a made-up one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from adrbench.describe.prompt import PROMPT_VERSION, SYSTEM, describe_prompt
from adrbench.errors import AdrbenchError
from adrbench.llm import ChatRequest, LLMClient, text_request
from adrbench.records import Video

_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")


class DescribeError(AdrbenchError):
    """A pair could not be described (the request failed after retries, or the budget ran out)."""


@dataclass(frozen=True)
class Description:
    """One pair's description (None when it failed, with the reason in `error`).

    `meta` says what made it (describer, model, prompt version, params) and is the same for every build, so it
    can go into Pair.meta without breaking byte-identical rebuilds; `usage` (tokens, cost, cached) varies by run.
    """

    text: str | None
    meta: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def clean_reply(text: str) -> str:
    """The reply as one paragraph: code fences, surrounding quotes and line breaks removed."""
    body = _FENCE.sub("", text.strip()).strip()
    if len(body) >= 2 and body[0] == body[-1] and body[0] in "\"'":
        body = body[1:-1].strip()
    return " ".join(body.split())


class LLMDescriber:
    """Describes pairs by prompting `model` through `client` with the Fig. 2 prompt (adrbench.describe.prompt)."""

    def __init__(
        self,
        client: LLMClient,
        model: str,
        *,
        provider: str,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        seed: int | None = 0,
        max_sentences: int = 6,
    ) -> None:
        self.client = client
        self.model = model
        self.provider = provider
        self.max_sentences = max_sentences
        params: dict[str, Any] = {"temperature": temperature}
        if max_tokens is not None:
            params["max_tokens"] = max_tokens
        if seed is not None:
            params["seed"] = seed
        self.params = params

    def provenance(self) -> dict[str, Any]:
        """What to record with every description this describer writes."""
        return {
            "describer": self.provider,
            "model": self.model,
            "prompt_version": PROMPT_VERSION,
            "params": dict(sorted(self.params.items())),
        }

    def request(self, video_1: Video, video_2: Video) -> ChatRequest:
        text = describe_prompt(video_1, video_2, self.max_sentences)
        return text_request(self.model, text, PROMPT_VERSION, SYSTEM, **self.params)

    def describe_many(self, pairs: Sequence[tuple[Video, Video]]) -> list[Description]:
        """One Description per (video_1, video_2), in order; requests run concurrently, cached replies are reused."""
        results = self.client.run([self.request(v1, v2) for v1, v2 in pairs])
        out = []
        for result in results:
            text = clean_reply(result.text) if result.text is not None else None
            error = result.error or (None if text else "empty reply")
            out.append(Description(None if error else text, self.provenance(), result.usage(), error))
        return out

    def describe(self, video_1: Video, video_2: Video) -> str:
        """The Describer protocol: one pair's description; raises DescribeError when the request failed."""
        found = self.describe_many([(video_1, video_2)])[0]
        if found.text is None:
            raise DescribeError(
                f"no description for takes {video_1.id!r} and {video_2.id!r}: {found.error} "
                "(run again to retry; replies already received are cached)"
            )
        return found.text

    def summary(self) -> dict[str, Any]:
        """Requests, cache hits, retries, tokens and cost so far."""
        return self.client.summary()
