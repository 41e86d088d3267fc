"""Per-body-part recall and precision of generated descriptions (peers.md F5).

Both the ground-truth and the generated description of a pair are tagged with the lexicon (lexicon.py; the
pair's category picks the sports or surgery lexicon). For a tag t: recall = #pairs where both name t /
#pairs whose GT names t; precision = the same / #pairs whose generated text names t. `part_recall` and
`part_precision` pool all tags (micro average). A pair without a generated description is tagged as empty
(it lowers recall; it is never dropped). n = the denominator's pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from adrbench.dataset import Dataset
from adrbench.protocols.lexicon import DOMAINS, LEXICON_VERSION, domain_of, tag
from adrbench.protocols.stats import N_BOOTSTRAP, Entry, VideoBootstrap, ratio_entry, signature
from adrbench.records import Pair, PairPrediction


def _key(name: str) -> str:
    return name.replace("/", "_").replace(" ", "_")


def part_metrics(
    data: Dataset,
    pairs: Sequence[Pair],
    preds: Mapping[str, PairPrediction],
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Entry]:
    """`part_recall`, `part_precision` and `part_recall.<tag>`, `part_precision.<tag>` for each tag seen."""
    scored = [p for p in pairs if p.description]
    boot = VideoBootstrap([(p.video_1, p.video_2) for p in scored], n_bootstrap, seed)
    gt, gen = [], []
    for p in scored:
        domain = domain_of(p.category)
        pred = preds.get(p.id)
        gt.append(tag(p.description, domain))
        gen.append(tag(pred.description if pred else None, domain))
    hits = np.array([len(g & h) for g, h in zip(gt, gen, strict=True)], dtype=np.float64)
    n_gt = np.array([len(g) for g in gt], dtype=np.float64)
    n_gen = np.array([len(h) for h in gen], dtype=np.float64)
    base = dict(lexicon=f"v{LEXICON_VERSION}", match="tag-set", agg="micro")
    out = {
        "part_recall": ratio_entry(boot, hits, n_gt, signature("part_recall", **base), True),
        "part_precision": ratio_entry(boot, hits, n_gen, signature("part_precision", **base), True),
    }
    names = [t.name for d in ("sports", "surgery") for t in DOMAINS[d]]
    for name in dict.fromkeys(names):
        in_gt = np.array([name in g for g in gt], dtype=np.float64)
        in_gen = np.array([name in h for h in gen], dtype=np.float64)
        if not in_gt.any() and not in_gen.any():
            continue
        both = in_gt * in_gen
        one = dict(lexicon=f"v{LEXICON_VERSION}", tag=name)
        out[f"part_recall.{_key(name)}"] = ratio_entry(
            boot, both, in_gt, signature("part_recall", **one), True
        )
        out[f"part_precision.{_key(name)}"] = ratio_entry(
            boot, both, in_gen, signature("part_precision", **one), True
        )
    return out


def part_metrics_by_category(
    data: Dataset,
    pairs: Sequence[Pair],
    preds: Mapping[str, PairPrediction],
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, dict]:
    """category (sport) → {"n_items", "metrics"}: `part_metrics` on that category's pairs (metrics.json groups)."""
    out = {}
    for name in sorted({p.category for p in pairs}):
        subset = [p for p in pairs if p.category == name]
        out[name] = {
            "n_items": len(subset),
            "metrics": part_metrics(data, subset, preds, n_bootstrap=n_bootstrap, seed=seed),
        }
    return out
