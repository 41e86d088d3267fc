"""Token prices and the per-run spending budget that stops a run cleanly instead of overspending."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pricing:
    """USD per million input and output tokens (0 for a self-hosted server)."""

    input_per_mtok: float = 0.0
    output_per_mtok: float = 0.0

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1e6


class Budget:
    """Running totals of what a run has spent, with optional caps on tokens and on cost.

    Requests already in flight when a cap is reached still finish, so a run can exceed a cap by at most
    `concurrency` replies; no new request starts once it is reached.
    """

    def __init__(self, max_tokens: int | None = None, max_cost_usd: float | None = None) -> None:
        self.max_tokens = max_tokens
        self.max_cost_usd = max_cost_usd
        self.tokens = 0
        self.cost_usd = 0.0

    def exhausted(self) -> bool:
        """True once either cap has been reached."""
        over_tokens = self.max_tokens is not None and self.tokens >= self.max_tokens
        over_cost = self.max_cost_usd is not None and self.cost_usd >= self.max_cost_usd
        return over_tokens or over_cost

    def charge(self, tokens: int, cost_usd: float) -> None:
        self.tokens += tokens
        self.cost_usd += cost_usd
