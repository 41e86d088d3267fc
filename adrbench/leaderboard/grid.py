"""A rendered-format-neutral table: header (from a layout), rows of text cells, footnotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from adrbench.errors import DataError
from adrbench.leaderboard.layouts import PAPER_LAYOUTS, TableLayout
from adrbench.leaderboard.paper import PaperRecord


@dataclass(frozen=True)
class Cell:
    """The text shown in a cell and the number it sorts by (None: empty or not a number)."""

    text: str
    sort: float | None = None


@dataclass
class Row:
    label: str
    cells: list[Cell]
    source: str = "paper"


@dataclass
class Grid:
    """One table ready to render: its layout gives the header; `show_source` adds a Source column."""

    table_id: str
    title: str
    layout: TableLayout
    rows: list[Row]
    footnotes: list[str] = field(default_factory=list)
    show_source: bool = False

    @property
    def caption(self) -> str:
        return self.layout.caption


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def paper_grid(table_id: str, records: list[PaperRecord]) -> Grid:
    """The paper's table `table_id` from its records; every record fills exactly one cell, every cell is filled."""
    layout = PAPER_LAYOUTS[table_id]
    mine = [r for r in records if r.table == table_id]
    by_row: dict[int, list[PaperRecord]] = {}
    for rec in mine:
        by_row.setdefault(rec.row, []).append(rec)
    where = f"leaderboards/paper/{table_id}.csv"
    if sorted(by_row) != list(range(1, len(layout.rows) + 1)):
        raise DataError(where, f"rows {sorted(by_row)} do not match the layout's {len(layout.rows)} rows")
    rows: list[Row] = []
    for number, spec in enumerate(layout.rows, start=1):
        recs = by_row[number]
        index = {(r.task, r.category, r.metric): r for r in recs}
        if len(index) != len(recs) or len(recs) != len(layout.columns):
            raise DataError(where, f"row {number} has {len(recs)} records for {len(layout.columns)} columns")
        if any(r.model_key != spec.model_key for r in recs):
            raise DataError(where, f"row {number} is not model {spec.model_key!r}", field="model_key")
        cells = []
        for col in layout.columns:
            key = (col.task, col.category or spec.category or "all", col.metric)
            if key not in index:
                raise DataError(where, f"row {number} has no record for {key}", field="metric")
            value = index[key].value
            cells.append(Cell(value, _number(value)))
        rows.append(Row(recs[0].label, cells, "paper"))
    return Grid(table_id, f"Table {table_id.removeprefix('table')}", layout, rows)
