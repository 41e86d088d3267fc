"""The metrics table that `run`, `score` and `submit` print (numbers formatted by adrbench.display)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from adrbench.display import metric_rows
from adrbench.models.base import ALL_OUTPUTS, Output


def metrics_table(metrics: Mapping[str, Any], title: str) -> Table:
    """Task metrics, then (ADR) one row per protocol metric: value with its 95% CI, and n."""
    table = Table(title=title)
    for col in ("metric", "value (95% CI)", "n"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for row in metric_rows(metrics):
        table.add_row(*row)
    return table


def outputs_of(score_only: bool) -> frozenset[Output]:
    """What the predictions' model produces: every output, or (`--score-only`) every output but descriptions."""
    return ALL_OUTPUTS - {"text"} if score_only else ALL_OUTPUTS
