"""Measured tables from run folders and leaderboard entries: layouts, n, CIs, small-n marks, side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from lb_helpers import adr_metrics, make_run, metrics_json

from adrbench.errors import DataError
from adrbench.jsonl import write_json
from adrbench.leaderboard import build_grids
from adrbench.leaderboard.entries import category_key, find_entries, metric_at
from adrbench.leaderboard.generate import generated_files
from adrbench.leaderboard.measured import format_metric
from adrbench.leaderboard.paths import default_leaderboard_dir


def _runs(tmp_path: Path) -> Path:
    runs = tmp_path / "runs"
    make_run(runs / "a", "kept", "adr-synth", adr_metrics(0.8, 0.0355))
    make_run(runs / "b", "mean-score", "adr-synth", adr_metrics(0.1, 0.2), seed=1, model_args={"k": 3})
    jig = {"Knot_Tying": 4, "Needle_Passing": 6, "Suturing": 8}
    groups = {
        "group": {
            name: {
                "n_items": n,
                "metrics": {
                    "spearman": {"value": 0.5, "ci95": None, "n": n},
                    "relative_l2": {"value": 0.07, "ci95": None, "n": n},
                },
            }
            for name, n in jig.items()
        }
    }
    make_run(
        runs / "c",
        "kept",
        "jigsaws-synth",
        metrics_json(
            "jigsaws-synth",
            {
                "spearman": {"value": 0.6, "ci95": [0.4, 0.7], "n": 18},
                "relative_l2": {"value": 0.0747, "ci95": None, "n": 18},
            },
            groups,
        ),
    )
    make_run(
        runs / "d",
        "kept",
        "fitnessaqa-synth",
        metrics_json("fitnessaqa-synth", {"f1_OHP_knee": {"value": 0.67, "ci95": None, "n": 40}}),
    )
    return runs


def test_measured_tables_follow_the_paper_layouts(tmp_path: Path, lb_dir: Path) -> None:
    grids = build_grids("measured", lb_dir, [_runs(tmp_path)])
    assert set(grids) == {f"table{n}-measured-synth" for n in (2, 3, 4, 5, 7, 8, 9)} | {
        "subactivities-measured-synth",
        "protocols-measured-synth",  # its text columns (BLEU-4, RO-L, METEOR) are measured here
    }
    t2 = grids["table2-measured-synth"]
    assert [r.label for r in t2.rows] == ["kept (seed 0)", "mean-score[k=3] (seed 1)"]
    assert [c.text for c in t2.rows[0].cells] == ["0.80 [0.60, 0.90] (n=23)", "3.55 (n=23)"]
    t7 = grids["table7-measured-synth"]
    climbing_rho = t7.rows[0].cells[4].text
    assert climbing_rho == "0.70† [0.50, 0.80] (n=2)"
    assert any("n < 5" in note for note in t7.footnotes)
    assert t7.rows[0].cells[1].text == "3.55 [1.77, 7.10] (n=12)"
    t3 = grids["table3-measured-synth"]
    assert [c.text for c in t3.rows[0].cells] == [
        "0.60 [0.40, 0.70] (n=18)",
        "7.47 (n=18)",
        "0.670 (n=40)",
        "–",
        "–",
        "–",
    ]
    t8 = grids["table8-measured-synth"]
    assert [c.text for c in t8.rows[0].cells][:2] == ["0.50† (n=4)", "7.00† (n=4)"]
    t9 = grids["table9-measured-synth"]
    assert [r.label for r in t9.rows][:3] == [
        "kept (seed 0) (Soccer)",
        "kept (seed 0) (Basketball)",
        "kept (seed 0) (Climbing)",
    ]
    t5 = grids["table5-measured-synth"]
    assert t5.rows[3].label == "kept (seed 0) (All)" and t5.rows[3].cells[10].text.startswith("0.80")


def test_both_puts_paper_and_measured_rows_in_one_table(tmp_path: Path, lb_dir: Path) -> None:
    grids = build_grids("both", lb_dir, [_runs(tmp_path)])
    t2 = grids["table2"]
    assert t2.show_source
    sources = [r.source for r in t2.rows]
    assert sources[:11] == ["paper"] * 11 and sources[11:] == ["measured: adr-synth"] * 2
    assert t2.rows[10].cells[0].text == "0.80"
    assert [r.source for r in grids["table6"].rows] == ["paper"] * 4


def test_category_names_match_the_paper_keys() -> None:
    assert category_key("Rock Climbing") == "climbing"
    assert category_key("Knot_Tying") == "knot"
    assert category_key("Suturing") == "suturing"
    m = adr_metrics(0.5, 0.1)
    assert metric_at(m, "climbing", "spearman")["n"] == 2
    assert metric_at(m, "all", "meteor")["value"] == 0.25
    assert metric_at(m, "needle", "spearman") is None


def test_cell_format() -> None:
    assert format_metric("relative_l2", {"value": 0.0123, "ci95": [0.01, 0.02], "n": 7}).text == (
        "1.23 [1.00, 2.00] (n=7)"
    )
    assert format_metric("bleu_1", {"value": 0.25, "n": 1}).text == "0.250† (n=1)"
    assert format_metric("bleu_1", {"value": float("nan"), "n": 9}).text == "n/a (n=9)"
    assert format_metric("spearman", {"value": None, "ci95": None, "n": 703}).text == "n/a (n=703)"
    assert format_metric("spearman", None).text == "–"


def test_bad_run_folders_name_the_file(tmp_path: Path) -> None:
    run = tmp_path / "r"
    write_json(run / "config.json", {"task": "adr-synth"})
    write_json(run / "metrics.json", adr_metrics(0.5, 0.1))
    with pytest.raises(DataError, match=r"config\.json.*'model'"):
        find_entries([run])
    write_json(run / "config.json", {"model": "m", "task": "adr-synth"})
    write_json(run / "metrics.json", {"schema": "other"})
    with pytest.raises(DataError, match=r"metrics\.json.*'schema'"):
        find_entries([run])
    (run / "metrics.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError, match="line 1"):
        find_entries([run])
    with pytest.raises(DataError, match="no such folder"):
        find_entries([tmp_path / "missing"])


def test_checked_in_generated_folder_is_up_to_date() -> None:
    root = default_leaderboard_dir()
    for rel, text in generated_files(root).items():
        assert (root / "generated" / rel).read_text(encoding="utf-8") == text, rel


def test_subactivity_table_marks_the_one_pair_juggling(tmp_path: Path, lb_dir: Path) -> None:
    metrics = adr_metrics(0.5, 0.1)
    metrics["groups"]["group"] = {
        "Juggling": {"n_items": 1, "metrics": {"relative_l2": {"value": 0.25, "ci95": None, "n": 2}}},
        "Mid-Range Jump Shooting": {
            "n_items": 40,
            "metrics": {"spearman": {"value": 0.4, "ci95": None, "n": 80}},
        },
    }
    make_run(tmp_path / "r", "kept", "adr-synth", metrics)
    grids = build_grids("both", lb_dir, [tmp_path / "r"])
    grid = grids["subactivities-measured-synth"]
    assert grid.title == "Sub-activities (measured, adr-synth)"
    cells = [c.text for c in grid.rows[0].cells]
    assert cells[0] == "0.40 (n=80)" and cells[9] == "25.00† (n=2)"
    assert cells[13] == "10.00† [5.00, 20.00] (n=2)"  # Climbing: the Rock Climbing sport (n=2 in the helper)


def test_failed_fields_are_marked(tmp_path: Path, lb_dir: Path) -> None:
    metrics = adr_metrics(0.5, 0.1)
    metrics["failures"] = {"policy": "counted", "by_field": {"description": 23, "score": 0}}
    make_run(tmp_path / "r", "magr", "adr-synth", metrics)
    grids = build_grids("measured", lb_dir, [tmp_path / "r"])
    assert [c.text for c in grids["table4-measured-synth"].rows[0].cells][0] == "0.250‡ (n=23)"
    assert "‡" not in grids["table2-measured-synth"].rows[0].cells[0].text
    assert any(note.startswith("‡") for note in grids["table4-measured-synth"].footnotes)
