"""Same seed → byte-identical files; another seed → different files."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrbench.data.adr_builder import build_adr
from adrbench.data.adr_layout import table1_pair_caps
from adrbench.data.synth.cache import write_synth


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "task", ["jigsaws-synth", "fitnessaqa-synth", pytest.param("adr-synth", marks=pytest.mark.slow)]
)
def test_same_seed_gives_identical_bytes(task: str, tmp_path: Path, synth_cache: Path):
    first = _tree(write_synth(task, tmp_path / "a", seed=5))
    second = _tree(write_synth(task, tmp_path / "b", seed=5))
    assert first.keys() == second.keys()
    different = [name for name in first if first[name] != second[name]]
    assert not different, different[:5]


def test_other_seed_differs(tmp_path: Path, synth_cache: Path):
    a = _tree(write_synth("jigsaws-synth", tmp_path / "a", seed=1))
    b = _tree(write_synth("jigsaws-synth", tmp_path / "b", seed=2))
    assert a.keys() == b.keys()
    assert a["jigsaws/Suturing/meta_file_Suturing.txt"] != b["jigsaws/Suturing/meta_file_Suturing.txt"]


def test_adr_build_is_byte_identical(adr_synth_dir: Path, tmp_path: Path):
    """The builder alone, twice on the same Ego-Exo4D files (the fast half of the adr-synth check)."""
    builds = []
    for name in ("a", "b"):
        build_adr(
            adr_synth_dir / "egoexo4d",
            tmp_path / name,
            max_pairs=table1_pair_caps(),
            seed=0,
            source_label="x",
        )
        builds.append(_tree(tmp_path / name))
    assert builds[0] == builds[1]
    assert builds[0]["videos.jsonl"] == (adr_synth_dir / "adr" / "videos.jsonl").read_bytes()
