"""Keep a run's results on the leaderboard: copy its config.json and metrics.json to measured/<task>/<name>/."""

from __future__ import annotations

from pathlib import Path

from adrbench.atomic import staged_dir
from adrbench.errors import DataError
from adrbench.jsonl import write_json
from adrbench.leaderboard.entries import PAIRED_FILE, load_run
from adrbench.leaderboard.significance import paired_against
from adrbench.leaderboard.validate import check_name


def entry_name(config: dict) -> str:
    """'<model>-seed<training seed>' ('-data<seed>' added when the data seed is neither 0 nor the training seed),
    with the config hash's first 8 characters when the model has options."""
    data_seed = config.get("seed", 0)
    train_seed = config.get("train_seed", data_seed)
    name = f"{config['model']}-seed{train_seed}"
    if data_seed not in (0, train_seed):
        name += f"-data{data_seed}"
    if config.get("model_args"):
        name += f"-{str(config.get('config_hash', ''))[:8]}"
    return name


def store_run(run_dir: Path, leaderboard_dir: Path, baseline_dir: Path | None = None) -> Path:
    """Copy one finished run into the leaderboard (atomically, refusing to overwrite); returns the entry folder.

    With `baseline_dir` (another finished run on the same items), the paired tests against it go in paired.json.
    """
    entry = load_run(run_dir)
    if entry.meta.get("status", "complete") != "complete":
        raise DataError(
            run_dir / "config.json",
            "the run has not finished",
            field="status",
            hint="resume it with the same command first",
        )
    name = check_name(entry_name(entry.meta), run_dir / "config.json")
    target = leaderboard_dir / "measured" / entry.task / name
    if target.exists():
        raise DataError(target, "a leaderboard entry of this name exists already", field="name")
    with staged_dir(target) as staging:
        write_json(staging / "config.json", entry.meta)
        write_json(staging / "metrics.json", entry.metrics)
        if baseline_dir is not None and baseline_dir.resolve() != run_dir.resolve():
            write_json(staging / PAIRED_FILE, paired_against(run_dir, baseline_dir))
    return target
