"""On the embedded adr-synth twin, MAGR-lite and FineParser-lite beat the mean baseline on Spearman ρ."""

from __future__ import annotations

import pytest
from scipy.stats import spearmanr

from adrbench.models.registry import get_model_class


@pytest.fixture(scope="module")
def adr_synth():
    from adrbench.tasks import get_task

    return get_task("adr-synth").load()


def _rho(name: str, data, **args: str) -> float:
    model = get_model_class(name)(**args)
    model.fit(data, seed=0)
    test = data.items("test")
    preds = model.predict(data, test)
    truth = [data.videos[v].score for p in test for v in (p.video_1, p.video_2)]
    return spearmanr([s for p in preds for s in (p.score_1, p.score_2)], truth).statistic


@pytest.mark.slow
@pytest.mark.parametrize("name,args", [("magr", {}), ("fineparser", {"epochs": "20"})])
def test_beats_mean_on_adr_synth(adr_synth, name: str, args: dict[str, str]) -> None:
    assert _rho(name, adr_synth, **args) > _rho("mean", adr_synth) + 0.3
