"""Measured results: run folders (config.json + metrics.json) and leaderboard entries (leaderboards/measured/)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from adrbench.errors import DataError

METRICS_SCHEMA = "adrbench.metrics/1"
PAIRED_FILE = "paired.json"  # paired tests against the baseline run (adrbench.leaderboard.significance)
_ALIASES = {
    "rock_climbing": "climbing",
    "knot_tying": "knot",
    "needle_passing": "needle",
    "mid_range_jump_shooting": "mid_range_shooting",
}


@dataclass(frozen=True)
class Entry:
    """One measured result of one model on one task: the row label it shows under and its metrics.json."""

    label: str
    task: str
    source: str  # 'run' or 'submission'
    path: Path
    metrics: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    paired: dict[str, Any] | None = None  # paired tests against a baseline, when stored with one
    group: str = ""  # what the entry's seeds share: entries differing only in training seed form one group
    seed: int | None = None  # the training seed of a run (None: a submission)

    @property
    def seed_group(self) -> str:
        """The label shared by the entries that differ only in their training seed (the label itself without)."""
        return self.group or self.label

    @property
    def family(self) -> str:
        """The paper's task family of the task: 'adr-synth' → 'adr'."""
        return self.task.removesuffix("-synth")

    @property
    def variant(self) -> str:
        return "synth" if self.task.endswith("-synth") else "real"


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON file that must hold an object; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(path, "file not found") from None
    except UnicodeDecodeError:
        raise DataError(path, "not UTF-8 text") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, f"not valid JSON ({exc.msg})", line=exc.lineno) from None
    if not isinstance(obj, dict):
        raise DataError(path, "must hold a JSON object")
    return obj


def check_metrics(path: Path, obj: dict[str, Any]) -> dict[str, Any]:
    """Check the parts of a metrics.json that the tables read (schema, task, metrics, groups)."""
    if obj.get("schema") != METRICS_SCHEMA:
        raise DataError(path, f"schema must be {METRICS_SCHEMA!r}", field="schema")
    if not isinstance(obj.get("task"), str):
        raise DataError(path, "missing task name", field="task")
    if not isinstance(obj.get("metrics"), dict):
        raise DataError(path, "missing metrics object", field="metrics")
    if not isinstance(obj.get("groups", {}), dict):
        raise DataError(path, "groups must be an object", field="groups")
    return obj


def _args_text(args: Any) -> str:
    if not args:
        return ""
    if isinstance(args, dict):
        return "[" + ",".join(f"{k}={args[k]}" for k in sorted(args)) + "]"
    return f"[{args}]"


def load_run(folder: Path) -> Entry:
    """A run folder: config.json ('model', 'task', 'seed', 'model_args') and metrics.json."""
    config = read_json_object(folder / "config.json")
    for key in ("model", "task"):
        if not isinstance(config.get(key), str) or not config[key]:
            raise DataError(folder / "config.json", "missing or not a string", field=key)
    metrics = check_metrics(folder / "metrics.json", read_json_object(folder / "metrics.json"))
    data_seed = config.get("seed", "?")
    train_seed = config.get("train_seed", data_seed)
    name = f"{config['model']}{_args_text(config.get('model_args'))}"
    shown = f"seed {train_seed}" + (f", data seed {data_seed}" if train_seed != data_seed else "")
    group = name + (f" (data seed {data_seed})" if data_seed not in (0, "?") else "")
    seed = train_seed if isinstance(train_seed, int) else None
    return Entry(f"{name} ({shown})", config["task"], "run", folder, metrics, config, _paired(folder), group, seed)


def _paired(folder: Path) -> dict[str, Any] | None:
    """The entry's paired tests against the baseline (paired.json), if it has them."""
    return read_json_object(folder / PAIRED_FILE) if (folder / PAIRED_FILE).is_file() else None


def load_submission(folder: Path) -> Entry:
    """A submitted entry: submission.json (name, task, meta) and metrics.json."""
    sub = read_json_object(folder / "submission.json")
    if not isinstance(sub.get("name"), str) or not isinstance(sub.get("task"), str):
        raise DataError(folder / "submission.json", "missing name or task", field="name")
    metrics = check_metrics(folder / "metrics.json", read_json_object(folder / "metrics.json"))
    return Entry(sub["name"], sub["task"], "submission", folder, metrics, sub, _paired(folder))


def load_entry(folder: Path) -> Entry:
    """A run folder or a submission folder, told apart by config.json / submission.json."""
    return load_submission(folder) if (folder / "submission.json").is_file() else load_run(folder)


def find_entries(paths: list[Path]) -> list[Entry]:
    """Every result under `paths`: a folder with metrics.json is one entry, otherwise its subfolders are searched."""
    found: list[Entry] = []
    for path in paths:
        if not path.exists():
            raise DataError(path, "no such folder")
        if (path / "metrics.json").is_file():
            found.append(load_entry(path))
            continue
        for metrics in sorted(path.rglob("metrics.json")):
            if (metrics.parent / "config.json").is_file() or (metrics.parent / "submission.json").is_file():
                found.append(load_entry(metrics.parent))
    return found


def leaderboard_entries(leaderboard_dir: Path) -> list[Entry]:
    """The entries stored under leaderboards/measured/<task>/<name>/."""
    measured = leaderboard_dir / "measured"
    return find_entries([measured]) if measured.is_dir() else []


def category_key(name: str) -> str:
    """A category or group name normalised to the paper's keys ('Rock Climbing' → 'climbing')."""
    key = "_".join(name.lower().replace("-", " ").replace("_", " ").split())
    return _ALIASES.get(key, key)


def metric_at(metrics: dict[str, Any], category: str, metric: str) -> dict[str, Any] | None:
    """The metric object {value, ci95, n, ...} for a category ('all': the whole split), or None."""
    if category == "all":
        found = metrics.get("metrics", {}).get(metric)
        return found if isinstance(found, dict) else None
    for kind in sorted(metrics.get("groups", {})):
        for name, group in metrics["groups"][kind].items():
            if category_key(name) == category and isinstance(group, dict):
                found = group.get("metrics", {}).get(metric)
                if isinstance(found, dict):
                    return {**found, "n": found.get("n", group.get("n_items"))}
    return None


def finite(value: Any) -> TypeGuard[float]:
    """Whether `value` is a finite number (bools are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
