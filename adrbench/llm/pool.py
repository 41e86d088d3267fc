"""Several servers of one model behind one client (`base_url=URL,URL,...`): which server takes each attempt.

Each attempt goes to the least-busy live server, with at most `concurrency` attempts in flight on each (ties go
to the server that has taken fewer). A server is dead, and skipped for `cooldown_s` seconds before it is tried
again, once it refuses a connection (or drops it), or once `dead_after` attempts in a row failed with a timeout
or a 5xx. While every server is dead, attempts go to them all the same: the retry policy then decides, as with a
single server, and the last failure's reason is reported. Health is kept across batches (event loops); the
backends and the in-flight counts belong to one batch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from adrbench.llm.backends import Backend
from adrbench.llm.retry import BackendError, TransientError

log = logging.getLogger("adrbench.llm")
DEAD_AFTER = 3  # timeouts or 5xx in a row that make a server dead


@dataclass
class Server:
    """One server: its name (the base URL; "" for an unnamed one), how to make its backend, and its health."""

    name: str
    factory: Callable[[], Backend]
    failures: int = 0  # timeouts and 5xx in a row
    dead_until: float = 0.0  # clock time until which it is skipped
    in_flight: int = 0
    taken: int = 0  # attempts sent to it
    backend: Backend | None = None


class ServerPool:
    """The servers of one client: pick one per attempt (`slot`), and learn from each outcome (`report`)."""

    def __init__(
        self,
        servers: Mapping[str, Callable[[], Backend]],
        *,
        cooldown_s: float = 30.0,
        dead_after: int = DEAD_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not servers:
            raise ValueError("a server pool needs at least one server")
        if cooldown_s <= 0 or dead_after < 1:
            raise ValueError("cooldown_s must be positive and dead_after at least 1")
        self.servers = [Server(name, factory) for name, factory in servers.items()]
        self.cooldown_s, self.dead_after, self._clock = cooldown_s, dead_after, clock
        self.capacity = 1
        self.deaths: Counter[str] = Counter()  # times each server was found dead
        self._changed: asyncio.Condition | None = None

    def __len__(self) -> int:
        return len(self.servers)

    def dead(self, server: Server) -> bool:
        return self._clock() < server.dead_until

    def live(self) -> list[Server]:
        return [s for s in self.servers if not self.dead(s)]

    @asynccontextmanager
    async def opened(self, concurrency: int) -> AsyncIterator[ServerPool]:
        """Open every server's backend for one batch (in this event loop), `concurrency` in flight on each."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.capacity, self._changed = concurrency, asyncio.Condition()
        async with AsyncExitStack() as stack:
            for server in self.servers:
                server.in_flight = 0
                server.backend = await stack.enter_async_context(server.factory())
            try:
                yield self
            finally:
                for server in self.servers:
                    server.backend = None

    def _pick(self) -> Server | None:
        """The least-busy live server with room (every server when none is live); None when all are full."""
        candidates = self.live() or self.servers
        free = [s for s in candidates if s.in_flight < self.capacity]
        return min(free, key=lambda s: (s.in_flight, s.taken), default=None)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Server]:
        """A server for one attempt, waiting while every candidate has `concurrency` attempts in flight."""
        changed = self._changed
        if changed is None:
            raise RuntimeError("ServerPool.slot outside ServerPool.opened")
        async with changed:
            while (server := self._pick()) is None:
                await changed.wait()
            server.in_flight += 1
            server.taken += 1
        try:
            yield server
        finally:
            async with changed:
                server.in_flight -= 1
                changed.notify_all()

    def report(self, server: Server, error: BackendError | None) -> None:
        """Learn from one attempt's outcome: any answer (a reply, a 4xx, a 429, even a malformed body) shows the
        server alive; a refused connection kills it at once, a timeout or 5xx after `dead_after` in a row."""
        if not isinstance(error, TransientError) or error.server is None:
            server.failures = 0
            return
        fault = error.server
        server.failures += 1
        if fault == "unreachable" or server.failures >= self.dead_after:
            if not self.dead(server):
                self.deaths[server.name] += 1
                if len(self.servers) > 1:
                    log.warning("server %s skipped for %g s: %s", server.name, self.cooldown_s, error.reason)
            server.failures = 0
            server.dead_until = self._clock() + self.cooldown_s
