"""Leave-one-sport-out, validation carved by performer, and the guard against selecting on test."""

from __future__ import annotations

import pytest
from protocol_fixtures import dataset, pair, video

from adrbench.errors import ConfigError
from adrbench.protocols.splits import assert_not_test, carve_validation, leave_one_sport_out


def _data():
    videos = [
        video(f"v{i}", float(i), performer=f"u{i}", category="Basketball" if i < 6 else "Soccer")
        for i in range(9)
    ]
    videos.append(video("v9", 9.0, performer="u0", category="Soccer"))  # u0 plays both sports
    pairs = [
        pair(f"b{i}{j}", f"v{i}", f"v{j}", "x", split="train" if i < 3 else "test")
        for i in range(6)
        for j in range(i + 1, 6)
    ]
    pairs += [
        pair(
            f"s{i}{j}",
            f"v{i}",
            f"v{j}",
            "x",
            category="Soccer",
            group="Juggle",
            split="train" if i < 8 else "test",
        )
        for i in range(6, 10)
        for j in range(i + 1, 10)
    ]
    splits = {
        "train": [p.id for p in pairs if p.split == "train"],
        "test": [p.id for p in pairs if p.split == "test"],
    }
    return dataset(videos, pairs, splits)


def test_leave_one_sport_out() -> None:
    data = _data()
    out = leave_one_sport_out(data, "Soccer")
    assert set(out.splits) == {"train", "test"}
    assert {out.pairs[i].category for i in out.splits["test"]} == {"Soccer"}
    assert len(out.splits["test"]) == 6
    # u0 is in a Soccer pair, so the Basketball pairs with v0 (5 of them) leave train
    assert len(out.splits["train"]) == 15 - 5
    assert out.provenance["split_protocol"]["n_removed_shared_performer"] == 5
    strict = leave_one_sport_out(data, "Soccer", all_splits=False)
    assert all(strict.pairs[i].split == "test" for i in strict.splits["test"])
    with pytest.raises(ConfigError, match="did you mean 'Soccer'"):
        leave_one_sport_out(data, "soccer")
    assert data.splits["train"] != out.splits["train"]  # the input is not modified


def test_carve_validation_by_performer_is_seeded_and_disjoint() -> None:
    data = _data()
    a = carve_validation(data, 0.15, seed=1)
    b = carve_validation(data, 0.15, seed=1)
    assert a.splits == b.splits and a.provenance == b.provenance
    val, train = a.splits["val"], a.splits["train"]
    assert val and train and not set(val) & set(train)
    people = {
        i: {a.videos[a.pairs[i].video_1].performer, a.videos[a.pairs[i].video_2].performer}
        for i in val + train
    }
    assert not set().union(*(people[i] for i in val)) & set().union(*(people[i] for i in train))
    info = a.provenance["validation"]
    assert info["n_val"] + info["n_train"] + info["n_dropped_straddling"] == len(data.splits["train"])
    assert info["n_val"] >= 0.15 * len(data.splits["train"])
    assert a.splits["test"] == data.splits["test"]
    assert carve_validation(data, 0.15, seed=2).splits != a.splits
    with pytest.raises(ConfigError):
        carve_validation(a)  # already has val
    with pytest.raises(ConfigError):
        carve_validation(data, 1.5)


def test_assert_not_test() -> None:
    assert_not_test("val")
    assert_not_test("train")
    for split in ("test", "test_unseen"):
        with pytest.raises(ConfigError, match="refused"):
            assert_not_test(split)
