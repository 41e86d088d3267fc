"""KEPT benchmarks: time to score every reasoning path (K=4: 64 paths vs K=6: 1,024; goal ≤ 4×) and the
end-to-end train + predict time of `kept` with its defaults on adr-synth (the README's main command).

Next to the K=6 / K=4 ratio it prints the FLOOR: the time of the one step of eq. 2 that no implementation can
skip, F_M's hidden activation GELU(Σ_k W_k x_{l_k,n} + b) for every path l, keyframe n and unit (J^(K-1)·N·d
values: the nonlinearity sits between the per-node sums and the pooling, so nothing can be shared across paths).
When floor(K=6) / full(K=4) is above 4 the goal cannot be met by any exact implementation of eq. 2 on this machine.

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


def hidden_floor_seconds(
    depth: int, videos: int = 64, d: int = 64, keyframes: int = 16, groups: int = 4, repeats: int = 15
) -> float:
    """Median seconds of the unavoidable per-path work alone: one add + GELU over all J^(K-1)·N·d pre-activations,
    given the per-prefix sums for free (in place, no allocation)."""
    paths = groups ** (depth - 1)
    prefix = torch.randn(videos, paths // groups, 1, keyframes, d)
    last = torch.randn(videos, 1, groups, keyframes, d)
    out = torch.empty(videos, paths // groups, groups, keyframes, d)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        torch.add(prefix, last, out=out)
        torch.nn.functional.gelu(out).mean(dim=3)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


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
    floor6 = hidden_floor_seconds(6)
    print(
        f"score all paths, 64 videos: K=4 (64 paths) {t4 * 1e3:.1f} ms, K=6 (1,024 paths) {t6 * 1e3:.1f} ms, "
        f"ratio {t6 / t4:.2f}x (goal <= 4x)\n"
        f"floor at K=6 (add + GELU + keyframe mean of the 1,024 paths' hidden layer alone) {floor6 * 1e3:.1f} ms "
        f"= {floor6 / t4:.2f}x the whole K=4 pass"
    )
    if not args.paths:
        end_to_end(args.threads)


if __name__ == "__main__":
    main()
