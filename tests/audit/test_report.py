"""Sampling, the score order, the answers file and the agreement report (Wilson CI, confusion, per sport)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from adrbench.audit import (
    AnswerStore,
    AuditAnswer,
    RuleJudge,
    audit_items,
    audit_report,
    load_pairs,
    run_judge,
    sample_items,
    score_order,
    wilson_interval,
)
from adrbench.errors import DataError


def test_wilson_interval_endpoints_solve_the_score_equation() -> None:
    k, n, z = 128, 150, 1.959963984540054
    lo, hi = wilson_interval(k, n)  # type: ignore[misc]
    p = k / n
    for p0 in (lo, hi):  # the Wilson bounds are the p0 with |p − p0| = z·sqrt(p0(1−p0)/n)
        assert abs(p - p0) == pytest.approx(z * math.sqrt(p0 * (1 - p0) / n), rel=1e-9)
    assert lo < p < hi
    assert wilson_interval(0, 0) is None
    assert wilson_interval(5, 5) == (pytest.approx(0.5655, abs=1e-4), 1.0)


def test_score_order_with_margin() -> None:
    assert [score_order(7, 6), score_order(6, 7), score_order(6, 6)] == ["1", "2", "tie"]
    assert score_order(6.2, 6.0, margin=0.25) == "tie"


def test_sample_is_seeded_stratified_and_stable(adr_folder: Path) -> None:
    pairs, videos = load_pairs(None, None, adr_folder, "test")
    items = audit_items(pairs, videos)
    assert len(items) == 30 and all(i.pair.id != "undescribed" for i in items)
    a = sample_items(items, 4, seed=1)
    assert [i.pair.id for i in a] == [i.pair.id for i in sample_items(list(reversed(items)), 4, seed=1)]
    assert {c: sum(i.pair.category == c for i in a) for c in ("Basketball", "Soccer", "Rock Climbing")} == {
        "Basketball": 4,
        "Soccer": 4,
        "Rock Climbing": 4,
    }
    assert [i.pair.id for i in sample_items(items, 4, seed=2)] != [i.pair.id for i in a]
    assert len(sample_items(items, None, seed=0)) == 30


def test_report_counts_agreement_confusion_and_failures() -> None:
    from adrbench.audit.items import AuditItem
    from adrbench.records import Pair

    def item(pid: str, cat: str, truth: str) -> AuditItem:
        pair = Pair(
            id=pid,
            task="adr",
            split="test",
            group="g",
            category=cat,
            video_1="a",
            video_2="b",
            description="x",
        )
        return AuditItem(pair, truth)  # type: ignore[arg-type]

    items = [
        item("a", "S", "1"),
        item("b", "S", "2"),
        item("c", "T", "tie"),
        item("d", "T", "1"),
        item("e", "T", "2"),
        item("f", "T", "2"),
    ]
    given = [("a", "S", "1"), ("b", "S", "1"), ("c", "T", "tie"), ("d", "T", "skip"), ("e", "T", None)]
    answers = [
        AuditAnswer(
            pair_id=p,
            category=c,
            group="g",
            rater="r",
            answer=a,  # type: ignore[arg-type]
            truth=next(i.truth for i in items if i.pair.id == p),
        )
        for p, c, a in given
    ]
    report = audit_report(items, answers, "r")
    assert report["agreement"]["k"] == 2 and report["agreement"]["n"] == 3
    assert (report["n_skipped"], report["n_no_verdict"], report["n_pending"]) == (1, 1, 1)
    assert report["confusion"]["2"] == {"1": 1, "2": 0, "tie": 0, "skip": 0, "none": 1}
    assert report["by_category"]["S"]["agreement"]["value"] == 0.5
    assert report["by_category"]["T"]["agreement"]["value"] == 1.0


def test_rule_judge_run_saves_as_it_goes_and_resumes(adr_folder: Path, tmp_path: Path) -> None:
    pairs, videos = load_pairs(None, None, adr_folder, "test")
    items = sample_items(audit_items(pairs, videos), None, seed=0)
    calls: list[str] = []

    def verdict(text: str) -> int | str | None:
        calls.append(text)
        return 1 if "Overall, Player 1" in text else 2 if "Overall, Player 2" in text else "tie"

    store = AnswerStore(tmp_path / "answers.jsonl")
    run_judge(items[:10], store, RuleJudge(verdict), chunk=4)
    with (tmp_path / "answers.jsonl").open("a") as handle:
        handle.write('{"pair_id": "cut sh')  # a line cut short by a kill
    store = AnswerStore(tmp_path / "answers.jsonl")
    assert len(store.answers) == 10
    run_judge(items, store, RuleJudge(verdict))
    assert len(calls) == 30
    report = audit_report(items, AnswerStore(tmp_path / "answers.jsonl").answers.values(), "rule")
    # the folder's descriptions contradict the score order on 2 of every 10 pairs per sport (i % 4 == 3, not ties)
    assert report["agreement"]["k"] == 24 and report["agreement"]["n"] == 30
    assert report["confusion"]["tie"]["tie"] == 3


def test_missing_pairs_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="pairs_test.jsonl"):
        load_pairs(None, None, tmp_path, "test")
