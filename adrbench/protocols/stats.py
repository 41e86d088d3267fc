"""Protocol metric entries (adrbench.metrics.entry.MetricEntry), with the bootstrap of adrbench.metrics.uncertainty.

Pairs share videos, so the CI resamples VIDEOS with replacement (`cluster_weights`: a pair's weight is the
product of its two videos' draw counts), as adrbench.scoring does; a ratio statistic sum(w·num) / sum(w·den)
is recomputed per resample and the 95% interval is the percentile interval (`percentile_ci`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from adrbench.metrics.entry import metric_entry
from adrbench.metrics.signature import Signature
from adrbench.metrics.uncertainty import cluster_weights, percentile_ci

N_BOOTSTRAP = 1000

Entry = dict[str, Any]
Statistic = Callable[[np.ndarray], np.ndarray]  # weights B × N → one value per resample, shape (B,)


def signature(name: str, **fields: object) -> Signature:
    """A signature `name|k:v|...|adrbench:version`; underscores in field names become dashes."""
    return Signature(name, {k.replace("_", "-"): str(v) for k, v in fields.items()})


def entry(
    value: float | None, ci95: list[float] | None, n: int, sig: Signature, higher_is_better: bool | None
) -> Entry:
    """One metric in the metrics.json shape; a value that cannot be computed is None."""
    return metric_entry(value, ci95, n, sig, higher_is_better)


def count_entry(count: int, n: int, sig: Signature) -> Entry:
    """A count (ties, undecided items, dropped statements): value = the count, no CI, n = items looked at, no
    better direction."""
    return entry(float(count), None, n, sig, None)


class VideoBootstrap:
    """Shared resampling weights (drawn once, lazily) for items that each involve one or two videos."""

    def __init__(self, item_videos: Sequence[tuple[str, ...]], n_bootstrap: int = N_BOOTSTRAP, seed: int = 0):
        self.item_videos = list(item_videos)
        self.n_bootstrap, self.seed = n_bootstrap, seed
        self._weights: np.ndarray | None = None

    def fields(self) -> dict[str, str | int | None]:
        """Signature fields of the interval, as adrbench.scoring writes them."""
        return {"ci": "percentile-95", "bs": self.n_bootstrap, "rs": self.seed, "resample": "video-cluster"}

    def weights(self) -> np.ndarray | None:
        if self._weights is None and len(self.item_videos) >= 2 and self.n_bootstrap > 0:
            self._weights = cluster_weights(self.item_videos, self.n_bootstrap, self.seed).astype(np.float64)
        return self._weights

    def ci(self, stat: Statistic) -> list[float] | None:
        """Percentile 95% interval of `stat` over the resamples, or None with fewer than 2 items."""
        w = self.weights()
        if w is None:
            return None
        with np.errstate(invalid="ignore", divide="ignore"):
            interval = percentile_ci(stat(w))
        return None if interval is None else [interval[0], interval[1]]


def ratio(num: np.ndarray, den: np.ndarray) -> Statistic:
    """sum(w·num) / sum(w·den) per resample."""
    return lambda w: (w @ num) / (w @ den)


def stat_entry(
    boot: VideoBootstrap, value: float, stat: Statistic, n: int, sig: Signature, higher_is_better: bool | None
) -> Entry:
    """A value with the percentile CI of `stat` over the shared resamples; the signature names the bootstrap."""
    return entry(value, boot.ci(stat), n, sig.with_fields(**boot.fields()), higher_is_better)


def ratio_entry(
    boot: VideoBootstrap,
    num: np.ndarray,
    den: np.ndarray | None,
    sig: Signature,
    higher_is_better: bool | None,
    mask: np.ndarray | None = None,
    n: int | None = None,
) -> Entry:
    """sum(num) / sum(den) over the items in `mask` (den defaults to ones) with its CI; n = items with den > 0
    unless given."""
    num = np.asarray(num, dtype=np.float64)
    den = np.ones_like(num) if den is None else np.asarray(den, dtype=np.float64)
    if mask is not None:
        num, den = np.where(mask, num, 0.0), np.where(mask, den, 0.0)
    nonzero = int(np.count_nonzero(den))
    if nonzero == 0:
        return entry(None, None, 0 if n is None else n, sig, higher_is_better)
    value = float(num.sum() / den.sum())
    return stat_entry(boot, value, ratio(num, den), nonzero if n is None else n, sig, higher_is_better)
