"""Read an ADR dataset folder (docs/adr-format.md) into a Dataset; keypoints are loaded lazily, once per video."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from adrbench import jsonl
from adrbench.data import adr_layout as L
from adrbench.data.files import Fingerprint, load_npy, read_json
from adrbench.data.skeletons import BODY
from adrbench.dataset import Dataset
from adrbench.errors import DataError
from adrbench.records import Pair, Video

HINT = "build it with `adrbench data build-adr --egoexo-root DIR --out DIR`, or use --task adr-synth"


def load_adr(root: str | Path, task: str = "adr") -> Dataset:
    """The ADR folder at `root` as a pair-unit Dataset with splits 'train'/'test' of pair ids."""
    root = Path(root)
    provenance_path = root / L.PROVENANCE_FILE
    if not provenance_path.exists() and (root / "takes.json").exists():
        raise DataError(root, "this is an Ego-Exo4D root, not an ADR folder", hint=HINT)
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

    def keypoints(video: Video) -> np.ndarray:
        if video.keypoints_path is None:
            raise DataError(
                videos_path,
                f"video {video.id!r} has no keypoints",
                field="keypoints_path",
                hint="its take had no ego_pose body file when the folder was built",
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
            "build": {k: provenance.get(k) for k in ("source", "source_root", "seed", "describer")},
        },
        keypoint_loader=keypoints,
    )
