"""Backends that send one ChatRequest over a real SDK: OpenAI chat completions (OpenAI, vLLM, SGLang, ...) and
Gemini generateContent (google-genai). Each maps SDK failures to TransientError (retry) or PermanentError.

A backend is an async context manager made fresh inside each event loop, because the SDKs' HTTP clients are
bound to the loop that created them. Error reasons are built from status codes and exception types; any server
text included is cut short and has the API key masked.
"""

from __future__ import annotations

import base64
import importlib
import json
import os
from typing import Any, Protocol

from adrbench.errors import ConfigError
from adrbench.llm.messages import ChatRequest, Part, Reply
from adrbench.llm.retry import PermanentError, TransientError, parse_retry_after

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
        kwargs: dict[str, Any] = {
            "temperature": params.get("temperature", 0.0),
            "max_tokens": params.get("max_tokens", 512),
        }
        if params.get("seed") is not None:
            kwargs["seed"] = params["seed"]
        if params.get("json_mode"):
            kwargs["response_format"] = {"type": "json_object"}
        try:
            resp = await self._client.chat.completions.create(
                model=request.model, messages=messages, **kwargs
            )
        except openai.APITimeoutError:
            raise TransientError("timeout") from None
        except openai.APIConnectionError as exc:
            raise TransientError(mask(connection_reason(exc), self._api_key)) from None
        except openai.APIStatusError as exc:
            code = exc.status_code
            if code in _RETRY_STATUS or code >= 500:
                raise TransientError(f"http {code}", parse_retry_after(exc.response.headers)) from None
            raise PermanentError(f"http {code}: {mask(str(exc.message), self._api_key)}") from None
        except (openai.APIResponseValidationError, json.JSONDecodeError, ValueError, TypeError):
            raise TransientError("malformed response") from None
        choices = getattr(resp, "choices", None)
        if not choices or choices[0].message is None or not choices[0].message.content:
            raise TransientError("empty reply")
        usage = resp.usage
        return Reply(
            text=choices[0].message.content,
            input_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            output_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            finish_reason=choices[0].finish_reason,
        )


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

    async def send(self, request: ChatRequest) -> Reply:
        from google.genai import errors, types

        timeouts, transports = _httpx_errors()

        params = dict(request.params)
        config = types.GenerateContentConfig(
            temperature=params.get("temperature", 0.0),
            max_output_tokens=params.get("max_tokens", 8192),
            seed=params.get("seed"),
            system_instruction=request.system or None,
            response_mime_type="application/json" if params.get("json_mode") else None,
        )
        try:
            resp = await self._client.aio.models.generate_content(
                model=request.model, contents=self._contents(request.parts), config=config
            )
        except errors.APIError as exc:
            code = int(exc.code or 0)
            if code in _RETRY_STATUS or code >= 500:
                headers = getattr(exc.response, "headers", None)
                raise TransientError(f"http {code}", parse_retry_after(headers)) from None
            raise PermanentError(f"http {code}: {mask(str(exc.message or ''), self._api_key)}") from None
        except timeouts:
            raise TransientError("timeout") from None
        except transports as exc:
            raise TransientError(mask(connection_reason(exc), self._api_key)) from None
        except (json.JSONDecodeError, ValueError, TypeError, KeyError):
            raise TransientError("malformed response") from None
        try:
            text = resp.text
        except ValueError:
            text = None
        if not text:
            raise TransientError("empty reply")
        usage = resp.usage_metadata
        thoughts = int(getattr(usage, "thoughts_token_count", 0) or 0)
        candidates = resp.candidates or []
        finish = candidates[0].finish_reason if candidates else None
        return Reply(
            text=text,
            input_tokens=int(getattr(usage, "prompt_token_count", 0) or 0),
            output_tokens=int(getattr(usage, "candidates_token_count", 0) or 0) + thoughts,
            finish_reason=str(finish.value if hasattr(finish, "value") else finish) if finish else None,
        )


def _require(module: str, attribute: str | None = None) -> Any:
    """An SDK of the `lvlm` extra, or a clear error saying how to install it."""
    try:
        found = importlib.import_module(module)
    except ImportError:
        raise ConfigError(f"the {module} package is needed for this model: pip install 'adrbench[lvlm]'") from None
    return getattr(found, attribute) if attribute else found
