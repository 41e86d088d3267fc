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
    render_video: Annotated[
        bool, typer.Option(help="also write 128×128 videos of the motion where the format names them (minutes)")
    ] = False,
) -> None:
    """Generate a synthetic twin in its ORIGINAL on-disk format (adr-synth: Ego-Exo4D files and the built ADR folder)."""
    from adrbench.data.synth.cache import write_synth

    folder = write_synth(task, out, seed, render_video)
    console.print(f"wrote {task} (seed {seed}{', with videos' if render_video else ''}) to {folder}")
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
    rating_norm: Annotated[
        str,
        typer.Option(
            help="none: the paper's plain mean of the experts' ratings | per-expert: z-score within each expert, "
            "mapped back to 1-10, then the mean"
        ),
    ] = "none",
    video_resolution: Annotated[
        str,
        typer.Option(help="auto: full resolution, else downscaled/448, whichever is on disk | full | 448"),
    ] = "auto",
    pose_track: Annotated[
        str,
        typer.Option(
            help="body-pose track preferred when a take has both: automatic (dense) | annotation (human)"
        ),
    ] = "automatic",
) -> None:
    """Build the ADR dataset (paper §2, Table 1) from Ego-Exo4D; descriptions from the template or an LLM (Fig. 2)."""
    from adrbench.data.adr_builder import BuildOptions
    from adrbench.data.adr_builder import build_adr as build
    from adrbench.describe.registry import make_describer

    spec = llm.client_spec(
        base_url, api_key_env, cache, concurrency, max_cost_usd, input_per_mtok, output_per_mtok
    )
    build_options = BuildOptions(
        rating_norm=rating_norm, video_resolution=video_resolution, pose_track=pose_track
    )
    report = build(
        egoexo_root,
        out,
        max_pairs=max_pairs,
        seed=seed,
        describer=make_describer(describer, model, spec),
        options=build_options,
    )
    console.print(f"wrote ADR to {out}: {report['videos']} videos, {report['pairs']} pairs")
    for line in table1_lines(report):
        console.print(line, highlight=False, markup=False)
    stats = report["stats"]
    console.print(
        f"videos on disk: {stats.get('videos_on_disk', 0)} of {sum(report['videos'].values())} takes "
        f"({stats.get('videos_on_disk_full', 0)} full resolution, {stats.get('videos_on_disk_448', 0)} at 448); "
        f"without body pose (keypoints to extract from video): {stats.get('takes_without_keypoints', 0)}",
        highlight=False,
    )
    console.print(f"left out: {json.dumps(report['left_out'])}; details in {out / 'build_report.json'}")
    console.print(f"use it with: adrbench run --task adr --data-root {out} --model ...")


def table1_lines(report: dict) -> list[str]:
    """Per sub-activity: our video and pair counts per split, each beside the paper's Table 1 figure."""
    from adrbench.data.adr_layout import TABLE1

    keys = ("videos_train", "videos_test", "pairs_train", "pairs_test")
    lines = [
        f"{'':33}{'videos':^20}{'pairs':^20}",
        f"{'':33}" + "".join(f"{split:>10}" for split in ("train", "test") * 2),
        f"{'sport':<14}{'sub-activity':<19}" + f"{'ours':>5}{'T.1':>5}" * 4,
    ]
    rows = [(r.category, r.group, r._asdict()) for r in TABLE1]
    known = {r.group for r in TABLE1}
    rows += [(g["category"], name, {}) for name, g in report["groups"].items() if name not in known]
    for category, group, paper in rows:
        ours = report["groups"].get(group, {})
        cells = "".join(f"{ours.get(k, 0):>5}{paper.get(k, '-'):>5}" for k in keys)
        lines.append(f"{category:<14}{group:<19}{cells}")
    lines.append("(T.1 = the paper's Table 1; docs/adr-format.md says why the splits differ)")
    return lines
