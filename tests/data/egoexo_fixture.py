"""A tiny hand-written Ego-Exo4D root following research/data-formats.md §1, with the documented quirks:
sparse human pose beside dense automatic pose, takes without body pose, `best_exo` null, Aria cameras listed
in `frame_aligned_videos`, videos only at `downscaled/448`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from adrbench.data.skeletons import COCO_JOINTS

UIDS = {name: f"00000000-0000-4000-8000-00000000000{i}" for i, name in enumerate("abcdefgh")}
VIDEO_BYTES = b"not decoded by these tests"


def _write(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1), encoding="utf-8")


def _take(key: str, scenario: str, parent: int, task_id: Any, task_name: str, participant: int) -> dict:
    name = f"unc_{scenario.lower().replace(' ', '')}_{key}"
    return {
        "take_uid": UIDS[key],
        "take_name": name,
        "root_dir": f"takes/{name}",
        "parent_task_id": parent,
        "parent_task_name": scenario,
        "task_id": task_id,
        "task_name": task_name,
        "participant_uid": participant,
        "duration_sec": 10.0,
        "best_exo": "cam02",
        "task_start_sec": None,
        "task_end_sec": None,
        "university_name": "unc",
        "capture": {
            "cameras": [
                {"cam_id": "aria01", "is_ego": True},
                {"cam_id": "cam01", "is_ego": False},
                {"cam_id": "cam02", "is_ego": False},
            ]
        },
        "frame_aligned_videos": {
            "aria01": {
                "rgb": {
                    "cam_id": "aria01",
                    "stream_id": "214-1",
                    "relative_path": "frame_aligned_videos/aria01_214-1.mp4",
                }
            },
            "collage": {"0": {"relative_path": "frame_aligned_videos/collage.mp4"}},
            "cam01": {
                "0": {"cam_id": "cam01", "stream_id": "0", "relative_path": "frame_aligned_videos/cam01.mp4"}
            },
            "cam02": {
                "0": {"cam_id": "cam02", "stream_id": "0", "relative_path": "frame_aligned_videos/cam02.mp4"}
            },
        },
    }


def _pose_frame(missing: set[str] = frozenset()) -> list[dict]:
    joints = [
        "nose",
        "left-eye",
        "right-eye",
        "left-ear",
        "right-ear",
        "left-shoulder",
        "right-shoulder",
        "left-elbow",
        "right-elbow",
        "left-wrist",
        "right-wrist",
        "left-hip",
        "right-hip",
        "left-knee",
        "right-knee",
        "left-ankle",
        "right-ankle",
    ]
    return [
        {
            "annotation3D": {
                j: {"x": 0.1 * i, "y": -0.2, "z": 1.0 + 0.01 * i, "num_views_for_3d": 3}
                for i, j in enumerate(joints)
                if j not in missing
            },
            "annotation2D": {"cam02": {"nose": {"x": 10.0, "y": 20.0, "placement": "manual"}}},
        }
    ]


def true_motion(frames: np.ndarray) -> np.ndarray:
    """Known motion at 30 fps (metres): a body walking at 1.2 m/s along x while the right wrist circles at
    0.3 m radius, one turn per 2 s. float64 len(frames)×17×3."""
    t = np.asarray(frames, dtype=np.float64)[:, None] / 30.0
    base = np.stack([0.1 * np.arange(17), np.full(17, -0.2), 1.0 + 0.05 * np.arange(17)], axis=-1)
    kp = np.broadcast_to(base, (len(t), 17, 3)).copy()
    kp[:, :, 0] += 1.2 * t
    angle = np.pi * t[:, 0]
    kp[:, 10, 1] += 0.3 * np.cos(angle)
    kp[:, 10, 2] += 0.3 * np.sin(angle)
    return kp


def write_pose_track(path: Path, frames: np.ndarray, keypoints: np.ndarray) -> Path:
    """An ego_pose body file with a 3D pose at exactly `frames` (the frame numbers Ego-Exo4D keys it by)."""
    joints = [j.replace("_", "-") for j in COCO_JOINTS]
    _write(
        path,
        {
            str(int(f)): [
                {
                    "annotation3D": {
                        j: {"x": float(x), "y": float(y), "z": float(z), "num_views_for_3d": 3}
                        for j, (x, y, z) in zip(joints, kp, strict=True)
                    },
                    "metadata": {"frame_number": int(f)},
                }
            ]
            for f, kp in zip(frames, keypoints, strict=True)
        },
    )
    return path


def write_video(root: Path, take_name: str, relative: str) -> Path:
    """A stand-in video file at `takes/<take_name>/<relative>` (only its existence is checked here)."""
    path = root / "takes" / take_name / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(VIDEO_BYTES)
    return path


def write_egoexo(root: Path) -> dict[str, str]:
    """Takes a, b, c: Reverse Layup train; d, e: Reverse Layup val; f, h: climbing train; g: a cooking take.

    Returns the take names. Take c only has "_none"/"N/A" ratings and must be left out. Take a has sparse human
    pose (frames 3, 12, 30) and dense automatic pose; b, d, e automatic only. The climbing takes have no body
    pose: f has `best_exo` null and only a downscaled video of its first listed exo camera (cam01), h no video
    at all (left out). Take d has its full-resolution best_exo video on disk.
    """
    takes = [
        _take("a", "Basketball", 6000, 6002, "Basketball Drills - Reverse Layup", 1),
        _take("b", "Basketball", 6000, "6002", "Basketball Drills - Reverse Layup", 2),  # task_id as a string
        _take("c", "Basketball", 6000, 6002, "Basketball Drills - Reverse Layup", 3),
        _take("d", "Basketball", 6000, 6002, "Basketball Drills - Reverse Layup", 4),
        _take("e", "Basketball", 6000, 6002, "Basketball Drills - Reverse Layup", 5),
        _take("f", "Rock Climbing", 7000, 7018, "LosAndes_V2_R1", 6),
        _take("g", "Cooking", 1000, 1001, "Cooking Tomato & Eggs", 7),
        _take("h", "Rock Climbing", 7000, 7018, "LosAndes_V2_R1", 8),
    ]
    takes[5]["best_exo"] = None
    names = {key: takes[i]["take_name"] for i, key in enumerate("abcdefgh")}
    _write(root / "takes.json", takes)
    _write(
        root / "annotations" / "splits.json",
        {
            "split_to_take_uids": {
                "train": [UIDS[k] for k in "abcfgh"],
                "val": [UIDS["d"], UIDS["e"]],
                "test": [],
            }
        },
    )
    _write(
        root / "annotations" / "proficiency_demonstrator_train.json",
        {
            "annotations": [
                {"take_uid": UIDS["a"], "proficiency_score": "Late Expert", "scenario_name": "Basketball"}
            ]
        },
    )
    _write(
        root / "annotations" / "proficiency_demonstrator_val.json",
        [{"take_uid": UIDS["d"], "proficiency_score": "Novice", "scenario_name": "Basketball"}],
    )
    _write(
        root / "annotations" / "expert_commentary_train.json",
        {
            "ds": "20240324_12:00:00",
            "annotations": {
                UIDS["a"]: [
                    {
                        "take_name": names["a"],
                        "take_uid": UIDS["a"],
                        "commentary": f"{names['a']}/qfbn5o",
                        "commentary_data": [
                            {
                                "recording": "1.webm",
                                "video_time": 8.0,
                                "text": " Good knee drive.",
                                "error": False,
                            },
                            {
                                "recording": "0.webm",
                                "video_time": 2.5,
                                "text": " Nice low   stance.",
                                "error": False,
                            },
                            {"recording": "2.webm", "video_time": 9.0, "text": None, "error": True},
                        ],
                    },
                    {
                        "take_name": names["a"],
                        "take_uid": UIDS["a"],
                        "commentary": f"{names['a']}/zz99aa",
                        "commentary_data": [
                            {"recording": "0.webm", "video_time": 1.0, "text": "Elbow flares out."}
                        ],
                    },
                ]
            },
        },
    )
    ratings = {  # take → expert folder → data.json content
        "a": {
            "qfbn5o": {
                "user_id": "qfbn5o",
                "ds": 1701799200000,
                "proficiency": {"rating": "7", "why": "Balanced."},
            },
            "zz99aa": {"user_id": "zz99aa", "ds": 1701799300000, "proficiency": {"rating": 8}},
            "zz99aa_v0": {"user_id": "zz99aa", "ds": 1701700000000, "proficiency": {"rating": "2"}},
        },
        "b": {
            "qfbn5o": [
                {"user_id": "qfbn5o", "ds": "20231201_10:00:00", "proficiency": {"rating": "3"}},
                {"user_id": "qfbn5o", "ds": "20231205_10:00:00", "proficiency": {"rating": "5"}},
            ],
            "x1y2z3": {"user_id": "x1y2z3", "ds": 1, "proficiency": {"rating": "N/A"}},
        },
        "c": {
            "qfbn5o": {"user_id": "qfbn5o", "ds": 5, "proficiency": {"rating": "_none"}},
            "x1y2z3": {"user_id": "x1y2z3", "ds": 6, "proficiency": {"rating": "N/A"}},
        },
        "d": {"qfbn5o": {"user_id": "qfbn5o", "ds": 7, "proficiency": {"rating": 6}}},
        "e": {
            "qfbn5o": {"user_id": "qfbn5o", "ds": 8, "proficiency": {"rating": "9", "why": "Clean finish."}}
        },
        "f": {"abcdef": {"user_id": "abcdef", "ds": 9, "proficiency": {"rating": "4"}}},
        "g": {"abcdef": {"user_id": "abcdef", "ds": 9, "proficiency": {"rating": "4"}}},
        "h": {"abcdef": {"user_id": "abcdef", "ds": 9, "proficiency": {"rating": "6"}}},
    }
    for key, experts in ratings.items():
        for folder, content in experts.items():
            _write(root / "annotations" / "expert_commentary" / names[key] / folder / "data.json", content)
    body = root / "annotations" / "ego_pose"
    _write(
        body / "train" / "body" / "annotation" / f"{UIDS['a']}.json",
        {"30": _pose_frame({"left-ear"}), "3": _pose_frame(), "12": _pose_frame({"nose", "right-ankle"})},
    )
    _write(body / "train" / "body" / "automatic" / f"{UIDS['a']}.json", {"0": _pose_frame()})
    _write(
        body / "train" / "body" / "automatic" / f"{UIDS['b']}.json", {"0": _pose_frame(), "1": _pose_frame()}
    )
    _write(body / "val" / "body" / "automatic" / f"{UIDS['d']}.json", {"5": _pose_frame()})
    _write(
        body / "val" / "body" / "automatic" / f"{UIDS['e']}.json", {"5": _pose_frame(), "6": _pose_frame()}
    )
    write_video(root, names["f"], "frame_aligned_videos/downscaled/448/cam01.mp4")
    write_video(root, names["d"], "frame_aligned_videos/cam02.mp4")
    write_video(root, names["d"], "frame_aligned_videos/downscaled/448/cam02.mp4")
    write_video(root, names["d"], "frame_aligned_videos/aria01_214-1.mp4")
    return names
