"""The adr-synth generator: writes an Ego-Exo4D root (takes.json, splits, proficiency, expert commentary, ratings,
ego_pose body files) with Table 1's takes per sub-activity and split, plus takes the builder must leave out.

Quirks of the real files are reproduced on purpose: ratings as strings or ints, "_none"/"N/A" ratings, older
duplicate submissions, null transcript texts, absent joints, string task ids, mixed-case split names, both shapes of
the proficiency file. See docs/synthetic.md.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from adrbench.data import adr_layout as L
from adrbench.data.egoexo import EGOEXO_JOINTS
from adrbench.data.synth import body, experts
from adrbench.data.synth.body import Motion

GENERATOR = "adrbench.synth.egoexo/1"
BASE_DS = 1_700_000_000_000  # epoch ms of the first synthetic submission

#: Per sub-activity: the joint groups that decide the score, and how each group moves (body.Motion).
ACTIONS: dict[str, tuple[tuple[str, ...], dict[str, Motion]]] = {
    "Mid-Range Shooting": (
        ("elbow", "knee"),
        {
            "elbow": Motion(1.5, -1.3, 1.0),
            "shoulder": Motion(0.7, 1.6, 1.0),
            "hip": Motion(0.2, 0.6, 1.0),
            "knee": Motion(0.2, 1.0, 1.0),
        },
    ),
    "Mikan Layup": (
        ("elbow", "hip"),
        {
            "elbow": Motion(0.9, -0.7, 2.0, np.pi),
            "shoulder": Motion(1.2, 1.5, 2.0, np.pi),
            "hip": Motion(0.3, 1.1, 2.0, np.pi),
            "knee": Motion(0.3, 1.2, 2.0, np.pi),
        },
    ),
    "Reverse Layup": (
        ("shoulder", "knee"),
        {
            "elbow": Motion(0.8, -0.6, 1.5, np.pi / 2),
            "shoulder": Motion(1.0, 1.8, 1.5, np.pi / 2, 0.6, 1.0),
            "hip": Motion(0.3, 1.0, 1.5, np.pi),
            "knee": Motion(0.3, 1.3, 1.5, np.pi),
        },
    ),
    "Juggling": (
        ("knee",),
        {
            "elbow": Motion(1.2, 0.2, 1.0),
            "shoulder": Motion(0.4, 0.3, 1.0),
            "hip": Motion(0.1, 0.9, 3.0, np.pi),
            "knee": Motion(0.4, 0.8, 3.0, np.pi),
        },
    ),
    "Penalty Kick": (
        ("hip", "knee"),
        {
            "elbow": Motion(0.8, 0.4, 1.0),
            "shoulder": Motion(0.3, 0.9, 1.0, np.pi),
            "hip": Motion(0.1, 1.4, 1.0, 0.0, 0.3, 1.0),
            "knee": Motion(0.3, 1.5, 1.0, 0.0, 0.4, 1.0),
        },
    ),
    "Dribbling": (
        ("knee", "shoulder"),
        {
            "elbow": Motion(1.3, 0.3, 4.0, np.pi),
            "shoulder": Motion(0.2, 0.5, 4.0, np.pi),
            "hip": Motion(0.3, 0.7, 4.0, np.pi),
            "knee": Motion(0.5, 0.9, 4.0, np.pi),
        },
    ),
    "Climbing": (
        ("shoulder", "elbow", "hip"),
        {
            "elbow": Motion(0.8, 1.0, 1.5, np.pi),
            "shoulder": Motion(2.3, 0.7, 1.5, np.pi),
            "hip": Motion(0.6, 0.9, 1.5, np.pi),
            "knee": Motion(1.0, 1.2, 1.5, np.pi),
        },
    ),
}
_TASKS = {  # group → (scenario, parent id, task id, task name)
    "Mid-Range Shooting": ("Basketball", 6000, 6003, "Basketball Drills - Mid-Range Jump Shooting"),
    "Mikan Layup": ("Basketball", 6000, 6001, "Basketball Drills - Mikan Layup"),
    "Reverse Layup": ("Basketball", 6000, 6002, "Basketball Drills - Reverse Layup"),
    "Juggling": ("Soccer", 8000, 8004, "Soccer Drills - Juggling"),
    "Penalty Kick": ("Soccer", 8000, 8005, "Soccer Drills - Penalty Kick"),
    "Dribbling": ("Soccer", 8000, 8003, "Soccer Drills - Dribbling"),
    "Climbing": ("Rock Climbing", 7000, 7018, "LosAndes_V2_R1"),
}
_PROFICIENCY = ("Novice", "Early Expert", "Intermediate Expert", "Late Expert")
_EGOEXO_SPLIT = {"train": "train", "test": "val"}


def _dump(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, separators=(",", ":"), sort_keys=True), encoding="utf-8")


def _take_plan(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Every take to write: Table 1's rated takes, one unrated take per group and split, a few takes ADR ignores."""
    plan = []
    for row in L.TABLE1:
        for split, n in (("train", row.videos_train), ("test", row.videos_test)):
            for i in range(n + 1):
                plan.append({"group": row.group, "split": split, "index": i, "rated": i < n})
    for i in range(3):  # withheld Ego-Exo4D test takes and a sub-activity ADR does not use
        plan.append({"group": "Dribbling", "split": "egoexo-test", "index": i, "rated": True})
        plan.append({"group": None, "split": "train", "index": i, "rated": True})
    for item in plan:
        item["uid"] = str(uuid.UUID(bytes=rng.bytes(16), version=4))
    return plan


