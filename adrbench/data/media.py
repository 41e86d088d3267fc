"""Where a video's bytes live: a plain file under the dataset root, or a member of a zip archive.

Real releases ship videos both ways (FitnessAQA: `videos.zip`; Ego-Exo4D: plain mp4 files), so a record's
`video_path` is either a path relative to the dataset root or `<archive>.zip!/<member>` — the archive relative
to the root, the member inside it. Everything that reads video bytes goes through `open_media`, so decoders
never care which it is.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from adrbench.errors import DataError

ARCHIVE_SEP = "!/"


@dataclass(frozen=True)
class MediaRef:
    """A resolved video location: the file on disk and, for an archive, the member inside it."""

    file: Path
    member: str | None = None

    def __str__(self) -> str:
        return f"{self.file}{ARCHIVE_SEP}{self.member}" if self.member else str(self.file)


def archive_path(archive: str, member: str) -> str:
    """The `video_path` of `member` inside the zip `archive` (both as stored in records)."""
    return f"{archive}{ARCHIVE_SEP}{member}"


def resolve(root: str | Path, video_path: str) -> MediaRef:
    """The location of `video_path` under `root` (not checked; see `exists` and `open_media`)."""
    archive, sep, member = video_path.partition(ARCHIVE_SEP)
    return MediaRef(Path(root) / archive, member if sep else None)


def exists(root: str | Path, video_path: str) -> bool:
    """Whether the video is there: the file, or the archive holding the member."""
    ref = resolve(root, video_path)
    if ref.member is None:
        return ref.file.is_file()
    if not ref.file.is_file():
        return False
    try:
        with zipfile.ZipFile(ref.file) as archive:
            archive.getinfo(ref.member)
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    return True


@contextmanager
def open_media(root: str | Path, video_path: str) -> Iterator[BinaryIO]:
    """A binary, seekable handle on the video's bytes; a clear DataError if the file or member is missing."""
    ref = resolve(root, video_path)
    if not ref.file.is_file():
        raise DataError(ref.file, "video file not found", hint="check --data-root and the dataset's layout")
    if ref.member is None:
        with ref.file.open("rb") as handle:
            yield handle
        return
    try:
        archive = zipfile.ZipFile(ref.file)
    except zipfile.BadZipFile:
        raise DataError(ref.file, "not a readable zip archive (truncated download?)") from None
    with archive:
        try:
            info = archive.getinfo(ref.member)
        except KeyError:
            raise DataError(ref.file, f"the archive has no member {ref.member!r}") from None
        with archive.open(info) as handle:
            yield handle  # type: ignore[misc]  # ZipExtFile is seekable since Python 3.7


def media_sha256(root: str | Path, video_path: str, chunk: int = 1 << 20) -> str:
    """SHA-256 of the video's bytes (the member's bytes for an archive member): its content hash."""
    h = hashlib.sha256()
    with open_media(root, video_path) as handle:
        while block := handle.read(chunk):
            h.update(block)
    return h.hexdigest()
