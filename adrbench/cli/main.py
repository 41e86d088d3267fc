"""`adrbench`: run models on tasks, re-score predictions, list what is available, and the data/table tools."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from adrbench.cli.common import console, err_console, listing, parse_kv, print_listing, progress_bar
from adrbench.display import format_option
from adrbench.errors import AdrbenchError, ConfigError, Interrupted
from adrbench.registry import UnknownNameError

app = typer.Typer(
    name="adrbench",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Benchmark and evaluation suite for Action Difference Reasoning (ADR), JIGSAWS and FitnessAQA.",
)


@app.command()
def run(
    model: Annotated[
        str, typer.Option("--model", "-m", help="registered model name (see `adrbench models`)")
    ],
    task: Annotated[str, typer.Option("--task", "-t", help="task name (see `adrbench tasks`)")] = "adr-synth",
    data_root: Annotated[Path | None, typer.Option(help="folder of the real dataset")] = None,
    seed: Annotated[
        int, typer.Option(help="seed for data generation, and training and bootstrap unless --train-seed is given")
    ] = 0,
    train_seed: Annotated[
        int | None, typer.Option(help="seed for training and bootstrap only (the data stays --seed's)")
    ] = None,
    seeds: Annotated[
        str | None,
        typer.Option(
            help="a seeds study: N (seeds 0..N-1) or a list 0,1,2 of training seeds on --seed's data, one run "
            "folder each (<out>/seed<N>), summary in <out>/seeds.json"
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="only the first N test items")] = None,
    out: Annotated[Path | None, typer.Option(help="run folder (default runs/<task>/<model>-<hash>)")] = None,
    model_arg: Annotated[
        list[str] | None, typer.Option("--model-arg", "-M", help="model option key=value")
    ] = None,
    task_arg: Annotated[
        list[str] | None, typer.Option("--task-arg", "-T", help="task option key=value")
    ] = None,
    n_bootstrap: Annotated[int, typer.Option(min=0, help="bootstrap resamples for 95% CIs")] = 1000,
    orders: Annotated[
        str,
        typer.Option(
            help="ADR: 'both' also presents every pair as (B,A) to measure position "
            "bias; 'ab' halves the cost"
        ),
    ] = "both",
    shard: Annotated[
        str | None,
        typer.Option(
            help="i/N: predict only shard i (0 to N-1) of the test items, by a hash of their ids, into a folder "
            "of its own; `adrbench merge` joins the N shards into the run"
        ),
    ] = None,
) -> None:
    """Fit MODEL on the task's train split, predict its test split, score, and write one run folder (with
    --seeds, one per training seed and their mean ± SD)."""
    from adrbench.cli.show import metrics_table, seeds_table
    from adrbench.runner import run as run_config
    from adrbench.runs import RunConfig
    from adrbench.seeds import parse_seeds, run_seeds
    from adrbench.shards import format_shard, parse_shard

    config = RunConfig(
        model=model,
        task=task,
        model_args=parse_kv(model_arg, "--model-arg"),
        task_args=parse_kv(task_arg, "--task-arg"),
        seed=seed,
        train_seed=train_seed,
        limit=limit,
        data_root=str(data_root) if data_root else None,
        n_bootstrap=n_bootstrap,
        orders=_choice(orders, ("ab", "both"), "--orders"),
        shard=parse_shard(shard) if shard is not None else None,
    )
    if seeds is not None and shard is not None:
        raise ConfigError("give either --seeds or --shard, not both (shard each seed's run with --train-seed)")
    if seeds is not None:
        chosen = parse_seeds(seeds)
        with progress_bar() as update:
            folder, summary = run_seeds(config, out, chosen, progress=update)
        console.print(seeds_table(summary, f"{model} on {task} ({config.split}), {len(chosen)} training seeds"))
        console.print(f"seeds folder: {folder} (summary: {folder / 'seeds.json'})", soft_wrap=True)
        return
    with progress_bar() as update:
        result = run_config(config, out=out, progress=update)
    if config.shard is not None:
        console.print(
            f"shard {format_shard(config.shard)}: {result.n_predicted} predicted, {result.n_resumed} resumed, "
            f"in {result.directory} (not scored: `adrbench merge` the {config.shard[1]} shards to score the run)",
            soft_wrap=True,
        )
        return
    console.print(metrics_table(result.metrics, f"{model} on {task} ({config.split})"))
    resumed = f", {result.n_resumed} resumed" if result.n_resumed else ""
    console.print(f"run folder: {result.directory} ({result.n_predicted} predicted{resumed})", soft_wrap=True)


@app.command()
def score(
    task: Annotated[str, typer.Option("--task", "-t", help="task name")],
    predictions: Annotated[Path, typer.Option(help="predictions JSON Lines file")],
    swapped: Annotated[
        Path | None, typer.Option(help="ADR: the (B,A) predictions file (predictions_ba.jsonl)")
    ] = None,
    data_root: Annotated[Path | None, typer.Option(help="folder of the real dataset")] = None,
    seed: Annotated[int, typer.Option(help="data seed (synthetic tasks) and bootstrap seed")] = 0,
    task_arg: Annotated[list[str] | None, typer.Option("--task-arg", "-T")] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="write the metrics JSON (metrics.json's format) to this file"),
    ] = None,
    n_bootstrap: Annotated[int, typer.Option(min=0)] = 1000,
    limit: Annotated[
        int | None, typer.Option(min=1, help="only the first N test items (as `run --limit`)")
    ] = None,
    score_only: Annotated[
        bool, typer.Option("--score-only", help="ADR: the model writes no descriptions (text metrics n/a)")
    ] = False,
) -> None:
    """Score a predictions file against the task's test split and print the table; a file that answers only
    part of it is said so first (the rest count as failures)."""
    from adrbench.cli.show import coverage_note, metrics_table, outputs_of
    from adrbench.jsonl import write_json
    from adrbench.runner import score_file

    metrics, covered = score_file(
        task,
        predictions,
        swapped=swapped,
        data_root=data_root,
        seed=seed,
        task_args=parse_kv(task_arg, "--task-arg"),
        n_bootstrap=n_bootstrap,
        limit=limit,
        outputs=outputs_of(score_only),
    )
    for note in filter(None, map(coverage_note, covered)):
        err_console.print(escape(note), highlight=False, soft_wrap=True)
    if json_out:
        write_json(json_out, metrics)
        console.print(f"metrics written to {json_out}", highlight=False, soft_wrap=True)
    console.print(metrics_table(metrics, f"{predictions} on {task}"))


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise ConfigError(f"{option} must be one of {', '.join(allowed)}, not {value!r}")
    return value


@app.command()
def tasks() -> None:
    """List the tasks."""
    from adrbench.tasks import get_task
    from adrbench.tasks.registry import TASKS

    table = listing("task", "unit", "data", "about")
    for name in TASKS:
        task = get_task(name)
        data = "embedded (synthetic)" if task.synthetic else f"--data-root or ${task.env_var}"
        table.add_row(name, task.unit, data, task.summary)
    print_listing(table)


@app.command()
def models(
    name: Annotated[
        str | None, typer.Argument(help="a model: show its -M/--model-arg options, defaults and meaning")
    ] = None,
) -> None:
    """List the models (built-in and plugins); with NAME, the options that model takes."""
    from adrbench.models.registry import available_models, get_model_class

    if name is None:
        table = listing("model", "source")
        for model, source in available_models().items():
            table.add_row(model, source)
        print_listing(table)
        console.print("a model's options: adrbench models NAME")
        return
    cls = get_model_class(name)  # an unknown name: one line with the closest names
    about = (cls.__doc__ or "").strip().split("\n\n")[0]
    console.print(escape(f"{name} ({available_models()[name]}): {' '.join(about.split())}"), soft_wrap=True)
    options = cls.option_docs()
    if not options:
        console.print(f"{name} documents no --model-arg options.")
        return
    table = listing("option", "default", "meaning", title=f"{name}: -M option=value")
    for option in options:
        table.add_row(option.name, format_option(option.default), option.meaning)
    print_listing(table)


def _mount() -> None:
    """The tool commands, each defined in its own module."""
    from adrbench.cli import audit, data, explain, features, merge, serve, submit, tables

    app.add_typer(
        data.app, name="data", help="Write the synthetic twins, build ADR from Ego-Exo4D, audit descriptions."
    )
    data.app.add_typer(audit.app)
    app.add_typer(features.app, name="features", help="Extract and cache per-video features.")
    app.command(name="tables")(tables.tables)
    app.command(name="merge")(merge.merge)
    app.command(name="submit")(submit.submit)
    app.command(name="explain")(explain.explain)
    serve_app = typer.Typer(no_args_is_help=True, help="Start a model server for the LVLM baselines.")
    serve_app.command(name="vllm")(serve.serve_vllm)
    app.add_typer(serve_app, name="serve")


_mount()


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors that are the user's to fix; WordNet's is known only once METEOR's module (nltk: slow) is loaded."""
    wordnet = sys.modules.get("adrbench.metrics.wordnet")
    return (AdrbenchError, UnknownNameError) + ((wordnet.WordNetMissingError,) if wordnet else ())


def main() -> None:
    """Console entry point: user errors become one clear line on stderr and a non-zero exit, not a traceback;
    Ctrl-C one line saying what was kept (exit code 130)."""
    try:
        app()
    except Interrupted as exc:  # a run's own line: how many predictions are saved, and how to resume
        err_console.print(escape(str(exc)), highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except _user_errors() as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except SystemExit as exc:
        if exc.code == 130:  # typer ends any other command stopped by Ctrl-C with a silent exit 130
            err_console.print("interrupted; run the same command again to resume")
        raise


if __name__ == "__main__":
    main()
