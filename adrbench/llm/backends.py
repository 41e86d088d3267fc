"""Backends that send one ChatRequest over a real SDK: OpenAI chat completions (OpenAI, vLLM, SGLang, ...) and
Gemini generateContent (google-genai). Each asks for JSON by schema when a request carries one, and maps failures
to TransientError (retry), PermanentError (give up on this request: also a reply cut at the token limit, blocked,
refused or empty) or FatalError (quota used up: stop the run). TypeError and ValueError from an SDK call are bugs
in the call and propagate.

A backend is an async context manager made fresh inside each event loop, because the SDKs' HTTP clients are
bound to the loop that created them. Error reasons are built from status codes and exception types; any server
text included is cut short and has the API key masked.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
from typing import Any, Protocol, TypedDict

from adrbench.errors import ConfigError
from adrbench.llm.messages import ChatRequest, Part, Reply
from adrbench.llm.retry import FatalError, PermanentError, TransientError, parse_retry_after

_RETRY_STATUS = {408, 409, 425, 429}


class Backend(Protocol):
    """What LLMClient needs from a backend."""

    name: str

    async def __aenter__(self) -> Backend: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def send(self, request: ChatRequest) -> Reply: ...


def _httpx_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(timeout errors, transport errors) of whichever httpx the installed SDKs use (httpx, or httpx2 in newer
    releases)."""
    timeouts: list[type[BaseException]] = []
    transports: list[type[BaseException]] = []
    for name in ("httpx", "httpx2"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        timeouts.append(module.TimeoutException)
        transports.append(module.TransportError)
    return tuple(timeouts), tuple(transports)


def mask(text: str, secret: str | None, limit: int = 200) -> str:
    """`text` cut to `limit` characters with every occurrence of `secret` replaced by ***."""
    if secret:
        text = text.replace(secret, "***")
    return text[:limit]


def connection_reason(exc: BaseException) -> str:
    """'connection error: connection refused (127.0.0.1:9)': why, and the server, read from the exception's
    chain (the SDKs wrap httpx, which wraps the socket error): the operating system's words where there is an
    OS error, else the message of the error the SDK wraps; plain 'connection error' where there is neither."""
    cause = host = None
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        if cause is None and isinstance(current, OSError) and current.errno:
            # errno > 0: the C library's words; < 0: a resolver error (socket.gaierror), whose words it carries
            words = os.strerror(current.errno) if current.errno > 0 else current.strerror or str(current)
            cause = words.lower()
        host = host or _host_of(current)
        current = current.__cause__ or current.__context__
    if cause is None and len(chain) > 1:
        cause = str(chain[1]).strip().rstrip(".").lower() or None
    detail = f"{cause} ({host})" if cause and host else cause or (f"to {host}" if host else "")
    return f"connection error: {detail}" if detail else "connection error"


def _host_of(exc: BaseException) -> str | None:
    """'host:port' of the request an httpx or SDK exception carries (httpx raises when it carries none)."""
    try:
        url = exc.request.url  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):
        return None
    host, port = getattr(url, "host", None), getattr(url, "port", None)
    return f"{host}:{port}" if host and port else host or None


def _data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def openai_content(parts: tuple[Part, ...]) -> list[dict[str, Any]]:
    """Chat-completions content blocks; a video part becomes vLLM's `video_url` with a `data:video/jpeg` list of
    base64 frames (vLLM's frame-sequence form), other parts text and `image_url` blocks."""
    blocks: list[dict[str, Any]] = []
    for part in parts:
        if part.kind == "text":
            blocks.append({"type": "text", "text": part.text})
        elif part.kind == "image":
            blocks.append({"type": "image_url", "image_url": {"url": _data_url(part.mime, part.data[0])}})
        else:
            frames = ",".join(base64.b64encode(f).decode("ascii") for f in part.data)
            blocks.append({"type": "video_url", "video_url": {"url": f"data:video/jpeg;base64,{frames}"}})
    return blocks


class Billed(TypedDict):
    """The tokens an attempt was billed for (keyword arguments of Reply and the BackendErrors)."""

    input_tokens: int
    output_tokens: int


def _billed(usage: Any, prompt: str, output: str, extra: str | None = None) -> Billed:
    """Tokens of an SDK usage object (`prompt` and `output` attribute names; `extra` is added to the output,
    e.g. Gemini's thinking tokens, which are billed as output)."""
    out = int(getattr(usage, output, 0) or 0) + (int(getattr(usage, extra, 0) or 0) if extra else 0)
    return {"input_tokens": int(getattr(usage, prompt, 0) or 0), "output_tokens": out}


def response_format(params: dict[str, Any]) -> dict[str, Any] | None:
    """The chat-completions `response_format` for a request's params: `json_schema` (structured outputs, on OpenAI
    and vLLM) when the request carries a schema, else `json_object`; None when JSON was not asked for."""
    if not params.get("json_mode"):
        return None
    schema = params.get("json_schema")
    if schema is None:
        return {"type": "json_object"}
    return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": True}}


