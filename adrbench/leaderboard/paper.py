"""The paper's reported numbers, read from leaderboards/paper/table*.csv (typed in by hand, one record per cell)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from adrbench.errors import DataError

FIELDS = (
    "table",
    "row",
    "row_label",
    "model_key",
    "model_display",
    "cite",
    "task",
    "split",
    "category",
    "column",
    "metric",
    "value",
)


@dataclass(frozen=True)
class PaperRecord:
    """One printed number: its table, row, model (display name as printed + normalised key), task, split,
    category, column header, metric key, and the printed string exactly as in the paper."""

    table: str
    row: int
    row_label: str
    model_key: str
    model_display: str
    cite: str
    task: str
    split: str
    category: str
    column: str
    metric: str
    value: str

    @property
    def label(self) -> str:
        """The row label as the paper prints it, citation included."""
        return f"{self.row_label} {self.cite}" if self.cite else self.row_label


def paper_dir(leaderboard_dir: Path) -> Path:
    return leaderboard_dir / "paper"


def load_paper_records(leaderboard_dir: Path) -> list[PaperRecord]:
    """Every record of every leaderboards/paper/table*.csv, in file and line order."""
    files = sorted(paper_dir(leaderboard_dir).glob("table*.csv"))
    if not files:
        raise DataError(paper_dir(leaderboard_dir), "no table*.csv files with the paper's numbers")
    return [rec for path in files for rec in read_paper_csv(path)]


def read_paper_csv(path: Path) -> list[PaperRecord]:
    """Read one table's CSV; a bad line raises DataError with the file, line and field."""
    out: list[PaperRecord] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != FIELDS:
            raise DataError(path, f"header must be {','.join(FIELDS)}", line=1)
        for row in reader:
            line = reader.line_num
            for name in FIELDS:
                if row.get(name) is None or (name not in ("cite",) and row[name] == ""):
                    raise DataError(path, "missing value", line=line, field=name)
            try:
                number = int(row["row"])
                float(row["value"])
            except ValueError:
                raise DataError(path, "not a number", line=line, field="row/value") from None
            out.append(PaperRecord(**{**row, "row": number}))  # type: ignore[arg-type]
    return out
