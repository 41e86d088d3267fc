"""Offline WordNet: Debian's files arranged for NLTK's reader, the lexnames table, and a clear error."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from nltk.corpus.reader.wordnet import WordNetCorpusReader

from adrbench.metrics import wordnet as wn_mod
from adrbench.metrics.wordnet import APT_HINT, WordNetMissingError, lexnames_text

MAN_PAGE = Path("/usr/share/man/man5/lexnames.5WN.gz")


def test_lexnames_has_45_numbered_lines() -> None:
    lines = lexnames_text().splitlines()
    assert len(lines) == 45
    for i, line in enumerate(lines):
        number, name, category = line.split("\t")
        assert int(number) == i and len(number) == 2
        assert int(category) == {"noun": 1, "verb": 2, "adj": 3, "adv": 4}[name.split(".")[0]]
    assert lines[0] == "00\tadj.all\t3" and lines[3] == "03\tnoun.Tops\t1" and lines[44] == "44\tadj.ppl\t3"


@pytest.mark.skipif(
    not MAN_PAGE.is_file(), reason="the lexnames(5WN) man page is installed with wordnet-base"
)
def test_lexnames_agrees_with_the_man_page() -> None:
    text = gzip.decompress(MAN_PAGE.read_bytes()).decode("latin-1")
    table = re.findall(r"^(\d\d)\t(\S+)\s*\t", text, flags=re.MULTILINE)
    assert [f"{n}\t{name}" for n, name in table] == [
        line.rsplit("\t", 1)[0] for line in lexnames_text().splitlines()
    ]


@pytest.mark.skipif(not (wn_mod.DEBIAN_DIR / "data.noun").is_file(), reason="needs apt wordnet-base")
@pytest.mark.filterwarnings("ignore:The multilingual functions are not available")
def test_debian_files_are_arranged_for_nltk(tmp_path: Path) -> None:
    target = wn_mod._arrange_debian(wn_mod.DEBIAN_DIR, tmp_path / "nltk_data" / "corpora" / "wordnet")
    assert (target / "lexnames").read_text() == lexnames_text()
    import nltk.data

    nltk.data.path.append(str(tmp_path / "nltk_data"))
    try:
        reader = WordNetCorpusReader(str(target), None)
        assert reader.get_version() == "3.0"
        assert "large" in {lemma.name() for s in reader.synsets("big") for lemma in s.lemmas()}
    finally:
        nltk.data.path.remove(str(tmp_path / "nltk_data"))
    # A second call finds the arranged folder and leaves it as it is.
    assert wn_mod._arrange_debian(wn_mod.DEBIAN_DIR, target) == target


def test_missing_wordnet_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(wn_mod, "_nltk_wordnet_dir", lambda: None)
    monkeypatch.setattr(wn_mod, "DEBIAN_DIR", tmp_path / "absent")
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(WordNetMissingError) as info:
        wn_mod.wordnet_dir()
    message = str(info.value)  # where it looked, and both ways to install it
    assert str(tmp_path / "absent") in message and APT_HINT in message and "nltk.downloader wordnet" in message
    assert not (tmp_path / "empty-cache").exists()  # nothing half-made in the cache


def test_an_arranged_cache_is_used_without_debian_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "nltk_data" / "corpora" / "wordnet"
    folder.mkdir(parents=True)
    for name in (*wn_mod._DB_FILES, "lexnames", wn_mod._MARKER):
        (folder / name).write_text("x")
    monkeypatch.setattr(wn_mod, "_nltk_wordnet_dir", lambda: None)
    monkeypatch.setattr(wn_mod, "DEBIAN_DIR", tmp_path / "absent")
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path))
    assert wn_mod.wordnet_dir() == (folder, "debian")


def test_incomplete_debian_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "data.noun").write_text("x")
    with pytest.raises(WordNetMissingError, match="missing"):
        wn_mod._arrange_debian(tmp_path, tmp_path / "out")


def test_cache_root_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path))
    assert wn_mod.cache_root() == tmp_path
    monkeypatch.delenv("ADRBENCH_CACHE")
    assert wn_mod.cache_root() == Path.home() / ".cache" / "adrbench"
