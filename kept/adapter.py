"""`kept` for adrbench: KEPT trained on a task's train split, predicting pairs (ADR) or videos (JIGSAWS, FitnessAQA)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import torch

from adrbench.dataset import Dataset
from adrbench.errors import AdrbenchError, ConfigError, DataError
from adrbench.models.base import Model
from adrbench.option_docs import OptionDoc, documented_options
from adrbench.records import Pair, PairPrediction, Prediction, Video, VideoPrediction
from adrbench.seeding import seed_everything
from adrbench.threads import torch_threads
from adrbench.trained_on import task_record
from kept.checkpoint import check_fits, load_checkpoint, read_saved, save_checkpoint
from kept.config import INFERENCE_FIELDS, KeptConfig
from kept.features import KeptInputs, standardiser
from kept.state import KeptState, build_net
from kept.training import TrainTensors, train
from kept.vocab import Recaser

ENCODE_BATCH = 64
log = logging.getLogger("kept")
DECODE_BATCH = 256


class KeptModel(Model):
    """KEPT (paper §3): keypoint-guided tree search, expert knowledge alignment, keypoint-graph reasoning.

    Options (`--model-arg k=v`) are the fields of `kept.config.KeptConfig`; `checkpoint=DIR` evaluates a saved
    model without training.
    """

    name: ClassVar[str] = "kept"
    units = frozenset({"pair", "video"})
    trainable: ClassVar[bool] = True
    defaults: ClassVar[dict[str, Any]] = {}  # named ablation variants override these

    @classmethod
    def option_docs(cls) -> list[OptionDoc]:
        """The fields of KeptConfig, with this variant's presets as defaults."""
        return documented_options(KeptConfig, cls.defaults)

    def __init__(self, **model_args: Any) -> None:
        self.cfg = KeptConfig.from_args({**self.defaults, **model_args})
        self.batch_size = DECODE_BATCH
        self.state: KeptState | None = None
        self.history: list[dict[str, float]] = []
        self._features = KeptInputs.for_config(self.cfg)
        self._encoded: dict[str, dict[str, Any]] = {}

    def config(self) -> dict[str, Any]:
        return self.cfg.to_dict()

    # ---------------------------------------------------------------- training
    @property
    def fitted(self) -> KeptState:
        """The trained network and its metadata; a RuntimeError before `fit` or `load`."""
        if self.state is None:
            raise RuntimeError("kept: fit() or load() the model first")
        return self.state

    def _torch(self) -> AbstractContextManager[None]:
        """Torch settings for KEPT's work: its thread count, deterministic kernels on CPU (adrbench.threads)."""
        return torch_threads(self.cfg.threads, deterministic=self.cfg.device == "cpu")

    def fit(self, data: Dataset, seed: int) -> None:
        with self._torch():
            self._fit(data, seed)

    def _fit(self, data: Dataset, seed: int) -> None:
        if self.cfg.checkpoint:
            if not self.load(Path(self.cfg.checkpoint)):
                raise ConfigError(self._no_checkpoint())
            self.check_task(data, self.cfg.checkpoint)
            return
        started = time.perf_counter()
        self.state, tt = prepare(self.cfg, data, seed + self.cfg.seed_offset, self._features)
        log.info(
            "kept: prepared %d videos, %d pairs in %.1fs",
            len(tt.groups),
            len(tt.pairs),
            time.perf_counter() - started,
        )
        self.history = train(
            self.state.net,
            self.state.text,
            tt,
            self.cfg,
            data.unit,
            self.state.classify,
            seed + self.cfg.seed_offset,
            log=log.info,
            resume_dir=self.work_dir,
        )
        self._encoded.clear()

    # ---------------------------------------------------------------- prediction
    def encode_videos(self, data: Dataset, video_ids: Sequence[str]) -> None:
        """Run the per-video network once for every video not yet encoded (results cached on the model). A video
        whose keypoints cannot be read fails its items (meta["error"]), not the run."""
        state = self.fitted
        todo = [v for v in dict.fromkeys(video_ids) if v not in self._encoded]
        net = state.net.eval()
        for i in range(0, len(todo), ENCODE_BATCH):
            ids = todo[i : i + ENCODE_BATCH]
            ok: list[str] = []
            for vid in ids:
                try:  # keypoints (and, with a visual encoder, the video's frames)
                    self._features.get(data, vid)
                except (AdrbenchError, OSError) as exc:  # a missing or malformed file, named by the loader
                    self._encoded[vid] = {"error": f"{type(exc).__name__}: {exc}"}
                    continue
                ok.append(vid)
            if not ok:
                continue
            feats = self._features.batch(data, ok)
            feats["activity"] = activity_ids(state.meta, [data.videos[v] for v in ok])
            with torch.no_grad(), self._torch():
                enc = net.encode({k: v.to(self.cfg.device) for k, v in feats.items()})
            for j, vid in enumerate(ok):
                self._encoded[vid] = {
                    "H": enc["H"][j],
                    "out": enc["out"][j].cpu(),
                    "q": enc["q"][j].cpu(),
                    "best": int(enc["best"][j]),
                    "weight": float(enc["weight"][j]),
                    "entropy": float(enc["entropy"][j]),
                }

    def path_meta(self, vid: str, suffix: str = "") -> dict[str, Any]:
        """The choice made for a video, as prediction meta: l* as group names, p(l*) and the entropy of p_r."""
        enc = self._encoded[vid]
        return {
            f"path{suffix}": self.path_names(enc["best"]),
            f"path_weight{suffix}": round(enc["weight"], 6),
            f"path_entropy{suffix}": round(enc["entropy"], 6),
        }

    def path_names(self, best: int) -> list[str]:
        groups = self.fitted.meta["groups"]
        return [groups[g] for g in self.fitted.net.scorer.paths[best].tolist()]

    def _score(self, enc: dict[str, Any]) -> float:
        lo, hi = self.fitted.meta["score_range"]
        return float(lo + (hi - lo) * torch.sigmoid(enc["out"][0]))

    def predict(self, data: Dataset, items: Sequence[Pair] | Sequence[Video]) -> list[Prediction]:
        with self._torch():
            return self._predict(data, items)

    def _predict(self, data: Dataset, items: Sequence[Pair] | Sequence[Video]) -> list[Prediction]:
        state = self.fitted
        if data.unit == "video":
            self.encode_videos(data, [v.id for v in items])
            return [self._video_prediction(v.id) for v in items]  # type: ignore[union-attr]
        pairs: list[Pair] = list(items)  # type: ignore[arg-type]
        self.encode_videos(data, [v for p in pairs for v in (p.video_1, p.video_2)])
        good = [
            p
            for p in pairs
            if "error" not in self._encoded[p.video_1] and "error" not in self._encoded[p.video_2]
        ]
        texts: dict[str, str] = {}
        decoder = state.net.decoder
        if decoder is not None:
            for i in range(0, len(good), DECODE_BATCH):
                chunk = good[i : i + DECODE_BATCH]
                h1 = torch.stack([self._encoded[p.video_1]["H"] for p in chunk])
                h2 = torch.stack([self._encoded[p.video_2]["H"] for p in chunk])
                recase = state.recaser
                for p, t in zip(
                    chunk, decoder.generate(h1, h2, self.cfg.beam, self.cfg.no_repeat_ngram), strict=True
                ):
                    texts[p.id] = recase(t) if recase is not None else t
        out: list[Prediction] = []
        for p in pairs:
            e1, e2 = self._encoded[p.video_1], self._encoded[p.video_2]
            if "error" in e1 or "error" in e2:
                out.append(PairPrediction(pair_id=p.id, meta={"error": e1.get("error") or e2.get("error")}))
                continue
            out.append(
                PairPrediction(
                    pair_id=p.id,
                    score_1=self._score(e1),
                    score_2=self._score(e2),
                    description=texts.get(p.id),
                    meta={
                        **self.path_meta(p.video_1),
                        **self.path_meta(p.video_2, "_2"),
                        "path_score": round(float(e1["q"][e1["best"]]), 6),
                    },
                )
            )
        return out

    def _video_prediction(self, vid: str) -> VideoPrediction:
        enc = self._encoded[vid]
        if "error" in enc:
            return VideoPrediction(video_id=vid, meta={"error": enc["error"]})
        meta = self.path_meta(vid)
        if self.fitted.classify:
            names = self.fitted.meta["label_names"]
            labels = {n: int(enc["out"][i] >= 0.0) for i, n in enumerate(names)}
            return VideoPrediction(video_id=vid, labels=labels, meta=meta)
        return VideoPrediction(video_id=vid, score=self._score(enc), meta=meta)

    # ---------------------------------------------------------------- checkpoints
    def check(self, data: Dataset) -> None:
        """With `checkpoint=DIR`: refuse, before the runner writes anything, a missing checkpoint or one of
        another task."""
        if not self.cfg.checkpoint:
            return
        saved = read_saved(Path(self.cfg.checkpoint))
        if saved is None:
            raise ConfigError(self._no_checkpoint())
        check_fits(self.cfg.checkpoint, KeptConfig.from_args(saved["config"]), saved["meta"], data)

    def check_task(self, data: Dataset, checkpoint: str | Path) -> None:
        """After `load(checkpoint)`: refuse it if it was trained on another task than `data`'s."""
        check_fits(checkpoint, self.cfg, self.fitted.meta, data)

    def _no_checkpoint(self) -> str:
        return f"kept: no checkpoint in {self.cfg.checkpoint} (expected kept.json + model.safetensors)"

    def save(self, directory: Path) -> bool:
        if self.state is None:
            return False
        save_checkpoint(Path(directory), self.state, self.cfg)
        return True

    def load(self, directory: Path) -> bool:
        loaded = load_checkpoint(Path(directory), self.cfg)
        if loaded is None:
            return False
        self.state = loaded
        # the checkpoint decides the network; how to decode and where to run stay the caller's choice
        self.cfg = replace(loaded.net.cfg, **{f: getattr(self.cfg, f) for f in INFERENCE_FIELDS})
        self._features = KeptInputs.for_config(self.cfg)
        saved = loaded.meta.get("visual")
        if saved is not None and saved["fingerprint"] != self._features.visual_fingerprint():
            raise DataError(
                Path(directory) / "kept.json",
                f"the checkpoint was trained on the features of visual encoder {saved['encoder']!r} with "
                f"fingerprint {saved['fingerprint']}; {self.cfg.visual!r} now has "
                f"{self._features.visual_fingerprint()}",
                field="meta.visual.fingerprint",
                hint="use the encoder files it was trained with, or retrain",
            )
        self._encoded.clear()
        return True


