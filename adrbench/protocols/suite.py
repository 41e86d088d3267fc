"""All ADR protocols in two calls: one for the runner (ask the model), one for the scorer (compute metrics).

Inference and scoring stay separate phases joined by the prediction file: `answer_protocols` stores what a
model answers to the multiple-choice items and the probe statements in `PairPrediction.meta["protocols"]`
(with a digest of the options/statements it was shown), and `protocol_metrics` recomputes the items from the
dataset and the seed, uses the stored answers whose digest matches, and falls back to the generated
description otherwise. A model that returns None from `choose`/`probe` stores nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from adrbench.dataset import Dataset
from adrbench.models.base import Model
from adrbench.protocols.choice import PairIndex, build_choices, choice_item, choice_metrics
from adrbench.protocols.judge import verdict
from adrbench.protocols.multiref import multi_reference_metrics, references_of
from adrbench.protocols.ordering import ordering_metrics
from adrbench.protocols.parts import part_metrics, part_metrics_by_category
from adrbench.protocols.players import split_by_order
from adrbench.protocols.probe import build_probe, probe_metrics, statements_of
from adrbench.protocols.stats import N_BOOTSTRAP, Entry
from adrbench.protocols.verdicts import RULES, Judge, gt_verdict_metrics, judge_metrics
from adrbench.records import Pair, PairPrediction

META_KEY = "protocols"
#: Text metrics also reported against every reference (max over references). The skip-bigram ROUGE-S/SU4 are
#: left out: quadratic in the text length per reference, they would dominate the scoring time of a run.
MULTIREF_KEYS = ("bleu_1", "bleu_2", "bleu_3", "bleu_4", "bleu", "rouge_1", "rouge_2", "rouge_l", "meteor")


def digest(texts: Sequence[str]) -> str:
    """sha256 of a list of strings (what the model was shown), first 16 hex digits."""
    return hashlib.sha256(json.dumps(list(texts), ensure_ascii=False).encode()).hexdigest()[:16]


def answer_protocols(
    model: Model,
    data: Dataset,
    pairs: Sequence[Pair],
    preds: Sequence[PairPrediction],
    k: int = 3,
    seed: int = 0,
) -> list[PairPrediction]:
    """The predictions with the model's multiple-choice scores and probe answers in meta["protocols"].

    Call it on each predicted batch (A,B order) before writing; a model whose `choose` and `probe` return None
    gets its predictions back unchanged. `k` and `seed` must be those given to `protocol_metrics`.
    """
    if len(pairs) != len(preds):
        raise ValueError(f"{len(pairs)} pairs but {len(preds)} predictions")
    index = PairIndex(data)
    out = []
    for pair, pred in zip(pairs, preds, strict=True):
        stored: dict = {}
        item = choice_item(data, pair, k, seed, index)
        if item is not None:
            scores = model.choose(data, pair, item.options)
            if scores is not None:
                stored["mcq"] = {
                    "k": k,
                    "seed": seed,
                    "digest": digest(item.options),
                    "scores": [float(x) for x in scores],
                }
        statements, _ = statements_of(data, pair)
        if statements:
            texts = [s.text for s in statements]
            answers = model.probe(data, pair, texts)
            if answers is not None:
                stored["probe"] = {"digest": digest(texts), "answers": list(answers)}
        out.append(pred.model_copy(update={"meta": {**pred.meta, META_KEY: stored}}) if stored else pred)
    return out


def protocol_metrics(
    data: Dataset,
    split: str,
    predictions: Sequence[PairPrediction],
    *,
    k: int = 3,
    seed: int = 0,
    judge: Judge = verdict,
    judge_name: str = RULES,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict[str, Entry]:
    """Every protocol's metrics on a split: ordering (both orders if swapped predictions exist), judge verdicts,
    the GT audit, closed probe, multiple choice, per-part recall/precision, and multi-reference text metrics
    (only when some pair has more than one reference). `seed` seeds the multiple-choice items and the
    bootstrap."""
    pairs: list[Pair] = data.items(split)  # type: ignore[assignment]
    ab, ba = split_by_order(list(predictions))
    boot = {"n_bootstrap": n_bootstrap, "seed": seed}
    out: dict[str, Entry] = {}
    out.update(ordering_metrics(data, pairs, ab, ba or None, **boot))
    out.update(judge_metrics(data, pairs, ab, judge, judge_name, **boot))
    out.update(gt_verdict_metrics(data, pairs, judge, judge_name, **boot))

    probe_items, dropped = build_probe(data, pairs)
    probe_answers = {}
    for pid, statements in probe_items.items():
        stored = ab[pid].meta.get(META_KEY, {}).get("probe") if pid in ab else None
        if stored and stored.get("digest") == digest([s.text for s in statements]):
            probe_answers[pid] = stored["answers"]
    out.update(probe_metrics(data, probe_items, probe_answers, ab, dropped, **boot))

    choices = build_choices(data, pairs, k, seed)
    scores = {}
    for item in choices:
        stored = ab[item.pair_id].meta.get(META_KEY, {}).get("mcq") if item.pair_id in ab else None
        if stored and stored.get("digest") == digest(item.options):
            scores[item.pair_id] = stored["scores"]
    out.update(choice_metrics(data, choices, scores, ab, k, seed, n_bootstrap=n_bootstrap))

    out.update(part_metrics(data, pairs, ab, **boot))
    if any(len(references_of(p)) > 1 for p in pairs):
        out.update(multi_reference_metrics(pairs, ab, MULTIREF_KEYS, n_bootstrap=n_bootstrap, seed=seed))
    return out


def protocol_groups(
    data: Dataset,
    split: str,
    predictions: Sequence[PairPrediction],
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, dict]:
    """Per-sport body-part metrics in the metrics.json "groups"/"category" shape (merge into each category)."""
    pairs: list[Pair] = data.items(split)  # type: ignore[assignment]
    ab, _ = split_by_order(list(predictions))
    return part_metrics_by_category(data, pairs, ab, n_bootstrap=n_bootstrap, seed=seed)


#: key prefix → protocol name, for tables (first match wins).
PROTOCOLS = (
    ("order_", "ordering"),
    ("position_bias", "ordering"),
    ("judge_", "verdict judge"),
    ("gt_verdict", "GT audit"),
    ("probe_", "closed probe"),
    ("mcq_", "multiple choice"),
    ("part_", "body parts and skill attributes"),
)


def protocol_of(key: str) -> str | None:
    """The protocol a metrics key belongs to, or None for a key of no protocol (spearman, bleu...)."""
    if key.endswith("_multiref"):
        return "multi-reference"
    return next((name for prefix, name in PROTOCOLS if key.startswith(prefix)), None)


#: The protocols in the order tables show them.
PROTOCOL_ORDER = tuple(dict.fromkeys(name for _, name in PROTOCOLS)) + ("multi-reference",)
