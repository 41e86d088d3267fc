"""Measured tables in the paper's layouts: one row per model (× category), cells with CI, n and a small-n mark."""

from __future__ import annotations

import statistics
from typing import Any

from adrbench.display import format_number, scale
from adrbench.leaderboard.entries import Entry, finite, metric_at
from adrbench.leaderboard.grid import Cell, Grid, Row
from adrbench.leaderboard.layouts import EXTRA_LAYOUTS, MEASURED_TABLES, PAPER_LAYOUTS, TableLayout
from adrbench.leaderboard.significance import ALPHA, EFFECT_SDS, effect

MIN_N = 5
SMALL_MARK = "†"
MISSING = "–"
UNDEFINED = "n/a"
FAILED_MARK = "‡"
SIGNIFICANT_MARK = "*"
_TWO_DIGITS = ("spearman", "relative_l2", "relative_l2_unsquared")


def format_metric(
    metric: str,
    found: dict[str, Any] | None,
    min_n: int = MIN_N,
    failed: bool = False,
    significant: bool = False,
) -> Cell:
    """'0.80 [0.71, 0.86] (n=30)'; R-ℓ2 ×100 as the paper prints it; '†' when n < min_n; '‡' when the entry has
    failed predictions for the metric's field; '*' when it differs significantly from the baseline; '–' when
    absent; 'n/a (n=…)' when computed but undefined."""
    if found is None:
        return Cell(MISSING)
    n = found.get("n")
    if not finite(found.get("value")):
        # The metric was computed but is undefined (e.g. ρ of a constant prediction): say so, with its n.
        return Cell(UNDEFINED + (f" (n={n})" if isinstance(n, int) else ""))
    digits = 2 if metric in _TWO_DIGITS else 3
    text = format_number(metric, found["value"], digits)
    text += _marks(n, min_n, failed, significant)
    ci = found.get("ci95")
    if isinstance(ci, (list, tuple)) and len(ci) == 2 and all(finite(x) for x in ci):
        text += f" [{format_number(metric, ci[0], digits)}, {format_number(metric, ci[1], digits)}]"
    if isinstance(n, int):
        text += f" (n={n})"
    return Cell(text, found["value"] * scale(metric))


SEEDS_MARK = " ± "


def format_seeds(
    metric: str,
    founds: list[dict[str, Any] | None],
    min_n: int = MIN_N,
    failed: bool = False,
    significant: bool = False,
) -> Cell:
    """A metric over the training seeds of one entry: '0.842 ± 0.005 (3 seeds, n=30)' (one more decimal than a
    single run's cell; SD with ddof=1), marks as `format_metric`; '–' when no seed has it."""
    present = [f for f in founds if f is not None]
    if not present:
        return Cell(MISSING)
    values = [f["value"] for f in present if finite(f.get("value"))]
    n = present[0].get("n")
    count = f" ({len(values)} seeds" + (f", n={n})" if isinstance(n, int) else ")")
    if not values:
        return Cell(UNDEFINED + count)
    digits = (2 if metric in _TWO_DIGITS else 3) + 1
    mean = statistics.fmean(values)
    text = format_number(metric, mean, digits)
    if len(values) >= 2:
        text += SEEDS_MARK + format_number(metric, statistics.stdev(values), digits)
    return Cell(text + _marks(n, min_n, failed, significant) + count, mean * scale(metric))


def _marks(n: Any, min_n: int, failed: bool, significant: bool) -> str:
    """'†' for n < min_n, '‡' for failed predictions, '*' for a significant difference from the baseline."""
    return (
        (SMALL_MARK if isinstance(n, int) and n < min_n else "")
        + (FAILED_MARK if failed else "")
        + (SIGNIFICANT_MARK if significant else "")
    )


def failed_fields(entry: Entry) -> set[str]:
    """The prediction fields ('score', 'description', 'labels') with at least one failure in the entry."""
    by_field = (entry.metrics.get("failures") or {}).get("by_field") or {}
    return {k for k, v in by_field.items() if isinstance(v, int) and v > 0}


