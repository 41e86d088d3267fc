"""Tiny hand-made datasets for KEPT's tests: a few videos whose score is driven by one joint group's tremor."""

from __future__ import annotations

import pytest
import torch
from kept_fixtures import make_dataset

from adrbench.data.skeletons import TOOLS
from adrbench.dataset import Dataset


@pytest.fixture(autouse=True)
def _one_thread() -> None:
    torch.set_num_threads(1)


@pytest.fixture
def tiny_pairs() -> Dataset:
    return make_dataset()


@pytest.fixture
def tiny_tools() -> Dataset:
    return make_dataset(TOOLS, unit="video")


@pytest.fixture
def tiny_labels() -> Dataset:
    return make_dataset(unit="video", labels=("err_a", "err_b"))
