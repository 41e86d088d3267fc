"""The one way adrbench writes a file or a folder: readers and killed runs see the old or the new one, never half.

- `write_atomic(path, data)`: a whole file from text or bytes;
- `replacing(path)`: a temporary path beside `path` for libraries that write to a path themselves
  (safetensors, matplotlib); it becomes `path` when the block ends without error;
- `staged_dir(target)`: a folder filled in a block and swapped in as a whole;
- `remove_dir(folder)`: a folder moved aside before it is deleted, so no half-deleted folder keeps its name.

Files are fsynced before the rename; whatever was staged is removed when the block fails.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary file path next to `path`; write it in the block and it replaces `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a whole file (text as UTF-8, or bytes) so that readers see the old or the new content."""
    with replacing(path) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _aside(folder: Path, why: str) -> Path:
    return Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.{why}-"))


@contextmanager
def staged_dir(target: str | Path, *, replace: bool = False) -> Iterator[Path]:
    """Yield a fresh folder (mode 0755) beside `target`; fill it in the block and it becomes `target`.

    An absent or empty `target` is taken over. A non-empty one raises FileExistsError (also when another process
    filled it meanwhile) unless `replace` is set: then the old folder is renamed aside, the new one renamed in and
    the old one deleted, so `target` holds a complete folder at all times but the instant between two renames.
    When the block fails, the staged folder is deleted and `target` is left as it was.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    staged.chmod(0o755)
    try:
        yield staged
        _swap_in(staged, target, replace)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def _swap_in(staged: Path, target: Path, replace: bool) -> None:
    try:
        os.replace(staged, target)  # succeeds onto an absent or an empty folder
        return
    except OSError as exc:
        if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
            raise
        if not replace:
            raise FileExistsError(errno.EEXIST, "folder exists and is not empty", str(target)) from None
    old = _aside(target, "old")
    os.replace(target, old)  # onto the empty folder just made
    try:
        os.replace(staged, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def remove_dir(folder: str | Path) -> None:
    """Delete `folder` (absent is fine): renamed aside first, so a kill midway leaves no partial folder at its
    name, only a hidden leftover beside it."""
    folder = Path(folder)
    if not folder.exists():
        return
    old = _aside(folder, "removed")
    try:
        os.replace(folder, old)
    except FileNotFoundError:  # another process removed it first
        pass
    shutil.rmtree(old, ignore_errors=True)
