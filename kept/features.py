"""Per-video inputs of KEPT, computed once per video from adrbench's joint statistics and cached.

A video of T frames is cut into N equal segments (keyframe n = centre of segment n, as in `sample_keyframes`);
each keyframe carries the statistics (a, v, x, y, z) averaged over its segment, which is steadier than a single
frame's speed. Three views are kept:

- `frames`  N×(2·P·5): mean and standard deviation of every joint's statistics per segment — E_V's input;
- `nodes`   N×J×(G·5): the tree nodes (§3.2): per joint group, the statistics of its G joints CONCATENATED
  (left then right for sports, the four manipulators for surgery) rather than averaged, so that a node still
  tells an asymmetric left/right movement apart; groups with fewer joints are zero-padded. With
  `-M node_measures=true` each node also carries, per joint, the range, onset, tremor power and wobble of its
  angle (adrbench.data.angle_measures, the measures the twins' calibration reads) in a third of the clip centred
  on the keyframe (on adr-synth's validation twin a lasso reads ρ 0.59 of the score from these, −0.03 from
  all three plain views: docs/kept.md);
- `joints`  S×P×(N/S·5): each joint's statistics trajectory within each of S score segments — F_K's input K.

With a visual encoder (`-M visual=<HF name or folder>`, paper §3.1: f_V = E_V(V)), `frames` is instead the frozen
encoder's features of the decoded frames at the same N keyframe centres (`adrbench.features`, cached per video);
the tree nodes and the graph keep reading the keypoints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import torch

from adrbench.data.angle_measures import MEASURES, filled_angles, window_measures
from adrbench.data.kinematics import N_STATS, joint_statistics
from adrbench.dataset import Dataset, Skeleton
from adrbench.errors import ConfigError
from adrbench.features.cache import FeatureCache, array_hash, cache_key
from adrbench.features.extract import FeatureExtractor
from adrbench.features.spec import FeatureSpec
from adrbench.jsonl import dumps
from kept.config import KeptConfig

INPUTS_VERSION = 1  # bump when video_features changes its output for the same keypoints


@dataclass(frozen=True)
class VideoFeatures:
    frames: np.ndarray  # N × 2·P·5
    nodes: np.ndarray  # N × J × G·5
    joints: np.ndarray  # S × P × (N/S)·5


def segment_bounds(n_frames: int, n_segments: int) -> list[tuple[int, int]]:
    """Non-empty [start, end) frame ranges of `n_segments` equal segments (segments repeat frames if T < N)."""
    edges = np.linspace(0, n_frames, n_segments + 1)
    bounds = []
    for i in range(n_segments):
        start = min(int(edges[i]), n_frames - 1)
        bounds.append((start, max(int(edges[i + 1]), start + 1)))
    return bounds


def group_size(skeleton: Skeleton) -> int:
    return max(len(g) for g in skeleton.groups.values())


def measure_windows(n_frames: int, keyframes: int) -> list[tuple[int, int]]:
    """One [start, end) window per keyframe, centred on its segment and a third of the clip wide (the length of
    a phase): the stretch whose movement a node at that keyframe describes."""
    half = max(n_frames / 6.0, 4.0)
    centres = (np.arange(keyframes) + 0.5) * n_frames / keyframes
    return [(max(int(c - half), 0), min(int(np.ceil(c + half)), n_frames)) for c in centres]


def node_measures(keypoints: np.ndarray, skeleton: Skeleton, keyframes: int) -> np.ndarray:
    """N×J×G·4 angle measures (adrbench.data.angle_measures: range, onset, tremor, wobble) of each group's joints
    in each keyframe's window, zero-padded like the node statistics."""
    windows = measure_windows(len(keypoints), keyframes)
    angles = filled_angles(keypoints, skeleton)  # once per video, sliced per group
    size = group_size(skeleton)
    out = np.zeros((keyframes, len(skeleton.groups), size * len(MEASURES)), dtype=np.float32)
    for j, members in enumerate(skeleton.groups.values()):
        block = window_measures(angles[:, list(members)], windows).reshape(keyframes, -1)
        out[:, j, : block.shape[1]] = block
    return out


def video_features(
    keypoints: np.ndarray, skeleton: Skeleton, keyframes: int, segments: int, measures: bool = False
) -> VideoFeatures:
    """The three views of one video (see the module docstring); `measures` appends `node_measures` to the nodes."""
    stats = joint_statistics(keypoints, skeleton)  # T×P×5
    per_segment = [stats[a:b] for a, b in segment_bounds(stats.shape[0], keyframes)]
    mean = np.stack([s.mean(axis=0) for s in per_segment])  # N×P×5
    std = np.stack([s.std(axis=0) for s in per_segment])
    frames = np.concatenate([mean, std], axis=-1).reshape(keyframes, -1)
    size = group_size(skeleton)
    nodes = np.zeros((keyframes, len(skeleton.groups), size * N_STATS), dtype=np.float32)
    for j, members in enumerate(skeleton.groups.values()):
        block = mean[:, list(members), :].reshape(keyframes, -1)
        nodes[:, j, : block.shape[1]] = block
    if measures:
        nodes = np.concatenate([nodes, node_measures(keypoints, skeleton, keyframes)], axis=-1)
    per = keyframes // segments
    joints = (
        mean.reshape(segments, per, mean.shape[1], N_STATS)
        .transpose(0, 2, 1, 3)
        .reshape(segments, mean.shape[1], -1)
    )
    return VideoFeatures(frames.astype(np.float32), nodes, joints.astype(np.float32))


