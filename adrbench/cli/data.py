"""`adrbench data`: write a synthetic twin where you can look at it, and build ADR from an Ego-Exo4D download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from adrbench.cli import llm_options as llm
from adrbench.cli.common import console

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Dataset tools: synthetic twins and the ADR builder.",
)


@app.command()
def synth(
    task: Annotated[str, typer.Option("--task", "-t", help="adr-synth, jigsaws-synth or fitnessaqa-synth")],
    out: Annotated[Path, typer.Option(help="folder to create (must be absent or empty)")],
    seed: Annotated[int, typer.Option(help="generator seed; the same seed gives byte-identical files")] = 0,
) -> None:
    """Generate a synthetic twin in its ORIGINAL on-disk format (adr-synth: Ego-Exo4D files and the built ADR folder)."""
    from adrbench.data.synth.cache import write_synth

    folder = write_synth(task, out, seed)
    console.print(f"wrote {task} (seed {seed}) to {folder}")
    console.print(f"use it with: adrbench run --task {task} --data-root {folder} --model ...")


@app.command("build-adr")
def build_adr(
    egoexo_root: Annotated[Path, typer.Option(help="Ego-Exo4D root (takes.json, annotations/)")],
    out: Annotated[Path, typer.Option(help="ADR folder to write (replaced if it is an earlier ADR build)")],
    max_pairs: Annotated[
        int | None, typer.Option(min=1, help="cap of pairs per sub-activity and split (seeded)")
    ] = None,
    seed: Annotated[int, typer.Option(help="seed of the pair cap's random subset")] = 0,
    describer: Annotated[
        str, typer.Option(help="template (offline) | gemini | openai | openai-compatible (paper: Gemini 2.5)")
    ] = "template",
    model: Annotated[
        str | None, typer.Option(help="LLM describer's model (default gemini-2.5-pro / gpt-4o)")
    ] = None,
    base_url: llm.BaseUrl = None,
    api_key_env: llm.ApiKeyEnv = None,
    cache: llm.Cache = None,
    concurrency: llm.Concurrency = llm.DEFAULT_CONCURRENCY,
    max_cost_usd: llm.MaxCostUsd = None,
    input_per_mtok: llm.InputPerMtok = llm.DEFAULT_INPUT_PER_MTOK,
    output_per_mtok: llm.OutputPerMtok = llm.DEFAULT_OUTPUT_PER_MTOK,
) -> None:
    """Build the ADR dataset (paper §2, Table 1) from Ego-Exo4D; descriptions from the template or an LLM (Fig. 2)."""
    from adrbench.data.adr_builder import build_adr as build
    from adrbench.describe.registry import make_describer

    spec = llm.client_spec(
        base_url, api_key_env, cache, concurrency, max_cost_usd, input_per_mtok, output_per_mtok
    )
    report = build(
        egoexo_root, out, max_pairs=max_pairs, seed=seed, describer=make_describer(describer, model, spec)
    )
    console.print(f"wrote ADR to {out}: {report['videos']} videos, {report['pairs']} pairs")
    console.print(f"left out: {json.dumps(report['left_out'])}; details in {out / 'build_report.json'}")
    console.print(f"use it with: adrbench run --task adr --data-root {out} --model ...")
