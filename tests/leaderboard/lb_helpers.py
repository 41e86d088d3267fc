"""Helpers of the leaderboard tests: tiny datasets built in code, a stand-in scorer, metrics.json builders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scipy.stats import spearmanr

from adrbench.dataset import Dataset, Skeleton
from adrbench.jsonl import write_json
from adrbench.records import Pair, PairPrediction, Video, VideoPrediction

SKELETON = Skeleton(joints=("root",), edges=(), groups={"body": (0,)})
SPORTS = ("Soccer", "Basketball", "Rock Climbing")


def tiny_adr() -> Dataset:
    """Nine videos in three sports; one train pair and six test pairs (two per sport)."""
    videos, pairs = {}, {}
    for s, sport in enumerate(SPORTS):
        for k in range(3):
            vid = f"v{s}{k}"
            videos[vid] = Video(
                id=vid,
                task="adr-synth",
                split="test",
                group=f"g{s}",
                category=sport,
                performer=f"p{s}{k}",
                score=2.0 + 2 * k + s,
            )
        for k, (a, b) in enumerate(((0, 1), (1, 2))):
            pid = f"pair-{s}-{k}"
            pairs[pid] = Pair(
                id=pid,
                task="adr-synth",
                split="test",
                group=f"g{s}",
                category=sport,
                video_1=f"v{s}{a}",
                video_2=f"v{s}{b}",
                description="the left knee bends more",
            )
    pairs["pair-train"] = Pair(
        id="pair-train",
        task="adr-synth",
        split="train",
        group="g0",
        category="Soccer",
        video_1="v00",
        video_2="v01",
        description="x",
    )
    test = [p for p in pairs if p != "pair-train"]
    return Dataset(
        task="adr-synth",
        unit="pair",
        videos=videos,
        pairs=pairs,
        splits={"train": ["pair-train"], "test": test},
        skeleton=SKELETON,
        root=Path("."),
        score_range=(0.0, 10.0),
    )


def tiny_fitness() -> Dataset:
    """Four test clips with binary error labels."""
    videos = {
        f"c{i}": Video(
            id=f"c{i}",
            task="fitnessaqa-synth",
            split="test",
            group="OHP",
            category="fitness",
            performer=f"q{i}",
            labels={"OHP_knee": i % 2, "OHP_elbow": 1 - i % 2},
        )
        for i in range(4)
    }
    return Dataset(
        task="fitnessaqa-synth",
        unit="video",
        videos=videos,
        pairs={},
        splits={"test": list(videos)},
        skeleton=SKELETON,
        root=Path("."),
        score_range=None,
        label_names=("OHP_knee", "OHP_elbow"),
    )


def tiny_jigsaws() -> Dataset:
    """Six trials over the three surgical tasks, GRS in [6, 30]."""
    names = ("Knot_Tying", "Needle_Passing", "Suturing")
    videos = {
        f"t{i}": Video(
            id=f"t{i}",
            task="jigsaws-synth",
            split="test",
            group=names[i % 3],
            category="surgery",
            performer=f"s{i}",
            score=8.0 + 3 * i,
        )
        for i in range(6)
    }
    return Dataset(
        task="jigsaws-synth",
        unit="video",
        videos=videos,
        pairs={},
        splits={"test": list(videos)},
        skeleton=SKELETON,
        root=Path("."),
        score_range=(6.0, 30.0),
    )


def _metric(value: float | None, n: int, ci: list[float] | None = None) -> dict[str, Any]:
    return {"value": value, "ci95": ci, "n": n, "signature": "test-double"}


def stand_in_scorer(data: Dataset, preds: list[Any]) -> dict[str, Any]:
    """A stand-in for adrbench.scoring in these tests: Spearman of predicted vs true scores, in the schema."""
    truth, guess, cats = [], [], []
    for p in preds:
        if isinstance(p, PairPrediction):
            pair = data.pairs[p.pair_id]
            for vid, s in ((pair.video_1, p.score_1), (pair.video_2, p.score_2)):
                truth.append(data.videos[vid].score)
                guess.append(s)
                cats.append(pair.category)
        elif isinstance(p, VideoPrediction):
            truth.append(data.videos[p.video_id].score or 0.0)
            guess.append(p.score or 0.0)
            cats.append(data.videos[p.video_id].group)

    def rho(idx: list[int]) -> float | None:
        a, b = [truth[i] for i in idx], [guess[i] for i in idx]
        if len(set(a)) < 2 or len(set(b)) < 2:
            return None  # undefined for constant input; the schema carries null, never NaN
        return float(spearmanr(a, b).statistic)

    every = list(range(len(truth)))
    groups = {
        c: {
            "n_items": cats.count(c),
            "metrics": {"spearman": _metric(rho([i for i in every if cats[i] == c]), cats.count(c))},
        }
        for c in sorted(set(cats))
    }
    return {
        "schema": "adrbench.metrics/1",
        "task": data.task,
        "split": "test",
        "n_items": len(preds),
        "n_failed": 0,
        "failures": {"policy": "counted", "by_field": {}},
        "metrics": {"spearman": _metric(rho(every), len(every))},
        "groups": {"category": groups},
    }


def metrics_json(task: str, metrics: dict[str, Any], groups: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "schema": "adrbench.metrics/1",
        "task": task,
        "split": "test",
        "n_items": 10,
        "n_failed": 0,
        "failures": {"policy": "counted", "by_field": {}},
        "metrics": metrics,
        "groups": groups or {},
    }


def make_run(
    folder: Path,
    model: str,
    task: str,
    metrics: dict[str, Any],
    seed: int = 0,
    model_args: dict[str, Any] | None = None,
) -> Path:
    write_json(
        folder / "config.json", {"model": model, "task": task, "seed": seed, "model_args": model_args or {}}
    )
    write_json(folder / "metrics.json", metrics)
    return folder


def adr_metrics(rho: float, rl2: float, n_climb: int = 2) -> dict[str, Any]:
    """ADR metrics with per-sport groups; Rock Climbing has `n_climb` items."""
    sports = {"Soccer": 12, "Basketball": 9, "Rock Climbing": n_climb}
    groups = {
        "category": {
            name: {
                "n_items": n,
                "metrics": {
                    "spearman": _metric(rho - 0.1, n, [rho - 0.3, rho]),
                    "relative_l2": _metric(rl2, n, [rl2 / 2, rl2 * 2]),
                    "bleu_1": _metric(0.3, n),
                },
            }
            for name, n in sports.items()
        }
    }
    top = {
        "spearman": _metric(rho, 23, [rho - 0.2, min(1.0, rho + 0.1)]),
        "relative_l2": _metric(rl2, 23, None),
    }
    top.update(
        {
            k: _metric(0.25, 23)
            for k in (
                "bleu_1",
                "bleu_2",
                "bleu_3",
                "bleu_4",
                "bleu",
                "rouge_1",
                "rouge_2",
                "rouge_l",
                "rouge_s",
                "meteor",
            )
        }
    )
    return metrics_json("adr-synth", top, groups)
