"""The skeletons adrbench knows: the 17 COCO body joints (Ego-Exo4D, FitnessAQA) and the JIGSAWS tools."""

from __future__ import annotations

from adrbench.dataset import Skeleton

COCO_JOINTS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip

COCO_EDGES = (
    (15, 13), (13, 11), (16, 14), (14, 12), (11, 12), (5, 11), (6, 12), (5, 6), (5, 7), (6, 8),
    (7, 9), (8, 10), (1, 2), (0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 6),
)  # fmt: skip

#: KEPT's four sports nodes (paper §3.2): each is the left and right joint of the same name.
SPORTS_GROUPS: dict[str, tuple[int, ...]] = {"elbow": (7, 8), "shoulder": (5, 6), "hip": (11, 12), "knee": (13, 14)}

#: Joint angle = angle between the two bones meeting there (elbow: upper arm/forearm, knee: thigh/shin...).
COCO_ANGLES = {
    7: (5, 9), 8: (6, 10), 5: (7, 11), 6: (8, 12), 11: (5, 13), 12: (6, 14), 13: (11, 15), 14: (12, 16),
}  # fmt: skip

BODY = Skeleton(joints=COCO_JOINTS, edges=COCO_EDGES, groups=SPORTS_GROUPS, angles=COCO_ANGLES, fps=30.0)

#: JIGSAWS manipulators in the order of the kinematics file's column blocks.
MANIPULATORS = ("mtm_left", "mtm_right", "psm_left", "psm_right")
TOOL_POINTS = ("tip", "body", "tail")

TOOLS = Skeleton(
    joints=tuple(f"{m}_{p}" for m in MANIPULATORS for p in TOOL_POINTS),
    edges=tuple(e for i in range(len(MANIPULATORS)) for e in ((3 * i, 3 * i + 1), (3 * i + 1, 3 * i + 2))),
    groups={p: tuple(3 * i + k for i in range(len(MANIPULATORS))) for k, p in enumerate(TOOL_POINTS)},
    angles={},
    fps=30.0,
)


#: The skeletons by the name a checkpoint records (adrbench.trained_on).
NAMED: dict[str, Skeleton] = {"body": BODY, "tools": TOOLS}


def skeleton_name(skeleton: Skeleton) -> str:
    """The name of a known skeleton with the same joints ('body', 'tools'), else 'custom'."""
    return next((name for name, known in NAMED.items() if known.joints == skeleton.joints), "custom")
