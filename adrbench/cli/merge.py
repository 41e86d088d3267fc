"""`adrbench merge`: join the shard folders of one run into that run's folder and print its metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def merge(
    shard_dirs: Annotated[
        list[Path], typer.Argument(help="the N shard folders of `adrbench run --shard i/N`")
    ],
    out: Annotated[Path, typer.Option(help="the merged run folder (may hold the shard folders, not a run)")],
    data_root: Annotated[
        Path | None, typer.Option(help="folder of the real dataset, if not where the shards found it")
    ] = None,
) -> None:
    """Merge the shards of one run into a run folder whose predictions and metrics.json are the unsharded run's;
    shards of different configs or data, a missing, repeated or unfinished shard are refused."""
    from adrbench.cli.common import console
    from adrbench.cli.show import metrics_table
    from adrbench.merge import merge as merge_shards

    folder, metrics = merge_shards(shard_dirs, out, data_root)
    console.print(metrics_table(metrics, f"{len(shard_dirs)} shards merged"))
    console.print(f"run folder: {folder} ({len(shard_dirs)} shards merged)", soft_wrap=True)
