"""`adrbench features extract|import|keypoints`: per-video features into the cache, once per video, resumable."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from adrbench.cli.common import console, err_console, parse_kv, progress_bar

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Extract or import per-video features into the feature cache.")  # fmt: skip

TaskOpt = Annotated[str, typer.Option("--task", "-t", help="task name (see `adrbench tasks`)")]
RootOpt = Annotated[Path | None, typer.Option("--data-root", help="data folder of a real task")]
CacheOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache", help="cache folder (default: $ADRBENCH_CACHE/features or ~/.cache/adrbench/features)"
    ),
]
TaskArgOpt = Annotated[list[str] | None, typer.Option("--task-arg", help="k=v passed to the task loader")]
ExecutorOpt = Annotated[
    str, typer.Option("--executor", help="local (one video at a time, here) or ray (one Ray task per video)")
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address", help="ray: 'auto' or HOST:PORT joins a running cluster (default: a local Ray)"
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="ray: videos at once on a local Ray (default: all CPUs)"),
]


@app.command()
def extract(
    task: TaskOpt = "adr-synth",
    visual: Annotated[str | None, typer.Option("--visual", help="transformers model name or folder")] = None,
    keypoints: Annotated[
        str, typer.Option("--keypoints", help="'dataset' or 'file:DIR' (DIR/<video id>.npy)")
    ] = "dataset",
    keyframes: Annotated[int, typer.Option("--keyframes", "-k", help="keyframes sampled per video")] = 16,
    split: Annotated[str | None, typer.Option("--split", help="only the videos of this split")] = None,
    device: Annotated[str, typer.Option("--device", help="torch device of the visual encoder")] = "cpu",
    data_root: RootOpt = None,
    cache: CacheOpt = None,
    task_arg: TaskArgOpt = None,
    executor: ExecutorOpt = "local",
    ray_address: RayAddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Compute each video's features (pose statistics, or a visual encoder with --visual) into the cache."""
    from adrbench.errors import ConfigError
    from adrbench.features.cache import FeatureCache
    from adrbench.features.executor import make_executor
    from adrbench.features.extract import FeatureExtractor
    from adrbench.features.spec import FeatureSpec
    from adrbench.tasks.registry import get_task

    runner = make_executor(executor, ray_address, workers)
    if runner.name == "ray" and device != "cpu":
        raise ConfigError("--executor ray runs the visual encoder on the workers' CPUs; use --device cpu")
    spec = FeatureSpec(source="visual" if visual else "pose", n_keyframes=keyframes, visual=visual,
                       keypoints=keypoints)  # fmt: skip
    args: dict[str, Any] = parse_kv(task_arg, "--task-arg")
    data = get_task(task).load(data_root=data_root, seed=0, **args)
    videos = data.videos_of(split) if split else list(data.videos.values())
    store = FeatureCache(cache)
    encoder = None
    if visual:
        from adrbench.features.encoders import VisualEncoder

        encoder = VisualEncoder.from_name(visual, device=device)
    extractor = FeatureExtractor(spec, store, encoder=encoder)
    with progress_bar() as update:
        extractor.extract(data, videos, progress=lambda done, total, _vid: update("videos", done, total),
                          executor=runner, keep=False)  # fmt: skip
    console.print(
        f"{len(videos)} videos: {extractor.computed} computed, {extractor.cached} from the cache → {store.root}"
    )


@app.command("import")
def import_(
    manifest: Annotated[
        Path, typer.Option("--manifest", help='JSON Lines: {"video_id": ..., "path": "x.npy"}')
    ],
    name: Annotated[
        str, typer.Option("--name", help="name to use the features by (features=imported, feature_name=NAME)")
    ],
    task: TaskOpt = "adr-synth",
    data_root: RootOpt = None,
    cache: CacheOpt = None,
    task_arg: TaskArgOpt = None,
) -> None:
    """Import precomputed per-video .npy features (T×D) listed in a manifest into the cache."""
    from adrbench.features.cache import FeatureCache
    from adrbench.features.imported import import_npy
    from adrbench.tasks.registry import get_task

    args: dict[str, Any] = parse_kv(task_arg, "--task-arg")
    data = get_task(task).load(data_root=data_root, seed=0, **args)
    store = FeatureCache(cache)
    with progress_bar() as update:
        n = import_npy(
            data, manifest, name, store, progress=lambda done, total, _vid: update("import", done, total)
        )
    console.print(f"imported {n} feature arrays as {name!r} → {store.root}")


@app.command()
def keypoints(
    task: TaskOpt = "fitnessaqa",
    estimator: Annotated[
        str, typer.Option("--estimator", "-e", help="blazepose (offline, default) or vitpose")
    ] = "blazepose",
    model: Annotated[
        str | None, typer.Option("--model", help="vitpose: transformers hub name or folder")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="only the first N videos lacking keypoints")
    ] = None,
    device: Annotated[str, typer.Option("--device", help="torch device (vitpose)")] = "cpu",
    data_root: RootOpt = None,
    cache: CacheOpt = None,
    task_arg: TaskArgOpt = None,
    executor: ExecutorOpt = "local",
    ray_address: RayAddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Extract keypoints from the video of every video that has no keypoints file, once per video, resumable."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from adrbench.errors import ConfigError
    from adrbench.features.cache import FeatureCache
    from adrbench.features.estimator import make_estimator
    from adrbench.features.executor import make_executor
    from adrbench.features.keypoints import extract_keypoints, videos_to_extract
    from adrbench.tasks.registry import get_task

    runner = make_executor(executor, ray_address, workers)
    if runner.name == "ray" and device != "cpu":
        raise ConfigError("--executor ray runs the estimator on the workers' CPUs; use --device cpu")
    pose = make_estimator(estimator, model, device=device)
    args: dict[str, Any] = parse_kv(task_arg, "--task-arg")
    data = get_task(task).load(data_root=data_root, extracted_keypoints=False, **args)
    present, absent = videos_to_extract(data)
    if absent:
        err_console.print(f"warning: {len(absent)} videos without keypoints have no video file on disk (first: "
                          f"{absent[0].video_path}); they are skipped")  # fmt: skip
    videos = present[:limit]
    store = FeatureCache(cache)
    started = time.perf_counter()
    columns = (TextColumn("keypoints"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=err_console, disable=not err_console.is_terminal) as bar:
        line = bar.add_task("videos", total=len(videos), rate="")

        def update(done: int, total: int, frames: int) -> None:
            rate = frames / max(time.perf_counter() - started, 1e-9)
            bar.update(line, completed=done, rate=f"{frames} frames, {rate:.1f} frames/s")

        report = extract_keypoints(data, videos, pose, store, progress=update, executor=runner)
    wall = time.perf_counter() - started
    busy = report.decode_s + report.estimate_s
    speed = (f"; {report.frames} frames in {wall:.1f} s, per worker {report.frames / busy:.1f} frames/s "
             f"(decoding {100 * report.decode_s / busy:.0f}%, estimation {100 * report.estimate_s / busy:.0f}%)"
             if report.frames and busy > 0 else "")  # fmt: skip
    console.print(f"{len(videos)} videos without keypoints: {report.extracted} extracted, {report.cached} already in "
                  f"the cache ({pose.label()}) → {store.root}{speed}")  # fmt: skip
    if report.without_person:
        n = sum(report.without_person.values())
        console.print(
            f"warning: {n} frames in {len(report.without_person)} videos show no person (joints NaN)"
        )