def generate_egoexo(root: Path, seed: int) -> dict[str, int]:
    """Write the synthetic Ego-Exo4D root; returns counts of what was written."""
    rng = np.random.default_rng([seed, 41])
    panel = {sport: experts.make_experts(10, rng) for sport in ("Basketball", "Soccer", "Rock Climbing")}
    abilities: dict[tuple[str, str, int], float] = {}
    takes: list[dict[str, Any]] = []
    split_of: dict[str, str] = {}
    proficiency: dict[str, list[Any]] = {"train": [], "val": []}
    transcripts: dict[str, dict[str, list]] = {"train": {}, "val": {}}
    truth: dict[str, Any] = {}
    n_pose = 0
    for k, item in enumerate(_take_plan(rng)):
        uid, group = item["uid"], item["group"]
        if group is None:
            scenario, parent, task_id, task_name = (
                "Soccer",
                8000,
                8001,
                "Soccer Drills - Inside Trap and Outside Play",
            )
            motions_group = "Dribbling"
        else:
            scenario, parent, task_id, task_name = _TASKS[group]
            motions_group = group
        decisive, motions = ACTIONS[motions_group]
        split = _EGOEXO_SPLIT.get(item["split"], "test")
        # performer i of a sport and split does take i of each of that sport's drills (shared ability)
        person = (scenario, split, item["index"])
        if person not in abilities:
            abilities[person] = float(rng.beta(2.0, 2.0))
        participant = _participant_number(person)
        skill = body.sample_skill(abilities[person], rng)
        name = f"synth_{scenario.lower().replace(' ', '')}_{k:04d}_{item['index']}"
        takes.append(
            {
                "take_uid": uid,
                "take_name": name,
                "root_dir": f"takes/{name}",
                "parent_task_id": parent,
                "parent_task_name": scenario,
                "task_id": str(task_id) if k % 7 == 0 else task_id,
                "task_name": task_name,
                "participant_uid": participant,
                "duration_sec": 0.0,
                "best_exo": "cam0" + str(1 + k % 4),
                "university_name": "synth",
                "task_start_sec": 0.0,
                "task_end_sec": None,
            }
        )
        split_of[uid] = split.capitalize() if k % 11 == 0 else split
        n_frames = int(rng.integers(60, 91))
        takes[-1]["duration_sec"] = round(n_frames / body.FPS, 3)
        takes[-1]["task_end_sec"] = takes[-1]["duration_sec"]
        if split == "test":
            continue  # Ego-Exo4D withholds test annotations (no ratings, no body pose)
        q = experts.quality(skill, decisive)
        truth[uid] = {
            "skill": skill,
            "decisive_groups": list(decisive),
            "quality": round(q, 6),
            "generator": GENERATOR,
        }
        proficiency[split].append(
            {
                "take_uid": uid,
                "proficiency_score": _PROFICIENCY[min(3, int(abilities[person] * 4))],
                "scenario_name": scenario,
                "task_id": task_id,
                "task_name": task_name,
                "university_id": "synth",
                "origin_participant_id": str(participant),
                "video_paths": {"exo1": f"takes/{name}/frame_aligned_videos/cam01.mp4"},
            }
        )
        transcripts[split][uid] = _write_commentary(
            root, name, uid, task_id, task_name, skill, decisive, panel[scenario], item["rated"], q, k, rng
        )
        kinds = ("annotation", "automatic") if rng.random() < 0.25 else ("automatic",)
        kp = _take_motion(skill, motions, n_frames, rng)
        for kind in kinds:
            _write_pose(root, split, uid, kp, kind, rng)
        n_pose += 1

    _dump(root / "takes.json", takes)
    _dump(
        root / "annotations" / "splits.json",
        {
            "take_uid_to_split": split_of,
            "split_to_take_uids": {
                s: sorted(u for u, v in split_of.items() if v.lower() == s) for s in ("train", "val", "test")
            },
        },
    )
    _dump(
        root / "annotations" / "proficiency_demonstrator_train.json",
        {"ds": "20240324", "annotations": proficiency["train"]},
    )
    _dump(root / "annotations" / "proficiency_demonstrator_val.json", proficiency["val"])  # bare-list shape
    for split in ("train", "val"):
        _dump(
            root / "annotations" / f"expert_commentary_{split}.json",
            {"ds": "20240324_12:00:00", "annotations": transcripts[split]},
        )
    _dump(root / "adrbench_truth.json", truth)
    return {"takes": len(takes), "pose_files": n_pose}


