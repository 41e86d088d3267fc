"""ADR multiple choice (peers.md F4): pick the pair's true difference description among k distractors.

Distractors, in this order of preference: `swapped` (the description with players 1 and 2 exchanged),
`wrong-part` (every body/instrument part word replaced by a part it does not name, lexicon.py), then
`other-pair` (another pair's description of the same sub-activity, else the same sport, else any). Options
never repeat (compared case- and space-insensitively) and the answer appears once; when fewer than k distinct
distractors exist the item has fewer options, and the reported chance level is the mean of 1/len(options).
Each pair's choices and option order come from its own generator, seeded by sha256(seed, pair id), so they
do not depend on which other pairs are evaluated or in what order.

Scoring: `Model.choose` scores the options (argmax); a model without it is scored by how well its generated
description agrees with each option in content — the F1 of their claims (claims.py: who is better at which body
part, read by the offline judge), which a role swap or a wrong body part changes and n-gram overlap does not —
with the ROUGE-L F-measure (rouge-score tokenizer, no stemming) breaking ties. A tie at the top
earns 1/m when the answer is one of the m tied options. An item with neither counts as wrong
(`mcq_unanswered`). `mcq_picked_<kind>` is the share of items whose pick is a distractor of that kind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from adrbench.dataset import Dataset
from adrbench.metrics import rouge_item_scores, rouge_stats
from adrbench.models.base import Model
from adrbench.protocols.claims import claim_f1
from adrbench.protocols.judge import JUDGE_VERSION
from adrbench.protocols.lexicon import LEXICON_VERSION, domain_of, replace_parts
from adrbench.protocols.players import swap_players
from adrbench.protocols.stats import (
    N_BOOTSTRAP,
    Entry,
    VideoBootstrap,
    count_entry,
    entry,
    ratio_entry,
    signature,
)
from adrbench.records import Pair, PairPrediction

KINDS = ("swapped", "wrong-part", "other-pair")
_TIE_BREAK = 1e-3  # ROUGE-L only decides between options with equal claim F1
_FALLBACK = f"claim-f1(judge-v{JUDGE_VERSION})+1e-3*rouge-l-f"


@dataclass(frozen=True)
class ChoiceItem:
    """One multiple-choice item: the options, the index of the true description, and each option's kind."""

    pair_id: str
    options: tuple[str, ...]
    answer: int
    kinds: tuple[str, ...]


