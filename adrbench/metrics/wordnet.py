"""Offline WordNet 3.0 for METEOR: NLTK's data folder if it has WordNet, else Debian's packaged files.

Debian's `wordnet-base` and `wordnet-sense-index` (1:3.0) ship the Princeton database under
/usr/share/wordnet but no `lexnames` file, which NLTK's reader opens first. We copy the files into an
NLTK data folder in adrbench's cache (NLTK only reads files under its data path, symbolic links resolved)
and write `lexnames` from the table in the lexnames(5WN) manual page.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from functools import lru_cache
from pathlib import Path

from nltk.corpus.reader.wordnet import WordNetCorpusReader

DEBIAN_DIR = Path("/usr/share/wordnet")
APT_HINT = "apt-get install wordnet-base wordnet-sense-index"

#: Files NLTK's WordNetCorpusReader opens (besides lexnames, which we write).
_DB_FILES = (
    "cntlist.rev",
    "index.sense",
    "index.adj",
    "index.adv",
    "index.noun",
    "index.verb",
    "data.adj",
    "data.adv",
    "data.noun",
    "data.verb",
    "adj.exc",
    "adv.exc",
    "noun.exc",
    "verb.exc",
)

# Lexicographer file names in file-number order, from lexnames(5WN); the syntactic category
# (1 noun, 2 verb, 3 adjective, 4 adverb) follows from the name's prefix.
_LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body "
    "noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location "
    "noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process "
    "noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body verb.change "
    "verb.cognition verb.communication verb.competition verb.consumption verb.contact verb.creation "
    "verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()
_CATEGORY = {"noun": 1, "verb": 2, "adj": 3, "adv": 4}


_MARKER = "ADRBENCH_SOURCE_DEBIAN"


class WordNetMissingError(RuntimeError):
    """WordNet 3.0 is not installed where adrbench looks for it (METEOR needs it; never silently skipped)."""


def lexnames_text() -> str:
    """The 45-line `lexnames` table: two-digit number, file name, syntactic category, tab separated."""
    lines = (f"{i:02d}\t{name}\t{_CATEGORY[name.split('.')[0]]}" for i, name in enumerate(_LEXNAMES))
    return "\n".join(lines) + "\n"


def cache_root() -> Path:
    """Where adrbench keeps derived files: $ADRBENCH_CACHE, else ~/.cache/adrbench."""
    env = os.environ.get("ADRBENCH_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "adrbench"


def _nltk_wordnet_dir() -> Path | None:
    """NLTK's own WordNet folder (unzipped) if one of its data paths holds it."""
    import nltk.data

    for base in nltk.data.path:
        folder = Path(base) / "corpora" / "wordnet"
        if (folder / "lexnames").is_file() and (folder / "data.noun").is_file():
            return folder
    return None


def _arrange_debian(source: Path, target: Path) -> Path:
    """Copy Debian's database files into `target` and write lexnames there; atomic (temp folder, rename)."""
    missing = [name for name in _DB_FILES if not (source / name).is_file()]
    if missing:
        raise WordNetMissingError(
            f"WordNet 3.0 is incomplete in {source} (missing {', '.join(missing)}). "
            f"Install it with: {APT_HINT} (or put NLTK's 'wordnet' corpus in an NLTK data folder)."
        )
    if (target / "lexnames").is_file() and all((target / n).exists() for n in _DB_FILES):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".wordnet-", dir=target.parent))
    try:
        for name in _DB_FILES:
            shutil.copyfile(source / name, tmp / name)
        (tmp / "lexnames").write_text(lexnames_text(), encoding="utf-8")
        (tmp / _MARKER).write_text(f"copied from {source} by adrbench\n", encoding="utf-8")
        if target.exists() and not (target / "lexnames").is_file():
            shutil.rmtree(target)  # an incomplete earlier attempt
        try:
            os.replace(tmp, target)
        except OSError:
            if not (target / "lexnames").is_file():  # another process did not win the race: a real error
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def wordnet_dir() -> tuple[Path, str]:
    """The folder NLTK's reader will load, and its source ('nltk_data' or 'debian')."""
    folder = _nltk_wordnet_dir()
    if folder is not None:
        return folder, "debian" if (folder / _MARKER).is_file() else "nltk_data"
    cached = cache_root() / "nltk_data" / "corpora" / "wordnet"
    if (cached / _MARKER).is_file() and all((cached / n).is_file() for n in (*_DB_FILES, "lexnames")):
        return cached, "debian"
    if not DEBIAN_DIR.is_dir():
        raise WordNetMissingError(
            "METEOR needs WordNet 3.0 and none was found: no 'corpora/wordnet' in NLTK's data path and no "
            f"{DEBIAN_DIR}. Install it with: {APT_HINT} (Debian/Ubuntu), or "
            "python -m nltk.downloader wordnet (needs network once)."
        )
    return _arrange_debian(DEBIAN_DIR, cached), "debian"


class _EnglishWordNet(WordNetCorpusReader):
    """NLTK's WordNet reader, loading faster; synsets, lemmas and morphology are NLTK's own code, unchanged.

    - The OMW cross-version synset map (`map_wn`, which re-reads index.sense twice) is not built: it only
      serves multilingual lookups, which METEOR does not make.
    - Files read once from start to end (indexes, exception lists, lexnames) are opened as plain files; NLTK's
      seekable stream reader is kept for the data files, which are read at byte offsets.
    """

    _SEQUENTIAL = (
        "index.adj",
        "index.adv",
        "index.noun",
        "index.verb",
        "adj.exc",
        "adv.exc",
        "noun.exc",
        "verb.exc",
        "lexnames",
    )

    def map_wn(self, version: str = "wordnet") -> None:
        return None

    def open(self, file: str):  # type: ignore[override]
        if file in self._SEQUENTIAL:
            return open(os.path.join(self._root.path, file), encoding="utf-8")  # the reader closes it
        return super().open(file)


@lru_cache(maxsize=1)
def load_wordnet() -> WordNetCorpusReader:
    """NLTK's WordNet reader over the offline WordNet 3.0 files (loaded once per process)."""
    import nltk.data

    folder, _ = wordnet_dir()
    data_root = str(folder.parent.parent)
    if data_root not in nltk.data.path:  # NLTK refuses to read corpus files outside its data path
        nltk.data.path.append(data_root)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "multilingual functions are not available": we need English only
        reader = _EnglishWordNet(str(folder), None)
    version = reader.get_version()
    if version != "3.0":
        raise WordNetMissingError(
            f"METEOR needs WordNet 3.0 but {folder} holds WordNet {version}. {APT_HINT}"
        )
    return reader


def wordnet_source() -> str:
    """A short description of the WordNet in use, for signatures (e.g. 'wn3.0-debian')."""
    return f"wn3.0-{wordnet_dir()[1]}"
