"""What a difference description claims: (body part, better player) pairs, read by the offline judge's parser.

A clause with a subject and a non-zero polarity (judge.py rules 1–4) claims that its subject is the better player
(polarity > 0) or the worse one (< 0) at every body part it names (lexicon part tags); an overall clause also
claims ("overall", better player), a tie clause ("overall", "tie"). Two descriptions agree in content as far as
their claims agree, which n-gram overlap cannot tell: the same words with the players swapped claim the opposite.
"""

from __future__ import annotations

from functools import lru_cache

from adrbench.protocols.judge import parse
from adrbench.protocols.lexicon import DOMAINS, tag

Claim = tuple[str, int | str]


@lru_cache(maxsize=1 << 15)
def claims(text: str, domain: str = "sports") -> frozenset[Claim]:
    """The claims of a description (see the module docstring)."""
    part_names = {t.name for t in DOMAINS[domain] if t.kind == "part"}
    out: set[Claim] = set()
    for clause in parse(text):
        if clause.overall and clause.tie and clause.polarity == 0:
            out.add(("overall", "tie"))
        if clause.subject is None or clause.polarity == 0:
            continue
        better = clause.subject if clause.polarity > 0 else 3 - clause.subject
        out.update((part, better) for part in tag(clause.text, domain) & part_names)
        if clause.overall:
            out.add(("overall", better))
    return frozenset(out)


def claim_f1(hypothesis: str, reference: str, domain: str = "sports") -> float:
    """F1 of the two descriptions' claim sets (1.0 when both claim nothing)."""
    a, b = claims(hypothesis, domain), claims(reference, domain)
    if not a and not b:
        return 1.0
    return 2.0 * len(a & b) / (len(a) + len(b))
