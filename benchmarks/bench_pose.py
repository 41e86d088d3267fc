"""Keypoint extraction throughput on this machine: frames/s, and the share of decoding vs estimation.

    python benchmarks/bench_pose.py [--frames 90] [--size 640] [--videos 3] [--vitpose]

Writes `--videos` H.264 clips of the scikit-image astronaut photo moving across a `--size`² canvas (a real
photograph of a person, so BlazePose detects and tracks as on real footage), then runs the same code path as
`adrbench features keypoints` (PyAV decoding → estimator → one cache entry per video) into a fresh cache, and
again warm (every video a cache hit). `--vitpose` adds a tiny random ViTPose built from a config (its speed is a
lower bound on transformers' pre/post-processing cost, not a real checkpoint's).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import numpy as np  # noqa: E402
from features import astronaut  # noqa: E402  (the test video writer: one way to make it)
from features.test_keypoint_extraction import video_dataset  # noqa: E402

from adrbench.features.cache import FeatureCache  # noqa: E402
from adrbench.features.estimator import PoseEstimator  # noqa: E402
from adrbench.features.keypoints import extract_keypoints  # noqa: E402
from adrbench.features.video import write_video  # noqa: E402


def bench(name: str, estimator: PoseEstimator, folder: Path, files: dict[str, str]) -> None:
    data = video_dataset(folder, files)
    videos = list(data.videos.values())
    cache = FeatureCache(folder / f"cache-{name}")
    started = time.perf_counter()
    cold = extract_keypoints(data, videos, estimator, cache)
    wall = time.perf_counter() - started
    busy = cold.decode_s + cold.estimate_s
    started = time.perf_counter()
    warm = extract_keypoints(data, videos, estimator, cache)
    warm_s = time.perf_counter() - started
    print(f"{name:10s} {cold.frames:5d} frames in {wall:6.2f} s: {cold.frames / wall:7.1f} frames/s end to end "
          f"(decoding {100 * cold.decode_s / busy:4.1f}%, estimation {100 * cold.estimate_s / busy:4.1f}%; "
          f"decode alone {cold.frames / cold.decode_s:7.1f} frames/s)   warm: {warm.cached}/{len(videos)} "
          f"from the cache in {warm_s:.3f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=90, help="frames per video")
    parser.add_argument("--videos", type=int, default=3)
    parser.add_argument("--vitpose", action="store_true", help="also a tiny random ViTPose")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {}
        frames = astronaut.frames(min(args.frames, 24), blank=None)  # the person moves away, then back
        clip = np.concatenate([frames, frames[::-1]] * (args.frames // len(frames) + 1))[: args.frames]
        for i in range(args.videos):
            write_video(folder / f"v{i}.mp4", np.roll(clip, 8 * i, axis=2), fps=30, codec="libx264",
                        options={"crf": "18"})  # fmt: skip
            files[f"v{i}"] = f"v{i}.mp4"
        print(
            f"{args.videos} videos × {args.frames} frames, {astronaut.SIZE}×{astronaut.SIZE} (H.264), 1 process"
        )
        from adrbench.features.blazepose import BlazePose

        bench("blazepose", BlazePose(), folder, files)
        if args.vitpose:
            from features.test_vitpose import save_tiny_vitpose

            from adrbench.features.vitpose import ViTPose

            bench("vitpose-tiny", ViTPose(str(save_tiny_vitpose(folder / "tiny"))), folder, files)


if __name__ == "__main__":
    main()