def openai_status_error(code: int, error_code: str | None, message: str, headers: Any) -> BaseException:
    """The failure an HTTP error of the chat-completions API stands for: quota used up (429
    `insufficient_quota`) is fatal, rate limits and 5xx are transient, the rest permanent."""
    if code == 429 and error_code == "insufficient_quota":
        return FatalError(f"OpenAI quota exhausted (429 insufficient_quota): {message}; add credit or wait")
    if code >= 500:
        return TransientError(f"http {code}", parse_retry_after(headers), server="failing")
    if code in _RETRY_STATUS:
        return TransientError(f"http {code}", parse_retry_after(headers))
    return PermanentError(f"http {code}: {message}")


class OpenAIChatBackend:
    """POST /chat/completions through `openai.AsyncOpenAI` (SDK retries off: LLMClient retries)."""

    name = "openai-chat"

    def __init__(self, base_url: str | None, api_key: str, timeout_s: float) -> None:
        self._base_url, self._api_key, self._timeout = base_url, api_key, timeout_s
        self._client: Any = None

    async def __aenter__(self) -> OpenAIChatBackend:
        AsyncOpenAI = _require("openai", "AsyncOpenAI")  # noqa: N806 - the SDK's class

        self._client = AsyncOpenAI(
            base_url=self._base_url, api_key=self._api_key, timeout=self._timeout, max_retries=0
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.close()

    async def send(self, request: ChatRequest) -> Reply:
        import openai

        messages: list[dict[str, Any]] = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.append({"role": "user", "content": openai_content(request.parts)})
        params = dict(request.params)
        if params.get("thinking_budget") is not None:
            raise PermanentError("thinking_budget is a Gemini setting; chat completions have none")
        kwargs: dict[str, Any] = {
            "temperature": params.get("temperature", 0.0),
            "max_tokens": params.get("max_tokens", 512),
        }
        if params.get("seed") is not None:
            kwargs["seed"] = params["seed"]
        fmt = response_format(params)
        if fmt is not None:
            kwargs["response_format"] = fmt
        try:
            resp = await self._client.chat.completions.create(
                model=request.model, messages=messages, **kwargs
            )
        except openai.APITimeoutError:
            raise TransientError("timeout", server="failing") from None
        except openai.APIConnectionError as exc:
            raise TransientError(mask(connection_reason(exc), self._api_key), server="unreachable") from None
        except openai.APIStatusError as exc:
            message = mask(str(exc.message), self._api_key)
            raise openai_status_error(exc.status_code, exc.code, message, exc.response.headers) from None
        except (openai.APIResponseValidationError, json.JSONDecodeError):
            raise TransientError("malformed response") from None
        billed = _billed(resp.usage, "prompt_tokens", "completion_tokens")
        choices = getattr(resp, "choices", None)
        if not choices or choices[0].message is None:
            raise TransientError("malformed response", **billed)
        choice = choices[0]
        if choice.finish_reason == "length":
            raise PermanentError("truncated: finish_reason length (raise max_tokens)", **billed)
        if getattr(choice.message, "refusal", None):
            raise PermanentError("refusal", **billed)
        if choice.finish_reason == "content_filter":
            raise PermanentError("blocked: content_filter", **billed)
        if not choice.message.content:
            raise PermanentError("empty reply", **billed)
        return Reply(
            text=choice.message.content,
            finish_reason=choice.finish_reason,
            model=resp.model or None,
            **billed,
        )


def _duration_s(value: Any) -> float | None:
    """Seconds of a protobuf Duration as JSON writes it ("30s", "1.5s"); None if it is not one."""
    if not isinstance(value, str) or not value.endswith("s"):
        return None
    try:
        return max(0.0, float(value[:-1]))
    except ValueError:
        return None


def gemini_status_error(code: int, status: str | None, message: str, details: Any) -> BaseException:
    """The failure a Gemini API error stands for. RESOURCE_EXHAUSTED of a per-day quota (a QuotaFailure whose
    quotaId names a day) is fatal; other rate limits are transient and wait the body's `RetryInfo.retryDelay`
    (Gemini sends no Retry-After header); 5xx are transient, the rest permanent."""
    infos = []
    if isinstance(details, dict) and isinstance(details.get("error"), dict):
        infos = [d for d in details["error"].get("details") or [] if isinstance(d, dict)]
    delay = next(
        (
            _duration_s(d.get("retryDelay"))
            for d in infos
            if str(d.get("@type", "")).endswith("rpc.RetryInfo")
        ),
        None,
    )
    quota_ids = [
        str(v.get("quotaId", ""))
        for d in infos
        if str(d.get("@type", "")).endswith("rpc.QuotaFailure")
        for v in d.get("violations") or []
        if isinstance(v, dict)
    ]
    if code == 429 and any("perday" in q.lower() for q in quota_ids):
        return FatalError(f"Gemini daily quota exhausted (429 RESOURCE_EXHAUSTED {quota_ids[0]}): {message}")
    if code >= 500:
        return TransientError(f"http {code}", delay, server="failing")
    if code in _RETRY_STATUS:
        return TransientError(f"http {code}", delay)
    return PermanentError(f"http {code}: {message}")


_GEMINI_DONE = {"STOP", "FINISH_REASON_UNSPECIFIED"}


class GeminiBackend:
    """models.generateContent through google-genai's async client (SDK retries off: LLMClient retries)."""

    name = "gemini"

    def __init__(self, base_url: str | None, api_key: str, timeout_s: float) -> None:
        self._base_url, self._api_key, self._timeout = base_url, api_key, timeout_s
        self._client: Any = None

    async def __aenter__(self) -> GeminiBackend:
        genai = _require("google.genai")
        types = _require("google.genai.types")

        options = types.HttpOptions(base_url=self._base_url, timeout=int(self._timeout * 1000))
        if hasattr(types, "HttpRetryOptions"):  # SDK releases that retry on their own: one attempt only
            options.retry_options = types.HttpRetryOptions(attempts=1)
        self._client = genai.Client(api_key=self._api_key, http_options=options)
        return self

    async def __aexit__(self, *exc: object) -> None:
        close = getattr(self._client.aio, "aclose", None)  # older SDK releases have no aclose
        if close is not None:
            await close()

    def _contents(self, parts: tuple[Part, ...]) -> list[Any]:
        from google.genai import types

        out: list[Any] = []
        for part in parts:
            if part.kind == "text":
                out.append(types.Part.from_text(text=part.text))
            else:
                out.extend(types.Part.from_bytes(data=d, mime_type=part.mime) for d in part.data)
        return [types.Content(role="user", parts=out)]

    def _config(self, params: dict[str, Any], system: str) -> Any:
        """GenerateContentConfig: JSON by schema (`response_json_schema`, since the answer schemas are JSON Schema
        — the SDK documents it for those, `response_schema` being an OpenAPI subset) or plain JSON mime type when
        asked for, and the thinking budget when one is set (Gemini 2.5 thinks; its thoughts count against max
        tokens)."""
        from google.genai import types

        json_mode = bool(params.get("json_mode"))
        budget = params.get("thinking_budget")
        return types.GenerateContentConfig(
            temperature=params.get("temperature", 0.0),
            max_output_tokens=params.get("max_tokens", 8192),
            seed=params.get("seed"),
            system_instruction=system or None,
            response_mime_type="application/json" if json_mode else None,
            response_json_schema=params.get("json_schema") if json_mode else None,
            thinking_config=types.ThinkingConfig(thinking_budget=budget) if budget is not None else None,
        )

    async def send(self, request: ChatRequest) -> Reply:
        from google.genai import errors

        timeouts, transports = _httpx_errors()
        config = self._config(dict(request.params), request.system)
        try:
            resp = await self._client.aio.models.generate_content(
                model=request.model, contents=self._contents(request.parts), config=config
            )
        except errors.APIError as exc:
            message = mask(str(exc.message or ""), self._api_key)
            raise gemini_status_error(int(exc.code or 0), exc.status, message, exc.details) from None
        except timeouts:
            raise TransientError("timeout", server="failing") from None
        except transports as exc:
            raise TransientError(mask(connection_reason(exc), self._api_key), server="unreachable") from None
        except json.JSONDecodeError:
            raise TransientError("malformed response") from None
        billed = _billed(
            resp.usage_metadata, "prompt_token_count", "candidates_token_count", "thoughts_token_count"
        )
        feedback = getattr(resp, "prompt_feedback", None)
        if feedback is not None and feedback.block_reason is not None:
            raise PermanentError(f"blocked: {_enum_name(feedback.block_reason)}", **billed)
        candidates = resp.candidates or []
        finish = (
            _enum_name(candidates[0].finish_reason) if candidates and candidates[0].finish_reason else None
        )
        if finish == "MAX_TOKENS":
            raise PermanentError("truncated: finish_reason MAX_TOKENS (raise max_tokens)", **billed)
        if finish is not None and finish not in _GEMINI_DONE:
            raise PermanentError(f"blocked: {finish}", **billed)
        texts = (
            [p.text for p in (candidates[0].content.parts or []) if p.text and not p.thought]
            if (candidates and candidates[0].content)
            else []
        )
        if not texts:
            raise PermanentError("empty reply", **billed)
        version = getattr(resp, "model_version", None)
        return Reply(text="".join(texts), finish_reason=finish, model=version or None, **billed)


def _enum_name(value: Any) -> str:
    return str(value.value if hasattr(value, "value") else value)


def _require(module: str, attribute: str | None = None) -> Any:
    """An SDK of the `lvlm` extra, or a clear error saying how to install it."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        raise ConfigError(
            f"the {module} package is needed for this model: pip install 'adrbench[lvlm]'"
        ) from None
    return getattr(found, attribute) if attribute else found
