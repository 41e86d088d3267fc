"""Closed probe (VidDiff's closed mode, adapted to ADR): given a difference statement, which player is it about?

Statements come from the pair's ground-truth description, split into clauses by the judge's splitter
(judge.py rules 1–3). A clause becomes a statement when it has a subject (named or inherited) and a non-zero
polarity; the others are dropped and counted (`probe_dropped`). In the statement the subject becomes "this
player" and the other player "the other player" ("Player 2 keeps the knees more stable than Player 1" →
"This player keeps the knees more stable than the other player."); an inherited subject is prefixed ("This
player: a stiff knee."), and the answer is the clause's subject. Synthetic pairs carry the generator's facts
(`Pair.meta["facts"]`, measured from the motion): each stated fact becomes one statement, said of the better or
the worse player by the same grammar that wrote the descriptions, with that player as the answer.

Answers come from `Model.probe`; a model without it (None) is answered from its generated description: the
judge's verdict over the clauses naming the statement's body parts (else its attributes), else over the whole
description, gives the better player v, and the answer is v for a positive statement, the other player for a
negative one. Statements left unanswered count as wrong (`probe_unanswered`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from adrbench.dataset import Dataset
from adrbench.models.base import Model
from adrbench.protocols.judge import JUDGE_VERSION, Clause, parse, verdict_of
from adrbench.protocols.lexicon import DOMAINS, LEXICON_VERSION, domain_of, tag
from adrbench.protocols.stats import (
    N_BOOTSTRAP,
    Entry,
    VideoBootstrap,
    count_entry,
    ratio_entry,
    signature,
)
from adrbench.records import Pair, PairPrediction

_MENTION = re.compile(r"@p([12])")


@dataclass(frozen=True)
class Statement:
    """One probe statement of a pair: neutral text, the player it is about, its sign, and its lexicon tags."""

    text: str
    answer: int
    positive: bool
    tags: frozenset[str]
    source: str  # "text" (the clause's subject) or "facts" (the generator's facts)


def _neutral(clause: Clause) -> str:
    def name(m: re.Match[str]) -> str:
        return "this player" if int(m.group(1)) == clause.subject else "the other player"

    body = _MENTION.sub(name, clause.text)
    if not clause.explicit:
        body = f"this player: {body}"
    return body[:1].upper() + body[1:] + "."


def statements_of(data: Dataset, pair: Pair) -> tuple[list[Statement], int]:
    """(statements, clauses dropped) of a pair: from its generator facts where it has them, else its description."""
    if "facts" in pair.meta:
        return _fact_statements(pair), 0
    if not pair.description:
        return [], 0
    out, dropped = [], 0
    domain = domain_of(pair.category)
    for clause in parse(pair.description):
        if clause.subject is None or clause.polarity == 0:
            dropped += 1
            continue
        tags = tag(clause.text, domain)
        out.append(Statement(_neutral(clause), clause.subject, clause.polarity > 0, tags, "text"))
    return out, dropped


def _fact_statements(pair: Pair) -> list[Statement]:
    """One statement per stated fact (Pair.meta["facts"], synthetic data), said of the better or worse player."""
    from adrbench.data.synth.facts import Fact
    from adrbench.data.synth.grammar import probe_statement

    out = []
    domain = domain_of(pair.category)
    for i, raw in enumerate(pair.meta["facts"]):
        fact = Fact.from_json(raw)
        digest = hashlib.sha256(f"{pair.id}|{i}".encode()).digest()
        text, answer, positive = probe_statement(fact, np.random.default_rng(int.from_bytes(digest[:8], "little")))
        out.append(Statement(text, answer, positive, tag(text, domain), "facts"))
    return out


def build_probe(data: Dataset, pairs: Sequence[Pair]) -> tuple[dict[str, list[Statement]], int]:
    """pair id → statements (pairs without any are left out), and the number of clauses dropped."""
    items, dropped = {}, 0
    for pair in pairs:
        stmts, d = statements_of(data, pair)
        dropped += d
        if stmts:
            items[pair.id] = stmts
    return items, dropped


def collect_probe_answers(
    model: Model, data: Dataset, items: Mapping[str, list[Statement]]
) -> dict[str, list[int | None] | None]:
    """Ask the model (`Model.probe`) about each pair's statements; None where it does not support the probe."""
    return {pid: model.probe(data, data.pairs[pid], [s.text for s in stmts]) for pid, stmts in items.items()}


def fallback_answer(statement: Statement, description: str | None, domain: str) -> int | None:
    """The answer implied by a generated description (see the module docstring), or None."""
    if not description:
        return None
    clauses = parse(description)
    kinds = {t.name: t.kind for t in DOMAINS[domain]}
    wanted = [t for t in statement.tags if kinds.get(t) == "part"] or list(statement.tags)
    better = None
    if wanted:
        near = [c for c in clauses if tag(c.text, domain) & set(wanted)]
        better = verdict_of(near) if near else None
    if better not in (1, 2):
        better = verdict_of(clauses)
    if better not in (1, 2):
        return None
    return better if statement.positive else 3 - better  # type: ignore[operator]


def probe_metrics(
    data: Dataset,
    items: Mapping[str, list[Statement]],
    answers: Mapping[str, Sequence[int | None] | None],
    preds: Mapping[str, PairPrediction],
    dropped: int = 0,
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Entry]:
    """Closed-probe accuracy over statements (bootstrap over videos), with dropped/fallback/unanswered counts."""
    ids = list(items)
    boot = VideoBootstrap([(data.pairs[i].video_1, data.pairs[i].video_2) for i in ids], n_bootstrap, seed)
    correct = np.zeros(len(ids))
    total = np.zeros(len(ids))
    fallback = unanswered = from_facts = 0
    for row, pid in enumerate(ids):
        stmts = items[pid]
        given = answers.get(pid)
        if given is None or len(given) != len(stmts):
            pred = preds.get(pid)
            domain = domain_of(data.pairs[pid].category)
            given = [fallback_answer(s, pred.description if pred else None, domain) for s in stmts]
            fallback += len(stmts)
        for s, a in zip(stmts, given, strict=True):
            correct[row] += a == s.answer
            unanswered += a not in (1, 2)
            from_facts += s.source == "facts"
        total[row] = len(stmts)
    n = int(total.sum())
    sig = signature(
        "probe_acc",
        statements=f"gt-clauses(judge-v{JUDGE_VERSION})",
        truth="subject|facts",
        answer="probe",
        fallback=f"judge-by-part(lexicon-v{LEXICON_VERSION})",
        unanswered="wrong",
    )
    out = {"probe_acc": ratio_entry(boot, correct, total, sig, True, n=n)}  # n = statements, not pairs
    out["probe_dropped"] = count_entry(
        dropped, n + dropped, signature("probe_dropped", reason="no subject or polarity")
    )
    out["probe_fallback"] = count_entry(
        fallback, n, signature("probe_fallback", answer="generated description")
    )
    out["probe_unanswered"] = count_entry(unanswered, n, signature("probe_unanswered"))
    out["probe_fact_truth"] = count_entry(
        from_facts, n, signature("probe_fact_truth", source="Pair.meta.facts")
    )
    return out
