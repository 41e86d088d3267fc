"""Per-sport bar charts with CI whiskers: PNG and SVG written, the SVG the same bytes on a second draw."""

from __future__ import annotations

from pathlib import Path

from lb_helpers import adr_metrics, make_run, tiny_adr

from adrbench.leaderboard.entries import find_entries
from adrbench.leaderboard.figures import all_figures, predicted_vs_true, sport_bars
from adrbench.records import PairPrediction


def test_per_sport_bars(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    make_run(runs / "a", "kept", "adr-synth", adr_metrics(0.8, 0.03))
    make_run(runs / "b", "magr", "adr-synth", adr_metrics(0.5, 0.09))
    make_run(runs / "c", "kept", "jigsaws-synth", adr_metrics(0.5, 0.09) | {"task": "jigsaws-synth"})
    entries = find_entries([runs])
    paths = all_figures(entries, tmp_path / "fig")
    assert [p.name for p in paths] == [
        "adr-synth-spearman-per-sport.png",
        "adr-synth-spearman-per-sport.svg",
        "adr-synth-relative_l2-per-sport.png",
        "adr-synth-relative_l2-per-sport.svg",
    ]
    assert paths[0].read_bytes().startswith(b"\x89PNG")
    svg = paths[1].read_text(encoding="utf-8")
    assert "Soccer" in svg and "magr (seed 0)" in svg and "kept (seed 0)" in svg
    first = paths[1].read_bytes()
    again = sport_bars(entries, "adr-synth", "spearman", tmp_path / "fig2")
    assert again[1].read_bytes() == first
    assert sport_bars(entries, "fitnessaqa-synth", "spearman", tmp_path / "none") == []


def test_predicted_vs_true(tmp_path: Path) -> None:
    data = tiny_adr()
    test = data.splits["test"]
    good = [PairPrediction(pair_id=p, score_1=3.0, score_2=5.0) for p in test]
    failed = [PairPrediction(pair_id=p, score_1=None, score_2=4.0) for p in test]
    paths = predicted_vs_true(data, {"good": good, "half": failed, "silent": []}, tmp_path)
    assert [p.name for p in paths] == ["adr-synth-predicted-vs-true.png", "adr-synth-predicted-vs-true.svg"]
    svg = paths[1].read_text(encoding="utf-8")
    assert "good (n=12)" in svg and "half (n=6)" in svg and "silent" not in svg
    assert predicted_vs_true(data, {"none": []}, tmp_path / "empty") == []


def test_a_label_given_twice_is_drawn_once(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    make_run(runs / "a", "magr", "adr-synth", adr_metrics(0.5, 0.09))
    make_run(runs / "b", "magr", "adr-synth", adr_metrics(0.5, 0.09))
    svg = sport_bars(find_entries([runs]), "adr-synth", "spearman", tmp_path / "f")[1].read_text(
        encoding="utf-8"
    )
    assert svg.count("magr (seed 0)") == 1
