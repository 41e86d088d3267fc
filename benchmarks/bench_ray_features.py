"""Keypoint extraction on a local Ray: 2 workers against 1 on the same videos (goal ≥ 1.8×), and the cost per video.

    python benchmarks/bench_ray_features.py [--videos 8] [--frames 60] [--workers 1 2] [--repeat 1]

Writes `--videos` H.264 clips of the scikit-image astronaut photo moving across a 640² canvas (a real photograph
of a person, as in bench_pose.py), then runs the code path of `adrbench features keypoints --executor ray`
(BlazePose, offline; one Ray task per video, the driver storing each result) into a fresh cache for each worker
count, and once with the local executor (in-process, no Ray) as the overhead reference. Ray is started before the
clock (`ray.init(num_cpus=N)`); each worker's first task includes its imports (mediapipe) and model load.
Prints wall time, videos/s, the cost per video (wall s; worker s and CPU-s of the task), the speed-up against
the 1-worker run, the machine's load before each run (other processes share the cores), and the machine's own
ceiling at the end: pure CPU work (a Python loop) in 2 processes against 1, without video, model or Ray.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import numpy as np  # noqa: E402
from features import astronaut  # noqa: E402  (the test video writer: one way to make it)
from features.test_keypoint_extraction import video_dataset  # noqa: E402

from adrbench.dataset import Dataset  # noqa: E402
from adrbench.features.blazepose import BlazePose  # noqa: E402
from adrbench.features.cache import FeatureCache  # noqa: E402
from adrbench.features.executor import Executor, LocalExecutor, RayExecutor  # noqa: E402
from adrbench.features.keypoints import Extraction, extract_keypoints  # noqa: E402
from adrbench.features.video import write_video  # noqa: E402

GOAL = 1.8


def write_clips(folder: Path, n_videos: int, n_frames: int) -> dict[str, str]:
    """`n_videos` different clips (the person moves away and back, each clip shifted) of `n_frames` frames."""
    frames = astronaut.frames(min(n_frames, 24), blank=None)
    clip = np.concatenate([frames, frames[::-1]] * (n_frames // len(frames) + 1))[:n_frames]
    files = {}
    for i in range(n_videos):
        write_video(folder / f"v{i}.mp4", np.roll(clip, 8 * i, axis=2), fps=30, codec="libx264",
                    options={"crf": "18"})  # fmt: skip
        files[f"v{i}"] = f"v{i}.mp4"
    return files


def spin(n: int = 6_000_000) -> int:
    """Pure CPU work (a Python loop): the machine's own parallel ceiling, without video, model or Ray."""
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def ceiling(jobs: int = 4) -> float:
    """Speed-up of 2 processes over 1 on `jobs` pieces of pure CPU work: what 2 workers can reach on this machine
    now (other processes sharing the cores lower it)."""
    from concurrent.futures import ProcessPoolExecutor

    walls = []
    for workers in (1, 2):
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(spin, [10] * workers))  # start the processes before the clock
            started = time.perf_counter()
            list(pool.map(spin, [6_000_000] * jobs))
            walls.append(time.perf_counter() - started)
    return walls[0] / walls[1]


def run(data: Dataset, cache: Path, executor: Executor) -> tuple[float, Extraction]:
    """One cold extraction into a fresh cache: (wall s, its report)."""
    started = time.perf_counter()
    report = extract_keypoints(data, list(data.videos.values()), BlazePose(), FeatureCache(cache),
                               executor=executor)  # fmt: skip
    wall = time.perf_counter() - started
    assert report.extracted == len(data.videos), "every video must be extracted (a fresh cache)"
    return wall, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=8)
    parser.add_argument("--frames", type=int, default=60, help="frames per video")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each row; the speed-up uses the best")
    args = parser.parse_args()
    logging.getLogger("adrbench.features").setLevel(logging.ERROR)  # the clip's frame with no person
    import ray

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = video_dataset(folder, write_clips(folder, args.videos, args.frames))
        n = len(data.videos)
        print(f"{n} videos × {args.frames} frames, {astronaut.SIZE}×{astronaut.SIZE} H.264, BlazePose; "
              f"{os.cpu_count()} CPUs, ray {ray.__version__}")  # fmt: skip
        print(f"machine ceiling before (pure CPU work, 2 processes vs 1): {ceiling():.2f}×")
        print(f"{'executor':10s} {'workers':>7s} {'load':>5s} {'wall s':>7s} {'videos/s':>9s} {'s/video':>8s} "
              f"{'task s/video':>12s} {'CPU-s/video':>11s} {'speed-up':>8s}")  # fmt: skip
        rows: dict[int, float] = {}  # workers → the best wall time
        one = 0.0
        plan = [("local", 1)] + [("ray", w) for w in args.workers]
        for i, (label, workers) in enumerate(plan * args.repeat):
            load = os.getloadavg()[0]
            if label == "ray":
                ray.init(address="local", num_cpus=workers, include_dashboard=False, log_to_driver=False)
            try:
                executor: Executor = RayExecutor(workers=workers) if label == "ray" else LocalExecutor()
                wall, report = run(data, folder / f"cache-{i}", executor)
            finally:
                if label == "ray":
                    ray.shutdown()
            busy = report.decode_s + report.estimate_s
            if label == "ray":
                rows[workers] = min(wall, rows.get(workers, wall))
                one = wall if workers == 1 else one  # this repeat's 1-worker wall: the row's reference
            ratio = f"{one / wall:7.2f}×" if label == "ray" and one else "       -"
            print(f"{label:10s} {workers:7d} {load:5.2f} {wall:7.2f} {n / wall:9.2f} {wall / n:8.3f} "
                  f"{busy / n:12.3f} {report.cpu_s / n:11.3f} {ratio}")  # fmt: skip
        if 1 in rows and 2 in rows:
            speedup, met = rows[1] / rows[2], rows[1] / rows[2] >= GOAL
            print(f"2 workers vs 1 (best walls {rows[1]:.2f} s, {rows[2]:.2f} s): {speedup:.2f}× (goal ≥ {GOAL}×: "
                  f"{'met' if met else 'NOT met'}); machine ceiling after: {ceiling():.2f}×, "
                  f"load {os.getloadavg()[0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
