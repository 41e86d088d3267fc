"""Seeds studies: one run per training seed on the same data, and the summary of their metrics (seeds.json).

`adrbench run --seeds 3` (or `--seeds 0,1,2`) runs the config once per seed into `<out>/seed<N>`, each an
ordinary, resumable run folder: exactly what `adrbench run --train-seed N --out <out>/seed<N>` writes. A killed
study, started again, resumes each seed (a finished seed is only re-scored).

Only the training seed varies (RunConfig.train_seed: training, answer protocols, bootstrap); `seed`, which also
generates a synthetic task's data, stays fixed, so every seed is scored on the same items (seed 0's twin by
default) and the spread is the training's alone. The seed lives in the harness rather than in a model option
(KEPT's `seed_offset`) so that it works for every trainable model alike and is named by the leaderboard entry
(`<model>-seed<N>`) instead of hiding in a model-argument hash.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from adrbench.errors import ConfigError
from adrbench.jsonl import write_json
from adrbench.runs import CONFIG_FILE, RunConfig, RunResult

Progress = Callable[[str, int, int], None]  # (stage, done, total), as the runner's


def _quiet(stage: str, done: int, total: int) -> None:
    return None


SEEDS_FILE = "seeds.json"
SEEDS_SCHEMA = "adrbench.seeds/1"
MAX_SEEDS = 100


def parse_seeds(text: str) -> list[int]:
    """'3' → [0, 1, 2]; '0,1,5' → [0, 1, 5]; anything else (empty, negative, repeated, > 100) is refused."""
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts):
        raise ConfigError(f"--seeds takes a count (3) or a comma-separated list of seeds (0,1,2), not {text!r}")
    numbers = [int(p) for p in parts]
    seeds = list(range(numbers[0])) if len(numbers) == 1 else numbers
    if not seeds or len(seeds) > MAX_SEEDS:
        raise ConfigError(f"--seeds must name 1 to {MAX_SEEDS} seeds, not {text!r}")
    if len(set(seeds)) != len(seeds):
        raise ConfigError(f"--seeds names a seed twice: {text!r}")
    return seeds


def seed_dir(out: Path, seed: int) -> Path:
    """The run folder of one seed of a study."""
    return out / f"seed{seed}"


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def seed_configs(config: RunConfig, seeds: Sequence[int]) -> list[RunConfig]:
    """The study's configs: `config` with each training seed, on `config`'s data seed."""
    if config.train_seed is not None:
        raise ConfigError("give either --seeds or --train-seed, not both")
    return [config.model_copy(update={"train_seed": s}) for s in seeds]


def spread(values: Sequence[float | None]) -> dict[str, Any]:
    """{values, mean, sd, n_seeds}: mean and sample SD (ddof=1) of the finite values; sd None below two."""
    kept = [float(v) for v in values if v is not None and _finite(v)]
    return {
        "values": list(values),
        "mean": statistics.fmean(kept) if kept else None,
        "sd": statistics.stdev(kept) if len(kept) >= 2 else None,
        "n_seeds": len(kept),
    }


def summarize(config: RunConfig, results: Sequence[tuple[int, RunResult]]) -> dict[str, Any]:
    """seeds.json: per task metric, the per-seed values (in seed order), their mean, sample SD and n_seeds."""
    flats = [r.metrics.get("metrics", {}) for _, r in results]
    keys = sorted({k for flat in flats for k, v in flat.items() if isinstance(v, dict)})
    metrics = {}
    for key in keys:
        values = [flat.get(key, {}).get("value") for flat in flats]
        metrics[key] = spread([v if _finite(v) else None for v in values])
    return {
        "schema": SEEDS_SCHEMA,
        "model": config.model,
        "task": config.task,
        "data_seed": config.seed,
        "seeds": [s for s, _ in results],
        "n_seeds": len(results),
        "runs": {str(s): r.directory.name for s, r in results},
        "metrics": metrics,
    }


def run_seeds(
    config: RunConfig, out: Path | None, seeds: Sequence[int], progress: Progress = _quiet
) -> tuple[Path, dict[str, Any]]:
    """Run every seed into its own folder under `out` (default: the seed-less run's folder + '-seeds'), resuming
    what is there, then write `<out>/seeds.json` atomically; returns the study folder and the summary."""
    from adrbench.runner import load_task_data, run

    configs = seed_configs(config, seeds)
    if out is None:  # the default folder is per data, as a single run's
        bound = config.for_data(load_task_data(config).provenance.get("fingerprint"))
        folder = bound.default_dir()
        out = folder.with_name(folder.name + "-seeds")
    if (out / CONFIG_FILE).is_file():
        raise ConfigError(f"{out} holds a single run; a seeds study needs a folder of its own (another --out)")
    results = [(c.training_seed, run(c, seed_dir(out, c.training_seed), progress)) for c in configs]
    summary = summarize(config, results)
    write_json(out / SEEDS_FILE, summary)
    return out, summary
