"""`adrbench explain`: the reasoning-path figure of a trained KEPT for one pair (or video) of a task."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def explain(
    task: Annotated[str, typer.Option("--task", "-t", help="task name (see `adrbench tasks`)")],
    item_id: Annotated[
        str, typer.Option("--pair", "-p", help="pair id (ADR) or video id (JIGSAWS, FitnessAQA)")
    ],
    checkpoint: Annotated[Path, typer.Option(help="KEPT checkpoint folder (kept.json + model.safetensors)")],
    out: Annotated[Path, typer.Option(help="PNG file to write")] = Path("reasoning_paths.png"),
    data_root: Annotated[Path | None, typer.Option(help="folder of the real dataset")] = None,
    seed: Annotated[int, typer.Option(help="data seed (synthetic tasks)")] = 0,
) -> None:
    """Draw the keypoint-guided tree with the top-10 path scores and the chosen path (paper Figs. 5 and 7)."""
    from adrbench.errors import ConfigError
    from adrbench.tasks import get_task
    from kept.adapter import KeptModel
    from kept.explain import explain_item

    model = KeptModel(checkpoint=str(checkpoint))
    if not model.load(checkpoint):
        raise ConfigError(
            f"{checkpoint}: no KEPT checkpoint there (expected kept.json and model.safetensors)"
        )
    data = get_task(task).load(data_root=data_root, seed=seed)
    model.check_task(data, checkpoint)
    written, choices = explain_item(model, data, item_id, out)
    for line in choices:
        typer.echo(line)
    typer.echo(f"wrote {written}")
