"""Retry policy: exponential backoff with jitter, honouring a server's Retry-After, for transient failures; and
the three kinds of failure a backend reports (transient: retry; permanent: give up on this request; fatal: stop
the run). Each carries the tokens the failed attempt was billed for, so a budget counts failures too."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from adrbench.errors import AdrbenchError

#: What a transient failure says of the server (adrbench.llm.pool): "unreachable" (connection refused or lost:
#: skip it at once) or "failing" (timeout, 5xx: skip it after several in a row); None: nothing (429, bad body).
ServerFault = Literal["unreachable", "failing"]


class BackendError(Exception):
    """A failed attempt: `reason` is safe to record; `input_tokens`/`output_tokens` are what it was billed for
    (a truncated or blocked reply still costs its tokens)."""

    def __init__(self, reason: str, *, input_tokens: int = 0, output_tokens: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens


class TransientError(BackendError):
    """A failure worth retrying (rate limit, 5xx, timeout, connection, malformed body); `server` says whether it
    points at the server itself being down or failing (see ServerFault)."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None = None,
        *,
        server: ServerFault | None = None,
        input_tokens: int = 0,
        output_tokens: int = 0,
    ) -> None:
        super().__init__(reason, input_tokens=input_tokens, output_tokens=output_tokens)
        self.retry_after = retry_after
        self.server = server


class PermanentError(BackendError):
    """A failure that a retry cannot fix: bad request, auth, unknown model, or a deterministic non-answer
    (cut at the token limit, safety block, refusal, empty content)."""


class FatalError(AdrbenchError):
    """A failure that no later request can escape (the account's quota is used up): the run stops with this
    message instead of sending, and retrying, every remaining request."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RetryPolicy:
    """`max_retries` retries after the first attempt; delay n is drawn from [d/2, d], d = min(cap, base·2ⁿ).

    A Retry-After from the server is a floor on the delay (up to `max_retry_after`), so rate limits are obeyed.
    """

    max_retries: int = 6
    base_s: float = 0.5
    cap_s: float = 30.0
    max_retry_after_s: float = 120.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number `attempt` (0-based)."""
        ceiling = min(self.cap_s, self.base_s * (2.0**attempt))
        wait = ceiling / 2 + rng.uniform(0.0, ceiling / 2)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after_s))
        return wait


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from `retry-after-ms`, or `Retry-After` as seconds or an HTTP date; None if absent or bad."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
