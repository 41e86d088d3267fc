"""Video locations: plain files and zip members read the same bytes; missing ones are clear errors."""

import hashlib
import zipfile

import pytest

from adrbench.data.media import archive_path, exists, media_sha256, open_media
from adrbench.errors import DataError


def test_plain_file_and_zip_member_give_the_same_bytes(tmp_path):
    payload = bytes(range(256)) * 10
    (tmp_path / "clip.mp4").write_bytes(payload)
    with zipfile.ZipFile(tmp_path / "videos.zip", "w") as z:
        z.writestr("videos/clip.mp4", payload)
    inner = archive_path("videos.zip", "videos/clip.mp4")
    assert exists(tmp_path, "clip.mp4") and exists(tmp_path, inner)
    with open_media(tmp_path, inner) as handle:
        handle.seek(10)
        assert handle.read(5) == payload[10:15]
    digest = hashlib.sha256(payload).hexdigest()
    assert media_sha256(tmp_path, "clip.mp4") == media_sha256(tmp_path, inner) == digest


def test_missing_file_member_and_broken_archive_are_named(tmp_path):
    with zipfile.ZipFile(tmp_path / "videos.zip", "w") as z:
        z.writestr("a.mp4", b"x")
    (tmp_path / "broken.zip").write_bytes(b"PK not really")
    assert not exists(tmp_path, archive_path("videos.zip", "b.mp4"))
    assert not exists(tmp_path, "nope.mp4")
    with pytest.raises(DataError, match="nope.mp4: video file not found"):
        with open_media(tmp_path, "nope.mp4"):
            pass
    with pytest.raises(DataError, match="no member 'b.mp4'"):
        with open_media(tmp_path, archive_path("videos.zip", "b.mp4")):
            pass
    with pytest.raises(DataError, match="not a readable zip"):
        with open_media(tmp_path, archive_path("broken.zip", "a.mp4")):
            pass
