"""Multi-seed entries in the measured tables: mean ± SD with the seed count, and the seed-noise effect rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lb_helpers import metrics_json

from adrbench.jsonl import write_json
from adrbench.leaderboard import build_grids
from adrbench.leaderboard.significance import effect, pooled_sd
from adrbench.leaderboard.store import entry_name


def _paired(value_a: float, value_b: float, p_value: float) -> dict[str, Any]:
    test = {"value_a": value_a, "value_b": value_b, "delta": value_a - value_b, "p_value": p_value}
    return {"baseline": "mean", "baseline_config_hash": "base0", "alpha": 0.05, "tests": {"spearman": test}}


def _entry(
    root: Path, model: str, seed: int, rho: float, paired: dict[str, Any] | None = None, hash_: str = ""
) -> None:
    """A stored jigsaws-synth entry of one training seed on data seed 0, as `tables --store` writes it."""
    folder = root / "measured" / "jigsaws-synth" / f"{model}-seed{seed}"
    config = {"model": model, "task": "jigsaws-synth", "seed": 0, "train_seed": seed, "model_args": {}}
    write_json(folder / "config.json", {**config, "config_hash": hash_ or f"{model}{seed}"})
    metrics = {"spearman": {"value": rho, "ci95": [rho - 0.1, rho + 0.1], "n": 30}}
    write_json(folder / "metrics.json", metrics_json("jigsaws-synth", metrics))
    if paired is not None:
        write_json(folder / "paired.json", paired)


def _table3(root: Path) -> dict[str, list[str]]:
    grid = build_grids("measured", root, [])["table3-measured-synth"]
    return {row.label: [c.text for c in row.cells] for row in grid.rows} | {"notes": grid.footnotes}


def test_a_multi_seed_entry_shows_mean_sd_and_its_seed_count(tmp_path: Path) -> None:
    _entry(tmp_path, "mean", 0, 0.1, hash_="base0")
    for seed, rho in enumerate((0.84, 0.845, 0.835)):
        _entry(tmp_path, "kept", seed, rho, _paired(rho, 0.1, 0.0))
    rows = _table3(tmp_path)
    assert rows["kept (seeds 0, 1, 2)"][0] == "0.840 ± 0.005* (3 seeds, n=30)"
    assert rows["mean (seed 0)"][0] == "0.10 [0.00, 0.20] (n=30)"  # one seed: as a single run
    assert any("ddof=1" in note and "pooled seed SD" in note for note in rows["notes"])


def test_an_ablation_within_seed_noise_is_not_marked(tmp_path: Path) -> None:
    """Significant against the baseline in every seed, but the baseline is 3 seeds too and the gap is under
    2 pooled SDs: no '*'; further apart, '*'."""
    for seed, rho in enumerate((0.80, 0.84, 0.88)):
        _entry(tmp_path, "kept", seed, rho, hash_="base0" if seed == 0 else "")
    for seed, rho in enumerate((0.78, 0.82, 0.86)):
        _entry(tmp_path, "kept-no-gnn", seed, rho, _paired(rho, 0.80, 0.01))
    for seed, rho in enumerate((0.50, 0.52, 0.54)):
        _entry(tmp_path, "kept-no-kl", seed, rho, _paired(rho, 0.80, 0.01))
    rows = _table3(tmp_path)
    assert rows["kept-no-gnn (seeds 0, 1, 2)"][0] == "0.820 ± 0.040 (3 seeds, n=30)"
    assert rows["kept-no-kl (seeds 0, 1, 2)"][0] == "0.520 ± 0.020* (3 seeds, n=30)"


def test_the_effect_rule() -> None:
    significant, not_significant = _paired(0.9, 0.1, 0.001), _paired(0.9, 0.1, 0.2)
    assert pooled_sd([1.0], [2.0]) is None
    assert abs((pooled_sd([1.0, 3.0], [5.0]) or 0) - 2**0.5) < 1e-12  # only the first group has a dof
    # one seed on each side: the paired test alone, as for single-seed entries
    assert effect([significant], "spearman", [0.9], [0.1])
    assert not effect([not_significant], "spearman", [0.9], [0.1])
    # several seeds: every paired test significant AND |Δmean| > 2 pooled SD
    assert effect([significant] * 2, "spearman", [0.90, 0.92], [0.10])
    assert not effect([significant] * 2, "spearman", [0.50, 0.90], [0.40])  # Δ 0.3 < 2 × 0.28
    assert not effect([significant, not_significant], "spearman", [0.90, 0.92], [0.10])


def test_entries_are_named_by_their_training_seed() -> None:
    assert entry_name({"model": "kept", "seed": 0, "train_seed": 2}) == "kept-seed2"
    assert entry_name({"model": "kept", "seed": 0}) == "kept-seed0"  # a run made before train_seed existed
    assert entry_name({"model": "kept", "seed": 1, "train_seed": 1}) == "kept-seed1"
    assert entry_name({"model": "kept", "seed": 1, "train_seed": 2}) == "kept-seed2-data1"
