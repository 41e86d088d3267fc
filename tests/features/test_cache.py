"""The feature cache: keys, hit/miss, atomic files, and resuming a killed extraction."""

from __future__ import annotations

import numpy as np
import pytest

from adrbench.data.kinematics import joint_statistics, sample_keyframes
from adrbench.features.cache import FeatureCache, array_hash, cache_key, default_cache_dir
from adrbench.features.extract import FeatureExtractor
from adrbench.features.pose import pose_keyframe_features, pose_summary
from adrbench.features.spec import FeatureSpec


def test_cache_key_depends_on_content_and_every_setting() -> None:
    a = np.zeros((2, 3), dtype=np.float32)
    spec = FeatureSpec(n_keyframes=8).settings()
    base = cache_key(array_hash(a), spec)
    assert base == cache_key(array_hash(a.copy()), dict(spec))
    assert base != cache_key(array_hash(a + 1), spec)
    assert base != cache_key(array_hash(a.astype(np.float64)), spec)
    assert base != cache_key(array_hash(a.reshape(3, 2)), spec)
    assert base != cache_key(array_hash(a), FeatureSpec(n_keyframes=9).settings())
    # The keypoint folder is not a setting: the keypoints' own hash is the content.
    assert FeatureSpec(keypoints="file:/x").settings() == FeatureSpec().settings()


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path / "features"
    monkeypatch.delenv("ADRBENCH_CACHE")
    assert default_cache_dir().parts[-3:] == (".cache", "adrbench", "features")


def test_put_get_hit_miss_and_no_temp_files(tmp_path) -> None:
    cache = FeatureCache(tmp_path)
    key = cache_key("abc", {"source": "pose"})
    assert cache.get(key) is None and cache.misses == 1
    cache.put(key, np.arange(6, dtype=np.float32).reshape(2, 3), {"video_id": "v", "settings": {"k": 1}})
    assert key in cache
    assert np.array_equal(cache.get(key), np.arange(6).reshape(2, 3)) and cache.hits == 1
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{key}.safetensors"]


def test_an_entry_is_always_the_same_bytes(tmp_path) -> None:
    """safetensors orders its metadata at random on each save; the cache sorts the header, so rewriting an entry
    (by this run or another, local or on Ray) gives the same file, still read back by safetensors."""
    from safetensors.numpy import load_file

    cache = FeatureCache(tmp_path)
    tensors = {"b": np.arange(5, dtype=np.float64), "a": np.ones((2, 3), np.float32)}
    meta = {f"k{i}": f"value {i} é" for i in range(8)}
    blobs = set()
    for _ in range(5):
        blobs.add(cache.put("ab" * 32, tensors, meta).read_bytes())
    assert len(blobs) == 1
    blob = blobs.pop()
    assert int.from_bytes(blob[:8], "little") % 8 == 0
    assert cache.metadata("ab" * 32) == meta
    back = load_file(str(cache.path("ab" * 32)))
    assert all(np.array_equal(back[k], v) for k, v in tensors.items())


def test_pose_features_are_joint_statistics_at_keyframes(keypoint_data) -> None:
    kp = keypoint_data.keypoints("v0")
    feats = pose_keyframe_features(kp, keypoint_data.skeleton, 5)
    stats = joint_statistics(kp, keypoint_data.skeleton)
    assert feats.shape == (5, 17 * 5)
    assert np.array_equal(feats, stats[sample_keyframes(len(kp), 5)].reshape(5, -1))
    summary = pose_summary(kp, keypoint_data.skeleton)
    assert np.allclose(summary[: 17 * 5], stats.mean(axis=0).ravel(), atol=1e-6)


def test_second_extraction_hits_the_cache(keypoint_data, tmp_path) -> None:
    spec = FeatureSpec(n_keyframes=4)
    first = FeatureExtractor(spec, FeatureCache(tmp_path / "c"))
    out1 = first.extract(keypoint_data, list(keypoint_data.videos.values()))
    assert first.computed == 4 and first.cache.misses == 4
    second = FeatureExtractor(spec, FeatureCache(tmp_path / "c"))
    out2 = second.extract(keypoint_data, list(keypoint_data.videos.values()))
    assert second.computed == 0 and second.cache.hits == 4
    assert all(np.array_equal(out1[k], out2[k]) for k in out1)
    third = FeatureExtractor(FeatureSpec(n_keyframes=5), FeatureCache(tmp_path / "c"))
    third.extract(keypoint_data, list(keypoint_data.videos.values()))
    assert third.computed == 4  # another setting is another key


def test_killed_extraction_resumes_without_redoing_work(keypoint_data, tmp_path) -> None:
    videos = list(keypoint_data.videos.values())

    class Killed(Exception):
        pass

    def die_after_two(done: int, total: int, video_id: str) -> None:
        if done == 2:
            raise Killed

    with pytest.raises(Killed):
        FeatureExtractor(FeatureSpec(n_keyframes=4), FeatureCache(tmp_path)).extract(keypoint_data, videos,
                                                                                      progress=die_after_two)  # fmt: skip
    again = FeatureExtractor(FeatureSpec(n_keyframes=4), FeatureCache(tmp_path))
    seen: list[tuple[int, int]] = []
    again.extract(keypoint_data, videos, progress=lambda d, t, _v: seen.append((d, t)))
    assert again.computed == 2 and again.cache.hits == 2
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_keypoint_file_source(keypoint_data, tmp_path) -> None:
    from adrbench.errors import DataError

    folder = tmp_path / "kp"
    folder.mkdir()
    for vid in keypoint_data.videos:
        np.save(folder / f"{vid}.npy", keypoint_data.keypoints(vid))
    from_files = FeatureExtractor(FeatureSpec(n_keyframes=3, keypoints=f"file:{folder}"))
    from_data = FeatureExtractor(FeatureSpec(n_keyframes=3))
    v = keypoint_data.videos["v1"]
    assert np.array_equal(from_files.features(keypoint_data, v), from_data.features(keypoint_data, v))
    np.save(folder / "v2.npy", np.zeros((4, 5, 3), dtype=np.float32))
    with pytest.raises(DataError, match="T×17×3"):
        from_files.features(keypoint_data, keypoint_data.videos["v2"])
    with pytest.raises(DataError, match="missing"):
        FeatureExtractor(FeatureSpec(keypoints=f"file:{tmp_path / 'none'}")).features(keypoint_data, v)
