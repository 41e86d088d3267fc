"""Names → models and tasks, with 'did you mean' for typos, and third-party models by entry point."""

from __future__ import annotations

import pytest

from adrbench.models import Model, available_models, get_model_class
from adrbench.registry import UnknownNameError
from adrbench.tasks import available_tasks, get_task


def test_unknown_model_suggests_the_closest_name() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown model 'kep'\. Did you mean 'kept'"):
        get_model_class("kep")


def test_unknown_task_suggests_the_closest_name() -> None:
    with pytest.raises(UnknownNameError, match=r"Did you mean 'adr-synth'"):
        get_task("adr-synt")


def test_every_task_of_the_design_is_registered() -> None:
    assert set(available_tasks()) == {
        "adr",
        "jigsaws",
        "fitnessaqa",
        "adr-synth",
        "jigsaws-synth",
        "fitnessaqa-synth",
    }


def test_plugin_model_is_found_by_entry_point(plugin_path) -> None:
    assert available_models()["slow-mean"] == "plugin adrbench_test_plugin:SlowGroupMean"
    cls = get_model_class("slow-mean")
    assert issubclass(cls, Model) and cls.name == "slow-mean"
