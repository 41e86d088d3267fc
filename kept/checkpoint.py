"""KEPT checkpoints: `model.safetensors` (weights) + `kept.json` (config and task metadata), written atomically.

The weights are what trains (`kept.weights`): an HF decoder's frozen base is reloaded from the name or folder in
the config, and refused if its fingerprint is not the one recorded in the metadata.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from safetensors.torch import load_file, save_file

from adrbench.atomic import replacing
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.jsonl import write_json
from adrbench.trained_on import check_trained_on
from kept.config import KeptConfig
from kept.features import input_dims
from kept.pretrained import fingerprint
from kept.state import KeptState, build_net
from kept.weights import load_trainable_state, trainable_state

WEIGHTS, CONFIG = "model.safetensors", "kept.json"
FORMAT = "kept.checkpoint/2"  # 2: the tiny decoder reads the graph tokens by cross-attention


def save_checkpoint(directory: Path, state: KeptState, cfg: KeptConfig) -> None:
    """Write the weights then the JSON (the JSON's presence marks a complete checkpoint)."""
    with replacing(directory / WEIGHTS) as tmp:
        save_file(trainable_state(state.net), str(tmp))
    write_json(
        directory / CONFIG,
        {"format": FORMAT, "config": {**cfg.to_dict(), "checkpoint": ""}, "meta": state.meta},
    )


def read_saved(directory: Path) -> dict[str, Any] | None:
    """The JSON of the checkpoint in `directory` (format, config, meta), or None if there is no complete one
    there; a file of another format is a DataError."""
    if not (directory / CONFIG).is_file() or not (directory / WEIGHTS).is_file():
        return None
    saved: dict[str, Any] = json.loads((directory / CONFIG).read_text())
    if saved.get("format") != FORMAT:
        found = saved.get("format")
        older = isinstance(found, str) and found.startswith("kept.checkpoint/")
        raise DataError(
            directory / CONFIG,
            f"checkpoint format {found!r} is from another version of KEPT (this one reads {FORMAT})"
            if older
            else f"not a KEPT checkpoint (format {found!r}, expected {FORMAT})",
            field="format",
            hint="retrain, or evaluate it with the adrbench version that wrote it" if older else None,
        )
    return saved


def load_checkpoint(directory: Path, cfg: KeptConfig | None = None) -> KeptState | None:
    """The state saved in `directory`, or None if there is no complete checkpoint there.

    The architecture comes from the saved config; `cfg` may only change run-time settings (device, beam).
    """
    saved = read_saved(directory)
    if saved is None:
        return None
    if "decoder" in saved["meta"]:
        _check_base(directory, saved["meta"]["decoder"])
    model_cfg = KeptConfig.from_args(saved["config"])
    if cfg is not None:
        model_cfg = replace(model_cfg, device=cfg.device, beam=cfg.beam, threads=cfg.threads)
    state = build_net(model_cfg, saved["meta"])
    try:
        load_trainable_state(state.net, load_file(str(directory / WEIGHTS), device=model_cfg.device))
    except ValueError as exc:
        raise DataError(directory / WEIGHTS, str(exc), hint="retrain with this version of KEPT") from None
    state.net.eval()
    return state


def check_fits(checkpoint: str | Path, cfg: KeptConfig, meta: dict[str, Any], data: Dataset) -> None:
    """A ConfigError naming both tasks, not a tensor-size traceback later, when the network of `cfg` and `meta`
    (a checkpoint's) was trained on a task of another family or skeleton, or for other input sizes, joint
    groups or labels than `data`'s (adrbench.trained_on)."""
    needed: dict[str, Any] = input_dims(data.skeleton, cfg.keyframes, cfg.segments, cfg.node_measures)
    if cfg.visual:  # the frames are the encoder's features, checked by its fingerprint when loaded
        needed.pop("frame_dim")
    needed.update(groups=list(data.skeleton.groups), label_names=list(data.label_names))
    check_trained_on(checkpoint, meta, data, {k: (meta.get(k), v) for k, v in needed.items()})


def _check_base(directory: Path, saved: dict[str, Any]) -> None:
    """Refuse a checkpoint whose HF decoder base is not the one it was trained on (its adapters fit no other)."""
    found = fingerprint(saved["name"])
    if found != saved["fingerprint"]:
        raise DataError(
            directory / CONFIG,
            f"the checkpoint's adapters were trained on decoder {saved['name']!r} with fingerprint "
            f"{saved['fingerprint']}; it now has {found}",
            field="meta.decoder.fingerprint",
            hint="use the base model files it was trained with, or retrain",
        )
