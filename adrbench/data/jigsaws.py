"""Reader of the original JIGSAWS release (docs/jigsaws-format.md): meta files, 76-column kinematics, folds.

Trials are enumerated from kinematics/AllGestures/*.txt and joined with meta_file_<Task>.txt. LOSO (leave one
super trial, i.e. repetition, out) and LOUO (leave one user out) folds are the official ones,
Experimental_setup/<Task>/unBalanced/GestureRecognition/{SuperTrialOut,UserOut}/<k>_Out/itr_1/{Train,Test}.txt,
when the release's Experimental_setup is there (fold N = N_Out), else derived from trial names.
Keypoints are the TOOLS skeleton: per manipulator, tip = tooltip position; body and tail = points along the tool
axis (third column of the row-major rotation matrix) at BODY_OFFSET and TAIL_OFFSET metres behind the tip.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adrbench.data.files import Fingerprint, find_child, find_path, nested_root_hint, read_json
from adrbench.data.skeletons import MANIPULATORS, TOOLS
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.records import Video

HINT = "see docs/jigsaws-format.md; without JIGSAWS, use the synthetic twin: adrbench run --task jigsaws-synth"
TASK_FOLDERS = ("Knot_Tying", "Needle_Passing", "Suturing")
GRS_ITEMS = (
    "respect_for_tissue",
    "suture_needle_handling",
    "time_and_motion",
    "flow_of_operation",
    "overall_performance",
    "quality_of_final_product",
)
SKILL_LEVELS = {"N": "novice", "I": "intermediate", "E": "expert"}
N_COLUMNS = 76
BODY_OFFSET = 0.01  # metres behind the tip along the tool axis
TAIL_OFFSET = 0.03
_BLOCK = (
    ["pos_x", "pos_y", "pos_z"]
    + [f"rot_{r}{c}" for r in (1, 2, 3) for c in (1, 2, 3)]
    + ["vel_x", "vel_y", "vel_z", "angvel_x", "angvel_y", "angvel_z", "gripper"]
)
COLUMNS = tuple(f"{m}_{c}" for m in MANIPULATORS for c in _BLOCK)
TRIAL_NAME = re.compile(r"^(?P<task>[A-Za-z_]+?)_(?P<user>[A-Z])(?P<rep>\d{3})$")
TRUTH_FILE = "adrbench_truth.json"


@dataclass(frozen=True)
class MetaLine:
    skill: str
    grs: int
    items: tuple[int, ...]
    line: int


def read_meta(path: Path) -> dict[str, MetaLine]:
    """meta_file_<Task>.txt → trial → skill letter, GRS total, 6 items (tokens split on any whitespace)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise DataError(path, "file not found", hint=HINT) from None
    out: dict[str, MetaLine] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            continue
        if len(tokens) != 9:
            raise DataError(
                path,
                f"expected 9 fields (name, skill, GRS, 6 items), got {len(tokens)}",
                line=lineno,
                hint=HINT,
            )
        name, skill = tokens[0], tokens[1]
        if skill not in SKILL_LEVELS:
            raise DataError(path, f"skill must be N, I or E, got {skill!r}", line=lineno, field="skill")
        numbers = []
        for field, token in zip(("grs",) + GRS_ITEMS, tokens[2:], strict=True):
            try:
                numbers.append(int(token))
            except ValueError:
                raise DataError(path, f"{token!r} is not an integer", line=lineno, field=field) from None
        if not 6 <= numbers[0] <= 30:
            raise DataError(path, f"GRS {numbers[0]} outside 6–30", line=lineno, field="grs")
        for field, value in zip(GRS_ITEMS, numbers[1:], strict=True):
            if not 1 <= value <= 5:
                raise DataError(path, f"item {value} outside 1–5", line=lineno, field=field)
        out[name] = MetaLine(skill, numbers[0], tuple(numbers[1:]), lineno)
    return out


