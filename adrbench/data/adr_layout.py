"""What ADR is made of: Table 1's sub-activities, how Ego-Exo4D tasks map to them, and the folder's file names."""

from __future__ import annotations

from typing import NamedTuple

SCHEMA = "adrbench.adr/1"
VIDEOS_FILE = "videos.jsonl"
PROVENANCE_FILE = "provenance.json"
REPORT_FILE = "build_report.json"
KEYPOINTS_DIR = "keypoints"
SPLITS = ("train", "test")
#: Ego-Exo4D's test annotations are withheld, so its public val split is ADR's test split.
EGOEXO_TO_ADR_SPLIT = {"train": "train", "val": "test"}


def pairs_file(split: str) -> str:
    return f"pairs_{split}.jsonl"


class Table1Row(NamedTuple):
    """One row of the paper's Table 1: videos and video pairs per split."""

    category: str
    group: str
    videos_train: int
    videos_test: int
    pairs_train: int
    pairs_test: int


TABLE1 = (
    Table1Row("Basketball", "Mid-Range Shooting", 17, 28, 136, 378),
    Table1Row("Basketball", "Mikan Layup", 26, 23, 325, 253),
    Table1Row("Basketball", "Reverse Layup", 27, 30, 351, 435),
    Table1Row("Soccer", "Juggling", 6, 2, 15, 1),
    Table1Row("Soccer", "Penalty Kick", 21, 3, 210, 2),
    Table1Row("Soccer", "Dribbling", 23, 5, 253, 10),
    Table1Row("Rock Climbing", "Climbing", 70, 155, 2415, 703),
)

#: Ego-Exo4D sub-activity (task_id, task_name suffix) → ADR (category, group); Rock Climbing is scenario-level
#: (its Ego-Exo4D tasks are route names); docs/adr-format.md, "Sub-activities".
EGOEXO_TASKS = {
    6003: ("Mid-Range Jump Shooting", "Basketball", "Mid-Range Shooting"),
    6001: ("Mikan Layup", "Basketball", "Mikan Layup"),
    6002: ("Reverse Layup", "Basketball", "Reverse Layup"),
    8004: ("Juggling", "Soccer", "Juggling"),
    8005: ("Penalty Kick", "Soccer", "Penalty Kick"),
    8003: ("Dribbling", "Soccer", "Dribbling"),
}
_BY_SUFFIX = {suffix.lower(): (cat, group) for suffix, cat, group in EGOEXO_TASKS.values()}
CLIMBING_SCENARIO = "rock climbing"


def adr_group(scenario: str, task_id: int | None, task_name: str) -> tuple[str, str] | None:
    """(category, group) of an Ego-Exo4D take, or None if ADR does not use its task."""
    if scenario.strip().lower() == CLIMBING_SCENARIO:
        return ("Rock Climbing", "Climbing")
    suffix = task_name.rsplit(" - ", 1)[-1].strip().lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if task_id in EGOEXO_TASKS:
        _, cat, group = EGOEXO_TASKS[task_id]
        return (cat, group)
    return None


def table1_pair_caps() -> dict[tuple[str, str], int]:
    """(group, split) → Table 1's pair count; passing it as `max_pairs` reproduces the table's sizes."""
    caps = {}
    for row in TABLE1:
        caps[(row.group, "train")] = row.pairs_train
        caps[(row.group, "test")] = row.pairs_test
    return caps