def metric_field(metric: str) -> str:
    """The prediction field a metric is computed from."""
    if metric.startswith(("spearman", "relative_l2", "order_", "position_bias")):
        return "score"
    return "labels" if metric.startswith("f1_") else "description"


def _category_title(category: str) -> str:
    return "All" if category == "all" else category.replace("_", " ").title()


def _values(entries: list[Entry], metric: str) -> list[float]:
    """The finite whole-split values of `metric`, one per entry (seed)."""
    found = [metric_at(e.metrics, "all", metric) for e in entries]
    return [f["value"] for f in found if f is not None and finite(f.get("value"))]


def _baseline_values(
    group: list[Entry], same_task: dict[str, list[Entry]], metric: str
) -> list[float]:
    """The baseline's per-seed values of `metric`: those of the seeds group, on the same task, holding the run
    the paired tests were made against; else the distinct baseline values the paired tests recorded."""
    hashes = {(e.paired or {}).get("baseline_config_hash") for e in group} - {None}
    for entries in same_task.values():
        if any(e.meta.get("config_hash") in hashes for e in entries):
            return _values(entries, metric)
    recorded: dict[Any, float] = {}
    for e in group:
        test = ((e.paired or {}).get("tests") or {}).get(metric) or {}
        if finite(test.get("value_b")):
            recorded.setdefault((e.paired or {}).get("baseline_config_hash"), test["value_b"])
    return list(recorded.values())


def _marked(group: list[Entry], same_task: dict[str, list[Entry]], metric: str) -> bool:
    """The '*' of a whole-split cell: `significance.effect` over the entry's seeds and the baseline's."""
    values = _values(group, metric)
    baseline = _baseline_values(group, same_task, metric) if len(group) > 1 else []
    return effect([e.paired for e in group], metric, values, baseline)


def _seeds_label(group: str, per_task: dict[str, list[Entry]]) -> str:
    """A row's label: the entry's own when it has one seed everywhere; else the group with its seeds."""
    if all(len(entries) == 1 for entries in per_task.values()):
        return next(iter(per_task.values()))[0].label
    seeds = sorted({e.seed for entries in per_task.values() for e in entries if e.seed is not None})
    return f"{group} (seeds {', '.join(map(str, seeds))})"


def measured_rows(layout: TableLayout, entries: list[Entry], variant: str, min_n: int = MIN_N) -> list[Row]:
    """The rows of `layout` from the entries of one variant ('synth' or 'real'); rows with no value are left out.

    Entries that differ only in their training seed share a row: their cells show mean ± SD over the seeds."""
    tasks = {fam: fam + ("-synth" if variant == "synth" else "") for fam in layout.tasks()}
    by_group: dict[str, dict[str, list[Entry]]] = {}
    by_task: dict[str, dict[str, list[Entry]]] = {}  # task → group → entries: where baselines are looked up
    for each in sorted(entries, key=lambda e: (e.seed_group, e.task, e.seed or 0, str(e.path))):
        if each.task in tasks.values():
            group = by_group.setdefault(each.seed_group, {}).setdefault(each.task, [])
            if all(e.seed != each.seed for e in group):  # one entry per seed: the first found
                group.append(each)
                by_task.setdefault(each.task, {})[each.seed_group] = group
    source = "measured: " + ", ".join(dict.fromkeys(tasks.values()))
    categories: tuple[str | None, ...] = layout.row_categories or (None,)
    rows: list[Row] = []
    for group_name, per_task in by_group.items():
        label = _seeds_label(group_name, per_task)
        for row_cat in categories:
            cells = []
            for col in layout.columns:
                group = per_task.get(tasks[col.task], [])
                category = col.category or row_cat or "all"
                founds = [metric_at(e.metrics, category, col.metric) for e in group]
                failed = any(metric_field(col.metric) in failed_fields(e) for e in group)
                marked = bool(group) and category == "all" and _marked(group, by_task[group[0].task], col.metric)
                if len(group) > 1:
                    cells.append(format_seeds(col.metric, founds, min_n, failed, marked))
                else:
                    cells.append(format_metric(col.metric, founds[0] if founds else None, min_n, failed, marked))
            if all(c.text == MISSING for c in cells):
                continue
            shown = label if row_cat is None else f"{label} ({_category_title(row_cat)})"
            rows.append(Row(shown, cells, source))
    return rows