def read_kinematics(path: Path) -> np.ndarray:
    """A kinematics file → float64 T×76 (values separated by one or more spaces or tabs)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise DataError(path, "file not found", hint=HINT) from None
    values = None
    if text.strip():
        try:  # numpy's C reader: any run of spaces/tabs separates values; ragged rows raise
            values = np.loadtxt(io.StringIO(text), dtype=np.float64, ndmin=2, comments=None)
        except ValueError:
            values = None
    if values is not None and values.shape[1] != N_COLUMNS:
        values = None
    if values is None:
        _locate_bad_row(path, text)
        raise DataError(path, "no kinematics rows", hint=HINT)
    return values


def _locate_bad_row(path: Path, text: str) -> None:
    for lineno, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            continue
        if len(tokens) != N_COLUMNS:
            raise DataError(
                path,
                f"expected {N_COLUMNS} columns, got {len(tokens)}",
                line=lineno,
                field="columns",
                hint=HINT,
            )
        for j, token in enumerate(tokens):
            try:
                float(token)
            except ValueError:
                raise DataError(
                    path, f"{token!r} is not a number", line=lineno, field=f"column {j + 1} ({COLUMNS[j]})"
                ) from None


def tool_keypoints(kinematics: np.ndarray) -> np.ndarray:
    """T×76 kinematics → float32 T×12×3 TOOLS keypoints (tip, body, tail per manipulator)."""
    n = kinematics.shape[0]
    out = np.empty((n, 3 * len(MANIPULATORS), 3), dtype=np.float64)
    for m in range(len(MANIPULATORS)):
        block = kinematics[:, 19 * m : 19 * (m + 1)]
        tip = block[:, 0:3]
        axis = block[:, 3:12].reshape(n, 3, 3)[:, :, 2]  # row-major R; its third column is the tool axis
        out[:, 3 * m] = tip
        out[:, 3 * m + 1] = tip - BODY_OFFSET * axis
        out[:, 3 * m + 2] = tip - TAIL_OFFSET * axis
    return out.astype(np.float32)


@dataclass(frozen=True)
class Trial:
    name: str
    task: str
    user: str
    repetition: int
    meta: MetaLine
    kinematics: Path
    video: Path | None


def find_trials(root: Path) -> tuple[list[Trial], Fingerprint]:
    """Every trial with a kinematics file, joined with its meta line; task folders matched case-insensitively."""
    fingerprint = Fingerprint(root)
    trials: list[Trial] = []
    found_task = False
    for task in TASK_FOLDERS:
        folder = find_child(root, task)
        if folder is None:
            continue
        found_task = True
        meta_path = find_child(folder, f"meta_file_{task}.txt")
        if meta_path is None:
            raise DataError(folder / f"meta_file_{task}.txt", "file not found", hint=HINT)
        meta = read_meta(meta_path)
        fingerprint.add(meta_path)
        kin_dir = find_path(folder, "kinematics", "AllGestures")
        if kin_dir is None:
            raise DataError(folder / "kinematics" / "AllGestures", "folder not found", hint=HINT)
        for kin in sorted(kin_dir.glob("*.txt")):
            match = TRIAL_NAME.match(kin.stem)
            if match is None or match["task"].lower() != task.lower():
                raise DataError(kin, f"file name is not a {task} trial name like {task}_B001.txt", hint=HINT)
            if kin.stem not in meta:
                raise DataError(
                    meta_path, f"no line for trial {kin.stem!r} (it has kinematics)", field="name", hint=HINT
                )
            fingerprint.add_digest(kin.relative_to(root).as_posix(), f"size:{kin.stat().st_size}")
            video = find_path(folder, "video", f"{kin.stem}_capture1.avi")
            trials.append(Trial(kin.stem, task, match["user"], int(match["rep"]), meta[kin.stem], kin, video))
    if not found_task:
        hint = nested_root_hint(root, lambda c: any(find_child(c, t) for t in TASK_FOLDERS)) or HINT
        raise DataError(root, f"no JIGSAWS task folder ({', '.join(TASK_FOLDERS)})", hint=hint)
    return trials, fingerprint


FOLD_SOURCES = ("auto", "official", "derived")
SETUP_DIR = "Experimental_setup"
PROTOCOL_DIRS = {"loso": "SuperTrialOut", "louo": "UserOut"}
_FOLD_DIR = re.compile(r"^(?P<k>\d+)_out$", re.IGNORECASE)
_SPAN_FILE = re.compile(r"^(?P<trial>.+)_\d+_\d+\.txt$")


@dataclass(frozen=True)
class Fold:
    """The trials of one fold: test ids, train ids, and where they came from."""

    held: str  # the held-out user letter or repetition ("001"), joined with "+" if several
    test: frozenset[str]
    train: frozenset[str]
    source: str  # "official" or "derived"
    detail: dict[str, object]
    files: tuple[Path, ...] = ()  # the official Train.txt/Test.txt files read


def derived_fold(trials: list[Trial], protocol: str, fold: str | None) -> Fold:
    """LOUO (one user out) or LOSO (one repetition, 'super trial', out) from trial names.

    `fold` is a 1-based fold number or the held-out user letter / repetition number; default the first fold.
    """
    if protocol == "louo":
        keys = sorted({t.user for t in trials})
        key_of = {t.name: t.user for t in trials}
    else:
        keys = [f"{r:03d}" for r in sorted({t.repetition for t in trials})]
        key_of = {t.name: f"{t.repetition:03d}" for t in trials}
    if fold is None or fold == "":
        held = keys[0]
    elif fold.upper() in keys:
        held = fold.upper()
    elif fold.isdigit() and f"{int(fold):03d}" in keys and protocol == "loso":
        held = f"{int(fold):03d}"
    elif fold.isdigit() and 1 <= int(fold) <= len(keys):
        held = keys[int(fold) - 1]
    else:
        raise ConfigError(f"fold {fold!r} not in 1..{len(keys)} or {', '.join(keys)} for protocol {protocol}")
    test = frozenset(name for name, key in key_of.items() if key == held)
    return Fold(held, test, frozenset(key_of) - test, "derived", {"rule": "from trial names"})


def read_fold_file(path: Path) -> list[str]:
    """A GestureRecognition Train.txt/Test.txt → the trial of each line (`<trial>_<start>_<end>.txt  <trial>.txt`),
    each once, in file order."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise DataError(path, "file not found", hint=HINT) from None
    out: dict[str, None] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            continue
        match = _SPAN_FILE.match(tokens[0])
        trial = match["trial"] if match else None
        if trial is None or TRIAL_NAME.match(trial) is None:
            raise DataError(
                path,
                f"{tokens[0]!r} is not <trial>_<start>_<end>.txt",
                line=lineno,
                field="trial",
                hint=HINT,
            )
        if len(tokens) > 1 and tokens[-1].removesuffix(".txt") != trial:
            raise DataError(
                path,
                f"the line names two trials ({trial}, {tokens[-1]})",
                line=lineno,
                field="trial",
                hint=HINT,
            )
        out[trial] = None
    return list(out)


