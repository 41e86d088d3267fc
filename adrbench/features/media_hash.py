"""A video's content hash, computed once: SHA-256 of its bytes, remembered against the file's size and mtime.

Hashing a multi-gigabyte take on every run would dominate loading, so the digest is memoised in the feature
cache under `media-sha256/`, keyed by the resolved file, archive member, size and modification time; a changed
file has another memo key and is hashed again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from adrbench.data.media import media_sha256, resolve
from adrbench.errors import DataError
from adrbench.features.cache import FeatureCache
from adrbench.jsonl import dumps, write_atomic

MEMO_DIR = "media-sha256"


def video_sha256(cache: FeatureCache | None, root: str | Path, video_path: str) -> str:
    """The SHA-256 of the video's bytes (see `adrbench.data.media`), memoised in `cache` when given."""
    if cache is None:
        return media_sha256(root, video_path)
    ref = resolve(root, video_path)
    try:
        stat = ref.file.stat()
    except OSError:
        raise DataError(
            ref.file, "video file not found", hint="check --data-root and the dataset's layout"
        ) from None
    memo_key = hashlib.sha256(
        dumps(
            {
                "file": str(ref.file.resolve()),
                "member": ref.member,
                "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
            }
        ).encode()  # fmt: skip
    ).hexdigest()
    memo = cache.root / MEMO_DIR / memo_key[:2] / memo_key
    if memo.is_file():
        digest = memo.read_text().strip()
        if len(digest) == 64:
            return digest
    digest = media_sha256(root, video_path)
    write_atomic(memo, digest)
    return digest
