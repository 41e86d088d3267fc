"""Build the ADR dataset folder from an Ego-Exo4D download (paper §2, Table 1; format in docs/adr-format.md).

Ground-truth score per take = mean of its experts' numeric 1–10 ratings (optionally each expert's scale
normalised first); comments = all its experts' comments; keypoints = its body pose on a uniform 30 fps frame
grid, or none (then its exo video, for a keypoint extractor); pairs = all unordered pairs of takes of the same
sub-activity and split, optionally capped (seeded).
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from adrbench import jsonl
from adrbench.atomic import staged_dir
from adrbench.data import adr_layout as L
from adrbench.data import egoexo
from adrbench.data.describers import Describer, TemplateDescriber
from adrbench.data.files import file_sha256, read_json, save_npy_atomic
from adrbench.data.ratings import RATING_NORMS, RatingScales, fit_scales
from adrbench.errors import AdrbenchError, ConfigError, DataError
from adrbench.records import Pair, Video

#: Optional generator truth next to takes.json (written only by the synthetic twin): take_uid → meta entries.
TRUTH_FILE = "adrbench_truth.json"

MaxPairs = int | Mapping[tuple[str, str], int] | None


@dataclass(frozen=True)
class BuildOptions:
    """How the real files are read; each is recorded in provenance.json.

    rating_norm: "none" (the paper's plain mean) or "per-expert" (ratings z-scored within each expert and mapped
    back to 1–10 before the mean). video_resolution: "auto" (full resolution, else `downscaled/448`, whichever is
    on disk), "full" or "448". pose_track: the body-pose track preferred when a take has both ("automatic", dense,
    or "annotation", human and sparse). max_gap_s: unposed frames are interpolated across gaps up to this long.
    """

    rating_norm: str = "none"
    video_resolution: str = "auto"
    pose_track: str = "automatic"
    max_gap_s: float = egoexo.MAX_GAP_S

    def check(self) -> None:
        choices = {
            "rating_norm": RATING_NORMS,
            "video_resolution": egoexo.VIDEO_RESOLUTIONS,
            "pose_track": egoexo.POSE_TRACKS,
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {getattr(self, name)!r}")
        if not 0 <= self.max_gap_s <= 10:
            raise ConfigError(f"max_gap_s must be between 0 and 10 seconds, got {self.max_gap_s}")

    def provenance(self) -> dict[str, Any]:
        return {
            "rating_norm": self.rating_norm,
            "video_resolution": self.video_resolution,
            "pose_track_preferred": self.pose_track,
            "pose_fps": egoexo.FPS,
            "pose_max_gap_s": self.max_gap_s,
        }


def build_adr(
    egoexo_root: str | Path,
    out: str | Path,
    max_pairs: MaxPairs = None,
    seed: int = 0,
    describer: Describer | None = None,
    source_label: str | None = None,
    options: BuildOptions | None = None,
) -> dict[str, Any]:
    """Read an Ego-Exo4D root and write the ADR folder `out` atomically; returns the build report.

    `max_pairs` caps the pairs of every (sub-activity, split) group — an int for all groups or a mapping
    (group, split) → cap; capped groups keep a seeded random subset in their original order.
    `source_label` replaces the absolute Ego-Exo4D path in provenance.json (used for byte-identical synthetic builds).
    """
    root, out = Path(egoexo_root), Path(out)
    options = options or BuildOptions()
    options.check()
    if not (root / "takes.json").exists():
        raise DataError(
            root / "takes.json",
            "file not found: this is not an Ego-Exo4D root",
            hint="pass the folder that holds takes.json and annotations/ (egoexo -o <root>)",
        )
    egoexo.require_ratings_folder(root)
    describer = describer or TemplateDescriber(seed=seed)
    _check_out(out)
    with staged_dir(out, replace=True) as tmp:  # an earlier ADR build is replaced as a whole
        return _build_into(root, tmp, max_pairs, seed, describer, source_label, options, out)


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / L.PROVENANCE_FILE).exists())):
        raise DataError(
            out,
            "exists and is not an ADR folder; refusing to overwrite it",
            hint="choose another --out or remove it",
        )


@dataclass
class _Kept:
    """A take that made it into ADR, before its score is put on the chosen rating scale."""

    take: egoexo.Take
    egoexo_split: str
    grouping: tuple[str, str]
    ratings: dict[str, egoexo.Rating]
    keypoints_path: str | None
    meta: dict[str, Any]
    video_path: str | None
    comments: list[str]


def _build_into(
    root: Path,
    out: Path,
    max_pairs: MaxPairs,
    seed: int,
    describer: Describer,
    source_label: str | None,
    options: BuildOptions,
    final_out: Path,
) -> dict[str, Any]:
    takes = egoexo.load_takes(root)
    splits = egoexo.load_splits(root)
    truth = _load_truth(root)
    left_out: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    by_split: dict[str, dict[str, Any]] = {}
    kept: list[_Kept] = []
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
        item = _prepare(
            root, out, take, egoexo_split, grouping, numeric, by_split[egoexo_split], options, stats
        )
        if item is None:
            left_out["no_body_pose_no_video"] += 1
            continue
        item.meta.update(truth.get(uid, {}))
        if item.keypoints_path:
            keypoint_hashes[item.keypoints_path] = file_sha256(out / item.keypoints_path)
        kept.append(item)
    if not kept:
        raise DataError(
            root,
            "no take could be used for ADR (left out: "
            + ", ".join(f"{k} {n}" for k, n in sorted(left_out.items()))
            + ")",
            hint="ADR needs rated takes of its 7 sub-activities in Ego-Exo4D train/val, each with a body-pose "
            "file (--parts annotations ego_pose_pseudo_gt) or an exo video (--parts takes or downscaled_takes/448)",
        )
    rated = [(e, float(r.rating)) for k in kept for e, r in k.ratings.items() if r.rating is not None]
    scales = fit_scales(options.rating_norm, rated)
    videos = [_make_video(item, scales) for item in kept]
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
        "video_root": _relative_video_root(root, final_out),
        "split_map": L.EGOEXO_TO_ADR_SPLIT,
        "seed": seed,
        "max_pairs": _jsonable_caps(max_pairs),
        "describer": describer.provenance() if hasattr(describer, "provenance") else type(describer).__name__,
        "options": options.provenance(),
        "ratings": scales.provenance(),
        "files": {
            L.VIDEOS_FILE: file_sha256(out / L.VIDEOS_FILE),
            **{L.pairs_file(s): file_sha256(out / L.pairs_file(s)) for s in L.SPLITS},
        },
        "keypoints": dict(sorted(keypoint_hashes.items())),
    }
    jsonl.write_json(out / L.PROVENANCE_FILE, provenance)
    return report


def _relative_video_root(root: Path, out: Path) -> str:
    """The Ego-Exo4D root relative to the ADR folder (POSIX), which video_path values are relative to; absolute
    where no relative path exists (another drive)."""
    try:
        return Path(os.path.relpath(root.resolve(), out.resolve())).as_posix()
    except ValueError:
        return root.resolve().as_posix()


def _load_truth(root: Path) -> dict[str, dict[str, Any]]:
    path = root / TRUTH_FILE
    if not path.exists():
        return {}
    data = read_json(path)
    if not isinstance(data, dict):
        raise DataError(path, "expected an object take_uid → truth")
    return data


def _comments(
    root: Path, take: egoexo.Take, ratings: dict[str, egoexo.Rating], split_data: dict[str, Any]
) -> list[str]:
    """Per expert (sorted): transcript texts in video-time order, then the rating's `why`; repeats kept once."""
    transcripts: list[egoexo.ExpertComment] = split_data["transcripts"].get(take.uid, [])
    if not transcripts:
        transcripts = egoexo.load_folder_transcriptions(root, take.name)
    comments: list[str] = []
    for expert in sorted({c.expert for c in transcripts} | set(ratings)):
        said = sorted((c for c in transcripts if c.expert == expert), key=lambda c: c.video_time)
        comments.extend(c.text for c in said)
        if expert in ratings and ratings[expert].why:
            comments.append(ratings[expert].why)
    return list(dict.fromkeys(comments))  # merged: the same remark by several experts is kept once


