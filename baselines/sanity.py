"""Sanity baselines, the floor of every table: `mean` (train statistics) and `nn` (nearest neighbour on pose).

Both are deterministic and need no seed. For ADR pairs each video is scored on its own and the description is
a training description (the most common one for `mean`, the one of the most similar training pair for `nn`);
JIGSAWS gets a score per video; FitnessAQA gets a 0/1 label per error.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load_file, save_file

from adrbench.atomic import replacing
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.features.pose import pose_summary
from adrbench.jsonl import write_json
from adrbench.models.base import Model
from adrbench.records import Pair, PairPrediction, Prediction, Video, VideoPrediction


def _no_args(name: str, args: dict[str, str]) -> None:
    if args:
        raise ConfigError(f"model {name!r} takes no --model-arg, got {', '.join(sorted(args))}")


def most_common(texts: Sequence[str]) -> str | None:
    """The most frequent text; ties go to the lexicographically smallest, so the choice never depends on order."""
    counts = Counter(texts)
    if not counts:
        return None
    return min(counts, key=lambda t: (-counts[t], t))


def majority_labels(videos: Sequence[Video], names: Sequence[str]) -> dict[str, int]:
    """Per error name, 1 if more than half of the videos that carry the label have the error, else 0."""
    out: dict[str, int] = {}
    for name in names:
        values = [v.labels[name] for v in videos if name in v.labels]
        if values:
            out[name] = int(2 * sum(values) > len(values))
    return out


def _label_names(data: Dataset, videos: Sequence[Video]) -> list[str]:
    names = list(data.label_names)
    for v in videos:
        names.extend(k for k in v.labels if k not in names)
    return names


class MeanBaseline(Model):
    """Train mean score per sub-activity (fallback: global mean), most common training description,
    majority label per error among the training clips of the same exercise (fallback: all clips)."""

    name = "mean"
    trainable = True

    def __init__(self, **args: str) -> None:
        _no_args(self.name, args)
        self._group_mean: dict[str, float] = {}
        self._global_mean: float | None = None
        self._description: str | None = None
        self._group_labels: dict[str, dict[str, int]] = {}
        self._global_labels: dict[str, int] = {}

    def fit(self, data: Dataset, seed: int) -> None:
        train = data.videos_of("train")
        by_group: dict[str, list[float]] = defaultdict(list)
        for v in train:
            if v.score is not None:
                by_group[v.group].append(v.score)
        self._group_mean = {g: float(np.mean(s)) for g, s in sorted(by_group.items())}
        scores = [s for group in by_group.values() for s in group]
        self._global_mean = float(np.mean(scores)) if scores else None
        if data.unit == "pair":
            self._description = most_common([p.description for p in data.pair_items("train") if p.description])
        names = _label_names(data, train)
        self._global_labels = majority_labels(train, names)
        groups = sorted({v.group for v in train})
        self._group_labels = {g: majority_labels([v for v in train if v.group == g], names) for g in groups}
        self._group_labels = {g: lab for g, lab in self._group_labels.items() if lab}

    def _score(self, video: Video) -> float | None:
        return self._group_mean.get(video.group, self._global_mean)

    def _labels(self, video: Video) -> dict[str, int]:
        return dict(self._group_labels.get(video.group, self._global_labels))

    def predict(self, data: Dataset, items: Sequence[Pair] | Sequence[Video]) -> list[Prediction]:
        out: list[Prediction] = []
        for item in items:
            if isinstance(item, Pair):
                v1, v2 = data.videos[item.video_1], data.videos[item.video_2]
                out.append(
                    PairPrediction(
                        pair_id=item.id,
                        score_1=self._score(v1),
                        score_2=self._score(v2),
                        description=self._description,
                    )
                )
            else:
                out.append(
                    VideoPrediction(video_id=item.id, score=self._score(item), labels=self._labels(item))
                )
        return out

    def save(self, directory: Path) -> bool:
        state = {
            "group_mean": self._group_mean,
            "global_mean": self._global_mean,
            "description": self._description,
            "group_labels": self._group_labels,
            "global_labels": self._global_labels,
        }
        write_json(Path(directory) / "mean.json", state)
        return True

    def load(self, directory: Path) -> bool:
        path = Path(directory) / "mean.json"
        if not path.is_file():
            return False
        state = json.loads(path.read_text(encoding="utf-8"))
        self._group_mean, self._global_mean = state["group_mean"], state["global_mean"]
        self._description = state["description"]
        self._group_labels, self._global_labels = state["group_labels"], state["global_labels"]
        return True


def _nearest(query: np.ndarray, candidates: np.ndarray) -> int:
    """Index of the candidate row closest to `query` (squared Euclidean); ties go to the first row."""
    return int(np.argmin(((candidates - query) ** 2).sum(axis=1)))


class NearestNeighbourBaseline(Model):
    """Nearest neighbour on pose statistics (per joint and statistic: mean and std over frames, standardised on
    train). Score and labels from the nearest training video of the same sub-activity; description from the
    training pair whose concatenated (video_1, video_2) summaries are closest to the test pair's."""

    name = "nn"
    trainable = True

    def __init__(self, **args: str) -> None:
        _no_args(self.name, args)
        self._summaries: dict[str, np.ndarray] = {}  # video id → raw summary, computed once per video
        self._mu = self._sd = np.zeros(0)
        self._train: dict[str, Any] = {}
        self._rows: dict[tuple[int, str], np.ndarray] = {}

    def _raw(self, data: Dataset, video_id: str) -> np.ndarray:
        if video_id not in self._summaries:
            self._summaries[video_id] = pose_summary(data.keypoints(video_id), data.skeleton)
        return self._summaries[video_id]

    def _z(self, data: Dataset, video_id: str) -> np.ndarray:
        return (self._raw(data, video_id) - self._mu) / self._sd

    def fit(self, data: Dataset, seed: int) -> None:
        train = data.videos_of("train")
        raw = np.stack([self._raw(data, v.id) for v in train])
        self._mu = raw.mean(axis=0)
        sd = raw.std(axis=0)
        self._sd = np.where(sd > 1e-12, sd, 1.0)
        z = {v.id: self._z(data, v.id) for v in train}
        scored = [v for v in train if v.score is not None]
        labelled = [v for v in train if v.labels]
        pairs = [p for p in data.items("train") if isinstance(p, Pair) and p.description]
        self._rows = {}
        self._train = {
            "score_ids": [v.id for v in scored],
            "score_groups": [v.group for v in scored],
            "scores": np.array([v.score for v in scored], dtype=np.float64),
            "score_z": np.stack([z[v.id] for v in scored]) if scored else np.zeros((0, raw.shape[1])),
            "label_ids": [v.id for v in labelled],
            "label_groups": [v.group for v in labelled],
            "labels": [dict(v.labels) for v in labelled],
            "label_z": np.stack([z[v.id] for v in labelled]) if labelled else np.zeros((0, raw.shape[1])),
            "pair_groups": [p.group for p in pairs],
            "descriptions": [p.description for p in pairs],
            "pair_z": (
                np.stack([np.concatenate([z[p.video_1], z[p.video_2]]) for p in pairs])
                if pairs
                else np.zeros((0, 2 * raw.shape[1]))
            ),
        }

    def _pick(self, query: np.ndarray, group: str, groups: list[str], matrix: np.ndarray) -> int | None:
        """Nearest row among the same group's rows, or among all rows when the group has none."""
        if not groups:
            return None
        key = (id(groups), group)
        if key not in self._rows:  # row indices per (table, group), found once
            same = np.array([g == group for g in groups])
            self._rows[key] = np.flatnonzero(same) if same.any() else np.arange(len(groups))
        rows = self._rows[key]
        return int(rows[_nearest(query, matrix[rows])])

    def _score(self, data: Dataset, video: Video) -> float | None:
        t = self._train
        i = self._pick(self._z(data, video.id), video.group, t["score_groups"], t["score_z"])
        return None if i is None else float(t["scores"][i])

    def _labels(self, data: Dataset, video: Video) -> dict[str, int]:
        t = self._train
        i = self._pick(self._z(data, video.id), video.group, t["label_groups"], t["label_z"])
        return {} if i is None else dict(t["labels"][i])

    def predict(self, data: Dataset, items: Sequence[Pair] | Sequence[Video]) -> list[Prediction]:
        out: list[Prediction] = []
        t = self._train
        for item in items:
            if isinstance(item, Pair):
                v1, v2 = data.videos[item.video_1], data.videos[item.video_2]
                query = np.concatenate([self._z(data, v1.id), self._z(data, v2.id)])
                i = self._pick(query, item.group, t["pair_groups"], t["pair_z"])
                out.append(
                    PairPrediction(
                        pair_id=item.id,
                        score_1=self._score(data, v1),
                        score_2=self._score(data, v2),
                        description=None if i is None else t["descriptions"][i],
                    )
                )
            else:
                out.append(
                    VideoPrediction(
                        video_id=item.id, score=self._score(data, item), labels=self._labels(data, item)
                    )
                )
        return out

    def save(self, directory: Path) -> bool:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        t = self._train
        arrays = {
            "mu": self._mu,
            "sd": self._sd,
            "scores": t["scores"],
            "score_z": t["score_z"],
            "label_z": t["label_z"],
            "pair_z": t["pair_z"],
        }
        with replacing(directory / "nn.safetensors") as tmp:
            save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(tmp))
        meta = {
            k: t[k]
            for k in (
                "score_ids",
                "score_groups",
                "label_ids",
                "label_groups",
                "labels",
                "pair_groups",
                "descriptions",
            )
        }
        write_json(directory / "nn.json", meta)
        return True

    def load(self, directory: Path) -> bool:
        directory = Path(directory)
        if not (directory / "nn.safetensors").is_file() or not (directory / "nn.json").is_file():
            return False
        arrays = load_file(str(directory / "nn.safetensors"))
        meta = json.loads((directory / "nn.json").read_text(encoding="utf-8"))
        self._mu, self._sd = arrays.pop("mu"), arrays.pop("sd")
        self._train, self._rows = {**meta, **arrays}, {}
        return True
