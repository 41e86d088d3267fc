"""Raters that replace the person of the paper's audit (§2): an LLM judge through the shared clients, and the
offline rule-based judge (adrbench.protocols.verdict). Both read only the description, never the scores."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from adrbench.audit.answers import AuditAnswer
from adrbench.audit.items import AuditItem, Label
from adrbench.llm import ChatRequest, LLMClient, text_request
from adrbench.llm.parse import find_json

JUDGE_PROMPT_VERSION = "adr-audit-judge/1"
#: The error of an LLM judge's answer whose reply had no readable verdict (every other error: no reply at all).
UNPARSEABLE = "unparseable reply"

JUDGE_SYSTEM = "You are an experienced coach. You answer with a single JSON object and nothing else."

_JUDGE_PROMPT = (
    "Here is a description of how two players, Player 1 and Player 2, differ while performing the same "
    "activity: {group} ({category}).\n\n"
    "Description:\n{description}\n\n"
    "Based only on this description, which player performs better overall? Answer with JSON only, exactly in "
    'this form: {{"better": "1"}} or {{"better": "2"}}, or {{"better": "tie"}} if the description does not '
    "favour either player."
)

_WORDS: dict[str, Label] = {
    "1": "1",
    "player1": "1",
    "p1": "1",
    "first": "1",
    "2": "2",
    "player2": "2",
    "p2": "2",
    "second": "2",
    "tie": "tie",
    "equal": "tie",
    "neither": "tie",
    "none": "tie",
    "same": "tie",
    "draw": "tie",
    "both": "tie",
}


_RULE_LABELS: dict[int | str, Label] = {1: "1", 2: "2", "1": "1", "2": "2", "tie": "tie"}


def judge_prompt(description: str, group: str, category: str) -> str:
    """The judge's question about one description (versioned by JUDGE_PROMPT_VERSION)."""
    return _JUDGE_PROMPT.format(description=description.strip(), group=group, category=category)


def parse_verdict(text: str) -> Label | None:
    """The verdict ("1", "2" or "tie") in a judge reply like {"better": "2"}, also as a number or "Player 2";
    None if unreadable."""
    obj = find_json(text)
    if obj is None:
        return None
    value: Any = next(
        (
            v
            for k, v in obj.items()
            if re.sub(r"[^a-z]", "", str(k).lower()) in {"better", "winner", "answer", "verdict"}
        ),
        None,
    )
    if isinstance(value, bool) or value is None:
        return None
    word = re.sub(r"[^a-z0-9]", "", str(value).lower())
    return _WORDS.get(word)


class Rater(Protocol):
    """Gives verdicts on many items at once."""

    rater: str

    def judge_many(self, items: Sequence[AuditItem]) -> list[AuditAnswer]: ...


def _answer(
    item: AuditItem, rater: str, label: Label | None, error: str | None, meta: dict[str, Any]
) -> AuditAnswer:
    return AuditAnswer(
        pair_id=item.pair.id,
        category=item.pair.category,
        group=item.pair.group,
        rater=rater,
        answer=label,
        truth=item.truth,
        error=error if label is None else None,
        meta=meta,
    )


class LLMJudge:
    """An LLM says which player the description favours; failures and unreadable replies are kept as no verdict."""

    def __init__(
        self,
        client: LLMClient,
        model: str,
        *,
        provider: str,
        max_tokens: int | None = None,
        seed: int | None = 0,
    ) -> None:
        self.client, self.model, self.provider = client, model, provider
        self.rater = f"llm:{provider}:{model}"
        self.params: dict[str, Any] = {"temperature": 0.0, "json_mode": True}
        if max_tokens is not None:
            self.params["max_tokens"] = max_tokens
        if seed is not None:
            self.params["seed"] = seed

    def request(self, item: AuditItem) -> ChatRequest:
        text = judge_prompt(item.description, item.pair.group, item.pair.category)
        return text_request(self.model, text, JUDGE_PROMPT_VERSION, JUDGE_SYSTEM, **self.params)

    def judge_many(self, items: Sequence[AuditItem]) -> list[AuditAnswer]:
        results = self.client.run([self.request(item) for item in items])
        out = []
        for item, result in zip(items, results, strict=True):
            meta: dict[str, Any] = {"prompt_version": JUDGE_PROMPT_VERSION, "usage": result.usage()}
            label = parse_verdict(result.text) if result.text is not None else None
            if result.text is not None:
                meta["reply"] = result.text[:500]
            error = result.error or (UNPARSEABLE if label is None else None)
            out.append(_answer(item, self.rater, label, error, meta))
        return out


def unanswered_requests(answers: Sequence[AuditAnswer]) -> list[AuditAnswer]:
    """The answers of an LLM judge whose request got no reply (unreachable server, HTTP error, budget), not
    those whose reply was unreadable."""
    return [a for a in answers if a.answer is None and a.error not in (None, UNPARSEABLE)]


class RuleJudge:
    """The offline, documented rule-based judge of adrbench.protocols: `verdict(description) -> 1 | 2 | "tie" | None`."""

    rater = "rule"

    def __init__(
        self, verdict: Callable[[str], int | str | None] | None = None, version: str = "custom"
    ) -> None:
        if verdict is None:
            from adrbench.protocols.judge import JUDGE_VERSION
            from adrbench.protocols.judge import verdict as rules

            verdict, version = rules, JUDGE_VERSION
        self._verdict = verdict
        self.version = version

    def judge_many(self, items: Sequence[AuditItem]) -> list[AuditAnswer]:
        out = []
        for item in items:
            found = self._verdict(item.description)
            label = _RULE_LABELS.get(found) if isinstance(found, int | str) else None
            out.append(_answer(item, self.rater, label, "no verdict", {"judge_version": self.version}))
        return out