def _prepare(
    root: Path,
    out: Path,
    take: egoexo.Take,
    egoexo_split: str,
    grouping: tuple[str, str],
    ratings: dict[str, egoexo.Rating],
    split_data: dict[str, Any],
    options: BuildOptions,
    stats: Counter[str],
) -> _Kept | None:
    """A rated take's keypoints (written to `out`), video and meta; None when it has neither pose nor video."""
    meta: dict[str, Any] = {
        "take_uid": take.uid,
        "task_id": take.task_id,
        "task_name": take.task_name,
        "egoexo_split": egoexo_split,
    }
    if take.uid in split_data["proficiency"]:
        meta["proficiency"] = split_data["proficiency"][take.uid]
    video = egoexo.choose_video(root, take, options.video_resolution)
    pose_path = egoexo.find_body_pose(root, egoexo_split, take.uid, options.pose_track)
    pose = egoexo.read_timed_pose(pose_path, options.max_gap_s) if pose_path is not None else None
    if pose is None and not video.on_disk:
        return None
    keypoints_path = None
    if pose is None:
        stats["takes_without_keypoints"] += 1  # keypoints come from its video (adrbench features keypoints)
        if pose_path is not None:
            stats["pose_files_without_3d"] += 1
    else:
        keypoints_path = f"{L.KEYPOINTS_DIR}/{take.name}.npy"
        save_npy_atomic(out / keypoints_path, pose.keypoints)
        stats["missing_joint_frames"] += int(np.isnan(pose.keypoints[..., 0]).sum())
        stats["joint_frames"] += pose.keypoints.shape[0] * pose.keypoints.shape[1]
        stats[f"pose_track_{pose_path.parent.name}"] += 1  # type: ignore[union-attr]
        stats["pose_frames_interpolated"] += pose.n_interpolated
        meta.update(
            pose_source=pose_path.parent.name,  # type: ignore[union-attr]
            n_frames=int(pose.keypoints.shape[0]),
            fps=egoexo.FPS,
            first_frame=pose.first_frame,
            annotated_frames=pose.n_annotated,
            annotated_fps=pose.annotated_fps,
            interpolated_frames=pose.n_interpolated,
            gap_frames=pose.n_gap,
        )
    if video.path is not None:
        meta.update(camera=video.camera, camera_rule=video.rule, video_on_disk=video.on_disk)
        stats[f"camera_{video.rule}"] += 1
        if video.on_disk:
            stats["videos_on_disk"] += 1
            stats[f"videos_on_disk_{video.resolution}"] += 1
        else:
            stats["videos_not_on_disk"] += 1
    else:
        stats["takes_without_exo_camera"] += 1
    return _Kept(
        take=take,
        egoexo_split=egoexo_split,
        grouping=grouping,
        ratings=ratings,
        keypoints_path=keypoints_path,
        meta=meta,
        video_path=video.path,
        comments=_comments(root, take, ratings, split_data),
    )


