"""KEPT checkpoints: `model.safetensors` (weights) + `kept.json` (config and task metadata), written atomically."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from safetensors.torch import load_model, save_model

from adrbench.atomic import replacing
from adrbench.jsonl import write_json
from kept.config import KeptConfig
from kept.state import KeptState, build_net

WEIGHTS, CONFIG = "model.safetensors", "kept.json"
FORMAT = "kept.checkpoint/2"  # 2: the tiny decoder reads the graph tokens by cross-attention


def save_checkpoint(directory: Path, state: KeptState, cfg: KeptConfig) -> None:
    """Write the weights then the JSON (the JSON's presence marks a complete checkpoint)."""
    try:
        with replacing(directory / WEIGHTS) as tmp:
            save_model(state.net.cpu(), str(tmp))  # handles the decoder's tied embedding/output weights
    finally:
        state.net.to(cfg.device)
    write_json(
        directory / CONFIG,
        {"format": FORMAT, "config": {**cfg.to_dict(), "checkpoint": ""}, "meta": state.meta},
    )


def load_checkpoint(directory: Path, cfg: KeptConfig | None = None) -> KeptState | None:
    """The state saved in `directory`, or None if there is no complete checkpoint there.

    The architecture comes from the saved config; `cfg` may only change run-time settings (device, beam).
    """
    import json

    if not (directory / CONFIG).is_file() or not (directory / WEIGHTS).is_file():
        return None
    saved = json.loads((directory / CONFIG).read_text())
    if saved.get("format") != FORMAT:
        from adrbench.errors import DataError

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
    model_cfg = KeptConfig.from_args(saved["config"])
    if cfg is not None:
        model_cfg = replace(model_cfg, device=cfg.device, beam=cfg.beam, threads=cfg.threads)
    state = build_net(model_cfg, saved["meta"])
    load_model(state.net, str(directory / WEIGHTS), device=model_cfg.device)
    state.net.eval()
    return state
