"""Description–score consistency (issue 8): does a description's verdict agree with the scores?

- `judge_winner_agreement`: verdict of the generated description vs the ground-truth score order.
- `judge_self_consistency`: verdict of the generated description vs the model's own two predicted scores.
- `gt_verdict_agreement` (audit of the data): verdict of the ground-truth description vs the GT score order.
Each is computed over the pairs where both sides are decided (verdict 1 or 2; scores differ); verdicts "tie"
and None are counted (`*_tie`, `*_undecided`), never guessed.
- `judge_winner_accuracy`: the same verdict against the GT order over every pair whose scores differ, a "tie" or
  no verdict counting as wrong — so a text that never commits cannot hide behind the agreement's denominator. The judge is the offline rule set
(`judge.verdict`) unless another callable (e.g. an LLM judge) is passed, with its name for the signature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from adrbench.dataset import Dataset
from adrbench.metrics.signature import Signature
from adrbench.protocols.judge import JUDGE_VERSION, Verdict, verdict
from adrbench.protocols.ordering import gt_order
from adrbench.protocols.stats import (
    N_BOOTSTRAP,
    Entry,
    VideoBootstrap,
    count_entry,
    ratio_entry,
    signature,
)
from adrbench.records import Pair, PairPrediction

Judge = Callable[[str | None], Verdict]
RULES = f"rules-v{JUDGE_VERSION}"


def _winner(order: int | None) -> int | None:
    return {1: 1, -1: 2}.get(order) if order is not None else None


def _agreement(
    boot: VideoBootstrap,
    verdicts: list[Verdict],
    winners: list[int | None],
    sig: Signature,
    higher_is_better: bool | None = True,
) -> Entry:
    decided = np.array([v in (1, 2) and w is not None for v, w in zip(verdicts, winners, strict=True)])
    hits = np.array([float(v == w) for v, w in zip(verdicts, winners, strict=True)])
    return ratio_entry(boot, hits, None, sig, higher_is_better, decided)


def _accuracy(
    boot: VideoBootstrap, verdicts: list[Verdict], winners: list[int | None], sig: Signature
) -> Entry:
    """Like agreement, but over every pair with a true winner: a "tie" or no verdict counts as wrong."""
    has_winner = np.array([w is not None for w in winners])
    hits = np.array([float(v == w) for v, w in zip(verdicts, winners, strict=True)])
    return ratio_entry(boot, hits, None, sig, True, has_winner)


def _counts(prefix: str, verdicts: list[Verdict], judge_name: str) -> dict[str, Entry]:
    n = len(verdicts)
    return {
        f"{prefix}_tie": count_entry(
            sum(v == "tie" for v in verdicts), n, signature(f"{prefix}_tie", judge=judge_name)
        ),
        f"{prefix}_undecided": count_entry(
            sum(v is None for v in verdicts), n, signature(f"{prefix}_undecided", judge=judge_name)
        ),
    }


def judge_metrics(
    data: Dataset,
    pairs: Sequence[Pair],
    preds: Mapping[str, PairPrediction],
    judge: Judge = verdict,
    judge_name: str = RULES,
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Entry]:
    """Winner agreement and self-consistency of the generated descriptions (pairs without a prediction skipped)."""
    have = [p for p in pairs if p.id in preds]
    boot = VideoBootstrap([(p.video_1, p.video_2) for p in have], n_bootstrap, seed)
    verdicts = [judge(preds[p.id].description) for p in have]
    gt = [_winner(gt_order(data, p)) for p in have]
    own = [
        _winner(int(np.sign(preds[p.id].score_1 - preds[p.id].score_2)))  # type: ignore[operator]
        if preds[p.id].score_1 is not None and preds[p.id].score_2 is not None
        else None
        for p in have
    ]
    return {
        "judge_winner_agreement": _agreement(
            boot, verdicts, gt, signature("judge_winner_agreement", judge=judge_name, against="gt-scores")
        ),
        "judge_winner_accuracy": _accuracy(
            boot, verdicts, gt, signature("judge_winner_accuracy", judge=judge_name, against="gt-scores")
        ),
        "judge_self_consistency": _agreement(
            boot,
            verdicts,
            own,
            signature("judge_self_consistency", judge=judge_name, against="predicted-scores"),
        ),
        **_counts("judge", verdicts, judge_name),
    }


def gt_verdict_metrics(
    data: Dataset,
    pairs: Sequence[Pair],
    judge: Judge = verdict,
    judge_name: str = RULES,
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Entry]:
    """The paper's audit (§2: 128/150 agree), automated: GT description's verdict vs the GT score order."""
    boot = VideoBootstrap([(p.video_1, p.video_2) for p in pairs], n_bootstrap, seed)
    verdicts = [judge(p.description) for p in pairs]
    gt = [_winner(gt_order(data, p)) for p in pairs]
    return {
        "gt_verdict_agreement": _agreement(  # an audit of the data, not of a model: no better direction
            boot, verdicts, gt, signature("gt_verdict_agreement", judge=judge_name, against="gt-scores"), None
        ),
        **_counts("gt_verdict", verdicts, judge_name),
    }
