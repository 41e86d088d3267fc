"""Read an ADR dataset folder (docs/adr-format.md) into a Dataset; keypoints are loaded lazily, once per video.

Video paths are relative to the Ego-Exo4D root the folder was built from (the Dataset's `video_root`): the one
given, else the one recorded at build time (relative to the folder, then absolute), else none found.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from adrbench import jsonl
from adrbench.data import adr_layout as L
from adrbench.data.files import Fingerprint, load_npy, nested_root_hint, read_json
from adrbench.data.media import exists
from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.records import Pair, Video

HINT = "build it with `adrbench data build-adr --egoexo-root DIR --out DIR`, or use --task adr-synth"


def find_video_root(root: Path, provenance: dict, given: str | Path | None = None) -> Path | None:
    """The folder the videos' paths are relative to: `given` (must exist), else the build's `video_root`
    (relative to the ADR folder) or `source_root` where that folder holds takes.json; None when neither does."""
    if given is not None:
        folder = Path(given).expanduser()
        if not folder.is_dir():
            raise DataError(
                folder, "video root not found", field="video_root", hint="pass the Ego-Exo4D root"
            )
        return folder
    for recorded in (provenance.get("video_root"), provenance.get("source_root")):
        if isinstance(recorded, str) and recorded:
            folder = root / recorded  # an absolute recorded path stays absolute
            if (folder / "takes.json").is_file():
                return folder.resolve()
    return None


def load_adr(root: str | Path, task: str = "adr", video_root: str | Path | None = None) -> Dataset:
    """The ADR folder at `root` as a pair-unit Dataset with splits 'train'/'test' of pair ids.

    A video without keypoints (its take had no body pose) must have its video file under the video root, where
    a keypoint extractor finds it; otherwise loading fails here, naming the video, not later in a model.
    """
    root = Path(root)
    provenance_path = root / L.PROVENANCE_FILE
    if not provenance_path.exists() and (root / "takes.json").exists():
        raise DataError(root, "this is an Ego-Exo4D root, not an ADR folder", hint=HINT)
    if not provenance_path.exists():
        inner = nested_root_hint(root, lambda c: (c / L.PROVENANCE_FILE).is_file())
        if inner is not None:
            raise DataError(provenance_path, "file not found", hint=inner)
    provenance = read_json(provenance_path, hint=HINT)
    if not isinstance(provenance, dict) or provenance.get("schema") != L.SCHEMA:
        raise DataError(provenance_path, f"expected schema {L.SCHEMA!r}", field="schema", hint=HINT)
    fingerprint = Fingerprint(root)
    videos_path = root / L.VIDEOS_FILE
    videos = {v.id: v for v in jsonl.read_records(videos_path, Video)}
    fingerprint.add(videos_path)
    pairs: dict[str, Pair] = {}
    splits: dict[str, list[str]] = {}
    for split in L.SPLITS:
        path = root / L.pairs_file(split)
        ids = []
        for lineno, pair in enumerate(jsonl.iter_records(path, Pair), start=1):
            for field in ("video_1", "video_2"):
                if getattr(pair, field) not in videos:
                    raise DataError(
                        path,
                        f"unknown video {getattr(pair, field)!r} (not in {L.VIDEOS_FILE})",
                        line=lineno,
                        field=field,
                        hint=HINT,
                    )
            if pair.id in pairs:
                raise DataError(path, f"duplicate pair id {pair.id!r}", line=lineno, field="id")
            pairs[pair.id] = pair
            ids.append(pair.id)
        splits[split] = ids
        fingerprint.add(path)
    keypoint_hashes = provenance.get("keypoints", {})
    for name, digest in sorted(keypoint_hashes.items()):
        fingerprint.add_digest(name, digest)
    videos_root = find_video_root(root, provenance, video_root)
    _check_keypoint_sources(videos_path, videos, videos_root)

    def keypoints(video: Video) -> np.ndarray:
        if video.keypoints_path is None:
            raise DataError(
                videos_path,
                f"video {video.id!r} has no keypoints",
                field="keypoints_path",
                hint="its take had no body pose: extract keypoints from its video (adrbench features keypoints)",
            )
        return load_npy(root / video.keypoints_path, (len(BODY.joints), 3), hint=HINT)

    return Dataset(
        task=task,
        unit="pair",
        videos=videos,
        pairs=pairs,
        splits=splits,
        skeleton=BODY,
        root=root,
        score_range=(1.0, 10.0),
        label_names=(),
        provenance={
            "format": L.SCHEMA,
            "root": str(root),
            "fingerprint": fingerprint.hexdigest(),
            "n_files": fingerprint.n_files,
            "build": {
                k: provenance.get(k)
                for k in ("source", "source_root", "seed", "describer", "options", "ratings")
            },
            "video_root": str(videos_root) if videos_root is not None else None,
            "videos_without_keypoints": sum(v.keypoints_path is None for v in videos.values()),
        },
        keypoint_loader=keypoints,
        video_root=videos_root or root,
    )


def _check_keypoint_sources(videos_path: Path, videos: dict[str, Video], video_root: Path | None) -> None:
    """Every video has keypoints or a video file on disk to extract them from."""
    without = [v for v in videos.values() if v.keypoints_path is None]
    if not without:
        return
    missing = [
        v for v in without if video_root is None or not v.video_path or not exists(video_root, v.video_path)
    ]
    if missing:
        v = missing[0]
        where = (
            f"under {video_root}"
            if video_root is not None
            else "(the Ego-Exo4D root it was built from is not found)"
        )
        raise DataError(
            videos_path,
            f"{len(missing)} of {len(without)} videos without keypoints have no video file {where}; "
            f"first: {v.id!r} ({v.video_path})",
            field="video_path",
            hint="pass the Ego-Exo4D root: --task-arg video_root=DIR",
        )
