"""How adrbench shows a metric: the one number formatter of the CLI and the tables, and the CLI's rows.

R-ℓ2 is shown ×100 (as the paper prints it), counts as integers, everything else with a fixed number of
decimals; a CI is shown with the same scale and decimals as its value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: Protocol keys ending so are counts (value = a count, no CI), shown as integers.
COUNT_SUFFIXES = (
    "ties",
    "ties_ba",
    "failed",
    "failed_ba",
    "_tie",
    "undecided",
    "dropped",
    "fallback",
    "unanswered",
    "fact_truth",
)
DIGITS = 4
UNDEFINED = "n/a"


def scale(key: str) -> float:
    """The factor a metric is shown with: 100 for R-ℓ2, else 1."""
    return 100.0 if key.startswith("relative_l2") else 1.0


def is_count(key: str) -> bool:
    """Whether the metric's value is a count (shown as an integer)."""
    return key.endswith(COUNT_SUFFIXES)


def format_number(key: str, x: float, digits: int = DIGITS) -> str:
    """One value or CI bound of metric `key` as shown: scaled, `digits` decimals (a count: an integer)."""
    if is_count(key):
        return f"{int(x)}"
    return f"{x * scale(key):.{digits}f}"


def format_value(key: str, entry: Mapping[str, Any], digits: int = DIGITS) -> str:
    """'value [lo, hi]' of a metrics.json entry ('n/a' when undefined)."""
    value = entry.get("value")
    if value is None:
        return UNDEFINED
    text = format_number(key, value, digits)
    ci = entry.get("ci95")
    if ci:
        text += f" [{format_number(key, ci[0], digits)}, {format_number(key, ci[1], digits)}]"
    return text


def format_spread(key: str, mean: float | None, sd: float | None, digits: int = DIGITS) -> str:
    """'mean ± SD' of a metric over seeds, scaled as its value ('n/a' without a mean; the mean alone without an
    SD, i.e. one seed)."""
    if mean is None:
        return UNDEFINED
    text = format_number(key, mean, digits)
    return text if sd is None else f"{text} ± {format_number(key, sd, digits)}"


def format_option(value: Any) -> str:
    """A model option's default as it is typed after `-M name=`: true/false, none, "" for an empty string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    return str(value) if value != "" else '""'


def metric_label(key: str) -> str:
    """A metric's row label: its key, with the protocol it belongs to and the ×100 of R-ℓ2."""
    from adrbench.protocols.suite import protocol_of

    protocol = protocol_of(key)
    if protocol is not None:
        return f"{protocol}: {key}"
    return f"{key} (x100)" if scale(key) != 1.0 else key


#: The task metrics that head a results table, in this order (the rest follow in key order).
SCORES_FIRST = ("spearman", "relative_l2", "relative_l2_unsquared")


def metric_order(keys: Iterable[str]) -> list[str]:
    """Metric keys in the order results tables show them: the task metrics (scores first, then key order), then
    the protocol metrics in protocol order, then key order."""
    from adrbench.protocols.suite import PROTOCOL_ORDER, protocol_of

    flat = list(keys)
    task = sorted(
        (k for k in flat if protocol_of(k) is None),
        key=lambda k: (SCORES_FIRST.index(k) if k in SCORES_FIRST else len(SCORES_FIRST), k),
    )
    protocols = sorted(
        (k for k in flat if protocol_of(k) is not None),
        key=lambda k: (PROTOCOL_ORDER.index(protocol_of(k)), k),  # type: ignore[arg-type]
    )
    return task + protocols


def metric_rows(metrics: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(label, value with 95% CI, n) for every metric of a metrics.json object (or its "metrics" dict), in
    `metric_order` — the same rows whether the metrics come from memory (run, score) or from a stored file
    (submit)."""
    flat = metrics.get("metrics", metrics)
    return [(metric_label(k), format_value(k, flat[k]), str(flat[k].get("n", ""))) for k in metric_order(flat)]