def _setup_dirs(root: Path, tasks: list[str], protocol: str) -> dict[str, Path | None]:
    return {
        task: find_path(root, SETUP_DIR, task, "unBalanced", "GestureRecognition", PROTOCOL_DIRS[protocol])
        for task in tasks
    }


def official_fold(trials: list[Trial], setups: dict[str, Path], protocol: str, fold: str | None) -> Fold:
    """Fold N = the official `N_Out` of every task (a task without that folder, such as Needle_Passing for the
    user it lacks, holds none of its trials out). `fold` may also be the held-out user letter (LOUO) or
    repetition (LOSO). Trials on disk that the fold's files do not list belong to neither split."""
    folds: dict[int, dict[str, Path]] = {}
    for task, folder in setups.items():
        for child in sorted(folder.iterdir()):
            match = _FOLD_DIR.match(child.name)
            if match and child.is_dir():
                itr = find_child(child, "itr_1")
                if itr is None:
                    raise DataError(child / "itr_1", "folder not found", hint=HINT)
                folds.setdefault(int(match["k"]), {})[task] = itr
    if not folds:
        raise DataError(next(iter(setups.values())), "no <k>_Out folders", hint=HINT)
    on_disk = {t.name: t for t in trials}
    listed = {
        k: {task: (read_fold_file(_fold_file(itr, "Test.txt")), read_fold_file(_fold_file(itr, "Train.txt")))
            for task, itr in by_task.items()}
        for k, by_task in folds.items()
    }  # fmt: skip
    k = _pick_official(listed, on_disk, protocol, fold)
    test, train, missing = set(), set(), []
    for task, (test_ids, train_ids) in listed[k].items():
        both = set(test_ids) & set(train_ids)
        if both:
            raise DataError(
                _fold_file(folds[k][task], "Test.txt"),
                f"trial {sorted(both)[0]} is in Train.txt too",
                field="trial",
            )
        test |= {i for i in test_ids if i in on_disk}
        train |= {i for i in train_ids if i in on_disk}
        missing += [i for i in test_ids + train_ids if i not in on_disk]
    no_fold = sorted(t for t in setups if t not in folds[k])
    train |= {t.name for t in trials if t.task in no_fold}
    unlisted = sorted(set(on_disk) - test - train)
    if not test:
        raise ConfigError(f"official fold {k}_Out holds out none of the trials loaded")
    keys = sorted({on_disk[i].user if protocol == "louo" else f"{on_disk[i].repetition:03d}" for i in test})
    detail = {
        "folder": f"{SETUP_DIR}/<Task>/unBalanced/GestureRecognition/{PROTOCOL_DIRS[protocol]}/{k}_Out/itr_1",
        "tasks_without_this_fold": no_fold,
        "listed_not_on_disk": len(missing),
        "on_disk_not_listed": unlisted,
    }
    files = tuple(_fold_file(itr, name) for itr in folds[k].values() for name in ("Test.txt", "Train.txt"))
    return Fold("+".join(keys), frozenset(test), frozenset(train), "official", detail, files)


