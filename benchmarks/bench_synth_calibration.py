"""Calibration of the embedded twins: does each separate good from bad? Prints the tables of docs/synthetic.md.

    python benchmarks/bench_synth_calibration.py [--seed 0] [--skip-text] [--skip-aqa]

adr-synth text (test split, true scores in every prediction so only the text varies): a held-out reference
(correct content, other words) against the same words with the players swapped, another pair's description, the
most common training description and one fixed sentence with the right winner, each scored against the pair's
remaining references by the one evaluation path. Scores: the noise ceiling, ridge on clip statistics, the
decisive-cell oracle, beside the measured leaderboard runs; FitnessAQA labels: the noise ceiling, a logistic floor
on clip statistics and a decisive-phase probe, beside the runs (leaderboards/measured/<task>/*/metrics.json). The
checks the twin must pass are printed with ✓/✗ (the same checks as tests/data/test_synth_calibration.py).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from adrbench import calibration
from adrbench.tasks import get_task

MEASURED = Path(__file__).resolve().parent.parent / "leaderboards" / "measured"
HELD, SWAPPED, OTHER, COMMON, WINNER = (
    "held-out reference (correct content, other words)",
    "held-out reference, players swapped",
    "another pair's description (same sub-activity)",
    "most common training description (= mean)",
    "one fixed sentence with the right winner",
)
CONTENT = ("judge_winner_accuracy", "probe_acc", "mcq_acc")


def measured(task: str, keys: tuple[str, ...]) -> dict[str, dict[str, float | None]]:
    """model run → {key: value} from the stored leaderboard runs of `task`."""
    out = {}
    for path in sorted((MEASURED / task).glob("*/metrics.json")):
        metrics = json.loads(path.read_text())["metrics"]
        out[path.parent.name] = {k: metrics[k]["value"] for k in keys if k in metrics}
    return out


def table(rows: dict[str, dict[str, float | None]], keys: tuple[str, ...], width: int = 52) -> None:
    print("| " + "row".ljust(width) + " | " + " | ".join(k[:12].rjust(12) for k in keys) + " |")
    print("|" + "-" * (width + 2) + "|" + "|".join("-" * 14 for _ in keys) + "|")
    for name, values in rows.items():
        cells = [f"{values[k]:12.3f}" if values.get(k) is not None else "n/a".rjust(12) for k in keys]
        print("| " + name[:width].ljust(width) + " | " + " | ".join(cells) + " |")


def check(label: str, ok: bool) -> bool:
    print(f"  {'✓' if ok else '✗'} {label}")
    return ok


def text_checks(rows: dict[str, dict[str, float | None]]) -> list[bool]:
    def v(name: str, key: str) -> float:
        value = rows[name].get(key)
        return float("-inf") if value is None else value

    results = []
    for key in CONTENT:
        results.append(check(f"{key}: held-out > players swapped", v(HELD, key) > v(SWAPPED, key)))
        for other in (OTHER, COMMON):
            results.append(check(f"{key}: held-out > {other}", v(HELD, key) > v(other, key)))
    for key in ("bleu_4", "meteor"):
        for other in (OTHER, COMMON):
            results.append(check(f"{key}: held-out > {other}", v(HELD, key) > v(other, key)))
    results.append(check("bleu_4 of the most common training description < 0.1", v(COMMON, "bleu_4") < 0.1))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-text", action="store_true")
    parser.add_argument("--skip-aqa", action="store_true")
    args = parser.parse_args()
    results = []

    start = time.perf_counter()
    adr = get_task("adr-synth").load(seed=args.seed)
    print(f"adr-synth seed {args.seed}: loaded in {time.perf_counter() - start:.1f} s\n")
    score_keys = ("spearman", "relative_l2")
    scores = calibration.score_calibration(adr)
    print("## adr-synth scores (test split)\n")
    table({**scores, **{f"run: {k}": v for k, v in measured("adr-synth", score_keys).items()}}, score_keys)
    ceiling = scores["noise ceiling (generator quality)"]["spearman"]
    ridge = scores["ridge on clip statistics"]["spearman"]
    oracle = scores["decisive-cell oracle (keypoints)"]["spearman"]
    results.append(check(f"noise ceiling {ceiling:.3f} ≥ 0.9", ceiling >= 0.9))
    results.append(check(f"ridge on clip statistics {ridge:.3f} ≤ 0.6", ridge <= 0.6))
    results.append(check(f"decisive-cell oracle {oracle:.3f} ≥ ridge + 0.3", oracle >= ridge + 0.3))

    if not args.skip_text:
        start = time.perf_counter()
        rows = calibration.text_calibration(adr, seed=args.seed)
        print(f"\n## adr-synth text (test split, true scores; {time.perf_counter() - start:.0f} s)\n")
        table(rows, calibration.TEXT_KEYS)
        print()
        results.extend(text_checks(rows))
        runs = measured("adr-synth", calibration.TEXT_KEYS)
        print("\nmeasured runs, same keys (against all references):\n")
        table(runs, calibration.TEXT_KEYS)

    if not args.skip_aqa:
        jig = get_task("jigsaws-synth").load(seed=args.seed)
        jig_scores = calibration.score_calibration(
            jig, references={"ridge on clip statistics": calibration.ridge_clip_statistics}
        )
        print("\n## jigsaws-synth (default fold)\n")
        runs = measured("jigsaws-synth", score_keys)
        table({**jig_scores, **{f"run: {k}": v for k, v in runs.items()}}, score_keys)
        best = max((v["spearman"] for v in runs.values() if v.get("spearman") is not None), default=None)
        ridge_j = jig_scores["ridge on clip statistics"]["spearman"]
        if best is not None:
            results.append(
                check(f"a model ({best:.3f}) beats ridge on clip statistics ({ridge_j:.3f})", best > ridge_j)
            )

        fit = get_task("fitnessaqa-synth").load(seed=args.seed)
        refs = {
            "noise ceiling (generator's latent fault)": calibration.label_ceiling(fit),
            "logistic on clip statistics": calibration.label_calibration(fit),
            "decisive-phase probe (keypoints)": calibration.decisive_phase_probe(fit),
        }
        ceiling, floor, probe = refs.values()
        keys = tuple(sorted(floor))
        print("\n## fitnessaqa-synth (test split, F1)\n")
        runs = measured("fitnessaqa-synth", keys)
        table({**refs, **{f"run: {k}": v for k, v in runs.items()}}, keys)
        for key in keys:
            c, f, o = (ref[key] or 0.0 for ref in (ceiling, floor, probe))
            results.append(check(f"{key}: logistic floor {f:.3f} ≤ ceiling {c:.3f} − 0.05", f <= c - 0.05))
            results.append(check(f"{key}: decisive-phase probe {o:.3f} ≥ floor {f:.3f} + 0.05", o >= f + 0.05))
            best = max(runs, key=lambda k: runs[k].get(key) or 0.0, default=None)
            if best is not None:  # the models' standing is stated, not a check on the twin
                value = runs[best].get(key) or 0.0
                print(f"    best run {best} {value:.3f}: {'above' if value > f else 'below'} the logistic floor")
    print(f"\n{sum(results)}/{len(results)} checks hold")


if __name__ == "__main__":
    main()
