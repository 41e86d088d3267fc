"""ADR evaluation protocols beyond n-gram overlap (issue 10) and the offline verdict judge (issue 8).

Ordering accuracy in both presentation orders with position bias, description–score consistency, a closed
probe, multiple choice with hard distractors, per-body-part recall/precision, multi-reference text metrics,
leave-one-sport-out and performer-disjoint validation splits. Pure library code: the runner asks the model
(`answer_protocols`, `swap_pair`/`unswap_prediction`), the scorer computes (`protocol_metrics`). See
docs/protocols.md.
"""

from adrbench.protocols.choice import (
    ChoiceItem,
    build_choices,
    choice_item,
    choice_metrics,
    collect_choice_scores,
)
from adrbench.protocols.judge import Verdict, parse, split_clauses, verdict
from adrbench.protocols.lexicon import domain_of, replace_parts, tag
from adrbench.protocols.multiref import multi_reference_metrics, multi_reference_scores, references_of
from adrbench.protocols.ordering import gt_order, ordering_metrics
from adrbench.protocols.parts import part_metrics, part_metrics_by_category
from adrbench.protocols.players import split_by_order, swap_pair, swap_players, unswap_prediction
from adrbench.protocols.probe import (
    Statement,
    build_probe,
    collect_probe_answers,
    probe_metrics,
    statements_of,
)
from adrbench.protocols.splits import assert_not_test, carve_validation, leave_one_sport_out
from adrbench.protocols.suite import (
    answer_protocols,
    protocol_groups,
    protocol_metrics,
    protocol_of,
)
from adrbench.protocols.verdicts import gt_verdict_metrics, judge_metrics

__all__ = [
    "ChoiceItem",
    "Statement",
    "Verdict",
    "answer_protocols",
    "assert_not_test",
    "build_choices",
    "build_probe",
    "carve_validation",
    "choice_item",
    "choice_metrics",
    "collect_choice_scores",
    "collect_probe_answers",
    "domain_of",
    "gt_order",
    "gt_verdict_metrics",
    "judge_metrics",
    "leave_one_sport_out",
    "multi_reference_metrics",
    "multi_reference_scores",
    "ordering_metrics",
    "parse",
    "part_metrics",
    "part_metrics_by_category",
    "probe_metrics",
    "protocol_groups",
    "protocol_metrics",
    "protocol_of",
    "references_of",
    "replace_parts",
    "split_by_order",
    "split_clauses",
    "statements_of",
    "swap_pair",
    "swap_players",
    "tag",
    "unswap_prediction",
    "verdict",
]