def _fold_file(itr: Path, name: str) -> Path:
    return find_child(itr, name) or itr / name


def _pick_official(
    listed: dict[int, dict[str, tuple[list[str], list[str]]]],
    on_disk: dict[str, Trial],
    protocol: str,
    fold: str | None,
) -> int:
    available = sorted(listed)
    if fold is None or fold == "":
        return available[0]
    if fold.isdigit() and int(fold) in listed:
        return int(fold)
    if protocol == "louo":
        for k in available:  # the fold that holds out this user letter
            users = {on_disk[i].user for test, _ in listed[k].values() for i in test if i in on_disk}
            if users == {fold.upper()}:
                return k
    names = ", ".join(str(k) for k in available)
    raise ConfigError(
        f"fold {fold!r} is not an official {PROTOCOL_DIRS[protocol]} fold (N_Out for N in {names})"
    )


def choose_fold(
    root: Path, trials: list[Trial], protocol: str, fold: str | None, folds: str = "auto"
) -> Fold:
    """The official fold where the release's Experimental_setup has one for every task loaded (`folds` "auto"
    or "official"; "official" fails otherwise), else the fold derived from trial names."""
    protocol = protocol.lower()
    if protocol not in PROTOCOL_DIRS:
        raise ConfigError(f"protocol must be 'louo' or 'loso', got {protocol!r}")
    if folds not in FOLD_SOURCES:
        raise ConfigError(f"folds must be one of {', '.join(FOLD_SOURCES)}, got {folds!r}")
    if folds != "derived":
        setups = _setup_dirs(root, sorted({t.task for t in trials}), protocol)
        absent = [task for task, folder in setups.items() if folder is None]
        if not absent:
            return official_fold(trials, setups, protocol, fold)  # type: ignore[arg-type]
        if folds == "official":
            where = (
                root / SETUP_DIR / absent[0] / "unBalanced" / "GestureRecognition" / PROTOCOL_DIRS[protocol]
            )
            raise DataError(where, "folder not found (folds=official)", hint="or use folds=derived")
        derived = derived_fold(trials, protocol, fold)
        return Fold(
            derived.held,
            derived.test,
            derived.train,
            derived.source,
            {**derived.detail, "why": f"no official {PROTOCOL_DIRS[protocol]} folds for {', '.join(absent)}"},
        )
    return derived_fold(trials, protocol, fold)


