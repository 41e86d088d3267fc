"""Join the shard folders of one run (`adrbench run --shard i/N`) into that run's folder (`adrbench merge`).

The merged folder is the unsharded run's: its config (shard removed) and config hash, its predictions files
written in the split's item order, and its metrics.json scored by `evaluate` with the run's bootstrap settings,
so it holds the same bytes as the unsharded run would (config.json's timestamps and command aside, plus
`merged_from`). Everything is checked before anything is written: every shard folder must be a complete shard of
the same config on the same data, all N shards must be there once each, and each must hold exactly its items.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from adrbench import provenance
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.jsonl import write_json, write_records
from adrbench.models.base import Output
from adrbench.predictions import read_predictions
from adrbench.records import Prediction, prediction_id
from adrbench.runs import CONFIG_FILE, PREDICTIONS_FILE, SWAPPED_FILE, RunConfig
from adrbench.shards import Shard, format_shard, shard_ids, shard_of


@dataclass(frozen=True)
class ShardRun:
    """One shard folder: where it is, its config.json, and its config."""

    path: Path
    record: dict[str, Any]
    config: RunConfig

    @property
    def shard(self) -> Shard:
        return cast(Shard, self.config.shard)

    @property
    def name(self) -> str:
        return f"{self.path} (shard {format_shard(self.shard)})"


def read_shard(path: Path) -> ShardRun:
    """A complete shard folder's config.json and config; anything else is refused with the reason."""
    try:
        record = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
        config = RunConfig.model_validate(record["config"])
    except FileNotFoundError:
        raise ConfigError(f"{path} is not a run folder (no {CONFIG_FILE})") from None
    except (ValueError, KeyError, TypeError, ValidationError):
        raise ConfigError(f"{path / CONFIG_FILE} is not a run's config.json") from None
    if config.shard is None:
        raise ConfigError(
            f"{path} is a full run, not a shard; merge takes the folders of `adrbench run --shard`"
        )
    if record.get("status") != "complete":
        raise ConfigError(
            f"{path} (shard {format_shard(config.shard)}) is not complete (status {record.get('status')!r}); "
            f"run its command again to finish it"
        )
    return ShardRun(path, record, config)


def _differences(a: RunConfig, b: RunConfig) -> str:
    """The settings two configs differ in, as 'seed (0 vs 1), ...'."""
    da, db = a.model_dump(exclude={"shard", "data_root"}), b.model_dump(exclude={"shard", "data_root"})
    diff = [f"{k} ({da[k]!r} vs {db[k]!r})" for k in da if da[k] != db[k]]
    return ", ".join(diff) or "config hash"


def check_shards(shards: Sequence[ShardRun]) -> RunConfig:
    """The run the shards make (unsharded config); refused unless they are its N shards, each once."""
    first = shards[0]
    base = first.config.unsharded()
    for other in shards[1:]:
        if other.config.data_fingerprint != first.config.data_fingerprint:
            raise ConfigError(
                f"shards of different data: {first.path} has data fingerprint {first.config.data_fingerprint}, "
                f"{other.path} {other.config.data_fingerprint}"
            )
        if other.config.unsharded().config_hash() != base.config_hash():
            raise ConfigError(
                f"shards of different runs: {first.path} and {other.path} differ in "
                f"{_differences(first.config, other.config)}"
            )
        if other.shard[1] != first.shard[1]:
            raise ConfigError(
                f"{first.name} and {other.name} split the items into different numbers of shards"
            )
    seen: dict[int, ShardRun] = {}
    for shard in shards:
        if shard.shard[0] in seen:
            raise ConfigError(
                f"shard {format_shard(shard.shard)} is given twice: {seen[shard.shard[0]].path} and {shard.path}"
            )
        seen[shard.shard[0]] = shard
    n = first.shard[1]
    missing = [str(i) for i in range(n) if i not in seen]
    if missing:
        raise ConfigError(
            f"missing shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} of {n} (numbered 0 to {n - 1}); "
            f"run {'them' if len(missing) > 1 else 'it'} with --shard i/{n} and merge all {n}"
        )
    return base


def _shard_predictions(shard: ShardRun, data: Dataset, name: str, swapped: bool) -> list[Prediction]:
    """A shard's predictions file, read strictly: exactly its own items, each once."""
    config = shard.config
    path = shard.path / name
    if not path.is_file():
        raise ConfigError(f"{shard.name} has no {name}")
    preds = read_predictions(path, data, config.split, swapped=swapped)
    n = shard.shard[1]
    for pred in preds:
        owner = shard_of(prediction_id(pred), n)
        if owner != shard.shard[0]:
            raise ConfigError(
                f"{path}: item {prediction_id(pred)!r} belongs to shard {owner}/{n}, not {format_shard(shard.shard)}: "
                f"overlapping shards"
            )
    want = len(shard_ids(data.splits[config.split], shard.shard))
    if len(preds) != want:
        raise ConfigError(
            f"{path}: {len(preds)} of the shard's {want} items predicted; run its command again to finish it"
        )
    return preds


def _in_split_order(data: Dataset, split: str, preds: Sequence[Prediction]) -> list[Prediction]:
    by_id = {prediction_id(p): p for p in preds}
    return [by_id[item] for item in data.splits[split]]


def merge(dirs: Sequence[Path], out: Path, data_root: Path | None = None) -> tuple[Path, dict]:
    """Check the shard folders, then write the merged run folder `out` (predictions, metrics.json, config.json
    last); returns `out` and the metrics. `out` may hold the shard folders, not a run (a config.json)."""
    from adrbench.runner import both_orders, load_task_data, score_folder

    if not dirs:
        raise ConfigError("merge needs the shard folders to join")
    if (out / CONFIG_FILE).exists():
        raise ConfigError(f"{out} already holds a run ({CONFIG_FILE}); choose another --out or remove it")
    shards = [read_shard(Path(d)) for d in dirs]
    config = check_shards(shards)
    if data_root is not None:
        config = config.model_copy(update={"data_root": str(data_root)})
    data = load_task_data(config)  # refused if the data found is not the shards' (its fingerprint)
    both = both_orders(config, data)
    preds: list[Prediction] = []
    twin: list[Prediction] = []
    for shard in sorted(shards, key=lambda s: s.shard[0]):
        preds += _shard_predictions(shard, data, PREDICTIONS_FILE, swapped=False)
        if both:
            twin += _shard_predictions(shard, data, SWAPPED_FILE, swapped=True)
    preds = _in_split_order(data, config.split, preds)
    twin = _in_split_order(data, config.split, twin) if both else []
    write_records(out / PREDICTIONS_FILE, preds)
    if both:
        write_records(out / SWAPPED_FILE, twin)
    metrics = score_folder(out, config, data, cast(list[Output], shards[0].record["outputs"]))
    write_json(out / CONFIG_FILE, _merged_record(config, shards))
    return out, metrics


def _merged_record(config: RunConfig, shards: Sequence[ShardRun]) -> dict[str, Any]:
    """The merged folder's config.json: the first shard's, as the unsharded run, naming the shards it joins."""
    record = {k: v for k, v in shards[0].record.items() if k not in ("shard", "n_shard_items")}
    return record | {
        "config": config.model_dump(),
        "config_hash": config.config_hash(),
        "merged_from": [str(s.path) for s in sorted(shards, key=lambda s: s.shard[0])],
        "command": provenance.command_line(),
        "finished": provenance.now(),
        "status": "complete",
    }
