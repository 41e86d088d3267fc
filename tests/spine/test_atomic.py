"""The one atomic writer, the folder swap, the cache root and the resuming JSON Lines reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from adrbench.atomic import remove_dir, replacing, staged_dir, write_atomic
from adrbench.errors import DataError
from adrbench.jsonl import append_record, read_appended
from adrbench.paths import cache_root


class Boom(Exception):
    pass


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_write_atomic_replaces_whole_files_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "f.txt"
    write_atomic(path, "é\n")
    assert path.read_bytes() == "é\n".encode()
    write_atomic(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert _listing(tmp_path) == ["sub", "sub/f.txt"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    with pytest.raises(Boom), replacing(path) as tmp:
        tmp.write_bytes(b"half")
        raise Boom
    assert path.read_bytes() == b"old" and _listing(tmp_path) == ["f.bin"]


def test_staged_dir_takes_an_absent_or_empty_target(tmp_path: Path) -> None:
    for target in (tmp_path / "new", tmp_path / "empty"):
        if target.name == "empty":
            target.mkdir()
        with staged_dir(target) as staged:
            (staged / "a").write_text("1")
            assert not (target / "a").exists()  # nothing shows before the block ends
        assert (target / "a").read_text() == "1"
        assert target.stat().st_mode & 0o777 == 0o755
    assert _listing(tmp_path) == ["empty", "empty/a", "new", "new/a"]


def test_staged_dir_refuses_a_full_target_unless_told_to_replace_it(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old").write_text("old")
    with pytest.raises(FileExistsError), staged_dir(target) as staged:
        (staged / "new").write_text("new")
    assert _listing(tmp_path) == ["out", "out/old"]
    with staged_dir(target, replace=True) as staged:
        (staged / "new").write_text("new")
    assert _listing(tmp_path) == ["out", "out/new"]


def test_a_failed_block_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old").write_text("old")
    with pytest.raises(Boom), staged_dir(target, replace=True) as staged:
        (staged / "new").write_text("new")
        raise Boom
    assert _listing(tmp_path) == ["out", "out/old"]


def test_remove_dir(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    (folder / "deep").mkdir(parents=True)
    (folder / "deep" / "f").write_text("x")
    remove_dir(folder)
    remove_dir(folder)  # absent is fine
    assert _listing(tmp_path) == []


def test_cache_root_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path))
    assert cache_root() == tmp_path
    monkeypatch.setenv("ADRBENCH_CACHE", "~/somewhere")
    assert cache_root() == Path.home() / "somewhere"
    for unset in (monkeypatch.delenv, lambda name: monkeypatch.setenv(name, "")):
        unset("ADRBENCH_CACHE")
        assert cache_root() == Path.home() / ".cache" / "adrbench"


class Row(BaseModel):
    id: str
    n: int


def test_read_appended_cuts_a_torn_line_and_locates_bad_ones(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    assert read_appended(path, Row) == [] and not path.exists()
    with path.open("a", encoding="utf-8") as handle:
        append_record(handle, Row(id="a", n=1))
        append_record(handle, Row(id="b", n=2))
        handle.write('{"id": "c", "n"')  # a writer killed mid-line
    assert read_appended(path, Row) == [Row(id="a", n=1), Row(id="b", n=2)]
    assert path.read_text(encoding="utf-8").endswith('"n":2}\n')
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "c", "n": "three"}\n')
    with pytest.raises(DataError) as info:
        read_appended(path, Row)
    assert (info.value.path, info.value.line, info.value.field) == (str(path), 3, "n")
