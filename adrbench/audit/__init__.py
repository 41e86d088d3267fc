"""The ADR description audit (paper §2): a rater reads only a pair's description and says which player is
better; agreement with the score order is reported with a CI, per sport, with the confusion including ties."""

from adrbench.audit.answers import AnswerStore, AuditAnswer
from adrbench.audit.items import AuditItem, audit_items, load_pairs, sample_items, score_order
from adrbench.audit.judge import (
    JUDGE_PROMPT_VERSION,
    LLMJudge,
    RuleJudge,
    judge_prompt,
    parse_verdict,
    unanswered_requests,
)
from adrbench.audit.report import audit_report, wilson_interval
from adrbench.audit.session import pending, run_human, run_judge

__all__ = [
    "JUDGE_PROMPT_VERSION",
    "AnswerStore",
    "AuditAnswer",
    "AuditItem",
    "LLMJudge",
    "RuleJudge",
    "audit_items",
    "audit_report",
    "judge_prompt",
    "load_pairs",
    "parse_verdict",
    "pending",
    "run_human",
    "run_judge",
    "sample_items",
    "score_order",
    "unanswered_requests",
    "wilson_interval",
]
