"""A fault-injecting model server on 127.0.0.1 for offline tests and benchmarks.

It speaks the OpenAI chat-completions protocol (POST /v1/chat/completions, GET /v1/models, GET /health) and the
Gemini REST shape (POST /v1[beta]/models/{model}:generateContent), so the real `openai` and `google-genai` SDKs can
be pointed at it. It refuses what the real servers refuse (adrbench.llm.strict: request schemas, unknown models,
per-model image/video limits, context length, json_object without "JSON", OpenAI strict-schema rules, Gemini
thinking budgets), answering with their status codes and error bodies.

It injects latency, 429 (Retry-After header for OpenAI, RetryInfo in the body for Gemini), 500s, timeouts (a
reply slower than the client's timeout), malformed bodies (HTTP 200, not JSON) and unparseable answers (valid
reply, no JSON in the text). Transport faults are drawn per attempt; an unparseable answer is decided by the
request's content, so it repeats for the same request like a deterministic model. A scripted `mode` answers
like a real server in trouble (truncated, blocked, refused, empty, quota used up, overloaded), for every
request or the first `mode_requests`; `served_model` reports another model than the one asked for. Every request
is counted by outcome, and the model requests in flight at once are tracked (`in_flight`, `max_in_flight`).
`stop()` also drops the open connections, as a server process that dies does.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from adrbench.llm.strict import ModelCard, Rejection, card_for, check_gemini, check_openai, prompt_tokens

Responder = Callable[[str, int], str]  # (prompt text, number of images) → answer text


Mode = Literal["truncated", "blocked", "refusal", "null_content", "quota", "rate_limited", "unavailable"]
#: truncated: cut at the token limit (finish_reason length / MAX_TOKENS); blocked: safety filter (content_filter /
#: SAFETY); refusal: OpenAI's refusal field; null_content: a reply with no content; quota: OpenAI 429
#: insufficient_quota / Gemini daily RESOURCE_EXHAUSTED; rate_limited: transient 429 with a wait; unavailable: 503.
MODES: tuple[str, ...] = Mode.__args__  # type: ignore[attr-defined]


@dataclass
class Faults:
    """Per-request fault rates (0–1) and timings."""

    latency_s: float = 0.0
    rate_429: float = 0.0
    retry_after_s: float = 0.05
    rate_500: float = 0.0
    rate_timeout: float = 0.0
    timeout_sleep_s: float = 2.0
    rate_malformed: float = 0.0
    rate_unparseable: float = 0.0
    reject_key: bool = False  # answer 401 quoting the API key back, like a careless server
    seed: int = 0
    mode: Mode | None = None  # a scripted answer (see MODES) ...
    mode_requests: int | None = None  # ... for the first this many requests (None: all)
    served_model: str | None = None  # the model name replies report (None: the requested one)


def _unit_hash(text: str) -> float:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16) / float(16**12)


def default_responder(prompt: str, n_images: int) -> str:
    """An answer in the shape the prompt asks for, varied in form (fences, prose, strings) by the prompt's hash."""
    rng = random.Random(hashlib.sha256(prompt.encode("utf-8")).hexdigest())
    low, high = 1.0, 10.0
    found = re.search(r"from (-?\d+(?:\.\d+)?) to (-?\d+(?:\.\d+)?)", prompt)
    if found:
        low, high = float(found.group(1)), float(found.group(2))
    if '"score_1"' in prompt:
        body: dict[str, Any] = {
            "score_1": round(rng.uniform(low, high), 1),
            "score_2": str(round(rng.uniform(low, high), 1)),
            "description": "The first performer keeps the knees more stable; the second rushes the release.",
        }
    elif '"errors"' in prompt:
        names = re.findall(r"^- ([A-Za-z]+_[A-Za-z]+):", prompt, flags=re.MULTILINE)
        body = {"errors": {name: rng.choice(["yes", "no"]) for name in names}}
    else:
        body = {"score": round(rng.uniform(low, high), 1)}
    text = json.dumps(body)
    style = rng.randrange(3)
    if style == 1:
        return f"Here is my assessment.\n```json\n{text}\n```"
    if style == 2:
        return f"Based on {n_images} frames: {text} Hope this helps."
    return text


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence per-request logging
        return

    def setup(self) -> None:
        super().setup()
        self.server.owner.connected(self.connection, True)

    def handle_one_request(self) -> None:
        if self.server.owner.stopped:  # a stopped server answers nothing, even on a connection still open
            self.close_connection = True
            return
        super().handle_one_request()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner.connected(self.connection, False)

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (an injected timeout)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        owner = self.server.owner
        if self.path == "/health":
            healthy = time.monotonic() >= owner.healthy_at
            owner.count("health" if healthy else "health:starting")
            self._send(200 if healthy else 503, b"")
        elif self.path == "/v1/models":
            names = sorted(owner.models) if owner.models is not None else ["loopback"]
            data = [{"id": name, "object": "model"} for name in names]
            self._send(200, json.dumps({"object": "list", "data": data}).encode())
        else:
            self._send(404, b'{"error": {"message": "not found"}}')

    def do_POST(self) -> None:  # noqa: N802
        owner = self.server.owner
        owner.entered(+1)
        try:
            self._post()
        finally:
            owner.entered(-1)

    def _post(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        owner = self.server.owner
        route = re.fullmatch(r"/v1(?:beta)?/models/([^/:]+):generateContent", self.path.split("?")[0])
        gemini = route is not None
        if self.path != "/v1/chat/completions" and not gemini:
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        owner.count("requests")
        try:
            payload = json.loads(raw)
            if not isinstance(payload, dict):
                raise Rejection(400, "the request body must be a JSON object")
            model = route.group(1) if route else str(payload.get("model", ""))
            card = owner.card(model, gemini)
            prompt, n_images = check_gemini(payload, card) if gemini else check_openai(payload, card)
        except (ValueError, Rejection) as exc:
            rejection = exc if isinstance(exc, Rejection) else Rejection(400, "the request body is not JSON")
            owner.count(f"rejected:{rejection.code}")
            owner.rejections.append(rejection.message)
            self._send(
                rejection.code, _error_body(rejection.code, rejection.message, gemini, rejection.status)
            )
            return
        if owner.faults.reject_key:
            owner.count("fault:401")
            key = self.headers.get("x-goog-api-key") or self.headers.get("Authorization", "")
            self._send(401, _error_body(401, f"invalid api key {key}", gemini))
            return
        mode = owner.take_mode()
        fault = mode if mode in {"quota", "rate_limited", "unavailable"} else owner.draw_fault()
        if owner.faults.latency_s:
            time.sleep(owner.faults.latency_s)
        if fault in {"429", "rate_limited", "quota"}:
            owner.count("fault:quota" if fault == "quota" else "fault:429")
            self._send(429, *_rate_limited(owner.faults.retry_after_s, gemini, daily=fault == "quota"))
            return
        if fault in {"500", "unavailable"}:
            code = 500 if fault == "500" else 503
            owner.count(f"fault:{code}")
            self._send(
                code,
                _error_body(code, "internal error" if code == 500 else "The model is overloaded.", gemini),
            )
            return
        if fault == "timeout":
            owner.count("fault:timeout")
            time.sleep(owner.faults.timeout_sleep_s)
            self._send(500, _error_body(500, "too late", gemini))
            return
        if fault == "malformed":
            owner.count("fault:malformed")
            self._send(200, b'{"choices": [{"message": ', content_type="application/json")
            return
        content_key = hashlib.sha256(raw).hexdigest()
        if mode is not None:
            owner.count(f"mode:{mode}")
            answer = '{"score_1": 4, "sc' if mode == "truncated" else ""
        elif _unit_hash(content_key) < owner.faults.rate_unparseable:
            owner.count("fault:unparseable")
            owner.note_unparseable(content_key)
            answer = "I cannot judge these clips with confidence, sorry."
        else:
            owner.count("ok")
            answer = owner.responder(prompt, n_images)
        usage = (prompt_tokens(prompt, n_images), max(1, len(answer) // 4))
        served = owner.faults.served_model or model
        if gemini:
            reply = _gemini_reply(answer, usage, served, mode, thinks=card.thinking is not None)
        else:
            reply = _openai_reply(served, answer, usage, mode)
        self._send(200, json.dumps(reply).encode("utf-8"))


def _error_body(code: int, message: str, gemini: bool, status: str | None = None) -> bytes:
    if gemini:
        names = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED",
                 503: "UNAVAILABLE"}  # fmt: skip
        status = names.get(code, "INTERNAL") if status is None or code != 400 else status
        return json.dumps({"error": {"code": code, "message": message, "status": status}}).encode()
    kind = "invalid_request_error" if code < 500 else "server_error"
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}}).encode()


