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
from adrbench.data.skeletons import BODY
from adrbench.data.synth import body, experts, motion, render
from adrbench.data.synth.motion import ACTIONS, Action

GENERATOR = "adrbench.synth.egoexo/2"
BASE_DS = 1_700_000_000_000  # epoch ms of the first synthetic submission

_TASKS = {  # group → (scenario, parent id, task id, task name)
    "Mid-Range Shooting": ("Basketball", 6000, 6003, "Basketball Drills - Mid-Range Jump Shooting"),
    "Mikan Layup": ("Basketball", 6000, 6001, "Basketball Drills - Mikan Layup"),
    "Reverse Layup": ("Basketball", 6000, 6002, "Basketball Drills - Reverse Layup"),
    "Juggling": ("Soccer", 8000, 8004, "Soccer Drills - Juggling"),
    "Penalty Kick": ("Soccer", 8000, 8005, "Soccer Drills - Penalty Kick"),
    "Dribbling": ("Soccer", 8000, 8003, "Soccer Drills - Dribbling"),
    "Climbing": ("Rock Climbing", 7000, 7018, "LosAndes_V2_R1"),
}
_CAMERAS = ("aria01", "cam01", "cam02", "cam03", "cam04")
NO_POSE_CLIMBS = 6
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
    for i in range(NO_POSE_CLIMBS):  # bouldering takes without body pose (and, here, without video): left out
        plan.append(
            {"group": "Climbing", "split": "train", "index": 1000 + i, "rated": True, "no_pose": True}
        )
    for item in plan:
        item["uid"] = str(uuid.UUID(bytes=rng.bytes(16), version=4))
    return plan


def generate_egoexo(root: Path, seed: int, render_video: bool = False) -> dict[str, int]:
    """Write the synthetic Ego-Exo4D root (with `render_video`, each posed take's exo video too); returns counts
    of what was written."""
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
        action = ACTIONS[motions_group]
        split = _EGOEXO_SPLIT.get(item["split"], "test")
        # performer i of a sport and split does take i of each of that sport's drills (shared ability)
        person = (scenario, split, item["index"])
        if person not in abilities:
            abilities[person] = float(rng.beta(2.0, 2.0))
        participant = _participant_number(person)
        skill = motion.sample_skill(action, abilities[person], rng)
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
                "best_exo": None if k % 10 == 3 else "cam0" + str(1 + k % 4),
                "frame_aligned_videos": _camera_streams(),
                "capture": {
                    "cameras": [{"cam_id": cam, "is_ego": cam.startswith("aria")} for cam in _CAMERAS]
                },
                "university_name": "synth",
                "task_start_sec": 0.0,
                "task_end_sec": None,
            }
        )
        split_of[uid] = split.capitalize() if k % 11 == 0 else split
        n_frames = int(rng.integers(60, 91))
        takes[-1]["duration_sec"] = round(n_frames / motion.FPS, 3)
        takes[-1]["task_end_sec"] = takes[-1]["duration_sec"]
        if split == "test":
            continue  # Ego-Exo4D withholds test annotations (no ratings, no body pose)
        q = motion.quality(action, skill)
        kp, truth[uid] = _take_motion(action, skill, n_frames, rng)
        truth[uid].update(quality=round(q, 6), generator=GENERATOR)
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
            root, name, uid, task_id, task_name, action, skill, panel[scenario], item["rated"], q, k, rng
        )
        if item.get("no_pose"):
            continue
        draw = rng.random()
        only_human = draw < 0.25 and split == "train"  # some train takes have only the sparse human track
        kinds = ("annotation", "automatic") if draw < 0.2 else ("annotation",) if only_human else ("automatic",)
        for kind in kinds:
            _write_pose(root, split, uid, kp, kind, rng)
        n_pose += 1
        if render_video:
            camera = takes[-1]["best_exo"] or _CAMERAS[1]
            heading = 2 * np.pi * (_CAMERAS.index(camera) - 1) / 4
            clip = render.render(kp, BODY.edges, heading, motion.FPS)
            render.write_file(root / takes[-1]["root_dir"] / "frame_aligned_videos" / f"{camera}.mp4", clip)

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


