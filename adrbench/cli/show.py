"""What `run`, `score` and `submit` print: the metrics table (and, for `run --seeds`, the seeds table) (numbers formatted by adrbench.display), and the note
on a predictions file that answers only part of the split."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from adrbench.display import format_number, format_spread, metric_label, metric_order, metric_rows
from adrbench.models.base import ALL_OUTPUTS, Output
from adrbench.predictions import Coverage


def metrics_table(metrics: Mapping[str, Any], title: str) -> Table:
    """Task metrics, then (ADR) one row per protocol metric: value with its 95% CI, and n."""
    table = Table(title=title)
    for col in ("metric", "value (95% CI)", "n"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for row in metric_rows(metrics):
        table.add_row(*row)
    return table


def seeds_table(summary: Mapping[str, Any], title: str) -> Table:
    """A seeds study (seeds.json): one row per task metric, its value for each seed, then mean ± SD (ddof=1)."""
    table = Table(title=title)
    seeds = summary["seeds"]
    for col in ("metric", *(f"seed {s}" for s in seeds), "mean ± SD"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for key in metric_order(summary["metrics"]):
        entry = summary["metrics"][key]
        values = [format_number(key, v) if v is not None else "n/a" for v in entry["values"]]
        table.add_row(metric_label(key), *values, format_spread(key, entry["mean"], entry["sd"]))
    return table


def outputs_of(score_only: bool) -> frozenset[Output]:
    """What the predictions' model produces: every output, or (`--score-only`) every output but descriptions."""
    return ALL_OUTPUTS - {"text"} if score_only else ALL_OUTPUTS


def coverage_note(covered: Coverage, split: str = "test") -> str | None:
    """One line when a predictions file answers only part of the split (None when it answers all of it): how
    much, that the rest count as failures, and, when it holds the first items, the --limit that scores them."""
    if covered.complete:
        return None
    note = (
        f"{covered.path}: {covered.n_predicted:,} of {covered.n_items:,} {split} items predicted; "
        f"the rest count as failures"
    )
    if covered.first and covered.n_predicted:
        note += f"; --limit {covered.n_predicted} scores the first {covered.n_predicted}"
    return note
