"""Run a model on a task: fit on train, predict the test items as JSON lines written as they come, score.

A run folder holds config.json, predictions.jsonl, metrics.json (and model/ for trained models). Started again
with the same arguments on the same data, a killed run resumes in the same folder: it keeps every complete
prediction line, predicts only the rest, and reuses the saved model instead of training again. A folder of
another run, or of the same run on other data (another data fingerprint), is refused.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from adrbench import provenance
from adrbench.atomic import staged_dir
from adrbench.dataset import Dataset
from adrbench.errors import AdrbenchError, ConfigError, Interrupted
from adrbench.evaluate import CHOICES, check_wordnet, evaluate, evaluate_files, read_files
from adrbench.jsonl import append_record, cut_torn_tail, write_json
from adrbench.models import get_model_class
from adrbench.models.base import ALL_OUTPUTS, Model, Output
from adrbench.predictions import Coverage, coverage, read_predictions
from adrbench.records import PairPrediction, Prediction, VideoPrediction, prediction_id
from adrbench.runs import (
    CONFIG_FILE,
    METRICS_FILE,
    MODEL_DIR,
    PREDICTIONS_FILE,
    SWAPPED_FILE,
    TRAINING_DIR,
    RunConfig,
    RunResult,
)
from adrbench.seeding import seed_everything
from adrbench.shards import format_shard, shard_ids
from adrbench.tasks import get_task, task_family

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def load_task_data(config: RunConfig) -> Dataset:
    """Load the run's task, restricted to the first `limit` items of its split (refused if the config is bound
    to data of another fingerprint)."""
    data = _load(config.task, config.data_root, config.seed, config.task_args, config.split, config.limit)
    config.for_data(data.provenance.get("fingerprint"))
    return data


def _load(
    task: str,
    data_root: str | Path | None,
    seed: int,
    task_args: dict[str, str],
    split: str,
    limit: int | None,
) -> Dataset:
    data = get_task(task).load(
        Path(data_root) if data_root else None, seed=seed, extracted_keypoints=True, **task_args
    )
    if split not in data.splits:
        raise ConfigError(f"task {task!r} has no split {split!r}; it has {sorted(data.splits)}")
    return _limited(data, split, limit)


def _limited(data: Dataset, split: str, limit: int | None) -> Dataset:
    """`data` with `split` cut to its first `limit` items (all of them without a limit)."""
    if limit is None:
        return data
    return dataclasses.replace(data, splits={**data.splits, split: data.splits[split][:limit]})


def build_model(config: RunConfig, data: Dataset) -> Model:
    """Instantiate the model and check it can run on the task (its units, task families and `Model.check`)."""
    cls = get_model_class(config.model)  # cached by the import system: resolving it twice costs nothing
    if data.unit not in cls.units:
        raise ConfigError(
            f"model {config.model!r} predicts {sorted(cls.units)} items; task {config.task!r} "
            f"evaluates {data.unit} items"
        )
    family = task_family(data.task)
    if cls.tasks is not None and family not in cls.tasks:
        raise ConfigError(f"model {config.model!r} supports tasks {sorted(cls.tasks)}, not {family!r}")
    try:
        model = cls(**config.model_args)
    except TypeError as exc:
        raise ConfigError(f"model {config.model!r}: bad --model-arg ({exc})") from None
    model.check(data)
    return model


def _done(path: Path, data: Dataset, split: str, swapped: bool) -> dict[str, Prediction]:
    """Complete predictions already in the run's file (read strictly); a torn last line (a kill) is cut off."""
    if not path.exists():
        return {}
    cut_torn_tail(path)
    return {prediction_id(p): p for p in read_predictions(path, data, split, swapped=swapped)}


