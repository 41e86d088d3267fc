"""Generation and load times of the three synthetic twins, and ADR load time with twice the pairs at the same videos.

Run: python benchmarks/bench_data.py [--repeats 5]. Uses a fresh temporary cache, so generation is measured cold.
The "2× pairs" ADR folder is the adr-synth folder with every pair also listed in the other order (same videos, same
keypoint files): per-video work must not grow, so its load should cost at most ~10% more.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from adrbench.data.adr_layout import SPLITS, pairs_file
from adrbench.data.adr_loader import load_adr
from adrbench.data.kinematics import joint_statistics
from adrbench.data.synth.cache import ensure_synth
from adrbench.tasks import get_task

TASKS = ("adr-synth", "jigsaws-synth", "fitnessaqa-synth")


def _median_seconds(fn, repeats: int) -> float:
    """Median CPU seconds of this process (robust to other processes sharing the cores)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def _load_and_touch(root: Path) -> None:
    """Load an ADR folder and read every keypoint array a model would use, pair by pair."""
    data = load_adr(root)
    for split in SPLITS:
        for pair in data.items(split):
            data.keypoints(pair.video_1)
            data.keypoints(pair.video_2)


def _load_and_features(root: Path) -> None:
    """Load, then per pair fetch both videos' pose statistics, computed once per video (what models do)."""
    data = load_adr(root)
    features: dict[str, object] = {}
    for split in SPLITS:
        for pair in data.items(split):
            for vid in (pair.video_1, pair.video_2):
                if vid not in features:
                    features[vid] = joint_statistics(data.keypoints(vid), data.skeleton)


def _doubled_copy(adr: Path, out: Path) -> None:
    shutil.copytree(adr, out)
    for split in SPLITS:
        lines = (adr / pairs_file(split)).read_text(encoding="utf-8").splitlines()
        extra = []
        for line in lines:
            pair = json.loads(line)
            pair["id"] = f"{pair['video_2']}__{pair['video_1']}"
            pair["video_1"], pair["video_2"] = pair["video_2"], pair["video_1"]
            extra.append(json.dumps(pair, sort_keys=True, separators=(",", ":")))
        (out / pairs_file(split)).write_text("\n".join(lines + extra) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="adrbench-bench-") as tmp:
        os.environ["ADRBENCH_CACHE"] = tmp
        print(f"{'task':<18}{'generate+load s (wall / cpu)':>30}{'load cpu s (cached)':>21}{'items':>8}")
        for task in TASKS:
            start, cpu = time.perf_counter(), time.process_time()
            ensure_synth(task, 0)
            data = get_task(task).load()
            cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
            warm = _median_seconds(lambda t=task: get_task(t).load(), args.repeats)
            n = sum(len(v) for v in data.splits.values())
            print(f"{task:<18}{cold:>20.2f} / {cold_cpu:>6.2f}{warm:>21.3f}{n:>8}")

        adr = ensure_synth("adr-synth", 0) / "adr"
        doubled = Path(tmp) / "adr-2x"
        _doubled_copy(adr, doubled)
        one = load_adr(adr)
        two = load_adr(doubled)
        assert set(one.videos) == set(two.videos) and len(two.pairs) == 2 * len(one.pairs)
        print(
            f"\nADR load, {len(one.pairs)} vs {len(two.pairs)} pairs at the same {len(one.videos)} videos "
            f"(median of {args.repeats}):"
        )
        rows = (
            ("load()", load_adr),
            ("load() + keypoints of every pair", _load_and_touch),
            ("load() + per-video pose statistics", _load_and_features),
        )
        for label, fn in rows:
            t1 = _median_seconds(lambda f=fn: f(adr), args.repeats)
            t2 = _median_seconds(lambda f=fn: f(doubled), args.repeats)
            print(f"  {label:<34} 1x {t1:7.3f} s   2x {t2:7.3f} s   +{100 * (t2 / t1 - 1):5.1f}%")


if __name__ == "__main__":
    main()