def input_dims(skeleton: Skeleton, keyframes: int, segments: int, measures: bool = False) -> dict[str, int]:
    """The widths of the three views `video_features` gives on `skeleton`: what a network built for it reads."""
    probe = np.linspace(0.0, 1.0, keyframes * len(skeleton.joints) * 3, dtype=np.float32)
    probe = probe.reshape(keyframes, len(skeleton.joints), 3)
    views = video_features(probe, skeleton, keyframes, segments, measures)
    return {
        "frame_dim": int(views.frames.shape[-1]),
        "node_dim": int(views.nodes.shape[-1]),
        "traj_dim": int(views.joints.shape[-1]),
    }


def to_keyframes(rows: np.ndarray, keyframes: int) -> np.ndarray:
    """R×D encoder rows as N×D: an image encoder gives one row per keyframe already; a video encoder's fewer rows
    (VideoMAE: one per tubelet, X-CLIP: one) each cover an equal stretch of the clip and are repeated over it."""
    index = (np.arange(keyframes) * len(rows)) // keyframes
    return np.ascontiguousarray(rows[index], dtype=np.float32)


class KeptInputs:
    """KEPT's inputs per video id, computed once: kept in memory for this model, and stored in adrbench's feature
    cache (keyed by the keypoints' hash, the skeleton, N and S) so later runs and processes read them back.
    `batch` stacks them as tensors for a list of video ids. With `visual`, `frames` holds the visual encoder's
    features (cached by the video file's hash and the encoder's fingerprint)."""

    def __init__(
        self,
        keyframes: int,
        segments: int,
        cache: FeatureCache | None = None,
        visual: str = "",
        measures: bool = False,
    ) -> None:
        self.keyframes, self.segments, self.measures = keyframes, segments, measures
        self.cache = cache if cache is not None else FeatureCache()
        self._store: dict[str, VideoFeatures] = {}
        self.visual = (
            FeatureExtractor(FeatureSpec("visual", keyframes, visual), self.cache) if visual else None
        )

    @classmethod
    def for_config(cls, cfg: KeptConfig, cache: FeatureCache | None = None) -> KeptInputs:
        """The inputs a network of `cfg` reads (its N, S, visual encoder and node measures)."""
        return cls(cfg.keyframes, cfg.segments, cache, visual=cfg.visual, measures=cfg.node_measures)

    def visual_fingerprint(self) -> str | None:
        """The visual encoder's fingerprint (hub name and revision, or a hash of the folder's files)."""
        return self.visual.visual_encoder().fingerprint if self.visual is not None else None

    def check_videos(self, data: Dataset, video_ids: list[str]) -> None:
        """With a visual encoder, every video needs its file: a keypoint-only task is refused before training."""
        if self.visual is None:
            return
        missing = [v for v in video_ids if not data.videos[v].video_path]
        if missing:
            raise ConfigError(
                f"kept: visual={self.visual.spec.visual} reads each video's frames, but {len(missing)} of "
                f"{data.task}'s {len(video_ids)} training videos have no video file (first: {missing[0]!r}); "
                "keypoint-only data keeps the pose stream (leave visual unset), and the embedded twins write "
                "videos with -T render_video=true"
            )

    def _key(self, keypoints: np.ndarray, skeleton: Skeleton) -> str:
        settings = {"source": "kept-inputs", "version": INPUTS_VERSION, "keyframes": self.keyframes,
                    "segments": self.segments, "measures": self.measures, "skeleton": dumps(asdict(skeleton))}  # fmt: skip
        return cache_key(array_hash(keypoints), settings)

    def get(self, data: Dataset, video_id: str) -> VideoFeatures:
        if video_id not in self._store:
            kp = data.keypoints(video_id)
            key = self._key(kp, data.skeleton)
            stored = self.cache.get_tensors(key)
            if stored is not None:
                self._store[video_id] = VideoFeatures(stored["frames"], stored["nodes"], stored["joints"])
            else:
                feats = video_features(kp, data.skeleton, self.keyframes, self.segments, self.measures)
                self.cache.put(key, asdict(feats), {"video_id": video_id, "source": "kept-inputs"})
                self._store[video_id] = feats
            if self.visual is not None:
                rows = self.visual.features(data, data.videos[video_id])
                self._store[video_id] = replace(self._store[video_id], frames=to_keyframes(rows, self.keyframes))
        return self._store[video_id]

    def batch(self, data: Dataset, video_ids: list[str]) -> dict[str, torch.Tensor]:
        feats = [self.get(data, v) for v in video_ids]
        return {
            "frames": torch.from_numpy(np.stack([f.frames for f in feats])),
            "nodes": torch.from_numpy(np.stack([f.nodes for f in feats])),
            "joints": torch.from_numpy(np.stack([f.joints for f in feats])),
        }


def standardiser(batch: dict[str, torch.Tensor]) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Per-feature mean and std over the training videos (so speeds and angles enter the nets on one scale)."""
    out = {}
    for key, value in batch.items():
        flat = value.reshape(-1, value.shape[-1])
        out[key] = (flat.mean(dim=0), flat.std(dim=0).clamp_min(1e-3))
    return out