def _prepare_folder(config: RunConfig, out: Path, model: Model, data: Dataset) -> None:
    existing = out / CONFIG_FILE
    if existing.exists():
        old = json.loads(existing.read_text(encoding="utf-8"))
        _check_same_shard(out, old, config)
        if old.get("data_fingerprint") != config.data_fingerprint:
            raise ConfigError(
                f"{out} holds a run on other data (data fingerprint {old.get('data_fingerprint')}, this data "
                f"{config.data_fingerprint}); leave out --out (the default folder is per data), choose another "
                f"--out, or remove {out} to start again"
            )
        if old.get("config_hash") != config.config_hash():
            raise ConfigError(
                f"{out} holds a different run (config hash {old.get('config_hash')}); "
                f"choose another --out or remove it"
            )
        if old.get("status") == "interrupted":
            _set_status(out, "running")
        return
    write_json(existing, _config_record(config, model, data, status="running"))


def _check_same_shard(out: Path, old: dict[str, Any], config: RunConfig) -> None:
    """A shard folder resumes only as the same shard (and a full run's folder never as a shard)."""
    old_shard = old.get("config", {}).get("shard")
    new_shard = list(config.shard) if config.shard else None
    if old_shard == new_shard:
        return
    held = f"shard {format_shard(tuple(old_shard))}" if old_shard else "a full (unsharded) run"
    wanted = f"shard {format_shard(config.shard)}" if config.shard else "a full run"
    raise ConfigError(f"{out} holds {held}, not {wanted}; give each shard its own --out")


def run_items(config: RunConfig, data: Dataset) -> list:
    """The items the run predicts: its split (cut to `limit`), or only its shard's items of it."""
    wanted = set(shard_ids(data.splits[config.split], config.shard))
    return [item for item in data.items(config.split) if item.id in wanted]


def _config_record(config: RunConfig, model: Model, data: Dataset, status: str) -> dict[str, Any]:
    return {
        "config": config.model_dump(),
        "config_hash": config.config_hash(),
        "model": config.model,
        "task": config.task,
        "seed": config.seed,
        "train_seed": config.training_seed,
        "model_args": config.model_args,
        "model_config": model.config(),
        "outputs": sorted(model.outputs),
        "data_fingerprint": config.data_fingerprint,
        "splits": {name: len(ids) for name, ids in data.splits.items()},
        "split_protocol": {
            k: data.provenance[k] for k in ("split_protocol", "validation") if k in data.provenance
        },
        "n_items": len(data.splits[config.split]),
        **(
            {"shard": format_shard(config.shard), "n_shard_items": len(run_items(config, data))}
            if config.shard
            else {}
        ),
        # which videos' keypoints came from an estimator rather than the dataset's files (adrbench.features.attach)
        **(
            {"keypoint_sources": data.provenance["keypoint_sources"]}
            if "keypoint_sources" in data.provenance
            else {}
        ),
        "versions": provenance.versions(),
        "git_revision": provenance.git_revision(),
        "command": provenance.command_line(),
        "started": provenance.now(),
        "status": status,
    }


class _NothingSaved(Exception):
    """The model had nothing to save: keep no model/ folder (and its training state)."""


def _fit_or_load(model: Model, data: Dataset, config: RunConfig, out: Path, progress: Progress) -> bool:
    """Train (saving the state for resume) unless an earlier invocation saved one; True if it trained."""
    if not model.trainable:
        return False
    state = out / MODEL_DIR
    if state.is_dir() and model.load(state):
        return False
    progress("fit", 0, 1)
    seed_everything(config.training_seed)
    model.work_dir = work = out / TRAINING_DIR
    model.fit(data, config.training_seed)
    try:
        with staged_dir(state, replace=True) as staged:  # the old model/ stays whole until the new one is in
            if not model.save(staged):
                raise _NothingSaved
    except _NothingSaved:
        pass
    else:
        shutil.rmtree(work, ignore_errors=True)
    progress("fit", 1, 1)
    return True


def _check_batch(model_name: str, batch_ids: list[str], preds: Sequence[Prediction], record: type) -> None:
    got = [prediction_id(p) if isinstance(p, record) else None for p in preds]
    if got != batch_ids:
        raise AdrbenchError(
            f"model {model_name!r} returned predictions for {got[:3]}... where "
            f"{batch_ids[:3]}... were asked (one {record.__name__} per item, in order)"
        )


