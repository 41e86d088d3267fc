"""One feature cache: KEPT's per-video inputs go through adrbench's FeatureCache, and one place resolves its root."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from adrbench.features.cache import FeatureCache, cache_root, default_cache_dir
from kept.features import KeptInputs, video_features


def test_kept_inputs_are_stored_once_and_read_back(keypoint_data, tmp_path: Path) -> None:
    cache = FeatureCache(tmp_path / "c")
    first = KeptInputs(8, 2, cache)
    batch = first.batch(keypoint_data, ["v0", "v1"])
    assert cache.misses == 2 and len(list((tmp_path / "c").glob("??/*.safetensors"))) == 2
    again = KeptInputs(8, 2, FeatureCache(tmp_path / "c"))
    assert all(
        np.array_equal(batch[k].numpy(), again.batch(keypoint_data, ["v0", "v1"])[k].numpy()) for k in batch
    )
    assert again.cache.hits == 2 and again.cache.misses == 0
    direct = video_features(keypoint_data.keypoints("v0"), keypoint_data.skeleton, 8, 2)
    assert np.array_equal(again.get(keypoint_data, "v0").nodes, direct.nodes)
    KeptInputs(8, 4, cache).get(keypoint_data, "v0")  # other segments: another entry
    assert len(list((tmp_path / "c").glob("??/*.safetensors"))) == 3
    measured = KeptInputs(8, 2, cache, measures=True).get(keypoint_data, "v0")  # node measures: another entry
    assert len(list((tmp_path / "c").glob("??/*.safetensors"))) == 4
    assert np.array_equal(
        measured.nodes[..., : direct.nodes.shape[-1]], direct.nodes
    )  # appended, not mixed in
    assert np.array_equal(measured.frames, direct.frames) and np.array_equal(measured.joints, direct.joints)


def test_the_cache_root_is_resolved_in_one_place(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ADRBENCH_CACHE", "~/somewhere")
    assert cache_root() == Path.home() / "somewhere"  # ~ expanded
    assert default_cache_dir() == cache_root() / "features" == FeatureCache().root
    monkeypatch.delenv("ADRBENCH_CACHE")
    assert cache_root() == Path.home() / ".cache" / "adrbench"
