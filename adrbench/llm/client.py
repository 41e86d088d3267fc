"""LLMClient: runs a batch of ChatRequests concurrently through a backend, with the cache, retries and budget.

Every request ends as a ChatResult holding either a reply or an error reason ("budget", "retries exhausted:
http 500", "http 401: ...", "truncated: ..."); failures are returned and counted, never replaced by a made-up
answer. Every billed attempt, failed or not, is charged to the budget. A FatalError (quota used up) stops the
batch: nothing more is sent, and it is raised once the requests in flight are done (their replies are cached).
The served model of each reply is recorded; a served model other than the requested one is logged once.

With several servers (adrbench.llm.pool) each attempt goes to the least-busy live one, `concurrency` in flight on
each. An attempt that finds its server dead (refused, or failing repeatedly) moves to a live one at once without
spending a retry (at most once per other server); every attempt is still counted and billed as above, and the
server that answered is recorded in the result (never in the cache key).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import random
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, TypeVar

from adrbench.llm.backends import Backend
from adrbench.llm.budget import Budget, Pricing
from adrbench.llm.cache import RequestCache
from adrbench.llm.messages import ChatRequest, ChatResult, Reply
from adrbench.llm.pool import Server, ServerPool
from adrbench.llm.retry import BackendError, FatalError, RetryPolicy, TransientError

T = TypeVar("T")
log = logging.getLogger("adrbench.llm")
_UNFINISHED = {"length", "MAX_TOKENS"}  # finish reasons of a reply cut at the token limit: never an answer


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, also when called inside a running loop (notebooks)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class LLMClient:
    """Concurrent, cached, retried, budgeted access to one backend on one or more servers.

    `backend_factory` makes a fresh backend per event loop; a mapping of them (base URL → factory) spreads the
    requests over those servers, `concurrency` in flight on each, a dead one skipped for `cooldown_s`.
    `backend_name` (e.g. "openai-chat") is part of each cache key. `stats` counts HTTP attempts ("requests"), cache hits, retries, tokens, cost and requests that got
    no reply, by reason; `served_models` counts the replies of each (requested, served) model pair.
    """

    def __init__(
        self,
        backend_factory: Callable[[], Backend] | Mapping[str, Callable[[], Backend]],
        backend_name: str,
        *,
        cache: RequestCache | None = None,
        concurrency: int = 16,
        cooldown_s: float = 30.0,
        retry: RetryPolicy | None = None,
        budget: Budget | None = None,
        pricing: Pricing | None = None,
        seed: int = 0,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        factories = backend_factory if isinstance(backend_factory, Mapping) else {"": backend_factory}
        self.pool = ServerPool(factories, cooldown_s=cooldown_s)
        self.backend_name = backend_name
        self.cache = cache
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.budget = budget or Budget()
        self.pricing = pricing or Pricing()
        self._rng = random.Random(seed)
        self.stats: Counter[str] = Counter()
        self.served_models: Counter[tuple[str, str]] = Counter()
        self._fatal: FatalError | None = None

    def run(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """One result per request, in order (blocking)."""
        return run_sync(self.run_async(requests))

    async def run_async(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        cached: dict[int, ChatResult] = {}
        for i, request in enumerate(requests):
            hit = self._from_cache(request)
            if hit is not None:
                cached[i] = hit
        pending = [i for i in range(len(requests)) if i not in cached]
        sent: dict[int, ChatResult] = {}
        if pending and self._fatal is not None:
            raise self._fatal
        if pending:
            async with self.pool.opened(self.concurrency) as pool:
                done = await asyncio.gather(*(self._send(pool, requests[i]) for i in pending))
            sent = dict(zip(pending, done, strict=True))
        if self._fatal is not None:
            raise self._fatal
        results = [cached[i] if i in cached else sent[i] for i in range(len(requests))]
        for result in results:
            if result.error is not None:
                self.stats["request_failures"] += 1
                self.stats[f"request_failures:{result.error.split(':')[0]}"] += 1
        return results

    def _from_cache(self, request: ChatRequest) -> ChatResult | None:
        if self.cache is None:
            return None
        reply = self.cache.get(request.key(self.backend_name))
        if (
            reply is None or reply.finish_reason in _UNFINISHED
        ):  # a truncated reply is no answer (older caches)
            return None
        self.stats["cache_hits"] += 1
        self._note_served(request, reply)
        return self._result(reply, attempts=0, cached=True)

    def _result(
        self, reply: Reply, attempts: int, cached: bool, billed: tuple[int, int] = (0, 0)
    ) -> ChatResult:
        tokens_in, tokens_out = reply.input_tokens + billed[0], reply.output_tokens + billed[1]
        return ChatResult(
            text=reply.text,
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            cost_usd=self.pricing.cost(tokens_in, tokens_out),
            cached=cached,
            attempts=attempts,
            finish_reason=reply.finish_reason,
            served_model=reply.model,
        )

    def _failure(self, reason: str, attempts: int, billed: tuple[int, int]) -> ChatResult:
        return ChatResult(
            error=reason,
            attempts=attempts,
            input_tokens=billed[0],
            output_tokens=billed[1],
            cost_usd=self.pricing.cost(*billed),
        )

    def _charge(self, input_tokens: int, output_tokens: int) -> None:
        """Count one billed attempt against the budget and in the stats."""
        self.budget.charge(input_tokens + output_tokens, self.pricing.cost(input_tokens, output_tokens))
        self.stats["input_tokens"] += input_tokens
        self.stats["output_tokens"] += output_tokens

    def _note_served(self, request: ChatRequest, reply: Reply) -> None:
        """Count who answered; log once per pair when the server answered with another model than asked for."""
        if reply.model is None:
            return
        pair = (request.model, reply.model)
        if pair not in self.served_models and reply.model.removeprefix("models/") != request.model:
            log.warning("requested model %r was answered by %r", request.model, reply.model)
        self.served_models[pair] += 1

    async def _send(self, pool: ServerPool, request: ChatRequest) -> ChatResult:
        attempts = failovers = 0  # failovers: attempts moved off a dead server, which spend no retry
        billed = (0, 0)  # tokens of this request's failed attempts
        while True:
            async with pool.slot() as server:
                assert server.backend is not None  # set by pool.opened
                if self._fatal is not None:
                    return self._failure(f"stopped: {self._fatal.reason}", attempts, billed)
                if self.budget.exhausted():
                    return self._failure("budget", attempts, billed)
                attempts += 1
                self.stats["requests"] += 1
                try:
                    reply = await server.backend.send(request)
                except FatalError as exc:
                    self._fatal = self._fatal or exc
                    return self._failure(exc.reason, attempts, billed)
                except BackendError as exc:
                    pool.report(server, exc)
                    self._charge(exc.input_tokens, exc.output_tokens)
                    billed = (billed[0] + exc.input_tokens, billed[1] + exc.output_tokens)
                    if not isinstance(
                        exc, TransientError
                    ):  # PermanentError: deterministic, a retry repeats it
                        return self._failure(exc.reason, attempts, billed)
                    failure = exc
                else:
                    pool.report(server, None)
                    return self._accept(request, reply, attempts, billed, server)
            self.stats[f"transient:{failure.reason.split(':')[0]}"] += 1
            if self._moves_on(pool, server, failovers):
                failovers += 1
                self.stats["failovers"] += 1
                continue
            if attempts - failovers > self.retry.max_retries:
                return self._failure(f"retries exhausted: {failure.reason}", attempts, billed)
            self.stats["retries"] += 1
            await asyncio.sleep(self.retry.delay(attempts - 1, failure.retry_after, self._rng))

    @staticmethod
    def _moves_on(pool: ServerPool, server: Server, failovers: int) -> bool:
        """Whether a failed attempt goes straight to another server: its own is dead, another is live, and the
        request has not yet moved once per other server."""
        return pool.dead(server) and bool(pool.live()) and failovers < len(pool) - 1

    def _accept(
        self, request: ChatRequest, reply: Reply, attempts: int, billed: tuple[int, int], server: Server
    ) -> ChatResult:
        self._charge(reply.input_tokens, reply.output_tokens)
        self._note_served(request, reply)
        if (
            reply.finish_reason in _UNFINISHED
        ):  # a backend that let a truncated reply through: still no answer
            total = (billed[0] + reply.input_tokens, billed[1] + reply.output_tokens)
            return self._failure(f"truncated: finish_reason {reply.finish_reason}", attempts, total)
        if self.cache is not None:
            self.cache.put(request.key(self.backend_name), self.backend_name, request.model, reply)
        result = self._result(reply, attempts=attempts, cached=False, billed=billed)
        result.server = server.name or None
        return result

    def summary(self) -> dict[str, Any]:
        """Totals for the run so far (for logs and results): counts, tokens and spent cost."""
        out: dict[str, Any] = dict(sorted(self.stats.items()))
        out["cost_usd"] = round(self.budget.cost_usd, 8)
        return out

    def served(self) -> list[str]:
        """The served model names seen so far (for a run's config: which models answered)."""
        return sorted({served for _, served in self.served_models})
