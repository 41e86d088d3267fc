"""KEPT benchmarks: time to score every reasoning path (K=4: 64 paths vs K=6: 1,024; goal ≤ 4×) and the
end-to-end train + predict time of `kept` with its defaults on adr-synth (the README's main command).

    python benchmarks/bench_kept.py            # both
    python benchmarks/bench_kept.py --paths    # path scoring only (seconds)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch

from kept.tree import PathScorer


def path_scoring_seconds(
    depth: int,
    videos: int = 64,
    d: int = 64,
    heads: int = 4,
    keyframes: int = 16,
    groups: int = 4,
    repeats: int = 15,
) -> float:
    """Median seconds to score all J^(K-1) paths of `videos` videos (no gradient), KEPT's default sizes."""
    torch.manual_seed(0)
    net = PathScorer(stat_dim=2 * 5, d=d, heads=heads, n_groups=groups, depth=depth).eval()
    nodes = torch.randn(videos, keyframes, groups, 10)
    video = torch.randn(videos, keyframes, d)
    times = []
    with torch.no_grad():
        net(nodes, video)  # warm-up
        for _ in range(repeats):
            start = time.perf_counter()
            net(nodes, video)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def end_to_end(threads: int) -> None:
    from adrbench.tasks import get_task
    from kept.adapter import KeptModel

    start = time.perf_counter()
    data = get_task("adr-synth").load()
    model = KeptModel(threads=str(threads))
    model.fit(data, seed=0)
    fitted = time.perf_counter()
    items = data.items("test")
    preds = []
    for i in range(0, len(items), model.batch_size):
        preds += model.predict(data, items[i : i + model.batch_size])
    done = time.perf_counter()
    print(
        f"adr-synth end to end: load+train {fitted - start:.1f}s, predict {len(preds)} pairs {done - fitted:.1f}s, "
        f"total {done - start:.1f}s (torch threads {torch.get_num_threads()}, load average "
        f"{os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paths", action="store_true", help="only the path-scoring benchmark")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    t4, t6 = path_scoring_seconds(4), path_scoring_seconds(6)
    print(
        f"score all paths, 64 videos: K=4 (64 paths) {t4 * 1e3:.1f} ms, K=6 (1,024 paths) {t6 * 1e3:.1f} ms, "
        f"ratio {t6 / t4:.2f}x (goal <= 4x)"
    )
    if not args.paths:
        end_to_end(args.threads)


if __name__ == "__main__":
    main()