_SCORE_FIELDS = ("score", "score_1", "score_2")


def _finite(pred: Prediction) -> Prediction:
    """The prediction, or, if it holds a NaN or infinite score, the same item failed (counted, never written as
    JSON's non-standard NaN, never stopping the run)."""
    bad = [f for f in _SCORE_FIELDS if not math.isfinite(getattr(pred, f, None) or 0.0)]
    if not bad:
        return pred
    error = f"non-finite {', '.join(bad)} from the model"
    return pred.model_copy(update={f: None for f in bad} | {"meta": {**pred.meta, "error": error}})


def _predict_pass(
    model: Model,
    data: Dataset,
    config: RunConfig,
    items: list,
    path: Path,
    stage: str,
    progress: Progress,
    prepare: Callable[[], None],
    swap: bool = False,
) -> tuple[dict[str, Prediction], int]:
    """Predict every item not yet in `path`, appending each prediction as it comes.

    Returns every prediction by id and how many were already there; `prepare` (train or load the model) runs
    only if something is left to predict."""
    from adrbench.protocols import answer_protocols, swap_pair, unswap_prediction

    record = PairPrediction if data.unit == "pair" else VideoPrediction
    done = _done(path, data, config.split, swap)
    n_before = len(done)
    pending = [it for it in items if it.id not in done]
    if not pending:
        return done, n_before
    prepare()
    step = max(1, model.batch_size)
    with path.open("a", encoding="utf-8") as handle:
        progress(stage, len(done), len(items))
        for start in range(0, len(pending), step):
            batch = pending[start : start + step]
            shown = [swap_pair(p) for p in batch] if swap else batch
            preds: Sequence[Prediction] = [_finite(p) for p in model.predict(data, shown)]
            _check_batch(config.model, [it.id for it in shown], preds, record)
            if data.unit == "pair":  # _check_batch has made sure they are all PairPredictions
                pair_preds = cast(list[PairPrediction], preds)
                preds = (
                    [unswap_prediction(p) for p in pair_preds]
                    if swap
                    else answer_protocols(model, data, batch, pair_preds, k=CHOICES, seed=config.training_seed)
                )
            for pred in preds:
                append_record(handle, pred)
                done[prediction_id(pred)] = pred
            progress(stage, len(done), len(items))
    return done, n_before


def run(config: RunConfig, out: Path | None = None, progress: Progress = _quiet) -> RunResult:
    """Run `config` into `out` (default runs/<task>/<model>-<hash>), resuming whatever is already there.

    The config is bound to the data it loads (`RunConfig.for_data`): its hash, and so the default folder,
    depend on the data fingerprint, and a folder holding a run on other data is refused."""
    get_model_class(config.model)  # an unknown model name fails before any data is loaded
    data = load_task_data(config)
    config = config.for_data(data.provenance.get("fingerprint"))
    model = build_model(config, data)
    check_wordnet(
        data, config.split, model.outputs
    )  # before any training: METEOR would stop the run at the end
    out = out or config.default_dir()
    out.mkdir(parents=True, exist_ok=True)
    _prepare_folder(config, out, model, data)
    try:
        return _run_in(out, config, model, data, progress)
    except KeyboardInterrupt:
        raise _interrupted(out, config, data) from None


