"""Every cell of the paper's Tables 2–9, regenerated from leaderboards/paper/, equals the paper's printed value."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from adrbench.leaderboard import PAPER_LAYOUTS, paper_grids, render_paper_tables
from adrbench.leaderboard.paper import load_paper_records
from adrbench.leaderboard.paths import default_leaderboard_dir
from adrbench.leaderboard.render import latex_escape, md_escape

PAPER = Path(
    os.environ.get("ADRBENCH_PAPER_TEXT", Path(__file__).resolve().parents[3] / "shared/paper/actdr-kept.txt")
)
_LATEX_HEADERS = {r"$\rho \uparrow$": "ρ ↑", r"$R - \ell_2 (\times 100) \downarrow$": "R-ℓ2 (×100) ↓"}


def _paper_block(text: str, number: int) -> list[list[str]]:
    """The tab-separated lines printed just above the caption 'Table N:' in the paper's text."""
    lines = text.splitlines()
    cap = next(i for i, line in enumerate(lines) if line.startswith(f"Table {number}:"))
    end = cap - 1
    while not lines[end].strip():
        end -= 1
    start = end
    while lines[start - 1].strip():
        start -= 1
    return [line.split("\t") for line in lines[start : end + 1]]


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


@pytest.mark.skipif(not PAPER.is_file(), reason=f"the paper's text is not at {PAPER}")
@pytest.mark.parametrize("table_id", list(PAPER_LAYOUTS))
def test_every_cell_equals_the_paper(table_id: str) -> None:
    block = _paper_block(PAPER.read_text(encoding="utf-8"), int(table_id.removeprefix("table")))
    header = [line for line in block if not all(_is_number(f) for f in line[1:] if f)]
    body = [line for line in block if line not in header]
    grid = paper_grids()[table_id]
    assert len(body) == len(grid.rows)
    for printed, row in zip(body, grid.rows, strict=True):
        assert row.label == printed[0]
        assert [c.text for c in row.cells] == [f for f in printed[1:] if f]
    layout = grid.layout
    tokens = [[_LATEX_HEADERS.get(f, f) for f in line if f] for line in header]
    top = [layout.row_header] if layout.row_header else []
    index = 0
    for group, span in layout.groups():
        top.append(group if group is not None else layout.columns[index].header)
        index += span
    assert tokens[0] == top
    subs = [c.header for c in layout.columns if c.group is not None and c.header]
    assert (tokens[1] if len(tokens) > 1 else []) == subs


# Typed in again, independently of leaderboards/paper/, from the paper's pages: (table, row label, column, value).
SAMPLE = [
    ("table2", "Gmini 2.5 Gem (2025)", "R-ℓ2 (×100) ↓", "5.57"),
    ("table2", "Our (Δ GNN)", "ρ ↑", "0.63"),
    ("table3", "GPT-4o GPT (2024)", "FitnessAQA: F1 (OK)", "0"),
    ("table3", "Ours", "JIGSAWS: R-ℓ2 (×100) ↓", "7.469"),
    ("table4", "Ours (Δ RKG)", "ROUGE: RO-2", "0.011"),
    ("table4", "LLaVA-Video Zhang et al. (2024)", "ROUGE: RO-1", "0.15"),
    ("table5", "All", "ρ ↑", "0.90"),
    ("table6", "Ours (4 layers)", "R-ℓ2 (×100) ↓", "7.469"),
    ("table7", "Ours (Δ Semantic Loss)", "Soccer: R-ℓ2 (×100) ↓", "9.612"),
    ("table7", "GPT-4o GPT (2024)", "Climbing: R-ℓ2 (×100) ↓", "16.7"),
    ("table8", "GPT-4o GPT (2024)", "Needle: R-ℓ2 (×100) ↓", "119.51"),
    ("table8", "Ours", "Saturing: ρ ↑", "0.49"),
    ("table9", "LLaVA-Video (Climbing) Zhang et al. (2024)", "ROUGE: rouge-L", "0.011"),
    ("table9", "QWen 2.5 (Soccer) Yang et al. (2024)", "METEOR: score", "0.339"),
]


