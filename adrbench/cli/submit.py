"""`adrbench submit`: add a predictions file to the leaderboard after validating and scoring it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adrbench.cli.show import metrics_table, outputs_of
from adrbench.errors import AdrbenchError
from adrbench.leaderboard.entries import PAIRED_FILE, read_json_object
from adrbench.leaderboard.paths import default_leaderboard_dir
from adrbench.leaderboard.submission import submit as submit_entry
from adrbench.options import parse_pairs


def submit(
    task: Annotated[str, typer.Option(help="task name, e.g. adr-synth")],
    predictions: Annotated[
        Path, typer.Option(help="JSON Lines predictions for every item of the test split")
    ],
    name: Annotated[str, typer.Option(help="entry name: letters, digits, '.', '_', '-' (max 64)")],
    meta: Annotated[list[str] | None, typer.Option(help="key=value metadata (repeatable)")] = None,
    leaderboard_dir: Annotated[
        Path | None,
        typer.Option(
            help="the leaderboards/ folder (default: $ADRBENCH_LEADERBOARDS, else the source checkout's leaderboards/)"
        ),
    ] = None,
    data_root: Annotated[Path | None, typer.Option(help="data root of a real task")] = None,
    swapped: Annotated[
        Path | None, typer.Option(help="ADR: the (B,A) predictions file (predictions_ba.jsonl), optional")
    ] = None,
    score_only: Annotated[
        bool, typer.Option("--score-only", help="ADR: the model writes no descriptions (text metrics n/a)")
    ] = False,
) -> None:
    """Validate, score and add a predictions file as a leaderboard entry; regenerate the tables."""
    console, errors = Console(), Console(stderr=True)
    try:
        root = leaderboard_dir or default_leaderboard_dir()
        entry = submit_entry(
            task,
            predictions,
            name,
            parse_pairs(list(meta or []), "--meta"),
            root,
            data_root,
            swapped=swapped,
            outputs=outputs_of(score_only),
        )
        metrics = read_json_object(entry / "metrics.json")
    except AdrbenchError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False, style="red", soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    console.print(metrics_table(metrics, f"{task} / {name}"))
    where = "" if leaderboard_dir else " (the default leaderboard folder; --leaderboard-dir or ADRBENCH_LEADERBOARDS)"
    console.print(
        f"entry written to {entry}{where}; paired tests against mean in {entry / PAIRED_FILE}; "
        f"tables regenerated under {root / 'generated'}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
