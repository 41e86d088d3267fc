"""KEPT's path-selection schemes compared on a validation split of adr-synth (never on test): the table of
docs/kept.md ("Path selection").

    python benchmarks/bench_kept_selection.py [--seeds 0,1,2] [--schemes straight_through,mixture] [--out DIR]

Each scheme trains KEPT on adr-synth's train split less a performer-disjoint 20% (`-T val=0.2`) and is scored
on that validation split by the one scoring path (adrbench.runner.run, split="val"), once per training seed.
Printed per scheme: Spearman ρ, BLEU-4, path entropy (1 = uniform), same-pair choice and agreement with the
generator's decisive groups, mean ± SD over the seeds, beside the decisive-agreement chance level and the best
constant path. Run folders are kept under --out, so an interrupted comparison resumes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from adrbench.runner import run
from adrbench.runs import RunConfig

#: scheme name → KEPT options (entropy_weight given explicitly, so a changed default cannot move a row).
SCHEMES: dict[str, dict[str, str]] = {
    "mixture": {"selection": "mixture", "entropy_weight": "0"},
    "mixture-anneal": {
        "selection": "mixture",
        "entropy_weight": "0",
        "path_temp_start": "1",
        "path_temp_end": "0.05",
    },
    "straight_through": {"selection": "straight_through", "entropy_weight": "0"},
    "straight_through-e0.1": {"selection": "straight_through", "entropy_weight": "0.1"},
    "gumbel-e0.1": {"selection": "gumbel", "entropy_weight": "0.1"},
}
KEYS = ("spearman", "bleu_4", "path_entropy", "path_same_pair", "path_decisive")
BASELINES = ("path_same_pair_chance", "path_decisive_chance", "path_decisive_constant")


def measure(scheme: str, seed: int, out: Path) -> dict[str, float | None]:
    """One validation run of a scheme: the metrics of KEYS and BASELINES."""
    config = RunConfig(
        model="kept",
        task="adr-synth",
        model_args=SCHEMES[scheme],
        task_args={"val": "0.2"},
        train_seed=seed,
        split="val",
        orders="ab",
        n_bootstrap=0,
    )
    metrics = run(config, out / scheme / f"seed{seed}").metrics["metrics"]
    return {k: metrics[k]["value"] if k in metrics else None for k in (*KEYS, *BASELINES)}


def cell(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "—"
    if len(known) == 1:
        return f"{known[0]:.3f}"
    return f"{statistics.mean(known):.3f} ± {statistics.stdev(known):.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--schemes", default=",".join(SCHEMES))
    parser.add_argument("--out", type=Path, default=Path("runs/bench-kept-selection"))
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    schemes = [s for s in args.schemes.split(",") if s]
    unknown = set(schemes) - set(SCHEMES)
    if unknown:
        parser.error(f"unknown schemes {sorted(unknown)}; known: {', '.join(SCHEMES)}")
    rows: dict[str, list[dict[str, float | None]]] = {}
    for scheme in schemes:
        started = time.perf_counter()
        rows[scheme] = [measure(scheme, seed, args.out) for seed in seeds]
        print(f"# {scheme}: {len(seeds)} seeds in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"\nadr-synth validation split (-T val=0.2), training seeds {seeds}, mean ± SD")
    print("| scheme | " + " | ".join(KEYS) + " |")
    print("|---" * (len(KEYS) + 1) + "|")
    for scheme, found in rows.items():
        print(f"| {scheme} | " + " | ".join(cell([r[k] for r in found]) for k in KEYS) + " |")
    first = next(iter(rows.values()))[0]
    print(
        "\nlevels without information (the same for every scheme: data, not model): "
        + ", ".join(f"{k} {first[k]:.3f}" for k in BASELINES[1:] if first[k] is not None)
    )
    print(
        "same-pair chance is per scheme (Σ f² of its own path frequencies): "
        + ", ".join(f"{s} {cell([r['path_same_pair_chance'] for r in found])}" for s, found in rows.items())
    )


if __name__ == "__main__":
    main()
