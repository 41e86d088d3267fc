"""Runs read extracted keypoints where a dataset has none: attach them to a loaded Dataset, or say what to run.

Called by `Task.load` for every task. Videos with a keypoints file keep it; a video with no keypoints file but
a video file (FitnessAQA clips, Ego-Exo4D takes without body pose) reads the keypoints that `adrbench features
keypoints` extracted into the feature cache. Runs never extract on the fly (it takes minutes to hours and
needs the `pose` extra): if any such video has none yet, loading fails with the count and the exact command.
`Dataset.provenance["keypoint_sources"]` (written into the run's config.json) says which video came from where.
"""

from __future__ import annotations

import hashlib
import logging
import shlex
from pathlib import Path

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.features.cache import FeatureCache
from adrbench.features.estimator import DEFAULT_ESTIMATOR, PoseEstimator, parse_estimator
from adrbench.features.keypoints import DEFAULT_MIN_SCORE, keypoints_key, read_extracted, videos_to_extract
from adrbench.features.media_hash import video_sha256
from adrbench.records import Video

#: `--task-arg` keys every task takes: the estimator whose keypoints to read, and the score threshold.
POSE_ARGS = ("pose", "pose_min_score")
DATASET_SOURCE = "dataset"
log = logging.getLogger("adrbench.features")


def pose_options(args: dict[str, str]) -> tuple[str, float]:
    """(estimator spec, min score) from the task args, with their defaults."""
    spec = args.get("pose") or DEFAULT_ESTIMATOR
    raw = args.get("pose_min_score", DEFAULT_MIN_SCORE)
    try:
        min_score = float(raw)
    except ValueError:
        raise ConfigError(f"--task-arg pose_min_score={raw!r} is not a number") from None
    if not 0.0 <= min_score <= 1.0:
        raise ConfigError(f"--task-arg pose_min_score must be in [0, 1], got {min_score}")
    return spec, min_score


def extraction_command(
    task: str, data_root: Path | str | None, estimator: PoseEstimator, task_args: dict[str, str]
) -> str:
    """The `adrbench features keypoints ...` command that fills the missing videos."""
    parts = ["adrbench", "features", "keypoints", "--task", task]
    if data_root is not None:
        parts += ["--data-root", str(data_root)]
    parts += ["--estimator", estimator.name]
    model = getattr(estimator, "model_name", None)
    if model:
        parts += ["--model", model]
    for key, value in sorted(task_args.items()):
        parts += ["--task-arg", f"{key}={value}"]
    return shlex.join(parts)


def attach_extracted_keypoints(
    data: Dataset, task: str, data_root: Path | str | None, task_args: dict[str, str], pose: dict[str, str],
    cache: FeatureCache | None = None,
) -> None:  # fmt: skip
    """Point the videos without keypoints files at their extracted keypoints; record the sources."""
    todo, absent = videos_to_extract(data)
    if absent:  # the loader's to exclude or fix; counted here, and reading their keypoints fails clearly
        log.warning("%d videos have no keypoints file and their video file is missing (first: %s)", len(absent),
                    ", ".join(f"{v.id} → {v.video_path}" for v in absent[:3]))  # fmt: skip
    if not todo:
        if absent:
            data.provenance["keypoint_sources"] = {"counts": {DATASET_SOURCE: len(data.videos) - len(absent)},
                                                   "missing_video": sorted(v.id for v in absent)}  # fmt: skip
        return
    spec, min_score = pose_options(pose)
    estimator = parse_estimator(spec)
    cache = cache if cache is not None else FeatureCache()
    settings = estimator.settings()
    keys = {v.id: keypoints_key(video_sha256(cache, data.video_root, v.video_path or ""), settings) for v in todo}
    missing = [vid for vid, key in keys.items() if key not in cache]
    if missing:
        raise DataError(
            data.root,
            f"{len(missing)} of {len(data.videos)} videos have neither a keypoints file nor keypoints extracted by "
            f"{estimator.label()} in {cache.root} (first: {', '.join(missing[:3])})",
            hint=f"extract them once: {extraction_command(task, data_root, estimator, task_args)}",
        )
    dataset_loader = data.keypoint_loader
    fps = data.skeleton.fps

    def load(video: Video):  # type: ignore[no-untyped-def]
        if video.id in keys:
            return read_extracted(cache, keys[video.id], fps, min_score)
        if dataset_loader is None:
            raise ValueError(f"task {data.task!r} has no keypoints for video {video.id!r}")
        return dataset_loader(video)

    data.keypoint_loader = load
    label = estimator.label()
    data.provenance["keypoint_sources"] = {
        "counts": {DATASET_SOURCE: len(data.videos) - len(keys), label: len(keys)},
        "estimators": {label: {**settings, "min_score": min_score, "fps": fps}},
        "videos": {vid: label for vid in sorted(keys)},  # every video not listed: the dataset's own file
    }
    if absent:
        data.provenance["keypoint_sources"]["counts"][DATASET_SOURCE] -= len(absent)
        data.provenance["keypoint_sources"]["missing_video"] = sorted(v.id for v in absent)
    if data.provenance.get("fingerprint"):  # the data a run sees includes the extracted keypoints
        h = hashlib.sha256(str(data.provenance["fingerprint"]).encode())
        for vid in sorted(keys):
            h.update(f"\n{vid}:{keys[vid]}".encode())
        h.update(f"\nmin_score:{min_score}".encode())
        data.provenance["fingerprint"] = h.hexdigest()