def _make_video(item: _Kept, scales: RatingScales) -> Video:
    category, group = item.grouping
    raw = {e: float(r.rating) for e, r in item.ratings.items()}  # type: ignore[arg-type]
    scores = {e: scales.rating(e, value) for e, value in raw.items()}
    meta = dict(item.meta)
    if scales.norm != "none":
        meta["raw_ratings"] = raw
    return Video(
        id=item.take.name,
        task="adr",
        split=L.EGOEXO_TO_ADR_SPLIT[item.egoexo_split],
        group=group,
        category=category,
        performer=item.take.participant,
        score=round(sum(scores.values()) / len(scores), 6),
        item_scores=scores,
        comments=item.comments,
        keypoints_path=item.keypoints_path,
        video_path=item.video_path,
        meta=meta,
    )


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

    A describer with `describe_many` (the LLM ones) records what made each description in Pair.meta; one with
    `describe_pair` (the template describer) adds its own Pair.meta entries (facts, extra references).
    """
    many = getattr(describer, "describe_many", None)
    if many is None:
        with_meta = getattr(describer, "describe_pair", None)
        if with_meta is not None:
            found_meta = [with_meta(v1, v2) for v1, v2 in pairs]
            return [text for text, _ in found_meta], [meta for _, meta in found_meta]
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
    """Counts per split and sub-activity (beside Table 1's), takes left out by reason, reading statistics."""
    per_group: dict[str, dict[str, Any]] = {}
    for v in videos:
        row = per_group.setdefault(v.group, {"category": v.category})
        row[f"videos_{v.split}"] = row.get(f"videos_{v.split}", 0) + 1
        row["with_keypoints"] = row.get("with_keypoints", 0) + (v.keypoints_path is not None)
        row["video_on_disk"] = row.get("video_on_disk", 0) + bool(v.meta.get("video_on_disk"))
    for split, items in pairs.items():
        for p in items:
            row = per_group[p.group]
            row[f"pairs_{split}"] = row.get(f"pairs_{split}", 0) + 1
    paper = {r.group: r for r in L.TABLE1}
    for group, row in per_group.items():
        for key in ("videos_train", "videos_test", "pairs_train", "pairs_test"):
            row.setdefault(key, 0)
        if group in paper:
            row["table1"] = paper[group]._asdict()
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
