"""A fault-injecting model server on 127.0.0.1 for offline tests and benchmarks.

It speaks the OpenAI chat-completions protocol (POST /v1/chat/completions, GET /v1/models, GET /health) and the
Gemini REST shape (POST /v1[beta]/models/{model}:generateContent), so the real `openai` and `google-genai` SDKs can
be pointed at it. It injects latency, 429 with Retry-After, 500s, timeouts (a reply slower than the client's
timeout), malformed bodies (HTTP 200, not JSON) and unparseable answers (valid reply, no JSON in the text).
Transport faults are drawn per attempt; an unparseable answer is decided by the request's content, so it
repeats for the same request like a deterministic model. Every request is counted by outcome.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[str, int], str]  # (prompt text, number of images) → answer text


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
            self._send(
                200, json.dumps({"object": "list", "data": [{"id": "loopback", "object": "model"}]}).encode()
            )
        else:
            self._send(404, b'{"error": {"message": "not found"}}')

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        owner = self.server.owner
        gemini = bool(re.fullmatch(r"/v1(?:beta)?/models/([^/:]+):generateContent", self.path.split("?")[0]))
        if self.path != "/v1/chat/completions" and not gemini:
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        payload = json.loads(raw)
        prompt, n_images = _gemini_prompt(payload) if gemini else _openai_prompt(payload)
        owner.count("requests")
        if owner.faults.reject_key:
            owner.count("fault:401")
            key = self.headers.get("x-goog-api-key") or self.headers.get("Authorization", "")
            self._send(401, _error_body(401, f"invalid api key {key}", gemini))
            return
        fault = owner.draw_fault()
        if owner.faults.latency_s:
            time.sleep(owner.faults.latency_s)
        if fault == "429":
            owner.count("fault:429")
            body = _error_body(429, "rate limited", gemini)
            self._send(429, body, {"Retry-After": f"{owner.faults.retry_after_s:g}"})
            return
        if fault == "500":
            owner.count("fault:500")
            self._send(500, _error_body(500, "internal error", gemini))
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
        if _unit_hash(content_key) < owner.faults.rate_unparseable:
            owner.count("fault:unparseable")
            owner.note_unparseable(content_key)
            answer = "I cannot judge these clips with confidence, sorry."
        else:
            owner.count("ok")
            answer = owner.responder(prompt, n_images)
        usage = (len(prompt.split()) + 100 * n_images, max(1, len(answer) // 4))
        reply = (
            _gemini_reply(answer, usage) if gemini else _openai_reply(payload.get("model", ""), answer, usage)
        )
        self._send(200, json.dumps(reply).encode("utf-8"))


def _openai_prompt(payload: dict[str, Any]) -> tuple[str, int]:
    texts, images = [], 0
    for message in payload.get("messages", []):
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        for block in content or []:
            if block.get("type") == "text":
                texts.append(block["text"])
            elif block.get("type") == "image_url":
                images += 1
            elif block.get("type") == "video_url":
                images += block["video_url"]["url"].count(",")
    return "\n".join(texts), images


def _gemini_prompt(payload: dict[str, Any]) -> tuple[str, int]:
    texts, images = [], 0
    for content in payload.get("contents", []):
        for part in content.get("parts", []):
            if "text" in part:
                texts.append(part["text"])
            elif "inlineData" in part or "inline_data" in part:
                images += 1
    return "\n".join(texts), images


def _error_body(code: int, message: str, gemini: bool) -> bytes:
    if gemini:
        status = {429: "RESOURCE_EXHAUSTED", 401: "UNAUTHENTICATED"}.get(code, "INTERNAL")
        return json.dumps({"error": {"code": code, "message": message, "status": status}}).encode()
    return json.dumps({"error": {"message": message, "type": "server_error", "code": code}}).encode()


def _openai_reply(model: str, answer: str, usage: tuple[int, int]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}
        ],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    }


def _gemini_reply(answer: str, usage: tuple[int, int]) -> dict[str, Any]:
    return {
        "candidates": [
            {"content": {"role": "model", "parts": [{"text": answer}]}, "finishReason": "STOP", "index": 0}
        ],
        "usageMetadata": {
            "promptTokenCount": usage[0],
            "candidatesTokenCount": usage[1],
            "totalTokenCount": sum(usage),
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    owner: LoopbackServer


class LoopbackServer:
    """The server, run in a background thread: `with LoopbackServer(Faults(rate_500=0.1)) as srv: srv.url`."""

    def __init__(
        self, faults: Faults | None = None, responder: Responder | None = None, healthy_after_s: float = 0.0
    ) -> None:
        self.faults = faults or Faults()
        self.responder = responder or default_responder
        self.healthy_at = time.monotonic() + healthy_after_s
        self.counts: Counter[str] = Counter()
        self.unparseable: set[str] = set()
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

    def note_unparseable(self, key: str) -> None:
        with self._lock:
            self.unparseable.add(key)

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
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