def load_jigsaws(
    root: str | Path,
    task: str = "jigsaws",
    protocol: str = "louo",
    fold: str | None = None,
    surgical_task: str | None = None,
    folds: str = "auto",
) -> Dataset:
    """The JIGSAWS root as a video-unit Dataset; splits 'train'/'test' are the chosen fold's trial ids
    (`folds`: "auto" = official where the release has them, "official", or "derived" from trial names)."""
    root = Path(root)
    trials, fingerprint = find_trials(root)
    if surgical_task:
        wanted = {s.strip().lower().replace(" ", "_") for s in surgical_task.split(",")}
        trials = [t for t in trials if t.task.lower() in wanted]
        if not trials:
            raise ConfigError(
                f"surgical_task {surgical_task!r} matches no trial; choose from {', '.join(TASK_FOLDERS)}"
            )
    chosen = choose_fold(root, trials, protocol, fold, folds)
    for path in chosen.files:
        fingerprint.add(path)
    test = chosen.test
    trials = [t for t in trials if t.name in test or t.name in chosen.train]  # an official fold may skip some
    truth_path = root / TRUTH_FILE
    truth = read_json(truth_path) if truth_path.exists() else {}
    if truth:
        fingerprint.add(truth_path)
    videos: dict[str, Video] = {}
    for t in trials:
        meta = {
            "skill_level": t.meta.skill,
            "repetition": t.repetition,
            "meta_line": t.meta.line,
            "grs_items_sum": sum(t.meta.items),
        }
        meta.update(truth.get(t.name, {}))
        videos[t.name] = Video(
            id=t.name,
            task="jigsaws",
            split="test" if t.name in test else "train",
            group=t.task.replace("_", " "),
            category="surgery",
            performer=t.user,
            score=float(t.meta.grs),
            item_scores={k: float(v) for k, v in zip(GRS_ITEMS, t.meta.items, strict=True)},
            keypoints_path=t.kinematics.relative_to(root).as_posix(),
            video_path=t.video.relative_to(root).as_posix() if t.video else None,
            meta=meta,
        )
    ids = sorted(videos)
    splits = {"train": [i for i in ids if i in chosen.train], "test": [i for i in ids if i in test]}

    def keypoints(video: Video) -> np.ndarray:
        return tool_keypoints(read_kinematics(root / (video.keypoints_path or "")))

    return Dataset(
        task=task,
        unit="video",
        videos=videos,
        pairs={},
        splits=splits,
        skeleton=TOOLS,
        root=root,
        score_range=(6.0, 30.0),
        label_names=(),
        provenance={
            "format": "jigsaws",
            "root": str(root),
            "protocol": protocol.lower(),
            "fold": chosen.held,
            "fold_source": chosen.source,
            "fold_detail": chosen.detail,
            "fingerprint": fingerprint.hexdigest(),
            "n_files": fingerprint.n_files,
            "keypoints": f"TOOLS: tip; body/tail {BODY_OFFSET}/{TAIL_OFFSET} m back along R[:, 2]",
        },
        keypoint_loader=keypoints,
    )
