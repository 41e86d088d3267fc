"""Evaluation splits: leave-one-sport-out transfer (peers.md F12) and validation carved by performer (F16).

- `leave_one_sport_out(data, sport)`: test = the held-out sport's items, train = the other sports' items
  (from every split of `data`, or only train → train and test → test with `all_splits=False`). Items whose
  performer is also in test are removed from train (counted in provenance), so no person is in both.
- `carve_validation(data, fraction, seed)`: a "val" split taken from train by performer. Performers (sorted,
  then shuffled with the seed) move to validation one at a time until val holds ≥ fraction of train's items;
  an item is in val when all its performers are, stays in train when none is, and is dropped when it
  straddles (an ADR pair of a val and a train performer). Recorded in `provenance["validation"]`.
- `assert_not_test(split)`: the runner's guard: checkpoint or hyper-parameter selection on a test split fails.
"""

from __future__ import annotations

import dataclasses
import difflib

import numpy as np

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.records import Pair, Video


def _record(data: Dataset, item_id: str) -> Pair | Video:
    return data.pairs[item_id] if data.unit == "pair" else data.videos[item_id]


def _performers(data: Dataset, item_id: str) -> frozenset[str]:
    item = _record(data, item_id)
    if isinstance(item, Pair):
        return frozenset({data.videos[item.video_1].performer, data.videos[item.video_2].performer})
    return frozenset({item.performer})


def leave_one_sport_out(data: Dataset, sport: str, all_splits: bool = True) -> Dataset:
    """The dataset re-split for transfer to an unseen sport (category): train on the others, test on `sport`."""
    sports = sorted({_record(data, i).category for ids in data.splits.values() for i in ids})
    if sport not in sports:
        close = difflib.get_close_matches(sport, sports, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"no sport {sport!r} in task {data.task!r}; it has {', '.join(sports)}{hint}")
    names = list(data.splits) if all_splits else ["train", "test"]
    missing = [n for n in names if n not in data.splits]
    if missing:
        raise ConfigError(f"task {data.task!r} has no split {missing[0]!r}; it has {sorted(data.splits)}")
    train_from = names if all_splits else ["train"]
    test_from = names if all_splits else ["test"]
    test = list(
        dict.fromkeys(i for n in test_from for i in data.splits[n] if _record(data, i).category == sport)
    )
    held = set().union(*(_performers(data, i) for i in test)) if test else set()
    train_all = [i for n in train_from for i in data.splits[n] if _record(data, i).category != sport]
    train = list(dict.fromkeys(i for i in train_all if not (_performers(data, i) & held)))
    provenance = {
        **data.provenance,
        "split_protocol": {
            "name": "leave-one-sport-out",
            "held_out": sport,
            "from_splits": names,
            "n_train": len(train),
            "n_test": len(test),
            "n_removed_shared_performer": len(set(train_all)) - len(train),
        },
    }
    return dataclasses.replace(data, splits={"train": train, "test": test}, provenance=provenance)


def carve_validation(data: Dataset, fraction: float = 0.15, seed: int = 0) -> Dataset:
    """The dataset with a "val" split carved from train by performer (see the module docstring)."""
    if not 0.0 < fraction < 1.0:
        raise ConfigError(f"validation fraction must be in (0, 1), got {fraction}")
    if "train" not in data.splits:
        raise ConfigError(f"task {data.task!r} has no train split to carve validation from")
    if "val" in data.splits:
        raise ConfigError(f"task {data.task!r} already has a 'val' split")
    train = data.splits["train"]
    who = {i: _performers(data, i) for i in train}
    people = sorted(set().union(*who.values())) if who else []
    if len(people) < 2:
        raise ConfigError(
            f"train of task {data.task!r} has {len(people)} performer(s); need 2 to carve validation"
        )
    order = [people[int(k)] for k in np.random.default_rng(seed).permutation(len(people))]
    target = fraction * len(train)
    chosen: set[str] = set()
    for person in order[:-1]:  # at least one performer stays in train
        chosen.add(person)
        if sum(who[i] <= chosen for i in train) >= target:
            break
    val = [i for i in train if who[i] <= chosen]
    kept = [i for i in train if not (who[i] & chosen)]
    splits = {**data.splits, "train": kept, "val": val}
    provenance = {
        **data.provenance,
        "validation": {
            "method": "by-performer",
            "fraction": fraction,
            "seed": seed,
            "performers": sorted(chosen),
            "n_train": len(kept),
            "n_val": len(val),
            "n_dropped_straddling": len(train) - len(kept) - len(val),
        },
    }
    return dataclasses.replace(data, splits=splits, provenance=provenance)


def assert_not_test(split: str) -> None:
    """Refuse model selection (checkpoints, early stopping, hyper-parameters) on a test split."""
    if split == "test" or split.startswith("test"):
        raise ConfigError(
            f"model selection on split {split!r} is refused: select on validation data only "
            "(carve_validation(data) adds a 'val' split taken from train by performer)"
        )
