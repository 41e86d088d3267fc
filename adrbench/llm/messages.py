"""Backend-neutral chat requests and results, and the content hash that keys the request cache."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from adrbench.jsonl import dumps

KEY_SCHEMA = "adrbench.llm.request/1"


@dataclass(frozen=True)
class Part:
    """One piece of a user message: text, an image, or a video given as a sequence of image frames."""

    kind: Literal["text", "image", "video"]
    text: str = ""
    data: tuple[bytes, ...] = ()  # one image, or the frames of a video
    mime: str = ""  # of each image ("image/png", "image/jpeg")

    @staticmethod
    def of_text(text: str) -> Part:
        return Part("text", text=text)

    @staticmethod
    def of_image(data: bytes, mime: str) -> Part:
        return Part("image", data=(data,), mime=mime)

    @staticmethod
    def of_video(frames: tuple[bytes, ...], mime: str) -> Part:
        return Part("video", data=frames, mime=mime)

    def fingerprint(self) -> dict[str, Any]:
        """What identifies this part in a cache key: its text, or the SHA-256 of each image."""
        if self.kind == "text":
            return {"text": self.text}
        return {
            "kind": self.kind,
            "mime": self.mime,
            "sha256": [hashlib.sha256(d).hexdigest() for d in self.data],
        }


@dataclass(frozen=True)
class ChatRequest:
    """A single-turn request: a user message made of parts, generation parameters and the prompt version."""

    model: str
    parts: tuple[Part, ...]
    prompt_version: str
    system: str = ""
    # temperature, max_tokens, seed, json_mode, json_schema (a JSON Schema for the reply), thinking_budget
    params: dict[str, Any] = field(default_factory=dict)

    def key(self, backend: str) -> str:
        """SHA-256 of everything that can change the reply; never includes endpoints or API keys."""
        body = {
            "schema": KEY_SCHEMA,
            "backend": backend,
            "model": self.model,
            "prompt_version": self.prompt_version,
            "system": self.system,
            "params": self.params,
            "parts": [p.fingerprint() for p in self.parts],
        }
        return hashlib.sha256(dumps(body).encode("utf-8")).hexdigest()


def text_request(model: str, text: str, prompt_version: str, system: str = "", **params: Any) -> ChatRequest:
    """A text-only request (describers, judges); `params` are temperature, max_tokens, seed, json_mode."""
    return ChatRequest(
        model=model,
        parts=(Part.of_text(text),),
        prompt_version=prompt_version,
        system=system,
        params={"temperature": 0.0, **params},
    )


@dataclass(frozen=True)
class Reply:
    """What a backend got back for one request: the text, the tokens it was billed for and the model that
    answered as the server names it (OpenAI/vLLM `model`, Gemini `model_version`; None if it names none)."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: str | None = None
    model: str | None = None


@dataclass
class ChatResult:
    """The outcome of one request after cache, retries and budget: a reply, or an error reason (never both).
    Tokens and cost cover every billed attempt, failed ones included; `served_model` is the model that answered
    and `server` the base URL it answered from (None for a cached reply or a single unnamed server)."""

    text: str | None = None
    error: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cached: bool = False
    attempts: int = 0
    finish_reason: str | None = None
    served_model: str | None = None
    server: str | None = None

    def usage(self) -> dict[str, Any]:
        """The accounting that goes into a prediction's meta (with the served model, when the server named it, and
        the server that answered)."""
        out: dict[str, Any] = {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": round(self.cost_usd, 8),
            "cached": self.cached,
            "attempts": self.attempts,
        }
        if self.served_model is not None:
            out["served_model"] = self.served_model
        if self.server is not None:
            out["server"] = self.server
        return out