def activity_ids(meta: dict[str, Any], videos: Sequence[Video]) -> torch.Tensor:
    """Index of each video's action category among the training ones (0: not seen in training)."""
    index = {a: i + 1 for i, a in enumerate(meta["activities"])}
    return torch.tensor([index.get(v.group, 0) for v in videos], dtype=torch.long)


def prepare(cfg: KeptConfig, data: Dataset, seed: int, cache: KeptInputs) -> tuple[KeptState, TrainTensors]:
    """Per-video features, comment embeddings, vocabulary and the untrained network for `data`'s train split."""
    seed_everything(seed)
    videos = data.videos_of("train")
    index = {v.id: i for i, v in enumerate(videos)}
    cache.check_videos(data, [v.id for v in videos])
    feats = cache.batch(data, [v.id for v in videos])
    classify = bool(data.label_names)
    scores = [v.score for v in videos if v.score is not None]
    if data.score_range is not None:
        lo, hi = data.score_range
    else:
        lo, hi = (min(scores), max(scores)) if scores else (0.0, 1.0)
    hi = hi if hi > lo else lo + 1.0
    pairs = data.pair_items("train") if data.unit == "pair" else []
    descriptions = [p.description or "" for p in pairs]
    meta = {
        **task_record(data),  # task, family, unit, skeleton, n_joints: checked where the checkpoint is used
        "classify": classify,
        "label_names": list(data.label_names),
        "groups": list(data.skeleton.groups),
        "activities": sorted({v.group for v in videos}),
        "edges": [list(e) for e in data.skeleton.edges],
        "score_range": [float(lo), float(hi)],
        "frame_dim": int(feats["frames"].shape[-1]),
        "node_dim": int(feats["nodes"].shape[-1]),
        "traj_dim": int(feats["joints"].shape[-1]),
    }
    if cfg.visual:  # the checkpoint is only valid with the very encoder whose features it was trained on
        meta["visual"] = {"encoder": cfg.visual, "fingerprint": cache.visual_fingerprint()}
    state = build_net(
        cfg, meta, vocab_texts=descriptions, recaser=Recaser.build(descriptions) if pairs else None
    )
    feats["activity"] = activity_ids(state.meta, videos)
    for key, norm in zip(
        ("frames", "nodes", "joints"),
        (state.net.norm_frames, state.net.norm_nodes, state.net.norm_joints),
        strict=True,
    ):
        norm.set(*standardiser({key: feats[key]})[key])
    text = state.text
    texts = sorted({c for v in videos for c in v.comments}) if not cfg.no_comment else []
    table = dict(zip(texts, text.encode(texts), strict=True)) if texts and text is not None else {}
    width = max([len(v.comments) for v in videos] + [1]) if table else 1
    text_dim = text.dim if text is not None else 1
    comments = torch.zeros(len(videos), width, text_dim)
    mask = torch.zeros(len(videos), width, dtype=torch.bool)
    for i, v in enumerate(videos):
        for j, c in enumerate(v.comments if table else []):
            comments[i, j], mask[i, j] = table[c], True
    score_t = torch.tensor([(v.score - lo) / (hi - lo) if v.score is not None else math.nan for v in videos])
    names = list(data.label_names)
    labels = torch.tensor([[v.labels.get(n, -1) for n in names] for v in videos], dtype=torch.long).view(
        len(videos), len(names)
    )
    decoder = state.net.decoder
    targets = decoder.encode_texts(descriptions) if decoder is not None and pairs else []
    tt = TrainTensors(
        feats=feats,
        comments=comments,
        comment_mask=mask,
        scores=score_t.float(),
        labels=labels,
        groups=[v.group for v in videos],
        pairs=torch.tensor([[index[p.video_1], index[p.video_2]] for p in pairs], dtype=torch.long).view(
            -1, 2
        ),
        targets=targets,
    )
    return state, tt


__all__ = ["KeptModel", "prepare"]
