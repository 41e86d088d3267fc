"""Small file helpers every loader shares: JSON with located errors, case-insensitive paths, data fingerprints."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from adrbench.atomic import write_atomic
from adrbench.errors import DataError


def read_json(path: Path, hint: str | None = None) -> Any:
    """Parse a JSON file; a missing or invalid file raises DataError with the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(path, "file not found", hint=hint) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(path, f"cannot read the file ({exc})", hint=hint) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            path, f"not valid JSON ({exc.msg} at column {exc.colno})", line=exc.lineno, hint=hint
        ) from None


def find_child(parent: Path, name: str) -> Path | None:
    """The entry of `parent` called `name`, matched case-insensitively (exact match preferred); None if absent."""
    exact = parent / name
    if exact.exists():
        return exact
    if not parent.is_dir():
        return None
    lowered = name.lower()
    matches = sorted(p for p in parent.iterdir() if p.name.lower() == lowered)
    return matches[0] if matches else None


def find_path(root: Path, *parts: str) -> Path | None:
    """`root/part1/part2/...` with every part matched case-insensitively; None if any part is absent."""
    current = root
    for part in parts:
        found = find_child(current, part)
        if found is None:
            return None
        current = found
    return current


def nested_root_hint(root: Path, is_root: Callable[[Path], bool], option: str = "--data-root") -> str | None:
    """'--data-root X holds adr/: pass X/adr' when a folder inside `root` (not `root` itself) is the dataset folder
    that `is_root` recognises, e.g. the folder `adrbench data synth` wrote; None otherwise."""
    if not root.is_dir():
        return None
    inner = next((c for c in sorted(root.iterdir()) if c.is_dir() and is_root(c)), None)
    return f"{option} {root} holds {inner.name}/: pass {inner}" if inner is not None else None


class Fingerprint:
    """SHA-256 over the (relative path, content hash) of every file a loader read, in a fixed order."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, str] = {}

    def add(self, path: Path) -> None:
        self._files[_relative(path, self.root)] = file_sha256(path)

    def add_digest(self, name: str, digest: str) -> None:
        """Record a file by a digest computed elsewhere (e.g. written into a manifest at build time)."""
        self._files[name] = digest

    @property
    def n_files(self) -> int:
        return len(self._files)

    def hexdigest(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self._files):
            h.update(f"{name}\0{self._files[name]}\n".encode())
        return h.hexdigest()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_npy_atomic(path: Path, array: np.ndarray) -> None:
    """Write a .npy file through the atomic writer (no pickles)."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    write_atomic(path, buffer.getvalue())


def load_npy(path: Path, shape_tail: tuple[int, ...], hint: str | None = None) -> np.ndarray:
    """Load a float32 array of at least one frame whose trailing dimensions must be `shape_tail`; DataError
    otherwise."""
    try:
        array = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise DataError(path, "keypoints file not found", hint=hint) from None
    except (OSError, ValueError) as exc:
        raise DataError(path, f"not a valid .npy array ({exc})", hint=hint) from None
    if array.ndim != 1 + len(shape_tail) or tuple(array.shape[1:]) != shape_tail:
        want = "T×" + "×".join(map(str, shape_tail))
        raise DataError(path, f"keypoints must be {want}, got shape {tuple(array.shape)}", hint=hint)
    if array.shape[0] == 0:
        raise DataError(path, "keypoints have no frames", hint=hint)
    return np.ascontiguousarray(array, dtype=np.float32)
