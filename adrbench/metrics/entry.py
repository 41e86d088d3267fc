"""One metric of metrics.json, typed: every entry of every metric is built through `MetricEntry`."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from adrbench.metrics.signature import Signature


class MetricEntry(BaseModel):
    """A reported number: its value, 95% CI, how many items it is computed on, signature and direction."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float | None = Field(description="None when undefined (no item, a constant side, ...); never NaN")
    ci95: tuple[float, float] | None = Field(description="percentile bootstrap interval, or None")
    n: int = Field(ge=0, description="items the value is computed on")
    signature: str = Field(
        min_length=1, description="every setting that produced the value (sacrebleu-style)"
    )
    higher_is_better: bool | None = Field(
        description="True or False: which way is better; None: no better direction (a count, a signed bias, a "
        "chance level, a property of the data)"
    )

    @classmethod
    def of(
        cls,
        value: float | None,
        ci95: tuple[float, float] | list[float] | None,
        n: int,
        signature: Signature,
        higher_is_better: bool | None,
    ) -> MetricEntry:
        """An entry from computed numbers; a value that is not finite is undefined (None)."""
        finite = value is not None and math.isfinite(value)
        return cls(
            value=float(value) if finite else None,  # type: ignore[arg-type]
            ci95=None if ci95 is None else (float(ci95[0]), float(ci95[1])),
            n=int(n),
            signature=signature.format(),
            higher_is_better=higher_is_better,
        )

    def as_json(self) -> dict[str, Any]:
        """The entry as metrics.json stores it."""
        return self.model_dump(mode="json")


def metric_entry(
    value: float | None,
    ci95: tuple[float, float] | list[float] | None,
    n: int,
    signature: Signature,
    higher_is_better: bool | None,
) -> dict[str, Any]:
    """`MetricEntry.of(...)` as metrics.json stores it."""
    return MetricEntry.of(value, ci95, n, signature, higher_is_better).as_json()
