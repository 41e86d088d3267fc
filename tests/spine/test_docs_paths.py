"""Every docs page the code points a user at ships with the project (no hint names a file outside it)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("adrbench", "baselines", "kept")
DOCS_PATH = re.compile(r"docs/[\w./-]*\w")


def _sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (REPO / package).rglob("*.py"))


def test_every_docs_path_in_the_code_exists() -> None:
    mentioned = {
        (match.group(0), path.relative_to(REPO).as_posix())
        for path in _sources()
        for match in DOCS_PATH.finditer(path.read_text(encoding="utf-8"))
    }
    pages = {docs for docs, _ in mentioned}
    assert {"docs/adr-format.md", "docs/jigsaws-format.md", "docs/fitnessaqa-format.md"} <= pages  # the data hints
    missing = sorted((docs, where) for docs, where in mentioned if not (REPO / docs).is_file())
    assert not missing, missing


def test_no_hint_points_outside_the_project() -> None:
    outside = [
        f"{path.relative_to(REPO)}:{n}"
        for path in _sources()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "research/" in line
    ]
    assert not outside, outside
