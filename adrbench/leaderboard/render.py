"""Render a Grid to Markdown, LaTeX (booktabs, escaped) or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from adrbench.leaderboard.grid import Grid

FORMATS = ("md", "latex", "csv")
EXTENSIONS = {"md": "md", "latex": "tex", "csv": "csv"}

_MD_SPECIAL = set("\\|<>[]*`")
_TEX_CHARS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "ρ": r"$\rho$",
    "ℓ": r"$\ell$",
    "×": r"$\times$",
    "↑": r"$\uparrow$",
    "↓": r"$\downarrow$",
    "Δ": r"$\Delta$",
    "†": r"\dag{}",
    "‡": r"\ddag{}",
    "–": "--",
    "\n": " ",
    "\r": " ",
}


def md_escape(text: str) -> str:
    """Escape text for a Markdown table cell (pipes, HTML brackets, emphasis and link markers)."""
    text = " ".join(text.split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def _md_cell(text: str) -> str:
    """Numbers and notes made by adrbench itself: only the table's own delimiter needs escaping."""
    return " ".join(text.split()).replace("|", "\\|")


def latex_escape(text: str) -> str:
    """Escape text for LaTeX; the paper's symbols become math (ρ → $\\rho$, ℓ2 → $\\ell_2$)."""
    text = text.replace("ℓ2", "\x00")
    out = "".join(_TEX_CHARS.get(ch, ch) for ch in text)
    return out.replace("\x00", r"$\ell_2$")


def _header(grid: Grid) -> list[str]:
    first = [grid.layout.row_header or "Model"] + (["Source"] if grid.show_source else [])
    return first + [c.label for c in grid.layout.columns]


def to_markdown(grid: Grid) -> str:
    """A GitHub-flavoured Markdown table with the caption above and footnotes below."""
    head = _header(grid)
    lead = 2 if grid.show_source else 1
    lines = [f"**{md_escape(grid.title)}**: {md_escape(grid.caption)}", ""]
    lines.append("| " + " | ".join(md_escape(h) for h in head) + " |")
    lines.append("|" + "|".join(["---"] * lead + ["---:"] * (len(head) - lead)) + "|")
    for row in grid.rows:
        first = [row.label] + ([row.source] if grid.show_source else [])
        shown = [md_escape(t) for t in first] + [_md_cell(c.text) for c in row.cells]
        lines.append("| " + " | ".join(shown) + " |")
    if grid.footnotes:
        lines.append("")
        lines.extend(_md_cell(f) for f in grid.footnotes)
    return "\n".join(lines) + "\n"


def to_latex(grid: Grid) -> str:
    """A booktabs table: column groups as \\multicolumn with \\cmidrule, top-level headers on the first line."""
    layout = grid.layout
    lead = 2 if grid.show_source else 1
    spec = "l" * lead + "c" * len(layout.columns)
    lines = [
        r"\begin{table}[t]",
        r"\centering",
        rf"\caption{{{latex_escape(grid.caption)}}}",
        rf"\label{{tab:{latex_escape(grid.table_id)}}}",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
    ]
    lead_head = [latex_escape(layout.row_header)] + (["Source"] if grid.show_source else [])
    groups = layout.groups()
    if any(g is not None for g, _ in groups):
        top, rules, col = list(lead_head), [], lead + 1
        second = [""] * lead
        index = 0
        for group, span in groups:
            if group is None:
                top.append(latex_escape(layout.columns[index].header))
                second.append("")
            else:
                top.append(rf"\multicolumn{{{span}}}{{c}}{{{latex_escape(group)}}}")
                rules.append(rf"\cmidrule(lr){{{col}-{col + span - 1}}}")
                second.extend(latex_escape(c.header) for c in layout.columns[index : index + span])
            col += span
            index += span
        lines.append(" & ".join(top) + r" \\")
        lines.append("".join(rules))
        lines.append(" & ".join(second) + r" \\")
    else:
        lines.append(" & ".join(lead_head + [latex_escape(c.header) for c in layout.columns]) + r" \\")
    lines.append(r"\midrule")
    for row in grid.rows:
        first = [row.label] + ([row.source] if grid.show_source else [])
        lines.append(" & ".join(latex_escape(t) for t in first + [c.text for c in row.cells]) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    lines += [r"\par\footnotesize " + latex_escape(f) for f in grid.footnotes]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def to_csv(grid: Grid) -> str:
    """One header line ('group: column' labels), then one line per row; values as shown."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_header(grid))
    for row in grid.rows:
        first = [row.label] + ([row.source] if grid.show_source else [])
        writer.writerow(first + [c.text for c in row.cells])
    return buf.getvalue()


RENDERERS: dict[str, Callable[[Grid], str]] = {"md": to_markdown, "latex": to_latex, "csv": to_csv}


def render(grid: Grid, fmt: str) -> str:
    """Render one grid in `fmt` ('md', 'latex' or 'csv')."""
    return RENDERERS[fmt](grid)
