"""Generate each synthetic twin once per seed into a cache folder, atomically (temp folder, then rename).

Layout of a twin folder: adr-synth → egoexo4d/ (Ego-Exo4D files) + adr/ (the built ADR folder);
jigsaws-synth → jigsaws/; fitnessaqa-synth → fitnessaqa/; plus synth.json, written last.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

from adrbench.atomic import remove_dir, staged_dir
from adrbench.data.files import read_json
from adrbench.errors import ConfigError, DataError
from adrbench.jsonl import write_json
from adrbench.paths import cache_root

_GENERATOR_SOURCES = (
    "synth",
    "adr_builder.py",
    "adr_layout.py",
    "describers.py",
    "egoexo.py",
    "files.py",
    "media.py",
    "ratings.py",
)


@functools.cache
def generator_version() -> str:
    """A hash of the generating code, so a cached twin is regenerated whenever the generators change."""
    here = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for name in _GENERATOR_SOURCES:
        path = here / name
        for source in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            h.update(source.name.encode() + b"\0" + source.read_bytes())
    return h.hexdigest()[:16]


MARKER = "synth.json"
SUBDIR = {"adr-synth": "adr", "jigsaws-synth": "jigsaws", "fitnessaqa-synth": "fitnessaqa"}


def synth_dir(task: str, seed: int, render_video: bool = False) -> Path:
    return cache_root() / "synth" / (f"{task}-seed{seed}" + ("-video" if render_video else ""))


def _generate_adr(out: Path, seed: int, render_video: bool) -> None:
    from adrbench.data.adr_builder import build_adr
    from adrbench.data.adr_layout import table1_pair_caps
    from adrbench.data.synth.egoexo_synth import generate_egoexo

    generate_egoexo(out / "egoexo4d", seed, render_video)
    build_adr(
        out / "egoexo4d",
        out / "adr",
        max_pairs=table1_pair_caps(),
        seed=seed,
        source_label=f"adr-synth seed {seed} (egoexo4d/)",
    )


def _generate_jigsaws(out: Path, seed: int, render_video: bool) -> None:
    from adrbench.data.synth.jigsaws_synth import generate_jigsaws

    if render_video:
        raise ConfigError("jigsaws-synth has no rendered videos (adr-synth and fitnessaqa-synth do)")
    generate_jigsaws(out / "jigsaws", seed)


def _generate_fitnessaqa(out: Path, seed: int, render_video: bool) -> None:
    from adrbench.data.synth.fitnessaqa_synth import generate_fitnessaqa

    generate_fitnessaqa(out / "fitnessaqa", seed, render_video)


GENERATORS: dict[str, Callable[[Path, int, bool], None]] = {
    "adr-synth": _generate_adr,
    "jigsaws-synth": _generate_jigsaws,
    "fitnessaqa-synth": _generate_fitnessaqa,
}


def _marker(task: str, seed: int, render_video: bool) -> dict:
    return {"task": task, "seed": seed, "generator_version": generator_version(), "render_video": render_video}


def _is_complete(folder: Path, task: str, seed: int, render_video: bool = False) -> bool:
    marker = folder / MARKER
    if not marker.exists():
        return False
    try:
        info = read_json(marker)
    except DataError:
        return False
    return info == _marker(task, seed, render_video)


def write_synth(task: str, out: str | Path, seed: int = 0, render_video: bool = False) -> Path:
    """Generate the twin `task` with `seed` into `out` (must be absent or empty), atomically; returns `out`.
    `render_video` also writes videos of the motion where the format names them (render.py; minutes)."""
    if task not in GENERATORS:
        raise ConfigError(f"unknown synthetic task {task!r}; choose one of {', '.join(GENERATORS)}")
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DataError(out, "exists and is not empty; refusing to overwrite it", hint="choose another --out")
    try:
        with staged_dir(out) as tmp:
            GENERATORS[task](tmp, seed, render_video)
            write_json(tmp / MARKER, _marker(task, seed, render_video))
    except FileExistsError:
        raise DataError(out, "was written by another process meanwhile") from None
    return out


def ensure_synth(task: str, seed: int = 0, render_video: bool = False) -> Path:
    """The cached twin folder of `task` and `seed` (with videos: its own folder), generating it first if absent
    or stale."""
    folder = synth_dir(task, seed, render_video)
    if _is_complete(folder, task, seed, render_video):
        return folder
    remove_dir(folder)  # stale (older generator) or interrupted
    try:
        write_synth(task, folder, seed, render_video)
    except DataError:
        if not _is_complete(folder, task, seed, render_video):  # another process finished first: use its folder
            raise
    return folder


def resolve_synth_root(task: str, data_root: Path | None, seed: int, render_video: bool = False) -> Path:
    """The dataset folder of a twin: inside `data_root` (a folder written by `adrbench data synth`, or the inner
    dataset folder itself) or inside the cache."""
    base = Path(data_root) if data_root is not None else ensure_synth(task, seed, render_video)
    inner = base / SUBDIR[task]
    return inner if inner.is_dir() else base
