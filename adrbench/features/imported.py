"""Import precomputed per-video features (.npy, e.g. I3D clip features people already have) into the cache.

Manifest: a JSON Lines file, one object per video: ``{"video_id": "<id in the task>", "path": "<file>.npy"}``,
paths relative to the manifest's folder. Each array is T×D (or D, read as 1×D), finite, the same D for all.
They are stored under the name given at import and used with ``FeatureSpec(source="imported", name=...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.features.cache import FeatureCache, cache_key
from adrbench.features.extract import content_hash
from adrbench.features.spec import FeatureSpec
from adrbench.jsonl import read_records


class ManifestEntry(BaseModel):
    """One line of an import manifest."""

    model_config = ConfigDict(extra="forbid")

    video_id: str
    path: str


def import_npy(
    data: Dataset,
    manifest: str | Path,
    name: str,
    cache: FeatureCache,
    progress: Callable[[int, int, str], None] | None = None,
) -> int:
    """Check every line first, then store each array in the cache; returns the number imported."""
    manifest = Path(manifest)
    entries = read_records(manifest, ManifestEntry)
    arrays: list[tuple[str, np.ndarray]] = []
    width: int | None = None
    for line, entry in enumerate(entries, start=1):
        if entry.video_id not in data.videos:
            raise DataError(manifest, f"unknown video {entry.video_id!r} for task {data.task!r}", line=line,
                            field="video_id")  # fmt: skip
        path = Path(entry.path) if Path(entry.path).is_absolute() else manifest.parent / entry.path
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise DataError(manifest, f"cannot read {path}: {exc}", line=line, field="path") from exc
        array = array[None, :] if array.ndim == 1 else array
        if array.ndim != 2 or not np.issubdtype(array.dtype, np.number) or not np.isfinite(array).all():
            raise DataError(manifest, f"{path} must hold a finite numeric T×D or D array, got {array.shape}",
                            line=line, field="path")  # fmt: skip
        if width is not None and array.shape[1] != width:
            raise DataError(manifest, f"{path} has D={array.shape[1]}, earlier files have D={width}", line=line,
                            field="path")  # fmt: skip
        width = array.shape[1]
        arrays.append((entry.video_id, array.astype(np.float32)))
    settings = FeatureSpec(source="imported", name=name).settings()
    for i, (video_id, array) in enumerate(arrays):
        key = cache_key(content_hash(data, data.videos[video_id], cache), settings)
        cache.put(key, array, {"video_id": video_id, "settings": settings, "manifest": str(manifest)})
        if progress is not None:
            progress(i + 1, len(arrays), video_id)
    return len(arrays)