def _rate_limited(wait_s: float, gemini: bool, daily: bool) -> tuple[bytes, dict[str, str]]:
    """A 429 body and headers as each API sends them: OpenAI with Retry-After (or `insufficient_quota`, no
    wait), Gemini RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo.retryDelay in the body, no header."""
    if not gemini:
        if daily:
            error = {"message": "You exceeded your current quota, please check your plan and billing details.",
                     "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}  # fmt: skip
            return json.dumps({"error": error}).encode(), {}
        error = {"message": "Rate limit reached for requests", "type": "requests", "param": None,
                 "code": "rate_limit_exceeded"}  # fmt: skip
        return json.dumps({"error": error}).encode(), {"Retry-After": f"{wait_s:g}"}
    quota = (
        "GenerateRequestsPerDayPerProjectPerModel" if daily else "GenerateRequestsPerMinutePerProjectPerModel"
    )
    details = [
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaId": quota}]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{wait_s:g}s"},
    ]
    message = "You exceeded your current quota, please check your plan and billing details."
    body = {"error": {"code": 429, "message": message, "status": "RESOURCE_EXHAUSTED", "details": details}}
    return json.dumps(body).encode(), {}


def _openai_reply(model: str, answer: str, usage: tuple[int, int], mode: str | None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": answer or None, "refusal": None}
    finish = {"truncated": "length", "blocked": "content_filter"}.get(mode or "", "stop")
    if mode == "refusal":
        message["refusal"] = "I'm sorry, I can't help with that."
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


def _gemini_reply(
    answer: str, usage: tuple[int, int], model: str, mode: str | None, thinks: bool
) -> dict[str, Any]:
    finish = {"truncated": "MAX_TOKENS", "blocked": "SAFETY"}.get(mode or "", "STOP")
    content: dict[str, Any] = {"role": "model", "parts": [{"text": answer}]} if answer else {"role": "model"}
    thoughts = 64 if thinks else 0
    metadata = {"promptTokenCount": usage[0], "candidatesTokenCount": usage[1],
                "totalTokenCount": sum(usage) + thoughts}  # fmt: skip
    if thoughts:
        metadata["thoughtsTokenCount"] = thoughts
    return {
        "candidates": [{"content": content, "finishReason": finish, "index": 0}],
        "usageMetadata": metadata,
        "modelVersion": model,
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    owner: LoopbackServer


class LoopbackServer:
    """The server, run in a background thread: `with LoopbackServer(Faults(rate_500=0.1)) as srv: srv.url`."""

    def __init__(
        self,
        faults: Faults | None = None,
        responder: Responder | None = None,
        healthy_after_s: float = 0.0,
        models: dict[str, ModelCard] | None = None,
    ) -> None:
        """`models`: the names served, each with its limits (unknown names get 404); None serves any name, with
        the limits of its family (strict.card_for)."""
        self.faults = faults or Faults()
        self.models = models
        self.rejections: list[str] = []
        self._mode_left = self.faults.mode_requests
        self.responder = responder or default_responder
        self.healthy_at = time.monotonic() + healthy_after_s
        self.counts: Counter[str] = Counter()
        self.unparseable: set[str] = set()
        self.in_flight = 0  # POST requests being handled now
        self.max_in_flight = 0  # the most handled at once
        self._connections: set[socket.socket] = set()
        self.stopped = False
        self._lock = threading.Lock()
        self._rng = random.Random(self.faults.seed)
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="loopback-llm", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"  # bound to 127.0.0.1 above

    @property
    def openai_base_url(self) -> str:
        return self.url + "/v1"

    def count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1

    def entered(self, step: int) -> None:
        """A POST request starts (+1) or ends (-1): keeps `in_flight` and its peak `max_in_flight`."""
        with self._lock:
            self.in_flight += step
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def connected(self, sock: socket.socket, is_open: bool) -> None:
        with self._lock:
            if is_open:
                self._connections.add(sock)
            else:
                self._connections.discard(sock)

    def note_unparseable(self, key: str) -> None:
        with self._lock:
            self.unparseable.add(key)

    def card(self, model: str, gemini: bool) -> ModelCard:
        """The served model's card; an unknown name is refused with 404 as vLLM, OpenAI and Gemini do."""
        if self.models is None:
            return card_for(model)
        if model not in self.models:
            if gemini:
                raise Rejection(404, f"models/{model} is not found for API version v1beta", "NOT_FOUND")
            raise Rejection(404, f"The model `{model}` does not exist.")
        return self.models[model]

    def take_mode(self) -> str | None:
        """The scripted mode for this request, counting down `mode_requests`."""
        with self._lock:
            if self.faults.mode is None or self._mode_left == 0:
                return None
            if self._mode_left is not None:
                self._mode_left -= 1
            return self.faults.mode

    def draw_fault(self) -> str | None:
        """One transport fault (or None) for the request being served, at the configured rates."""
        f = self.faults
        with self._lock:
            u = self._rng.random()
        for name, rate in (
            ("429", f.rate_429),
            ("500", f.rate_500),
            ("timeout", f.rate_timeout),
            ("malformed", f.rate_malformed),
        ):
            if u < rate:
                return name
            u -= rate
        return None

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop at once, as a server process that dies: drop every open connection, answer nothing more, stop
        listening (a client then sees reset and refused connections)."""
        with self._lock:
            self.stopped = True
            dropped = list(self._connections)
        for sock in dropped:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
