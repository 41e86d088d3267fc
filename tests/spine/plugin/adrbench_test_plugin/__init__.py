"""A third-party model package used by the tests: found only through the `adrbench.models` entry point."""

from __future__ import annotations

import time
from collections import defaultdict

from adrbench.models.base import Model
from adrbench.records import PairPrediction, VideoPrediction


class SlowGroupMean(Model):
    """Predicts each video's train-group mean score, sleeping `delay` seconds per batch (to be killed mid-run)."""

    name = "slow-mean"

    def __init__(self, delay: str = "0", batch_size: str = "8", bias: str = "0") -> None:
        self.delay, self.batch_size, self.bias = float(delay), int(batch_size), float(bias)
        self.means: dict[str, float] = {}

    def fit(self, data, seed):  # noqa: ANN001 - the interface's types
        sums = defaultdict(list)
        for video in data.videos_of("train"):
            if video.score is not None:
                sums[video.group].append(video.score)
        self.means = {g: sum(v) / len(v) for g, v in sums.items()}

    def predict(self, data, items):  # noqa: ANN001
        time.sleep(self.delay)
        if data.unit == "video":
            return [
                VideoPrediction(video_id=v.id, score=self.means.get(v.group, 5.0) + self.bias) for v in items
            ]
        return [
            PairPrediction(
                pair_id=p.id,
                score_1=self.means.get(p.group, 5.0) + self.bias,
                score_2=self.means.get(p.group, 5.0) - self.bias,
                description="Player 1 keeps the knee more stable than Player 2.",
            )
            for p in items
        ]

    def config(self):
        return {"delay": self.delay, "batch_size": self.batch_size, "bias": self.bias}
