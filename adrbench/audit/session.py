"""Running an audit: pending items go to a rater (human or judge) and every answer is saved as it is given, so
a stopped or killed session resumes where it stopped. Terminal I/O is passed in by the CLI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from adrbench.audit.answers import AnswerStore, AuditAnswer
from adrbench.audit.items import AuditItem
from adrbench.audit.judge import Rater

HumanChoice = Literal["1", "2", "tie", "skip", "quit"]
#: ask(item, position (1-based), total) → the person's choice; shows the description, never the scores.
Ask = Callable[[AuditItem, int, int], HumanChoice]


def pending(items: Sequence[AuditItem], store: AnswerStore) -> list[AuditItem]:
    """Items with no verdict yet (unanswered, or an earlier try that failed), in sample order."""
    return [i for i in items if i.pair.id not in store or store.answers[i.pair.id].answer is None]


def run_human(items: Sequence[AuditItem], store: AnswerStore, ask: Ask, rater: str = "human") -> bool:
    """Ask about each pending item, recording `rater` (the person's name) with each answer; True when all are
    answered, False when the person quit."""
    todo = pending(items, store)
    done = len(items) - len(todo)
    for offset, item in enumerate(todo):
        choice = ask(item, done + offset + 1, len(items))
        if choice == "quit":
            return False
        store.add(
            [
                AuditAnswer(
                    pair_id=item.pair.id,
                    category=item.pair.category,
                    group=item.pair.group,
                    rater=rater,
                    answer=choice,
                    truth=item.truth,
                )
            ]
        )
    return True


def run_judge(
    items: Sequence[AuditItem],
    store: AnswerStore,
    judge: Rater,
    chunk: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> list[AuditAnswer]:
    """Judge the pending items in chunks, saving each chunk's answers before the next starts; returns the
    answers given in this session."""
    todo = pending(items, store)
    base = len(items) - len(todo)
    given: list[AuditAnswer] = []
    for start in range(0, len(todo), chunk):
        answers = judge.judge_many(todo[start : start + chunk])
        store.add(answers)
        given.extend(answers)
        if progress is not None:
            progress(base + min(start + chunk, len(todo)), len(items))
    return given
