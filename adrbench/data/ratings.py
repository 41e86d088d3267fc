"""How a take's ground-truth score is made from its experts' 1–10 ratings: the paper's plain mean, or the mean
after putting every expert on one scale (each Ego-Exo4D expert sets their own; docs/adr-format.md, "Rating
scales")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from adrbench.errors import ConfigError

#: `none`: the paper's plain mean of the raw ratings; `per-expert`: z-scored within each expert, mapped back to 1–10.
RATING_NORMS = ("none", "per-expert")


@dataclass(frozen=True)
class ExpertScale:
    mean: float
    std: float
    n: int


@dataclass(frozen=True)
class RatingScales:
    """Per-expert mean and spread of the ratings, and the pooled ones the z-scores are mapped back onto."""

    norm: str
    experts: dict[str, ExpertScale]
    pooled_mean: float
    pooled_std: float

    def rating(self, expert: str, value: float) -> float:
        """The expert's rating on the common scale: `none` leaves it as it is; `per-expert` gives
        clip(pooled mean + pooled std · z, 1, 10) with z = (value − expert mean) / expert std — an expert with
        one rating keeps it (no scale to remove), one who gave every take the same rating maps to the pooled mean."""
        if self.norm == "none":
            return float(value)
        scale = self.experts[expert]
        if scale.n < 2:
            return float(value)
        z = (value - scale.mean) / scale.std if scale.std > 0 else 0.0
        return round(float(np.clip(self.pooled_mean + self.pooled_std * z, 1.0, 10.0)), 6)

    def provenance(self) -> dict[str, object]:
        out: dict[str, object] = {"norm": self.norm}
        if self.norm == "per-expert":
            out.update(
                pooled_mean=round(self.pooled_mean, 6),
                pooled_std=round(self.pooled_std, 6),
                experts={
                    e: {"mean": round(s.mean, 6), "std": round(s.std, 6), "n": s.n}
                    for e, s in sorted(self.experts.items())
                },
                experts_kept_raw=sorted(e for e, s in self.experts.items() if s.n < 2),
            )
        return out


def fit_scales(norm: str, ratings: Iterable[tuple[str, float]]) -> RatingScales:
    """The scales of (expert, rating) pairs — every numeric rating of the takes a build keeps, all splits."""
    if norm not in RATING_NORMS:
        raise ConfigError(f"rating_norm must be one of {', '.join(RATING_NORMS)}, got {norm!r}")
    by_expert: dict[str, list[float]] = {}
    for expert, value in ratings:
        by_expert.setdefault(expert, []).append(float(value))
    values = np.array([v for vs in by_expert.values() for v in vs], dtype=np.float64)
    experts = {
        e: ExpertScale(float(np.mean(vs)), float(np.std(vs)), len(vs)) for e, vs in sorted(by_expert.items())
    }
    return RatingScales(
        norm=norm,
        experts=experts,
        pooled_mean=float(values.mean()) if len(values) else 0.0,
        pooled_std=float(values.std()) if len(values) else 0.0,
    )
