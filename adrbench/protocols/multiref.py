"""Text metrics against several references per pair (peers.md F10), reduced by the maximum over references.

A pair's references are its description followed by `Pair.meta["references"]` (a list of strings), without
repeats. Each hypothesis is scored against each reference with adrbench.metrics (the same per-item scores as
the single-reference keys), and the pair's score is the maximum (`reduce:max`, as CoachMe does); the key is
`<metric>_multiref`, the mean over pairs, with the number of references per pair in the signature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from adrbench.metrics import (
    TEXT_KEYS,
    bleu_item_scores,
    bleu_stats,
    meteor_item_scores,
    meteor_stats,
    rouge_item_scores,
    rouge_stats,
)
from adrbench.metrics.suite import ROUGE_KEYS, text_metric
from adrbench.protocols.stats import N_BOOTSTRAP, Entry, VideoBootstrap, ratio_entry
from adrbench.records import Pair, PairPrediction

REDUCTIONS: dict[str, Callable[[np.ndarray], float]] = {"max": np.max, "mean": np.mean}


def references_of(pair: Pair) -> list[str]:
    """The pair's reference descriptions: its description, then meta["references"], repeats removed."""
    extra = pair.meta.get("references", [])
    if not isinstance(extra, list) or not all(isinstance(r, str) for r in extra):
        raise ValueError(f"pair {pair.id!r}: meta['references'] must be a list of strings")
    refs = ([pair.description] if pair.description else []) + extra
    return list(dict.fromkeys(r for r in refs if r))


def _item_scores(keys: Sequence[str], hyps: list[str], refs: list[str]) -> dict[str, np.ndarray]:
    """Per-item scores of the requested text keys only, as adrbench.metrics.suite computes them."""
    unknown = [k for k in keys if k not in TEXT_KEYS]
    if unknown:
        raise ValueError(f"unknown text metric {unknown[0]!r}; known: {', '.join(TEXT_KEYS)}")
    out: dict[str, np.ndarray] = {}
    if any(k.startswith("bleu") for k in keys):
        stats = bleu_stats(hyps, refs, 4)
        for k in keys:
            if k == "bleu":
                out[k] = bleu_item_scores(stats, 4, cumulative=True)
            elif k.startswith("bleu_"):
                out[k] = bleu_item_scores(stats, int(k[5:]), cumulative=False)
    for k in keys:
        if k in ROUGE_KEYS:
            out[k] = rouge_item_scores(rouge_stats(hyps, refs, ROUGE_KEYS[k]), ROUGE_KEYS[k])[:, 2]
    if "meteor" in keys:
        out["meteor"] = meteor_item_scores(meteor_stats(hyps, refs))
    return out


def multi_reference_scores(
    hyps: Sequence[str],
    refs: Sequence[Sequence[str]],
    keys: Sequence[str] = TEXT_KEYS,
    reduction: str = "max",
) -> dict[str, np.ndarray]:
    """Per-item score of each text key, reduced over each item's references (items need ≥ 1 reference)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {sorted(REDUCTIONS)}, got {reduction!r}")
    if any(not r for r in refs):
        raise ValueError("every item needs at least one reference")
    flat_h = [h for h, rs in zip(hyps, refs, strict=True) for _ in rs]
    flat_r = [r for rs in refs for r in rs]
    per = _item_scores(keys, flat_h, flat_r)
    bounds = np.cumsum([0, *(len(r) for r in refs)])
    reduce = REDUCTIONS[reduction]
    return {
        k: np.array([reduce(per[k][a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]) for k in keys
    }


def multi_reference_metrics(
    pairs: Sequence[Pair],
    preds: Mapping[str, PairPrediction],
    keys: Sequence[str] = TEXT_KEYS,
    reduction: str = "max",
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Entry]:
    """`<key>_multiref` for each text key over the pairs with a reference (a missing hypothesis scores as "")."""
    scored = [p for p in pairs if references_of(p)]
    if not scored:
        return {}
    refs = [references_of(p) for p in scored]
    hyps = [(preds[p.id].description if p.id in preds else None) or "" for p in scored]
    per = multi_reference_scores(hyps, refs, keys, reduction)
    boot = VideoBootstrap([(p.video_1, p.video_2) for p in scored], n_bootstrap, seed)
    counts = sorted({len(r) for r in refs})
    nrefs = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
    out = {}
    for key in keys:
        metric = text_metric(key)
        sig = metric.signature().with_fields(nrefs=nrefs, reduce=reduction)
        out[f"{key}_multiref"] = ratio_entry(boot, per[key], None, sig, metric.higher_is_better)
    return out
