"""Exact and fast metrics: numbers and strings in, numbers out (imports nothing else of adrbench).

Functional API (paper appendix C): `spearman`, `relative_l2`, `f1`, `bleu` (every n-gram order in one call),
`rouge`, `meteor`; per-item sufficient statistics (`*_stats`) for re-aggregation; metric objects that compute
and sign a metrics.json key (`*Metric`, `TEXT_METRICS`); the typed metrics.json entry (`MetricEntry`);
signatures; bootstrap uncertainty.
"""

from adrbench.metrics.bleu_metric import BleuScore, bleu, bleu_item_scores, bleu_stats, corpus_bleu_from_stats
from adrbench.metrics.entry import MetricEntry
from adrbench.metrics.meteor_metric import meteor, meteor_item_scores, meteor_stats
from adrbench.metrics.metric import F1Metric, Metric, RelativeL2Metric, SpearmanMetric
from adrbench.metrics.rouge_metric import rouge, rouge_item_scores, rouge_stats
from adrbench.metrics.scores import (
    f1,
    f1_weighted,
    relative_l2,
    relative_l2_weighted,
    spearman,
    spearman_weighted,
)
from adrbench.metrics.signature import (
    Signature,
    bleu_signature,
    f1_signature,
    meteor_signature,
    relative_l2_signature,
    rouge_signature,
    spearman_signature,
)
from adrbench.metrics.suite import (
    TEXT_KEYS,
    TEXT_METRICS,
    BleuMetric,
    MeteorMetric,
    RougeMetric,
    TextStats,
    text_item_scores,
    text_metric,
    text_signature,
    text_stats,
)
from adrbench.metrics.uncertainty import (
    PairedResult,
    bootstrap_ci,
    cluster_weights,
    paired_bootstrap,
    percentile_ci,
    resample_weights,
)
from adrbench.metrics.wordnet import WordNetMissingError, load_wordnet

__all__ = [
    "TEXT_KEYS",
    "TEXT_METRICS",
    "BleuMetric",
    "BleuScore",
    "F1Metric",
    "MeteorMetric",
    "Metric",
    "MetricEntry",
    "PairedResult",
    "RelativeL2Metric",
    "RougeMetric",
    "Signature",
    "SpearmanMetric",
    "TextStats",
    "WordNetMissingError",
    "bleu",
    "bleu_item_scores",
    "bleu_signature",
    "bleu_stats",
    "bootstrap_ci",
    "cluster_weights",
    "corpus_bleu_from_stats",
    "f1",
    "f1_signature",
    "f1_weighted",
    "load_wordnet",
    "meteor",
    "meteor_item_scores",
    "meteor_signature",
    "meteor_stats",
    "paired_bootstrap",
    "percentile_ci",
    "relative_l2",
    "relative_l2_signature",
    "relative_l2_weighted",
    "resample_weights",
    "rouge",
    "rouge_item_scores",
    "rouge_signature",
    "rouge_stats",
    "spearman",
    "spearman_signature",
    "spearman_weighted",
    "text_item_scores",
    "text_metric",
    "text_signature",
    "text_stats",
]
