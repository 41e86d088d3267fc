"""Agreement of a rater's verdicts with the score order (paper §2: 128/150), with a Wilson 95% CI, per sport,
the confusion of truth × answer including ties, and n."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from adrbench.audit.answers import AuditAnswer
from adrbench.audit.items import LABELS, AuditItem

SCHEMA = "adrbench.audit/1"
_Z95 = 1.959963984540054
ANSWER_COLUMNS = ("1", "2", "tie", "skip", "none")


def wilson_interval(k: int, n: int, z: float = _Z95) -> tuple[float, float] | None:
    """Wilson score interval of a binomial proportion k/n (None when n = 0)."""
    if n == 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _block(answers: Sequence[AuditAnswer], n_sampled: int) -> dict[str, Any]:
    confusion = {truth: dict.fromkeys(ANSWER_COLUMNS, 0) for truth in LABELS}
    for a in answers:
        confusion[a.truth][a.answer or "none"] += 1
    answered = [a for a in answers if a.answer in LABELS]
    k = sum(a.answer == a.truth for a in answered)
    n = len(answered)
    ci = wilson_interval(k, n)
    return {
        "n_sampled": n_sampled,
        "n_answered": n,
        "n_skipped": sum(a.answer == "skip" for a in answers),
        "n_no_verdict": sum(a.answer is None for a in answers),
        "n_pending": n_sampled - len(answers),
        "agreement": {
            "value": k / n if n else None,
            "k": k,
            "n": n,
            "ci95": [round(ci[0], 6), round(ci[1], 6)] if ci else None,
            "signature": "agreement|truth:score-order|ci:wilson95",
        },
        "confusion": confusion,
    }


def audit_report(
    items: Sequence[AuditItem],
    answers: Iterable[AuditAnswer],
    rater: str,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report for the sampled `items` from the answers given so far (answers to other pairs are ignored)."""
    by_id = {a.pair_id: a for a in answers}
    sampled = [by_id[i.pair.id] for i in items if i.pair.id in by_id]
    report: dict[str, Any] = {"schema": SCHEMA, "rater": rater, "settings": settings or {}}
    report |= _block(sampled, len(items))
    categories: dict[str, Any] = {}
    for category in sorted({i.pair.category for i in items}):
        ids = {i.pair.id for i in items if i.pair.category == category}
        categories[category] = _block([a for a in sampled if a.pair_id in ids], len(ids))
    report["by_category"] = categories
    return report
