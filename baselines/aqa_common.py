"""What the feature-based AQA baselines (MAGR-lite, FineParser-lite) share: arguments, features, targets, outputs.

Targets: a video's score is standardised within its sub-activity (group) on train, so one network serves every
group and the group's train mean/std map predictions back; FitnessAQA labels form a 0/1 matrix with a mask of
the errors each clip is annotated for.
"""

from __future__ import annotations

import inspect
import json
import sys
from abc import abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from adrbench.atomic import replacing
from adrbench.dataset import Dataset
from adrbench.features.cache import FeatureCache
from adrbench.features.extract import FeatureExtractor
from adrbench.features.spec import FeatureSpec
from adrbench.jsonl import write_json
from adrbench.models.base import Model, Output
from adrbench.option_docs import OptionDoc, documented_options
from adrbench.options import parse_options
from adrbench.records import Pair, PairPrediction, Prediction, Video, VideoPrediction
from adrbench.threads import torch_threads


def parse_args(model: str, args: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Merge `--model-arg k=v` strings into typed defaults (the type of each default decides the parse; a None
    default takes a string or none)."""
    kinds = {k: str | None if v is None else type(v) for k, v in defaults.items()}
    return {**defaults, **parse_options(model, args, kinds)}


def feature_extractor(options: dict[str, Any]) -> FeatureExtractor:
    """The per-video feature source named by the model's options (features, keyframes, visual, cache)."""
    spec = FeatureSpec(source=options["features"], n_keyframes=options["keyframes"], visual=options["visual"],
                       name=options["feature_name"])  # fmt: skip
    cache_opt = options["cache"]
    cache = (
        None
        if cache_opt in (None, "none", "off")
        else FeatureCache(None if cache_opt == "default" else cache_opt)
    )
    return FeatureExtractor(spec, cache)


FEATURE_DEFAULTS: dict[str, Any] = {
    "features": "pose",
    "keyframes": 16,
    "visual": None,
    "feature_name": None,
    "cache": "none",  # pose features are cheap; 'default' or a folder stores them in the feature cache
    "threads": 1,  # torch intra-op threads during fit and predict (0: the process's setting)
}


@dataclass
class Targets:
    """Standardised training targets of a list of videos."""

    groups: list[str]
    group_stats: dict[str, tuple[float, float]]  # group → (mean, std) of train scores
    label_names: list[str]
    group_labels: dict[str, list[str]]  # group → error names its clips are annotated for
    fallback: tuple[float, float] = (0.0, 1.0)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def fit(cls, data: Dataset, videos: Sequence[Video]) -> Targets:
        by_group: dict[str, list[float]] = {}
        for v in videos:
            if v.score is not None:
                by_group.setdefault(v.group, []).append(v.score)
        stats = {g: (float(np.mean(s)), float(np.std(s)) or 1.0) for g, s in sorted(by_group.items())}
        scores = [s for ss in by_group.values() for s in ss]
        fallback = (float(np.mean(scores)), float(np.std(scores)) or 1.0) if scores else (0.0, 1.0)
        names = list(data.label_names) + sorted({k for v in videos for k in v.labels} - set(data.label_names))
        group_labels: dict[str, list[str]] = {}
        for v in videos:
            have = group_labels.setdefault(v.group, [])
            have.extend(k for k in names if k in v.labels and k not in have)
        return cls(groups=sorted({v.group for v in videos}), group_stats=stats, label_names=names,
                   group_labels={g: [n for n in names if n in ks] for g, ks in group_labels.items()},
                   fallback=fallback)  # fmt: skip

    @property
    def has_scores(self) -> bool:
        return bool(self.group_stats)

    def stats(self, group: str) -> tuple[float, float]:
        return self.group_stats.get(group, self.fallback)

    def scores(self, videos: Sequence[Video]) -> tuple[np.ndarray, np.ndarray]:
        """Standardised scores and a 0/1 mask of videos that have one."""
        z = np.zeros(len(videos), dtype=np.float32)
        mask = np.zeros(len(videos), dtype=np.float32)
        for i, v in enumerate(videos):
            if v.score is not None:
                mu, sd = self.stats(v.group)
                z[i], mask[i] = (v.score - mu) / sd, 1.0
        return z, mask

    def labels(self, videos: Sequence[Video]) -> tuple[np.ndarray, np.ndarray]:
        """N×L label matrix and mask (1 where the clip is annotated for that error)."""
        y = np.zeros((len(videos), len(self.label_names)), dtype=np.float32)
        mask = np.zeros_like(y)
        for i, v in enumerate(videos):
            for j, name in enumerate(self.label_names):
                if name in v.labels:
                    y[i, j], mask[i, j] = v.labels[name], 1.0
        return y, mask

    def unscale(self, group: str, z: float) -> float:
        mu, sd = self.stats(group)
        return float(mu + sd * z)

    def as_dict(self) -> dict[str, Any]:
        return {"groups": self.groups, "group_stats": self.group_stats, "label_names": self.label_names,
                "group_labels": self.group_labels, "fallback": list(self.fallback)}  # fmt: skip

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Targets:
        return cls(groups=d["groups"], group_stats={g: tuple(s) for g, s in d["group_stats"].items()},
                   label_names=d["label_names"], group_labels=d["group_labels"], fallback=tuple(d["fallback"]))  # fmt: skip


@dataclass
class VideoOutput:
    """One video's prediction in task units: a score (or None) and error logits by name."""

    score: float | None
    logits: dict[str, float]


def predictions(
    data: Dataset,
    items: Sequence[Pair] | Sequence[Video],
    targets: Targets,
    video_output: Callable[[Video], VideoOutput],
) -> list[Prediction]:
    """Pair or video predictions from per-video outputs (each video scored once by the caller's cache)."""
    out: list[Prediction] = []
    for item in items:
        if isinstance(item, Pair):
            a, b = video_output(data.videos[item.video_1]), video_output(data.videos[item.video_2])
            out.append(PairPrediction(pair_id=item.id, score_1=a.score, score_2=b.score))
        else:
            o = video_output(item)
            names = targets.group_labels.get(item.group, targets.label_names)
            labels = {n: int(o.logits[n] > 0) for n in names if n in o.logits}
            out.append(VideoPrediction(video_id=item.id, score=o.score, labels=labels))
    return out


def epochs_for(epochs: int, n_train: int, max_samples: int) -> int:
    """Epochs to run: `epochs`, capped so that training sees at most `max_samples` queries (large train sets
    need fewer passes; this keeps every task CPU-fast)."""
    if max_samples <= 0 or n_train == 0:
        return epochs
    return max(1, min(epochs, -(-max_samples // n_train)))


def positive_weight(y: np.ndarray, mask: np.ndarray) -> torch.Tensor:
    """Per-error BCE weight of positives, negatives/positives among annotated clips (1 without positives):
    rare errors would otherwise never cross the 0-logit threshold, and F1 counts only positives."""
    pos = (y * mask).sum(axis=0)
    neg = ((1 - y) * mask).sum(axis=0)
    return torch.as_tensor(np.where(pos > 0, neg / np.maximum(pos, 1), 1.0), dtype=torch.float32)


def pooled(sequence: np.ndarray) -> np.ndarray:
    """A fixed-length summary of a K×D feature sequence: mean, std and max over time (3D,)."""
    s = np.asarray(sequence, dtype=np.float64)
    return np.concatenate([s.mean(axis=0), s.std(axis=0), s.max(axis=0)])


def standardiser(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and std (std 0 → 1) of a training matrix."""
    mu = matrix.mean(axis=0)
    sd = matrix.std(axis=0)
    return mu, np.where(sd > 1e-8, sd, 1.0)


def save_state(directory: Path, stem: str, tensors: dict[str, torch.Tensor], meta: dict[str, Any]) -> None:
    """Weights as safetensors and settings as canonical JSON, both written atomically."""
    directory = Path(directory)
    with replacing(directory / f"{stem}.safetensors") as tmp:
        save_file({k: v.detach().contiguous() for k, v in tensors.items()}, str(tmp))
    write_json(directory / f"{stem}.json", meta)


def load_state(directory: Path, stem: str) -> tuple[dict[str, torch.Tensor], dict[str, Any]] | None:
    directory = Path(directory)
    weights, meta = directory / f"{stem}.safetensors", directory / f"{stem}.json"
    if not (weights.is_file() and meta.is_file()):
        return None
    return load_file(str(weights)), json.loads(meta.read_text(encoding="utf-8"))


class FeatureModel(Model):
    """The shell MAGR-lite and FineParser-lite share: options, the per-video feature extractor, feature
    standardisation, torch thread pinning, per-video predictions and a safetensors state for resume.

    A subclass sets `name`, `variant` and `defaults`, and writes `_fit`, `_score_videos` (fills `_outputs` for
    videos not yet scored) and `_build_net(in_dim)`; `_extra_state`/`_restore` carry anything else it keeps.
    """

    trainable = True
    outputs: ClassVar[frozenset[Output]] = frozenset({"scores", "labels"})  # score-only: no descriptions
    variant: ClassVar[str]
    defaults: ClassVar[dict[str, Any]]

    @classmethod
    def option_docs(cls) -> list[OptionDoc]:
        """Its `defaults`, each with the comment of its line in its module's DEFAULTS or in FEATURE_DEFAULTS."""
        module = inspect.getmodule(cls)
        own = [(module, "DEFAULTS")] if module is not None else []
        return documented_options(cls.defaults, sources=[*own, (sys.modules[__name__], "FEATURE_DEFAULTS")])

    def __init__(self, **args: str) -> None:
        self.options = parse_args(self.name, args, self.defaults)
        self._extractor = feature_extractor(self.options)
        self._net: nn.Module | None = None
        self._targets: Targets | None = None
        self._mu = self._sd = np.zeros(0)
        self._outputs: dict[str, VideoOutput] = {}

    @property
    def targets(self) -> Targets:
        """The training targets' statistics; a RuntimeError before `fit` or `load`."""
        if self._targets is None:
            raise RuntimeError(f"{self.name}: fit() or load() the model first")
        return self._targets

    def config(self) -> dict[str, Any]:
        return {"variant": self.variant, **self.options}

    def fit(self, data: Dataset, seed: int) -> None:
        with torch_threads(self.options["threads"]):
            self._fit(data, seed)

    def predict(self, data: Dataset, items: Sequence[Pair] | Sequence[Video]) -> list[Prediction]:
        """Score each distinct video once, then build the task's predictions from the per-video outputs."""
        with torch_threads(self.options["threads"]):
            videos = [data.videos[vid] for it in items
                      for vid in ((it.video_1, it.video_2) if isinstance(it, Pair) else (it.id,))]  # fmt: skip
            self._score_videos(data, videos)
            return predictions(data, items, self.targets, lambda v: self._outputs[v.id])

    def save(self, directory: Path) -> bool:
        if self._net is None or self._targets is None:
            return False
        tensors = {f"net.{k}": v for k, v in self._net.state_dict().items()}
        tensors.update(mu=torch.as_tensor(self._mu), sd=torch.as_tensor(self._sd))
        meta = {"options": self.options, "targets": self._targets.as_dict(), "in_dim": int(self._mu.size)}
        save_state(directory, self.name, tensors, {**meta, **self._extra_state()})
        return True

    def load(self, directory: Path) -> bool:
        state = load_state(directory, self.name)
        if state is None:
            return False
        tensors, meta = state
        self.options = {**self.defaults, **meta["options"]}
        self._extractor = feature_extractor(self.options)
        self._targets = Targets.from_dict(meta["targets"])
        self._mu, self._sd = tensors.pop("mu").numpy(), tensors.pop("sd").numpy()
        net = self._build_net(meta["in_dim"])
        net.load_state_dict({k.removeprefix("net."): v for k, v in tensors.items()})
        self._net, self._outputs = net.eval(), {}
        self._restore(meta)
        return True

    @abstractmethod
    def _fit(self, data: Dataset, seed: int) -> None:
        """Train on the train split."""

    @abstractmethod
    def _score_videos(self, data: Dataset, videos: Sequence[Video]) -> None:
        """Fill `_outputs` for the videos not yet scored."""

    @abstractmethod
    def _build_net(self, in_dim: int) -> nn.Module:
        """The network, untrained, for inputs of `in_dim` features."""

    def _extra_state(self) -> dict[str, Any]:
        return {}

    def _restore(self, meta: dict[str, Any]) -> None:
        return None
