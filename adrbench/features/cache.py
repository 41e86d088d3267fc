"""The one on-disk feature cache: one safetensors file per (video content, settings), written atomically.

A key is the SHA-256 of the canonical JSON of everything that changes the tensor (the video's content hash,
the feature source and its settings, the cache format version), so a changed video or setting is a miss and an
interrupted extraction resumes by skipping the keys already on disk.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load_file, save_file

from adrbench.jsonl import dumps

CACHE_FORMAT = 1
ENV_VAR = "ADRBENCH_CACHE"


def default_cache_dir() -> Path:
    """$ADRBENCH_CACHE/features, or ~/.cache/adrbench/features."""
    base = os.environ.get(ENV_VAR)
    return Path(base) / "features" if base else Path.home() / ".cache" / "adrbench" / "features"


def array_hash(array: np.ndarray) -> str:
    """SHA-256 of an array's dtype, shape and bytes (the content hash of keypoint-only videos)."""
    a = np.ascontiguousarray(array)
    h = hashlib.sha256(f"{a.dtype.str}|{a.shape}|".encode())
    h.update(a.tobytes())
    return h.hexdigest()


def file_hash(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            h.update(block)
    return h.hexdigest()


def cache_key(content_hash: str, settings: dict[str, Any]) -> str:
    """The cache key of one video's features under `settings` (every field that changes the result)."""
    return hashlib.sha256(
        dumps({"content": content_hash, "format": CACHE_FORMAT, **settings}).encode()
    ).hexdigest()


class FeatureCache:
    """Per-video feature tensors under `root/<key[:2]>/<key>.safetensors` (tensor name 'features')."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.safetensors"

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> np.ndarray | None:
        """The cached tensor, or None on a miss (counted)."""
        path = self.path(key)
        if not path.is_file():
            self.misses += 1
            return None
        self.hits += 1
        return load_file(str(path))["features"]

    def put(self, key: str, features: np.ndarray, metadata: dict[str, Any] | None = None) -> Path:
        """Store a tensor atomically (temp file in the same folder, then rename); returns its path."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {k: v if isinstance(v, str) else dumps(v) for k, v in (metadata or {}).items()}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".safetensors")
        os.close(fd)
        try:
            save_file({"features": np.ascontiguousarray(features)}, tmp, metadata=meta)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path
