"""On adr-synth, the joints on KEPT's chosen reasoning paths agree with the generator's decisive joint groups
more often than chance (slow: trains on the full task)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from adrbench.tasks import get_task
from kept.adapter import KeptModel

#: required margin over chance (chance = share of decisive groups among the 4 sports groups, about 0.6 here)
MARGIN = 0.1


@pytest.mark.slow
@pytest.mark.xfail(
    strict=True,
    reason="issue 16: KEPT's path distribution is uniform; on adr-synth v2, where the score lives in a few joint "
    "groups in one phase each, its chosen paths sit below chance (0.47 vs 0.68) and its ρ near 0. Strict: the "
    "day KEPT finds the decisive joints this fails and must become a plain test again.",
)
def test_chosen_paths_find_the_decisive_joints() -> None:
    data = get_task("adr-synth").load()
    model = KeptModel(epochs="3", min_steps="0", threads="1")
    model.fit(data, seed=0)
    videos = [v for v in data.videos_of("test") if v.meta.get("decisive_groups")]
    model.encode_videos(data, [v.id for v in videos])
    hits, chance = [], []
    for v in videos:
        path = model.path_names(model._encoded[v.id]["best"])
        decisive = set(v.meta["decisive_groups"])
        hits.append(np.mean([g in decisive for g in path]))
        chance.append(len(decisive) / len(data.skeleton.groups))
    print(f"decisive-joint agreement {np.mean(hits):.3f}, chance {np.mean(chance):.3f}")
    assert np.mean(hits) >= np.mean(chance) + MARGIN, (np.mean(hits), np.mean(chance))
    scores = [model._score(model._encoded[v.id]) for v in videos]
    assert spearmanr([v.score for v in videos], scores).statistic > 0.5