def _run_in(out: Path, config: RunConfig, model: Model, data: Dataset, progress: Progress) -> RunResult:
    """Train or load, predict what is not yet in `out`, score (not a shard: `adrbench merge` scores the
    shards together), and mark the run complete."""
    items = run_items(config, data)
    trained: list[bool] = []  # set once the model is ready: [whether it was trained rather than loaded]

    def prepare() -> None:
        if not trained:
            trained.append(_fit_or_load(model, data, config, out, progress))
            seed_everything(config.training_seed)

    _, n_resumed = _predict_pass(
        model, data, config, items, out / PREDICTIONS_FILE, "predict", progress, prepare
    )
    both = both_orders(config, data)
    if both:
        _predict_pass(model, data, config, items, out / SWAPPED_FILE, "swapped", progress, prepare, swap=True)

    # a shard writes no metrics.json: one shard's numbers are not the run's (`adrbench merge` scores them all)
    metrics = score_folder(out, config, data, model.outputs, progress) if config.shard is None else {}
    _set_status(out, "complete", finished=provenance.now(), model_config=model.config())
    return RunResult(
        directory=out,
        metrics=metrics,
        n_predicted=len(items) - n_resumed,
        n_resumed=n_resumed,
        trained=bool(trained and trained[0]),
    )


def score_folder(
    out: Path, config: RunConfig, data: Dataset, outputs: Iterable[Output], progress: Progress = _quiet
) -> dict:
    """Score a run folder's predictions files and write its metrics.json (a run's, or the merge of its shards:
    one scoring path, so a merged run holds the unsharded run's bytes)."""
    progress("score", 0, 1)
    metrics = evaluate_files(
        data,
        out / PREDICTIONS_FILE,
        config.split,
        swapped=out / SWAPPED_FILE if both_orders(config, data) else None,
        n_bootstrap=config.n_bootstrap,
        seed=config.training_seed,
        outputs=outputs,
    )
    write_json(out / METRICS_FILE, metrics)
    progress("score", 1, 1)
    return metrics


def both_orders(config: RunConfig, data: Dataset) -> bool:
    """Whether the run also presents every pair as (B,A) (predictions_ba.jsonl)."""
    return data.unit == "pair" and config.orders == "both"


def _interrupted(out: Path, config: RunConfig, data: Dataset) -> Interrupted:
    """Mark the run interrupted in config.json, and say how many predictions are saved and how to resume."""
    _set_status(out, "interrupted", interrupted=provenance.now())
    files = [PREDICTIONS_FILE, SWAPPED_FILE] if both_orders(config, data) else [PREDICTIONS_FILE]
    saved = sum(len(_done(out / name, data, config.split, name == SWAPPED_FILE)) for name in files)
    total = len(files) * len(run_items(config, data))
    return Interrupted(
        f"interrupted: {saved:,} of {total:,} predictions saved in {out}; run the same command to resume"
    )


def _set_status(out: Path, status: str, **fields: Any) -> None:
    """Update the run's status (running, interrupted, complete) and other `fields` in its config.json."""
    cfg = json.loads((out / CONFIG_FILE).read_text(encoding="utf-8"))
    cfg.update(status=status, **fields)
    write_json(out / CONFIG_FILE, cfg)


def score_file(
    task: str,
    predictions: Path,
    *,
    swapped: Path | None = None,
    data_root: Path | None = None,
    seed: int = 0,
    task_args: dict[str, str] | None = None,
    split: str = "test",
    n_bootstrap: int = 1000,
    limit: int | None = None,
    outputs: Iterable[Output] = ALL_OUTPUTS,
) -> tuple[dict, list[Coverage]]:
    """Re-score a predictions file (and its (B,A) twin) against a task's split, or its first `limit` items:
    inference and scoring stay apart. `outputs` is what the model produces (without "text": score-only).

    The files are read strictly against the whole split, so that `limit` may cut a complete file to the items
    it scores. Returns the metrics and each file's coverage of the scored items."""
    full = _load(task, data_root, seed, task_args or {}, split, None)
    preds, twin = read_files(full, predictions, split, swapped)
    data = _limited(full, split, limit)
    kept = set(data.splits[split])
    preds = [p for p in preds if prediction_id(p) in kept]
    twin = [p for p in twin if p.pair_id in kept]
    metrics = evaluate(data, preds, split, swapped=twin, n_bootstrap=n_bootstrap, seed=seed, outputs=outputs)
    covered = [coverage(predictions, preds, data, split)]
    if swapped is not None:
        covered.append(coverage(swapped, twin, data, split))
    return metrics, covered