def _camera_streams() -> dict[str, Any]:
    """`frame_aligned_videos` as the real takes.json lists it: Aria streams by name, exo cameras' stream "0"."""
    streams: dict[str, Any] = {
        "aria01": {
            "rgb": {"relative_path": "frame_aligned_videos/aria01_214-1.mp4"},
            "slam-left": {"relative_path": "frame_aligned_videos/aria01_1201-1.mp4"},
        },
        "collage": {"0": {"relative_path": "frame_aligned_videos/collage.mp4"}},
    }
    for cam in _CAMERAS[1:]:
        streams[cam] = {"0": {"relative_path": f"frame_aligned_videos/{cam}.mp4"}}
    return streams


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
    action: Action,
    skill: motion.Skill,
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
        said = experts.comment(action, skill, int(rng.integers(1, 4)), rng)
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
            "proficiency": {"rating": rating, "why": experts.why(action, skill)},
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
    action: Action, skill: motion.Skill, n_frames: int, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, Any]]:
    """The performer's T×17×3 joint positions (metres) and the take's generator truth.

    Nuisances a model must see through: tempo (60–90 frames, jittered phase lengths), body height 1.5–2.0 m,
    trunk lean, a drifting root at a random place and heading, and a camera frame tilted by up to 4°.
    """
    bounds = motion.phase_bounds(action, n_frames, rng)
    trajectories = {g: motion.trajectory(action, g, skill, bounds, rng) for g in motion.GROUPS}
    t = np.arange(n_frames) / motion.FPS
    root_xyz = np.stack(
        [
            rng.uniform(0.0, 0.6) * t + rng.uniform(-2, 2),
            np.full(n_frames, rng.uniform(-2, 2)),
            0.05 * np.abs(np.sin(2 * np.pi * t)),
        ],
        axis=-1,
    )
    kp = body.body_pose(
        {g: trajectories[g].angles for g in motion.GROUPS},
        float(rng.uniform(1.5, 2.0)),
        root_xyz,
        float(rng.uniform(-np.pi, np.pi)),
        lean=rng.uniform(0.05, 0.2) + 0.05 * np.sin(np.pi * t),
    )
    kp = kp @ _tilt(rng).T
    truth = {
        "phases": list(action.phases),
        "phase_frames": bounds.tolist(),
        "phase_seconds": [
            round(float(b - a) / motion.FPS, 4) for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ],
        "skill": skill,
        "kinematics": motion.measure(action, trajectories, bounds),
        "decisive": [list(cell) for cell in action.decisive],
        "decisive_groups": sorted({g for g, _, _ in action.decisive}),
    }
    return kp, truth


def _tilt(rng: np.random.Generator) -> np.ndarray:
    """A rotation about the two horizontal axes by up to 4° each: an imperfectly levelled camera rig."""
    ax, ay = rng.uniform(-np.radians(4), np.radians(4), size=2)
    rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    return rx @ ry


#: Keep every n-th frame in human `annotation` tracks (real ones are sparse, ≈ 10 fps of a 30 fps video).
ANNOTATION_STEP = 3
_LIMB_PAIRS = ((5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16))


def _estimator_noise(kp: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What a 2-D estimator + triangulation does to a clean track: per-take jitter of 0.3–1.0 cm, 0.3 % of
    joint positions thrown 5–15 cm off, and 0.3 % of frames with one limb's left and right joints swapped."""
    n_frames = kp.shape[0]
    out = kp + rng.normal(0.0, rng.uniform(0.003, 0.010), size=kp.shape)
    wild = rng.random(kp.shape[:2]) < 0.003
    direction = rng.normal(size=kp.shape)
    direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
    out[wild] += direction[wild] * rng.uniform(0.05, 0.15, size=(int(wild.sum()), 1))
    for f in np.flatnonzero(rng.random(n_frames) < 0.003):
        a, b = _LIMB_PAIRS[int(rng.integers(len(_LIMB_PAIRS)))]
        out[f, [a, b]] = out[f, [b, a]]
    return out


def _write_pose(
    root: Path, split: str, uid: str, kp: np.ndarray, kind: str, rng: np.random.Generator
) -> None:
    """ego_pose body file: frame → [{annotation3D: joint → {x, y, z}}]; ~2 % of joints absent (8 % on the face)
    plus occlusions of 3–10 frames. The automatic track is dense (1 % of frames missing) with estimator noise;
    the human one has 3 mm noise on every `ANNOTATION_STEP`-th frame only."""
    n_frames = kp.shape[0]
    kp = _estimator_noise(kp, rng) if kind == "automatic" else kp + rng.normal(0.0, 0.003, size=kp.shape)
    drop = rng.random((n_frames, 17)) < np.where(np.arange(17) < 5, 0.08, 0.02)
    for occluded in np.flatnonzero(rng.random(17) < 0.15):
        start = int(rng.integers(n_frames))
        drop[start : start + int(rng.integers(3, 11)), occluded] = True
    coords = np.round(kp, 3).tolist()
    frames = {}
    if kind == "annotation":  # sparse, from a take-specific first frame
        kept = list(range(int(rng.integers(ANNOTATION_STEP)), n_frames, ANNOTATION_STEP))
    else:  # dense, ~1 % of frames missing
        kept = [int(f) for f in np.flatnonzero(rng.random(n_frames) >= 0.01)]
    for f in kept:
        joints = {}
        for j in range(17):
            if not drop[f, j]:
                x, y, z = coords[f][j]
                joints[EGOEXO_JOINTS[j]] = {"x": x, "y": y, "z": z, "num_views_for_3d": 3}
        frames[str(f)] = [{"annotation3D": joints}]
    _dump(root / "annotations" / "ego_pose" / split / "body" / kind / f"{uid}.json", frames)