def footnotes(rows: list[Row], min_n: int = MIN_N) -> list[str]:
    notes = [
        "Measured: value [bootstrap 95% CI] (n = the metric's sample size: scores for ρ and R-ℓ2, two per ADR "
        "pair; items for the rest); R-ℓ2 shown ×100; n/a: undefined (e.g. ρ of a constant prediction); "
        "–: not measured."
    ]
    if any(FAILED_MARK in c.text for r in rows for c in r.cells):
        notes.append(
            f"{FAILED_MARK} the model failed on some items for this field (counts in metrics.json 'failures'): "
            "failed descriptions are scored as empty text; score metrics use the answered items only."
        )
    if any(SIGNIFICANT_MARK in c.text for r in rows for c in r.cells):
        notes.append(
            f"{SIGNIFICANT_MARK} differs from the baseline run ('mean' unless chosen otherwise) on the same test "
            f"items: paired bootstrap resampling videos, p < {ALPHA} (paired.json of the entry)."
        )
    if any(SEEDS_MARK in c.text or " seeds" in c.text for r in rows for c in r.cells):
        notes.append(
            "mean ± SD: over the entry's training seeds on the same data (sample SD, ddof=1; the count in "
            f"brackets); {SIGNIFICANT_MARK} on such a cell also needs |Δmean| from the baseline > {EFFECT_SDS:g} × "
            "the pooled seed SD of the two, and every seed's paired test significant."
        )
    if any(SMALL_MARK in c.text for r in rows for c in r.cells):
        notes.append(f"{SMALL_MARK} n < {min_n}: too few items for the number to mean anything.")
    return notes


def measured_grids(entries: list[Entry], min_n: int = MIN_N) -> dict[str, Grid]:
    """Every measured table that has rows: ids like 'table2-measured-synth'."""
    grids: dict[str, Grid] = {}
    layouts = {t: PAPER_LAYOUTS[t] for t in MEASURED_TABLES} | EXTRA_LAYOUTS
    for table_id, layout in layouts.items():
        for variant in ("synth", "real"):
            rows = measured_rows(layout, entries, variant, min_n)
            if rows:
                name = layout.title or f"Table {table_id.removeprefix('table')}"
                grids[f"{table_id}-measured-{variant}"] = Grid(
                    f"{table_id}-measured-{variant}",
                    f"{name} (measured, {rows[0].source[10:]})",
                    layout,
                    rows,
                    footnotes(rows, min_n),
                )
    return grids


def side_by_side(paper: dict[str, Grid], entries: list[Entry], min_n: int = MIN_N) -> dict[str, Grid]:
    """Each paper table with the measured rows of every variant below the paper's, and a Source column; then the
    measured-only tables."""
    out: dict[str, Grid] = {}
    for table_id, grid in paper.items():
        rows = list(grid.rows)
        measured: list[Row] = []
        if table_id in MEASURED_TABLES:
            for variant in ("synth", "real"):
                measured += measured_rows(grid.layout, entries, variant, min_n)
        notes = footnotes(measured, min_n) if measured else []
        out[table_id] = Grid(
            table_id,
            f"{grid.title} (paper and measured)",
            grid.layout,
            rows + measured,
            notes,
            show_source=True,
        )
    extra = measured_grids(entries, min_n)
    out.update({k: g for k, g in extra.items() if k.split("-measured-")[0] in EXTRA_LAYOUTS})
    return out
