"""KEPT's path-selection schemes compared on validation data of adr-synth (never on the reported test): the
tables of docs/kept.md ("Path selection").

    python benchmarks/bench_kept_selection.py [--seeds 0,1,2] [--schemes straight_through,mixture]
                                              [--validation twin|split] [--out DIR]

`--validation split`: each scheme trains on adr-synth's train split less a performer-disjoint 20%
(`-T val=0.2`) and is scored on that split. `--validation twin` (default): it trains on the train split of another draw of
the twin (data seed 1) and is scored on that draw's test split — never the reported seed-0 test, and 246 videos
instead of 83, with all 190 training videos. Printed below the table: how far reference scorers get on the
validation data (a lasso on joint-angle measures, the same lasso on KEPT's own inputs, the oracle), and the
path metrics of a ridge teacher's path choice (`teacher_levels`: how far a choice from the training videos gets). Both score through the one scoring path (adrbench.runner.run), once per training seed.
Printed per scheme: Spearman ρ, BLEU-4, path entropy (1 = uniform), same-pair choice and agreement with the
generator's decisive groups (per step, and coverage of the groups), mean ± SD over the seeds, beside their chance
levels and the best constant path. Run folders are kept under --out, so an interrupted comparison resumes.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from adrbench import calibration
from adrbench.dataset import Dataset
from adrbench.protocols.paths import path_metrics
from adrbench.records import Video, VideoPrediction
from adrbench.runner import run
from adrbench.runs import RunConfig
from adrbench.tasks import get_task
from kept.config import KeptConfig
from kept.features import KeptInputs, node_measures
from kept.teacher import as_path, teacher_groups

DEFAULT = {"selection": "straight_through", "entropy_weight": "0.1"}  # the default scheme, spelt out
CREDIT = {**DEFAULT, "node_measures": "true", "path_credit": "1"}  # path credit per action (docs/kept.md)
#: path credit per action, cross-fitted over two halves of the training videos, T annealed 1 → 0.05
ANNEALED = {**CREDIT, "path_credit_folds": "2", "path_temp_start": "1", "path_temp_end": "0.05"}
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
    "straight_through-e0.1": DEFAULT,
    "gumbel-e0.1": {"selection": "gumbel", "entropy_weight": "0.1"},
    # not selection schemes: the default one with other options (KeptConfig.score_pool, node_measures, ...)
    "straight_through-e0.1-pool": {**DEFAULT, "score_pool": "activity"},
    "straight_through-e0.1-measures": {**DEFAULT, "node_measures": "true"},
    "straight_through-e0.1-measures-pool": {**DEFAULT, "node_measures": "true", "score_pool": "activity"},
    "straight_through-e0.1-measures-credit": {**CREDIT, "path_credit_by": "video"},
    "straight_through-e0.1-measures-credit-action": CREDIT,
    "straight_through-e0.3-measures-credit-action": {**CREDIT, "entropy_weight": "0.3"},
    "straight_through-e0.1-measures-credit3-action": {**CREDIT, "path_credit": "3"},
    "straight_through-e0.1-measures-credit-action-anneal": {**CREDIT, "path_temp_start": "1", "path_temp_end": "0.1"},
    "straight_through-e0.1-measures-credit-action-anneal0.05": {**ANNEALED, "path_credit_folds": "1"},
    "straight_through-e0.1-measures-credit-action-anneal0.05-cross": ANNEALED,
    "straight_through-e0.1-measures-credit-teacher-anneal0.05": {**ANNEALED, "path_credit_by": "teacher"},  # kept-credit
    "straight_through-e0.1-measures-credit-action-anneal0.05-cross-odds": {**ANNEALED, "path_weigh": "odds"},
    "straight_through-e0.1-measures-small": {**DEFAULT, "node_measures": "true", "d": "16", "dropout": "0.5"},
}
#: --validation → (data seed, task args, split scored)
VALIDATION: dict[str, tuple[int, dict[str, str], str]] = {
    "split": (0, {"val": "0.2"}, "val"),
    "twin": (1, {}, "test"),
}
KEYS = ("spearman", "bleu_4", "path_entropy", "path_same_pair", "path_decisive", "path_decisive_coverage")
BASELINES = (
    "path_same_pair_chance",
    "path_decisive_chance",
    "path_decisive_constant",
    "path_decisive_coverage_chance",
    "path_decisive_coverage_constant",
)


def measure(scheme: str, seed: int, validation: str, out: Path) -> dict[str, float | None]:
    """One validation run of a scheme: the metrics of KEYS and BASELINES."""
    data_seed, task_args, split = VALIDATION[validation]
    config = RunConfig(
        model="kept",
        task="adr-synth",
        model_args=SCHEMES[scheme],
        task_args=task_args,
        seed=data_seed,
        train_seed=seed,
        split=split,
        orders="ab",
        n_bootstrap=0,
    )
    metrics = run(config, out / validation / scheme / f"seed{seed}").metrics["metrics"]
    return {k: metrics[k]["value"] if k in metrics else None for k in (*KEYS, *BASELINES)}


def reference_levels(validation: str) -> dict[str, float | None]:
    """ρ of reference scorers on the validation data: the twin's (how much a score ranking can show there) and a
    lasso per sub-activity on everything KEPT's pose stream reads (how much of it reaches KEPT's inputs)."""
    data_seed, task_args, split = VALIDATION[validation]
    data = get_task("adr-synth").load(None, data_seed, True, **task_args)
    inputs = KeptInputs.for_config(KeptConfig())

    def kept_inputs(data: Dataset, video: Video) -> np.ndarray:
        views = inputs.get(data, video.id)
        return np.concatenate([views.frames.ravel(), views.nodes.ravel(), views.joints.ravel()])

    references: dict[str, Callable[[Dataset, str], dict[str, float]]] = {
        "lasso on joint measures per third of the clip": calibration.lasso_thirds,
        "lasso on KEPT's inputs (frames, nodes, joints)": partial(calibration.lasso_per_group, features=kept_inputs),
        "lasso on KEPT's node measures (node_measures=true)": partial(
            calibration.lasso_per_group,
            features=lambda d, v: node_measures(d.keypoints(v.id), d.skeleton, KeptConfig.keyframes).ravel(),
        ),
        "decisive-cell oracle (keypoints)": calibration.decisive_oracle,
    }
    levels = calibration.score_calibration(data, split, references)
    return {name: m.get("spearman") for name, m in levels.items()}


def teacher_levels(validation: str) -> dict[str, float]:
    """How well a path choice made from the training videos alone can cover the decisive groups: per sub-activity,
    kept.teacher's group set on the node measures (node_measures=true's) as every scored video's l*; its path
    metrics (coverage, decisive)."""
    data_seed, task_args, split = VALIDATION[validation]
    data = get_task("adr-synth").load(None, data_seed, True, **task_args)
    names, steps, keyframes = list(data.skeleton.groups), KeptConfig.depth - 1, KeptConfig.keyframes
    train = [v for v in data.videos_of("train") if v.score is not None]
    chosen: dict[str, list[str]] = {}
    for action in sorted({v.group for v in train}):
        videos = [v for v in train if v.group == action]
        feats = np.stack([node_measures(data.keypoints(v.id), data.skeleton, keyframes) for v in videos])
        groups = teacher_groups(feats, np.array([v.score for v in videos], dtype=np.float64), steps)
        chosen[action] = [names[g] for g in as_path(groups, steps)]
    preds = [
        VideoPrediction(video_id=v.id, meta={"path": chosen[v.group]})
        for v in data.videos_of(split)
        if v.group in chosen
    ]
    metrics = path_metrics(data, preds, n_bootstrap=0)
    return {k: metrics[k]["value"] for k in ("path_decisive", *KEYS[-1:], *BASELINES[1:])}


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
    parser.add_argument("--validation", choices=sorted(VALIDATION), default="twin")
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
        rows[scheme] = [measure(scheme, seed, args.validation, args.out) for seed in seeds]
        print(f"# {scheme}: {len(seeds)} seeds in {time.perf_counter() - started:.0f} s", flush=True)
    data_seed, task_args, split = VALIDATION[args.validation]
    print(
        f"\nadr-synth data seed {data_seed}, {split} split {task_args or ''}, training seeds {seeds}, mean ± SD"
    )
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
        "reference scorers' ρ on this split: "
        + ", ".join(f"{name} {rho:.3f}" for name, rho in reference_levels(args.validation).items() if rho is not None)
    )
    print(
        "a ridge teacher's path (per sub-activity, chosen by CV on the training videos): "
        + ", ".join(f"{k} {v:.3f}" for k, v in teacher_levels(args.validation).items())
    )
    print(
        "same-pair chance is per scheme (Σ f² of its own path frequencies): "
        + ", ".join(f"{s} {cell([r['path_same_pair_chance'] for r in found])}" for s, found in rows.items())
    )


if __name__ == "__main__":
    main()
