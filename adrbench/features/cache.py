"""The one on-disk feature cache: one safetensors file per (video content, settings), written atomically.

A key is the SHA-256 of the canonical JSON of everything that changes the tensors (the video's content hash,
the feature source and its settings, the cache format version), so a changed video or setting is a miss and an
interrupted extraction resumes by skipping the keys already on disk. Every per-video cache of adrbench (visual
features, imported arrays, extracted keypoints, KEPT's inputs) is an instance of `FeatureCache`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file, save

from adrbench import paths
from adrbench.jsonl import dumps, write_atomic

CACHE_FORMAT = 1
TENSOR = "features"  # the tensor name of single-tensor entries


def cache_root() -> Path:
    """Where adrbench keeps derived files (adrbench.paths.cache_root, the one place $ADRBENCH_CACHE is read)."""
    return paths.cache_root()


def default_cache_dir() -> Path:
    """$ADRBENCH_CACHE/features, or ~/.cache/adrbench/features."""
    return cache_root() / "features"


def array_hash(array: np.ndarray) -> str:
    """SHA-256 of an array's dtype, shape and bytes (the content hash of keypoint-only videos)."""
    a = np.ascontiguousarray(array)
    h = hashlib.sha256(f"{a.dtype.str}|{a.shape}|".encode())
    h.update(a.tobytes())
    return h.hexdigest()


def cache_key(content_hash: str, settings: dict[str, Any]) -> str:
    """The cache key of one video's features under `settings` (every field that changes the result)."""
    return hashlib.sha256(
        dumps({"content": content_hash, "format": CACHE_FORMAT, **settings}).encode()
    ).hexdigest()


def canonical(blob: bytes) -> bytes:
    """A safetensors file with its JSON header's keys sorted: the same entry is always the same bytes.

    safetensors writes the metadata in the order of a Rust HashMap, which differs from one `save` to the next, so
    two writes of one entry (in one process or on two machines) would differ byte for byte. The tensor data and
    its offsets are untouched; the header is padded with spaces to 8 bytes, as safetensors does.
    """
    n = int.from_bytes(blob[:8], "little")
    header = json.dumps(json.loads(blob[8 : 8 + n]), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = header.encode()
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + blob[8 + n :]


class FeatureCache:
    """Per-video tensors under `root/<key[:2]>/<key>.safetensors`.

    An entry is one tensor (`put(key, array)`, read back by `get`) or several named ones (`put(key, {name:
    array})`, read back by `get_tensors`), with string metadata.
    """

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.safetensors"

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def get_tensors(self, key: str) -> dict[str, np.ndarray] | None:
        """Every tensor of an entry, or None on a miss (counted)."""
        path = self.path(key)
        if not path.is_file():
            self.misses += 1
            return None
        self.hits += 1
        return load_file(str(path))

    def get(self, key: str) -> np.ndarray | None:
        """The tensor of a single-tensor entry, or None on a miss (counted)."""
        tensors = self.get_tensors(key)
        return None if tensors is None else tensors[TENSOR]

    def metadata(self, key: str) -> dict[str, str]:
        """The string metadata stored with an entry ({} on a miss)."""
        path = self.path(key)
        if not path.is_file():
            return {}
        with safe_open(str(path), framework="numpy") as handle:
            return dict(handle.metadata() or {})

    def put(
        self,
        key: str,
        features: np.ndarray | Mapping[str, np.ndarray],
        metadata: dict[str, Any] | None = None,
    ) -> Path:
        """Store one tensor or a name → tensor mapping atomically; returns the entry's path."""
        tensors = {TENSOR: features} if isinstance(features, np.ndarray) else dict(features)
        meta = {k: v if isinstance(v, str) else dumps(v) for k, v in (metadata or {}).items()}
        path = self.path(key)
        write_atomic(path, canonical(save({k: np.ascontiguousarray(v) for k, v in tensors.items()}, metadata=meta)))
        return path
