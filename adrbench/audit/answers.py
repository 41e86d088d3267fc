"""The answers file: one JSON line per judged pair, appended and flushed as it is given, read back to resume."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from adrbench.jsonl import append_record, read_appended

Answer = Literal["1", "2", "tie", "skip"]


class AuditAnswer(BaseModel):
    """A rater's verdict on one pair's description. `answer` None means no verdict (failure or abstention)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pair_id: str
    category: str
    group: str
    rater: str = Field(description="a person's name (--rater, default 'human'), 'rule', or 'llm:<provider>:<model>'")
    answer: Answer | None
    truth: Literal["1", "2", "tie"] = Field(description="the ground-truth score order")
    error: str | None = Field(None, description="why there is no verdict")
    meta: dict[str, Any] = Field(default_factory=dict, description="prompt version, usage, raw reply")


class AnswerStore:
    """Answers of one rater in one JSON Lines file; a line cut short by a kill is dropped on open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.answers: dict[str, AuditAnswer] = {}
        for answer in read_appended(path, AuditAnswer):
            self.answers[answer.pair_id] = answer

    def __contains__(self, pair_id: str) -> bool:
        return pair_id in self.answers

    def add(self, answers: list[AuditAnswer]) -> None:
        """Append answers to the file (flushed and synced) and remember them."""
        if not answers:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            for answer in answers:
                append_record(handle, answer)
                self.answers[answer.pair_id] = answer
