"""Build the ADR dataset folder from an Ego-Exo4D download (paper §2, Table 1; format in docs/adr-format.md).

Ground-truth score per take = mean of its experts' numeric 1–10 ratings; comments = all its experts' comments;
pairs = all unordered pairs of takes of the same sub-activity and split, optionally capped (seeded).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from adrbench import jsonl
from adrbench.atomic import staged_dir
from adrbench.data import adr_layout as L
from adrbench.data import egoexo
from adrbench.data.describers import Describer, TemplateDescriber
from adrbench.data.files import file_sha256, read_json, save_npy_atomic
from adrbench.errors import AdrbenchError, DataError
from adrbench.records import Pair, Video

#: Optional generator truth next to takes.json (written only by the synthetic twin): take_uid → meta entries.
TRUTH_FILE = "adrbench_truth.json"

MaxPairs = int | Mapping[tuple[str, str], int] | None


def build_adr(
    egoexo_root: str | Path,
    out: str | Path,
    max_pairs: MaxPairs = None,
    seed: int = 0,
    describer: Describer | None = None,
    source_label: str | None = None,
) -> dict[str, Any]:
    """Read an Ego-Exo4D root and write the ADR folder `out` atomically; returns the build report.

    `max_pairs` caps the pairs of every (sub-activity, split) group — an int for all groups or a mapping
    (group, split) → cap; capped groups keep a seeded random subset in their original order.
    `source_label` replaces the absolute Ego-Exo4D path in provenance.json (used for byte-identical synthetic builds).
    """
    root, out = Path(egoexo_root), Path(out)
    if not (root / "takes.json").exists():
        raise DataError(
            root / "takes.json",
            "file not found: this is not an Ego-Exo4D root",
            hint="pass the folder that holds takes.json and annotations/ (egoexo -o <root>)",
        )
    describer = describer or TemplateDescriber()
    _check_out(out)
    with staged_dir(out, replace=True) as tmp:  # an earlier ADR build is replaced as a whole
        return _build_into(root, tmp, max_pairs, seed, describer, source_label)


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / L.PROVENANCE_FILE).exists())):
        raise DataError(
            out,
            "exists and is not an ADR folder; refusing to overwrite it",
            hint="choose another --out or remove it",
        )


def _build_into(
    root: Path, out: Path, max_pairs: MaxPairs, seed: int, describer: Describer, source_label: str | None
) -> dict[str, Any]:
    takes = egoexo.load_takes(root)
    splits = egoexo.load_splits(root)
    truth = _load_truth(root)
    left_out: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    by_split: dict[str, dict[str, Any]] = {}
    videos: list[Video] = []
    keypoint_hashes: dict[str, str] = {}
    for uid in sorted(takes, key=lambda u: takes[u].name):
        take = takes[uid]
        grouping = L.adr_group(take.scenario, take.task_id, take.task_name)
        if grouping is None:
            left_out["task_not_in_adr"] += 1
            continue
        egoexo_split = splits.get(uid)
        if egoexo_split not in L.EGOEXO_TO_ADR_SPLIT:
            left_out[f"egoexo_split_{egoexo_split or 'missing'}"] += 1
            continue
        if egoexo_split not in by_split:
            by_split[egoexo_split] = {
                "transcripts": egoexo.load_transcripts(root, egoexo_split),
                "proficiency": egoexo.load_proficiency(root, egoexo_split),
            }
        ratings, n_dup = egoexo.load_ratings(root, take.name)
        stats["duplicate_submissions_dropped"] += n_dup
        numeric = {e: r for e, r in sorted(ratings.items()) if r.rating is not None}
        stats["non_numeric_ratings_dropped"] += len(ratings) - len(numeric)
        if not numeric:
            left_out["no_numeric_rating"] += 1
            continue
        video, kp_hash = _make_video(
            root,
            out,
            take,
            egoexo_split,
            grouping,
            numeric,
            by_split[egoexo_split],
            truth.get(uid, {}),
            stats,
        )
        if kp_hash:
            keypoint_hashes[video.keypoints_path or ""] = kp_hash
        videos.append(video)
    videos.sort(key=lambda v: (L.SPLITS.index(v.split), v.category, v.group, v.id))
    pairs = _make_pairs(videos, max_pairs, seed, describer)

    jsonl.write_records(out / L.VIDEOS_FILE, videos)
    for split in L.SPLITS:
        jsonl.write_records(out / L.pairs_file(split), pairs[split])
    report = _report(videos, pairs, left_out, stats)
    jsonl.write_json(out / L.REPORT_FILE, report)
    provenance = {
        "schema": L.SCHEMA,
        "source": "Ego-Exo4D",
        "source_root": source_label if source_label is not None else str(root.resolve()),
        "video_root": "the Ego-Exo4D root (video_path values are relative to it)",
        "split_map": L.EGOEXO_TO_ADR_SPLIT,
        "seed": seed,
        "max_pairs": _jsonable_caps(max_pairs),
        "describer": describer.provenance() if hasattr(describer, "provenance") else type(describer).__name__,
        "files": {
            L.VIDEOS_FILE: file_sha256(out / L.VIDEOS_FILE),
            **{L.pairs_file(s): file_sha256(out / L.pairs_file(s)) for s in L.SPLITS},
        },
        "keypoints": dict(sorted(keypoint_hashes.items())),
    }
    jsonl.write_json(out / L.PROVENANCE_FILE, provenance)
    return report


def _load_truth(root: Path) -> dict[str, dict[str, Any]]:
    path = root / TRUTH_FILE
    if not path.exists():
        return {}
    data = read_json(path)
    if not isinstance(data, dict):
        raise DataError(path, "expected an object take_uid → truth")
    return data


def _make_video(
    root: Path,
    out: Path,
    take: egoexo.Take,
    egoexo_split: str,
    grouping: tuple[str, str],
    ratings: dict[str, egoexo.Rating],
    split_data: dict[str, Any],
    truth: dict[str, Any],
    stats: Counter[str],
) -> tuple[Video, str | None]:
    category, group = grouping
    transcripts: list[egoexo.ExpertComment] = split_data["transcripts"].get(take.uid, [])
    if not transcripts:
        transcripts = egoexo.load_folder_transcriptions(root, take.name)
    comments: list[str] = []
    for expert in sorted({c.expert for c in transcripts} | set(ratings)):
        said = sorted((c for c in transcripts if c.expert == expert), key=lambda c: c.video_time)
        comments.extend(c.text for c in said)
        if expert in ratings and ratings[expert].why:
            comments.append(ratings[expert].why)
    comments = list(dict.fromkeys(comments))  # merged: the same remark by several experts is kept once
    meta: dict[str, Any] = {
        "take_uid": take.uid,
        "task_id": take.task_id,
        "task_name": take.task_name,
        "egoexo_split": egoexo_split,
    }
    if take.uid in split_data["proficiency"]:
        meta["proficiency"] = split_data["proficiency"][take.uid]
    pose_path = egoexo.find_body_pose(root, egoexo_split, take.uid)
    keypoints_path, kp_hash = None, None
    if pose_path is None:
        stats["takes_without_keypoints"] += 1
    else:
        keypoints, frame_numbers = egoexo.read_body_pose(pose_path)
        keypoints_path = f"{L.KEYPOINTS_DIR}/{take.name}.npy"
        save_npy_atomic(out / keypoints_path, keypoints)
        kp_hash = file_sha256(out / keypoints_path)
        missing = int(np.isnan(keypoints[..., 0]).sum())
        stats["missing_joint_frames"] += missing
        stats["joint_frames"] += keypoints.shape[0] * keypoints.shape[1]
        meta["pose_source"] = pose_path.parent.name
        meta["n_frames"] = int(keypoints.shape[0])
        # annotation can be sparse in time: the typical gap between annotated frames of the 30 fps video
        meta["frame_step"] = int(np.median(np.diff(frame_numbers))) if len(frame_numbers) > 1 else 1
    meta.update(truth)
    video_path = f"{take.root_dir}/frame_aligned_videos/{take.best_exo}.mp4" if take.best_exo else None
    scores = {e: float(r.rating) for e, r in ratings.items()}  # type: ignore[arg-type]
    video = Video(
        id=take.name,
        task="adr",
        split=L.EGOEXO_TO_ADR_SPLIT[egoexo_split],
        group=group,
        category=category,
        performer=take.participant,
        score=round(sum(scores.values()) / len(scores), 6),
        item_scores=scores,
        comments=comments,
        keypoints_path=keypoints_path,
        video_path=video_path,
        meta=meta,
    )
    return video, kp_hash


def _cap(max_pairs: MaxPairs, group: str, split: str) -> int | None:
    if max_pairs is None:
        return None
    if isinstance(max_pairs, int):
        return max_pairs
    return max_pairs.get((group, split))


def _make_pairs(
    videos: list[Video], max_pairs: MaxPairs, seed: int, describer: Describer
) -> dict[str, list[Pair]]:
    groups: dict[tuple[str, str, str], list[Video]] = {}
    for v in videos:
        groups.setdefault((v.split, v.category, v.group), []).append(v)
    chosen: list[tuple[str, str, str, Video, Video]] = []
    for (split, category, group), members in groups.items():
        combos = list(itertools.combinations(sorted(members, key=lambda v: v.id), 2))
        cap = _cap(max_pairs, group, split)
        if cap is not None and cap < len(combos):
            rng = np.random.default_rng([seed, _stable_int(f"{group}|{split}")])
            keep = np.sort(rng.choice(len(combos), size=cap, replace=False))
            combos = [combos[i] for i in keep]
        chosen.extend((split, category, group, v1, v2) for v1, v2 in combos)
    texts, metas = _describe_all(describer, [(v1, v2) for *_, v1, v2 in chosen])
    pairs: dict[str, list[Pair]] = {s: [] for s in L.SPLITS}
    for (split, category, group, v1, v2), text, meta in zip(chosen, texts, metas, strict=True):
        pairs[split].append(
            Pair(
                id=f"{v1.id}__{v2.id}",
                task="adr",
                split=split,
                group=group,
                category=category,
                video_1=v1.id,
                video_2=v2.id,
                description=text,
                meta=meta,
            )
        )
    return pairs


def _describe_all(describer: Describer, pairs: list[tuple[Video, Video]]) -> tuple[list[str], list[dict]]:
    """Every pair's description: all at once (concurrent, cached) when the describer can, else one by one.

    A describer with `describe_many` (the LLM ones) records what made each description in Pair.meta.
    """
    many = getattr(describer, "describe_many", None)
    if many is None:
        return [describer.describe(v1, v2) for v1, v2 in pairs], [{} for _ in pairs]
    found = many(pairs)
    failed = [(pair, d.error) for pair, d in zip(pairs, found, strict=True) if d.error or d.text is None]
    if failed:
        (v1, v2), error = failed[0]
        raise AdrbenchError(
            f"{len(failed)} of {len(pairs)} pairs could not be described (first: {v1.id} vs "
            f"{v2.id}: {error}); run the build again to retry them (described pairs are cached)"
        )
    return [d.text for d in found], [{"description": d.meta} for d in found]


def _stable_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def _jsonable_caps(max_pairs: MaxPairs) -> Any:
    if max_pairs is None or isinstance(max_pairs, int):
        return max_pairs
    return {f"{g}|{s}": n for (g, s), n in sorted(max_pairs.items())}


def _report(
    videos: list[Video], pairs: dict[str, list[Pair]], left_out: Counter[str], stats: Counter[str]
) -> dict[str, Any]:
    per_group: dict[str, dict[str, int]] = {}
    for v in videos:
        row = per_group.setdefault(v.group, {"category": v.category})  # type: ignore[dict-item]
        row[f"videos_{v.split}"] = row.get(f"videos_{v.split}", 0) + 1
    for split, items in pairs.items():
        for p in items:
            row = per_group[p.group]
            row[f"pairs_{split}"] = row.get(f"pairs_{split}", 0) + 1
    for row in per_group.values():
        for key in ("videos_train", "videos_test", "pairs_train", "pairs_test"):
            row.setdefault(key, 0)
    joint_frames = stats.pop("joint_frames", 0)
    return {
        "videos": {s: sum(v.split == s for v in videos) for s in L.SPLITS},
        "pairs": {s: len(pairs[s]) for s in L.SPLITS},
        "groups": per_group,
        "left_out": dict(sorted(left_out.items())),
        "stats": dict(sorted(stats.items())),
        "missing_joint_fraction": round(stats.get("missing_joint_frames", 0) / joint_frames, 6)
        if joint_frames
        else None,
    }
