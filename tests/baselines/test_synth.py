"""On the embedded jigsaws-synth twin, MAGR-lite and FineParser-lite learn the GRS far beyond the mean baseline.

(On adr-synth every model that reads clip-level pose features sits near the floor by design: the score lives in
a few joint groups in one phase each; tests/data/test_synth_calibration.py shows what does reach it.)
"""

from __future__ import annotations

import pytest
from scipy.stats import spearmanr

from adrbench.models.registry import get_model_class


@pytest.fixture(scope="module")
def jigsaws_synth():
    from adrbench.tasks import get_task

    return get_task("jigsaws-synth").load()


def _rho(name: str, data, **args: str) -> float:
    model = get_model_class(name)(**args)
    model.fit(data, seed=0)
    test = data.items("test")
    preds = model.predict(data, test)
    return spearmanr([p.score for p in preds], [v.score for v in test]).statistic


@pytest.mark.slow
@pytest.mark.parametrize("name,args", [("magr", {}), ("fineparser", {"epochs": "20"})])
def test_beats_mean_on_jigsaws_synth(jigsaws_synth, name: str, args: dict[str, str]) -> None:
    assert _rho(name, jigsaws_synth, **args) > _rho("mean", jigsaws_synth) + 0.3
