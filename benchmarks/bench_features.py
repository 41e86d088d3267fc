"""Feature extraction throughput (videos/s) and pairs-vs-videos scaling.

    python benchmarks/bench_features.py [--task adr-synth] [--videos 60] [--keyframes 16]

1. pose features (joint statistics per keyframe) on the task's own videos, cold (computed) and warm (cache);
2. a tiny random CLIP (built from a config, no download) on short videos written here with PyAV: decode +
   encode throughput (a lower bound on the I/O and decode cost; real encoders add their own compute);
3. scaling: the per-pair input stage (features of both videos of every pair, then combined) over the same
   videos with P and 2P pairs; per-video work is done once, so doubling pairs changes the cost by ≤ 10%.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from adrbench.dataset import Dataset
from adrbench.features.cache import FeatureCache
from adrbench.features.extract import FeatureExtractor
from adrbench.features.spec import FeatureSpec
from adrbench.records import Video


def timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def pose_throughput(data: Dataset, videos: list[Video], keyframes: int, cache_dir: Path) -> None:
    spec = FeatureSpec(n_keyframes=keyframes)
    for v in videos:  # load keypoints first: the benchmark measures feature work, not the task's file reading
        data.keypoints(v.id)
    cold, _ = timed(lambda: FeatureExtractor(spec, FeatureCache(cache_dir)).extract(data, videos))
    warm, _ = timed(lambda: FeatureExtractor(spec, FeatureCache(cache_dir)).extract(data, videos))
    none, _ = timed(lambda: FeatureExtractor(spec).extract(data, videos))
    print(f"pose   {len(videos):4d} videos  cold+cache {len(videos) / cold:8.1f} videos/s   "
          f"warm (cache hits) {len(videos) / warm:8.1f} videos/s   no cache {len(videos) / none:8.1f} videos/s")  # fmt: skip


def visual_throughput(n_videos: int, keyframes: int, folder: Path) -> None:
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel

    from adrbench.data.skeletons import BODY
    from adrbench.features.encoders import VisualEncoder
    from adrbench.features.video import write_video

    torch.manual_seed(0)
    layer = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4)
    model = CLIPModel(CLIPConfig(vision_config={**layer, "image_size": 64, "patch_size": 16},
                                 text_config={**layer, "vocab_size": 99}, projection_dim=32))  # fmt: skip
    proc = CLIPImageProcessor(size={"shortest_edge": 64}, crop_size={"height": 64, "width": 64})
    videos = {}
    rng = np.random.default_rng(0)
    for i in range(n_videos):
        frames = rng.integers(0, 255, size=(90, 120, 160, 3), dtype=np.uint8)  # 3 s at 30 fps, 160×120
        write_video(folder / f"v{i}.mp4", frames)
        videos[f"v{i}"] = Video(id=f"v{i}", task="adr", split="test", group="g", category="c", performer="p",
                                video_path=f"v{i}.mp4")  # fmt: skip
    data = Dataset(task="bench", unit="video", videos=videos, pairs={}, splits={"test": list(videos)},
                   skeleton=BODY, root=folder, score_range=None)  # fmt: skip
    spec = FeatureSpec(source="visual", visual="tiny-clip", n_keyframes=keyframes)
    encoder = VisualEncoder(model, proc, fingerprint="bench")
    cache = FeatureCache(folder / "cache")
    cold, _ = timed(lambda: FeatureExtractor(spec, cache, encoder).extract(data, list(videos.values())))
    warm, _ = timed(lambda: FeatureExtractor(spec, cache, encoder).extract(data, list(videos.values())))
    print(f"visual {n_videos:4d} videos  (90 frames 160×120, tiny CLIP) decode+encode {n_videos / cold:6.1f} videos/s"
          f"   warm {n_videos / warm:8.1f} videos/s")  # fmt: skip


def pair_stage(data: Dataset, pairs: list[tuple[str, str]], keyframes: int) -> float:
    """Per-pair inputs from per-video features: each video's features once, each pair only concatenates."""
    extractor = FeatureExtractor(FeatureSpec(n_keyframes=keyframes))

    def run() -> list[np.ndarray]:
        return [np.concatenate([extractor.features(data, data.videos[a]), extractor.features(data, data.videos[b])])
                for a, b in pairs]  # fmt: skip

    seconds, _ = timed(run)
    return seconds


def scaling(data: Dataset, videos: list[Video], keyframes: int) -> None:
    ids = [v.id for v in videos]
    n = len(ids)
    ring = [(ids[i], ids[(i + 1) % n]) for i in range(n)]  # P pairs touching every video
    more = ring + [(ids[i], ids[(i + 2) % n]) for i in range(n)]  # 2P pairs, the same videos
    for v in videos:
        data.keypoints(v.id)
    best = {}
    for label, pairs in (("P", ring), ("2P", more)):
        best[label] = min(pair_stage(data, pairs, keyframes) for _ in range(3))
    ratio = best["2P"] / best["P"]
    print(f"scaling {n} videos: P={len(ring)} pairs {best['P'] * 1e3:7.1f} ms   2P={len(more)} pairs "
          f"{best['2P'] * 1e3:7.1f} ms   ratio {ratio:.3f} ({'≤ 1.10 ok' if ratio <= 1.10 else 'OVER 1.10'})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="adr-synth")
    parser.add_argument("--videos", type=int, default=60)
    parser.add_argument("--keyframes", type=int, default=16)
    parser.add_argument("--visual-videos", type=int, default=8)
    args = parser.parse_args()
    torch.set_num_threads(1)
    from adrbench.tasks.registry import get_task

    data = get_task(args.task).load()
    videos = list(data.videos.values())[: args.videos]
    with tempfile.TemporaryDirectory() as tmp:
        pose_throughput(data, videos, args.keyframes, Path(tmp) / "pose")
        scaling(data, videos, args.keyframes)
        folder = Path(tmp) / "videos"
        folder.mkdir()
        visual_throughput(args.visual_videos, args.keyframes, folder)


if __name__ == "__main__":
    main()
