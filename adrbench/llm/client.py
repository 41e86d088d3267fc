"""LLMClient: runs a batch of ChatRequests concurrently through a backend, with the cache, retries and budget.

Every request ends as a ChatResult holding either a reply or an error reason ("budget", "retries exhausted:
http 500", "http 401: ..."); failures are returned and counted, never replaced by a made-up answer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from adrbench.llm.backends import Backend
from adrbench.llm.budget import Budget, Pricing
from adrbench.llm.cache import RequestCache
from adrbench.llm.messages import ChatRequest, ChatResult, Reply
from adrbench.llm.retry import PermanentError, RetryPolicy, TransientError

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, also when called inside a running loop (notebooks)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class LLMClient:
    """Concurrent, cached, retried, budgeted access to one backend.

    `backend_factory` makes a fresh backend per event loop; `backend_name` (e.g. "openai-chat") is part of each
    cache key. `stats` counts HTTP attempts ("requests"), cache hits, retries, tokens, cost and requests that got no reply, by reason.
    """

    def __init__(
        self,
        backend_factory: Callable[[], Backend],
        backend_name: str,
        *,
        cache: RequestCache | None = None,
        concurrency: int = 16,
        retry: RetryPolicy | None = None,
        budget: Budget | None = None,
        pricing: Pricing | None = None,
        seed: int = 0,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._factory = backend_factory
        self.backend_name = backend_name
        self.cache = cache
        self.concurrency = concurrency
        self.retry = retry or RetryPolicy()
        self.budget = budget or Budget()
        self.pricing = pricing or Pricing()
        self._rng = random.Random(seed)
        self.stats: Counter[str] = Counter()

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
        if pending:
            semaphore = asyncio.Semaphore(self.concurrency)
            async with self._factory() as backend:
                done = await asyncio.gather(*(self._send(backend, requests[i], semaphore) for i in pending))
            sent = dict(zip(pending, done, strict=True))
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
        if reply is None:
            return None
        self.stats["cache_hits"] += 1
        return self._result(reply, attempts=0, cached=True)

    def _result(self, reply: Reply, attempts: int, cached: bool) -> ChatResult:
        return ChatResult(
            text=reply.text,
            input_tokens=reply.input_tokens,
            output_tokens=reply.output_tokens,
            cost_usd=self.pricing.cost(reply.input_tokens, reply.output_tokens),
            cached=cached,
            attempts=attempts,
            finish_reason=reply.finish_reason,
        )

    async def _send(self, backend: Backend, request: ChatRequest, semaphore: asyncio.Semaphore) -> ChatResult:
        attempts = 0
        while True:
            async with semaphore:
                if self.budget.exhausted():
                    return ChatResult(error="budget", attempts=attempts)
                attempts += 1
                self.stats["requests"] += 1
                try:
                    reply = await backend.send(request)
                except PermanentError as exc:
                    return ChatResult(error=exc.reason, attempts=attempts)
                except TransientError as exc:
                    failure = exc
                else:
                    return self._accept(request, reply, attempts)
            self.stats[f"transient:{failure.reason.split(':')[0]}"] += 1
            if attempts > self.retry.max_retries:
                return ChatResult(error=f"retries exhausted: {failure.reason}", attempts=attempts)
            self.stats["retries"] += 1
            await asyncio.sleep(self.retry.delay(attempts - 1, failure.retry_after, self._rng))

    def _accept(self, request: ChatRequest, reply: Reply, attempts: int) -> ChatResult:
        result = self._result(reply, attempts=attempts, cached=False)
        self.budget.charge(reply.input_tokens + reply.output_tokens, result.cost_usd)
        self.stats["input_tokens"] += reply.input_tokens
        self.stats["output_tokens"] += reply.output_tokens
        if self.cache is not None:
            self.cache.put(request.key(self.backend_name), self.backend_name, request.model, reply)
        return result

    def summary(self) -> dict[str, Any]:
        """Totals for the run so far (for logs and results): counts, tokens and spent cost."""
        out: dict[str, Any] = dict(sorted(self.stats.items()))
        out["cost_usd"] = round(self.budget.cost_usd, 8)
        return out
