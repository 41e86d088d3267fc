"""A static, self-contained HTML leaderboard: one file, sortable columns, every shown string escaped.

The inline script is allowed by its hash in a Content-Security-Policy, so even an escaping slip could not run
injected script; user strings (model names, meta) only ever reach the page through html.escape.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from adrbench.leaderboard.grid import Grid

_SCRIPT = """
(function () {
  function key(row, index) {
    var cell = row.children[index];
    if (!cell) { return [2, ""]; }
    var sort = cell.getAttribute("data-sort");
    if (sort !== null && sort !== "") { return [0, parseFloat(sort)]; }
    return [1, cell.textContent.trim().toLowerCase()];
  }
  function sortBy(th) {
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var ka = key(a, index), kb = key(b, index);
      if (ka[0] !== kb[0]) { return ka[0] - kb[0]; }
      if (ka[1] < kb[1]) { return ascending ? -1 : 1; }
      if (ka[1] > kb[1]) { return ascending ? 1 : -1; }
      return 0;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(th.parentNode.children, function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.lb thead th"), function (th) {
    th.addEventListener("click", function () { sortBy(th); });
  });
})();
"""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table.lb { border-collapse: collapse; margin: 1em 0 0.3em; font-size: 14px; }
table.lb th, table.lb td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: right; }
table.lb th:first-child, table.lb td:first-child { text-align: left; white-space: nowrap; }
table.lb thead th { cursor: pointer; background: #f4f4f4; user-select: none; }
table.lb th[aria-sort=ascending]::after { content: " \\25B2"; }
table.lb th[aria-sort=descending]::after { content: " \\25BC"; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 4px; }
p.note { font-size: 12px; color: #555; margin: 0; }
"""


def _script_hash() -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode("ascii")


def _table(grid: Grid) -> str:
    lead = [grid.layout.row_header or "Model"] + (["Source"] if grid.show_source else [])
    heads = lead + [c.label for c in grid.layout.columns]
    out = [
        f'<table class="lb" id="{escape(grid.table_id)}">',
        f"<caption>{escape(grid.title)}: {escape(grid.caption)}</caption>",
        "<thead><tr>" + "".join(f'<th scope="col">{escape(h)}</th>' for h in heads) + "</tr></thead>",
        "<tbody>",
    ]
    for row in grid.rows:
        first = [row.label] + ([row.source] if grid.show_source else [])
        tds = "".join(f"<td>{escape(t)}</td>" for t in first)
        for cell in row.cells:
            sort = "" if cell.sort is None else f' data-sort="{cell.sort!r}"'
            tds += f"<td{sort}>{escape(cell.text)}</td>"
        out.append(f"<tr>{tds}</tr>")
    out.append("</tbody></table>")
    out += [f'<p class="note">{escape(note)}</p>' for note in grid.footnotes]
    return "\n".join(out)


def html_page(grids: dict[str, Grid], title: str = "adrbench leaderboard") -> str:
    """One HTML file with every grid as a sortable table (click a header to sort), no external assets."""
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src '{_script_hash()}'; img-src 'none'"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    parts += [_table(grid) for grid in grids.values()]
    parts.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts) + "\n"