@pytest.mark.parametrize(("table_id", "row", "column", "value"), SAMPLE)
def test_sample_cells_in_every_format(table_id: str, row: str, column: str, value: str) -> None:
    rows = list(csv.reader(io.StringIO(render_paper_tables("csv")[table_id])))
    col = rows[0].index(column)
    assert next(r for r in rows[1:] if r[0] == row)[col] == value
    md = render_paper_tables("md")[table_id]
    assert any(
        line.startswith(f"| {md_escape(row)} |") and f"| {value} |" in line for line in md.splitlines()
    )
    tex = render_paper_tables("latex")[table_id]
    assert any(
        line.startswith(latex_escape(row) + " & ") and f"& {value}" in line for line in tex.splitlines()
    )


def test_records_are_one_per_cell_with_paper_spellings() -> None:
    records = load_paper_records(default_leaderboard_dir())
    cells = sum(len(layout.rows) * len(layout.columns) for layout in PAPER_LAYOUTS.values())
    assert len(records) == cells == 476 - 8  # 476 CSV lines less 8 headers
    keys = {(r.table, r.model_key, r.task, r.split, r.category, r.metric) for r in records}
    assert len(keys) == len(records)
    displays = {r.model_display for r in records}
    assert {"Gmini 2.5", "Our (Δ GNN)", "QWen 2.5", "Qwen-2.5-VL-7B"} <= displays
    assert {r.model_key for r in records if r.model_display.startswith(("Gmini", "Gemini"))} == {"gemini-2.5"}


def test_documented_quirks_hold_in_the_data() -> None:
    records = load_paper_records(default_leaderboard_dir())
    value = {(r.table, r.model_key, r.task, r.category, r.metric): r.value for r in records}
    # RO-S equals RO-L in every row of Tables 4, 5 and 9.
    ro_s = {k: v for k, v in value.items() if k[4] == "rouge_s"}
    assert ro_s and all(value[(*k[:4], "rouge_l")] == v for k, v in ro_s.items())
    # Table 6's 4-layer row repeats Table 3's JIGSAWS numbers for Ours, not Table 2's ADR numbers.
    assert (
        value[("table6", "kept-4-layers", "unspecified", "all", "spearman")]
        == value[("table3", "kept", "jigsaws", "all", "spearman")]
        == "0.67"
    )
    assert value[("table6", "kept-4-layers", "unspecified", "all", "relative_l2")] == "7.469"
    assert value[("table2", "kept", "adr", "all", "relative_l2")] == "3.55"
    # Table 5's All row: the text numbers are Table 4's Ours row, but ρ is 0.90 where Table 2 prints 0.80.
    assert value[("table5", "kept", "adr", "all", "spearman")] == "0.90"
    assert value[("table2", "kept", "adr", "all", "spearman")] == "0.80"


def test_latex_is_booktabs_and_escaped() -> None:
    tex = render_paper_tables("latex")["table7"]
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert r"\multicolumn{2}{c}{Soccer}" in tex and r"\cmidrule(lr){2-3}" in tex
    assert r"$\rho$ $\uparrow$" in tex and r"$\ell_2$" in tex
    assert latex_escape("a_b & 50% <x> #1 ~ ^ {}") == (
        r"a\_b \& 50\% \textless{}x\textgreater{} \#1 \textasciitilde{} \textasciicircum{} \{\}"
    )


def test_generated_folder_matches_the_data() -> None:
    generated = default_leaderboard_dir() / "generated" / "paper"
    for fmt, ext in (("md", "md"), ("latex", "tex"), ("csv", "csv")):
        for table_id, text in render_paper_tables(fmt).items():
            assert (generated / f"{table_id}.{ext}").read_text(encoding="utf-8") == text


def test_every_quirk_points_at_recorded_cells() -> None:
    root = default_leaderboard_dir()
    records = load_paper_records(root)
    with (root / "paper" / "quirks.csv").open(encoding="utf-8", newline="") as handle:
        quirks = list(csv.DictReader(handle))
    assert len(quirks) >= 10
    for quirk in quirks:
        hits = [
            r
            for r in records
            if r.table == quirk["table"]
            and quirk["model_key"] in ("*", r.model_key)
            and quirk["metric"] in ("*", r.metric)
        ]
        assert hits, quirk
        assert quirk["note"]