def item_rng(seed: int, key: str) -> np.random.Generator:
    """A generator that depends only on (seed, key)."""
    digest = hashlib.sha256(f"{seed}\x00{key}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


class PairIndex:
    """The dataset's described pairs by id, grouped by sub-activity and by sport (built once per item set)."""

    def __init__(self, data: Dataset) -> None:
        self.pairs = [p for _, p in sorted(data.pairs.items()) if p.description]
        self.by_group: dict[str, list[Pair]] = {}
        self.by_category: dict[str, list[Pair]] = {}
        for p in self.pairs:
            self.by_group.setdefault(p.group, []).append(p)
            self.by_category.setdefault(p.category, []).append(p)

    def pools(self, pair: Pair) -> Iterator[Callable[[], list[Pair]]]:
        """Other pairs: same sub-activity, then same sport, then other sports (each sorted by id), each built
        only when called."""
        yield lambda: [p for p in self.by_group.get(pair.group, []) if p.id != pair.id]
        yield lambda: [p for p in self.by_category.get(pair.category, []) if p.group != pair.group]
        yield lambda: [p for p in self.pairs if p.category != pair.category]


def choice_item(
    data: Dataset, pair: Pair, k: int = 3, seed: int = 0, index: PairIndex | None = None
) -> ChoiceItem | None:
    """The multiple-choice item of one pair, or None if it has no description."""
    if not pair.description:
        return None
    index = index or PairIndex(data)
    rng = item_rng(seed, pair.id)
    seen = {_norm(pair.description)}
    chosen: list[tuple[str, str]] = []

    def offer(text: str | None, kind: str) -> None:
        if text and len(chosen) < k and _norm(text) not in seen:
            seen.add(_norm(text))
            chosen.append((text, kind))

    offer(swap_players(pair.description), "swapped")
    offer(replace_parts(pair.description, rng, domain_of(pair.category)), "wrong-part")
    for make_pool in index.pools(pair):
        if len(chosen) >= k:
            break
        pool = make_pool()
        for i in rng.permutation(len(pool)):
            if len(chosen) >= k:
                break
            offer(pool[int(i)].description, "other-pair")
    options = [(pair.description, "answer"), *chosen]
    order = rng.permutation(len(options))
    return ChoiceItem(
        pair_id=pair.id,
        options=tuple(options[int(i)][0] for i in order),
        answer=int(np.flatnonzero(order == 0)[0]),
        kinds=tuple(options[int(i)][1] for i in order),
    )


def build_choices(data: Dataset, pairs: Sequence[Pair], k: int = 3, seed: int = 0) -> list[ChoiceItem]:
    """Multiple-choice items for the pairs that have a ground-truth description."""
    if k < 1:
        raise ValueError(f"k (distractors per item) must be >= 1, got {k}")
    index = PairIndex(data)
    items = (choice_item(data, p, k, seed, index) for p in pairs)
    return [item for item in items if item is not None]


def collect_choice_scores(
    model: Model, data: Dataset, items: Sequence[ChoiceItem]
) -> dict[str, list[float] | None]:
    """Ask the model (`Model.choose`) to score each item's options; None where it cannot."""
    return {item.pair_id: model.choose(data, data.pairs[item.pair_id], item.options) for item in items}


def _similarities(description: str, options: Sequence[str], domain: str) -> list[float]:
    """Claim F1 (claims.py: who is better at which body part) first, ROUGE-L F-measure to break ties."""
    stats = rouge_stats([description] * len(options), list(options), "L")
    rouge = rouge_item_scores(stats, "L")[:, 2]
    pairs = zip(options, rouge, strict=True)
    return [claim_f1(description, option, domain) + _TIE_BREAK * float(r) for option, r in pairs]


def _credit(item: ChoiceItem, scores: Sequence[float]) -> tuple[float, dict[str, float]]:
    values = np.asarray(scores, dtype=np.float64)
    top = np.flatnonzero(values == values.max())
    picked = {
        kind: float(np.isin(top, [i for i, k in enumerate(item.kinds) if k == kind]).sum()) / len(top)
        for kind in KINDS
    }
    return (1.0 / len(top) if item.answer in top else 0.0), picked


def choice_metrics(
    data: Dataset,
    items: Sequence[ChoiceItem],
    scores: Mapping[str, Sequence[float] | None],
    preds: Mapping[str, PairPrediction],
    k: int = 3,
    seed: int = 0,
    *,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict[str, Entry]:
    """Multiple-choice accuracy with its chance level, fallback and unanswered counts, and picks per kind.

    `seed` is the items' seed (as given to `build_choices`) and the bootstrap's."""
    boot = VideoBootstrap(
        [(data.pairs[i.pair_id].video_1, data.pairs[i.pair_id].video_2) for i in items], n_bootstrap, seed
    )
    credit = np.zeros(len(items))
    picks = {kind: np.zeros(len(items)) for kind in KINDS}
    fallback = unanswered = 0
    for row, item in enumerate(items):
        given = scores.get(item.pair_id)
        ok = given is not None and len(given) == len(item.options) and bool(np.all(np.isfinite(given)))
        if not ok:
            pred = preds.get(item.pair_id)
            fallback += 1
            if pred is None or not pred.description:
                unanswered += 1
                continue
            domain = domain_of(data.pairs[item.pair_id].category)
            given = _similarities(pred.description, item.options, domain)
        credit[row], picked = _credit(item, given)  # type: ignore[arg-type]
        for kind in KINDS:
            picks[kind][row] = picked[kind]
    n = len(items)
    base = dict(k=k, seed=seed, distractors="swapped,wrong-part,other-pair", lexicon=f"v{LEXICON_VERSION}")
    sig = signature("mcq_acc", **base, answer="choose-argmax", fallback=_FALLBACK, ties="split")
    chance = float(np.mean([1.0 / len(i.options) for i in items])) if items else None
    out = {
        "mcq_acc": ratio_entry(boot, credit, None, sig, True),
        "mcq_chance": entry(
            chance, None, n, signature("mcq_chance", **base, definition="mean 1/len(options)"), None
        ),
        "mcq_fallback": count_entry(fallback, n, signature("mcq_fallback", similarity=_FALLBACK)),
        "mcq_unanswered": count_entry(unanswered, n, signature("mcq_unanswered", policy="wrong")),
    }
    for kind in KINDS:
        key = f"mcq_picked_{kind.replace('-', '_')}"
        out[key] = ratio_entry(boot, picks[kind], None, signature(key, **base), False)  # a distractor picked
    return out