def _participant_number(person: tuple[str, str, int]) -> int:
    """A stable participant number for (sport, Ego-Exo4D split, index): no performer is in two splits."""
    sport, split, index = person
    sport_base = {"Basketball": 1, "Soccer": 2, "Rock Climbing": 3}[sport] * 10_000
    return sport_base + {"train": 0, "val": 1000, "test": 2000}[split] + index


def _write_commentary(
    root: Path,
    name: str,
    uid: str,
    task_id: int,
    task_name: str,
    skill: dict,
    decisive: tuple[str, ...],
    panel: list[experts.Expert],
    rated: bool,
    q: float,
    k: int,
    rng: np.random.Generator,
) -> list[dict]:
    """Write each commenting expert's data.json (rating) and return the take's transcript entries."""
    chosen = rng.choice(len(panel), size=int(rng.integers(2, 5)), replace=False)
    entries = []
    for n_expert, e in enumerate(sorted(chosen)):
        expert = panel[e]
        said = experts.comment(skill, decisive, int(rng.integers(1, 4)), rng)
        rating: Any = experts.rate(expert, q, rng)
        if not rated:
            rating = "_none" if n_expert % 2 == 0 else "N/A"
        elif n_expert > 0 and rng.random() < 0.08:
            rating = "N/A"  # an expert who commented but gave no score
        elif rng.random() < 0.7:
            rating = str(rating)
        ds = BASE_DS + k * 100_000 + n_expert * 1000
        folder = root / "annotations" / "expert_commentary" / name
        submission = {
            "user_id": expert.uid,
            "video_name": name,
            "ds": ds,
            "annotations": [
                {
                    "recording_path": f"{i}.webm",
                    "video_time": round(1.0 + i, 2),
                    "duration_approx": 2.0,
                    "events": [],
                }
                for i in range(len(said))
            ],
            "proficiency": {"rating": rating, "why": experts.why(skill, decisive)},
        }
        _dump(folder / expert.uid / "data.json", submission)
        if rng.random() < 0.05:  # an older submission of the same expert that must lose to the newer one
            stale = dict(submission, ds=ds - 50_000, proficiency={"rating": "1", "why": "first draft"})
            _dump(folder / f"{expert.uid}_old" / "data.json", stale)
        data = [
            {
                "recording": f"{i}.webm",
                "video_time": round(1.0 + i, 2),
                "text": " " + text,
                "error": False,
                "_error_desc": None,
                "duration_approx": 2.0,
            }
            for i, (text, _, _) in enumerate(said)
        ]
        if rng.random() < 0.1:
            data.append(
                {
                    "recording": f"{len(said)}.webm",
                    "video_time": 9.0,
                    "text": None,
                    "error": True,
                    "_error_desc": "transcription failed",
                    "duration_approx": 1.0,
                }
            )
        entries.append(
            {
                "take_name": name,
                "take_uid": uid,
                "task_id": task_id,
                "task_name": task_name,
                "commentary": f"{name}/{expert.uid}",
                "commentary_data": data,
            }
        )
    return entries


def _take_motion(
    skill: dict, motions: dict[str, Motion], n_frames: int, rng: np.random.Generator
) -> np.ndarray:
    """The performer's T×17×3 joint positions (metres): skill-shaped angles, a drifting root, a random heading."""
    angles = {g: body.trajectory(motions[g], skill[g], n_frames, rng) for g in body.GROUPS}
    t = np.arange(n_frames) / body.FPS
    root_xyz = np.stack(
        [
            0.4 * t + rng.uniform(-2, 2),
            np.full(n_frames, rng.uniform(-2, 2)),
            0.05 * np.abs(np.sin(2 * np.pi * t)),
        ],
        axis=-1,
    )
    return body.body_pose(
        angles,
        float(rng.uniform(1.6, 1.9)),
        root_xyz,
        float(rng.uniform(-np.pi, np.pi)),
        lean=0.1 + 0.05 * np.sin(np.pi * t),
    )


def _write_pose(
    root: Path, split: str, uid: str, kp: np.ndarray, kind: str, rng: np.random.Generator
) -> None:
    """ego_pose body file: frame → [{annotation3D: joint → {x, y, z}}], ~3% of joints absent (more on the face);
    the automatic pseudo-ground truth is the same motion with 1 cm noise."""
    n_frames = kp.shape[0]
    if kind == "automatic":
        kp = kp + rng.normal(0.0, 0.01, size=kp.shape)
    drop = rng.random((n_frames, 17)) < np.where(np.arange(17) < 5, 0.08, 0.02)
    coords = np.round(kp, 3).tolist()
    frames = {}
    for f in range(n_frames):
        joints = {}
        for j in range(17):
            if not drop[f, j]:
                x, y, z = coords[f][j]
                joints[EGOEXO_JOINTS[j]] = {"x": x, "y": y, "z": z, "num_views_for_3d": 3}
        frames[str(f)] = [{"annotation3D": joints}]
    _dump(root / "annotations" / "ego_pose" / split / "body" / kind / f"{uid}.json", frames)
