"""Every leaderboard figure quoted in the docs equals the stored entry it comes from (docs drift otherwise: the
baselines page once showed adr-synth v1 numbers for a year's worth of commits)."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEASURED = ROOT / "leaderboards" / "measured"
DOCS = ("docs/kept.md", "docs/synthetic.md", "docs/baselines.md")
TASKS = ("adr-synth", "jigsaws-synth", "fitnessaqa-synth")
#: column or row label in the docs → (metric key, scale of the printed value)
LABELS = {
    "ρ": ("spearman", 1.0),
    "Spearman ρ": ("spearman", 1.0),
    "R-ℓ2 ×100": ("relative_l2", 100.0),
    "BLEU-4": ("bleu_4", 1.0),
    "METEOR": ("meteor", 1.0),
    "ROUGE-L": ("rouge_l", 1.0),
    "winner accuracy (judge)": ("judge_winner_accuracy", 1.0),
    "probe": ("probe_acc", 1.0),
    "MCQ": ("mcq_acc", 1.0),
}
NUMBER = re.compile(r"^-?\d+\.\d+$")
SEEDS_CELL = re.compile(r"^(-?\d+\.\d+) ± (\d+\.\d+)$")  # mean ± SD over the stored seeds of the entry


def _stored(task: str, model: str, key: str) -> list[float]:
    """The entry's value of `key` in every stored seed (model-seed0, -seed1, ...), in seed order."""
    paths = sorted((MEASURED / task).glob(f"{model}-seed[0-9]*/metrics.json"))
    paths = [p for p in paths if re.fullmatch(rf"{re.escape(model)}-seed\d+", p.parent.name)]
    return [json.loads(p.read_text())["metrics"][key]["value"] for p in paths]


def _metric(label: str) -> tuple[str, float] | None:
    label = label.strip()
    if label in LABELS:
        return LABELS[label]
    error = label.removeprefix("F1 ").replace(" ", "_")
    if re.fullmatch(r"(OHP|Squat)_[a-z]+", error):
        return f"f1_{error}", 1.0
    return None


def _cells(line: str) -> list[str]:
    return [c.strip().replace("**", "") for c in line.strip().strip("|").split("|")]


def _tables(text: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(_cells(line))
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def quoted_figures(doc: str) -> list[tuple[str, str, str, str]]:
    """(task, model, metric label, printed value) of every leaderboard figure in `doc`'s tables."""
    out = []
    for header, _rule, *rows in (t for t in _tables((ROOT / doc).read_text()) if len(t) > 2):
        task = header[0].split()[0]
        if task in TASKS:  # one row per model, one column per metric
            for row in rows:
                model = re.search(r"`([\w-]+)`", row[0])
                if model:
                    out += [
                        (task, model.group(1), label, v) for label, v in zip(header[1:], row[1:], strict=True)
                    ]
        elif header[:2] == ["task", "metric"]:  # one row per (task, metric), one column per model
            for row in rows:
                out += [(row[0], model, row[1], v) for model, v in zip(header[2:], row[2:], strict=True)]
    return out


@pytest.mark.parametrize("doc", DOCS)
def test_mean_and_sd_cells_are_those_of_the_stored_seeds(doc: str) -> None:
    wrong = []
    for task, model, label, printed in quoted_figures(doc):
        cell, metric = SEEDS_CELL.match(printed), _metric(label)
        if not cell or not metric:
            continue
        values = [v * metric[1] for v in _stored(task, model, metric[0])]
        assert len(values) >= 2, (
            f"{doc} quotes mean ± SD of {task} {model}, which has {len(values)} stored seed"
        )
        for shown, value in zip(
            cell.groups(), (statistics.mean(values), statistics.stdev(values)), strict=True
        ):
            if abs(float(shown) - value) > 0.5 * 10 ** -len(shown.split(".")[1]) + 1e-9:
                wrong.append(f"{task} {model} {label}: doc {printed}, seeds {values}")
    assert not wrong, f"{doc} disagrees with leaderboards/measured:\n" + "\n".join(wrong)


@pytest.mark.parametrize("doc", DOCS)
def test_docs_quote_the_stored_entries(doc: str) -> None:
    figures = [f for f in quoted_figures(doc) if NUMBER.match(f[3]) and _metric(f[2])]
    assert len(figures) >= 10, f"{doc}: no leaderboard table found (the parser or the doc changed)"
    wrong = []
    for task, model, label, printed in figures:
        key, scale = _metric(label)  # type: ignore[misc]
        path = MEASURED / task / f"{model}-seed0" / "metrics.json"
        assert path.exists(), f"{doc} quotes {task} {model}, which has no entry {path}"
        value = json.loads(path.read_text())["metrics"][key]["value"] * scale
        decimals = len(printed.split(".")[1])
        if abs(float(printed) - value) > 0.5 * 10**-decimals + 1e-9:
            wrong.append(f"{task} {model} {label}: doc {printed}, entry {value:.{decimals}f}")
    assert not wrong, f"{doc} disagrees with leaderboards/measured:\n" + "\n".join(wrong)
