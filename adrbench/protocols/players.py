"""Player mentions in difference descriptions, and presenting a pair in the swapped order (B, A).

A mention is "<role> <n>" with role one of player, climber, athlete, performer, person, participant, subject,
individual, competitor, surgeon, video, and n one of 1/2/one/two (an optional "#" between), or "the first/second
<role>". A bare "the first" / "the second" is a mention too when the text also has a full ordinal mention and
the next word is not a noun of the action ("the first performer is steady; the second rushes" — but not "the
second attempt"). Swapping exchanges 1↔2, one↔two and first↔second inside mentions only, keeping the case.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from adrbench.records import Pair, PairPrediction

SWAP_SUFFIX = "~ba"

_ROLES = r"player|climber|athlete|performer|person|participant|subject|individual|competitor|surgeon|video"
#: "<role> <n>": group 1 = role, group 2 = separator, group 3 = number word.
NUMBERED = re.compile(rf"\b({_ROLES})(\s*#?\s*)(1|2|one|two)\b", re.IGNORECASE)
#: "the first/second <role>": group 1 = ordinal.
ORDINAL = re.compile(rf"\b(?:the\s+)(first|second)(\s+(?:{_ROLES}))\b", re.IGNORECASE)
#: Words after a bare ordinal that make it about the action, not a player ("the second attempt").
ACTION_NOUNS = (
    "half|attempt|attempts|time|times|jump|jumps|shot|shots|move|moves|step|steps|phase|part|rep|reps|repetition|"
    "try|hold|holds|touch|kick|pass|dribble|throw|throws|stitch|knot|round|set|trial|clip|frame|place"
)
#: "the first/second" with or without a role; group 2 (the role) is None for a bare ordinal.
_ANY_ORDINAL = re.compile(
    rf"\bthe\s+(first|second)\b(\s+(?:{_ROLES})\b)?(?!\s+(?:{ACTION_NOUNS})\b)", re.IGNORECASE
)

_SWAP = {"1": "2", "2": "1", "one": "two", "two": "one", "first": "second", "second": "first"}


def _same_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word.capitalize() if like[:1].isupper() else word


def _swapped(word: str) -> str:
    return _same_case(_SWAP[word.lower()], word)


def sub_ordinals(text: str, repl: Callable[[re.Match[str]], str]) -> str:
    """Replace ordinal mentions (full ones, and bare ones where the text has a full one) with `repl(match)`."""
    if not ORDINAL.search(text):
        return text
    return _ANY_ORDINAL.sub(repl, text)


def swap_players(text: str) -> str:
    """The same description with players 1 and 2 exchanged ("Player 1 is better" → "Player 2 is better")."""
    text = NUMBERED.sub(lambda m: m.group(1) + m.group(2) + _swapped(m.group(3)), text)
    return sub_ordinals(
        text, lambda m: m.group(0)[: m.start(1) - m.start(0)] + _swapped(m.group(1)) + (m.group(2) or "")
    )


def player_of(number_word: str) -> int:
    """1 or 2 for a mention's number word (1, one, first / 2, two, second)."""
    return 1 if number_word.lower() in ("1", "one", "first") else 2


def swap_pair(pair: Pair) -> Pair:
    """The pair presented as (video_2, video_1): id + "~ba", videos exchanged, description's players exchanged."""
    if pair.id.endswith(SWAP_SUFFIX):
        raise ValueError(f"pair {pair.id!r} is already a swapped presentation")
    return pair.model_copy(
        update={
            "id": pair.id + SWAP_SUFFIX,
            "video_1": pair.video_2,
            "video_2": pair.video_1,
            "description": swap_players(pair.description) if pair.description is not None else None,
        }
    )


def unswap_prediction(pred: PairPrediction) -> PairPrediction:
    """Map a prediction made on `swap_pair(p)` back to p's order: scores and players exchanged, `swapped=True`."""
    if pred.swapped:
        raise ValueError(f"prediction for {pred.pair_id!r} is already mapped back (swapped=True)")
    return pred.model_copy(
        update={
            "pair_id": pred.pair_id.removesuffix(SWAP_SUFFIX),
            "score_1": pred.score_2,
            "score_2": pred.score_1,
            "description": swap_players(pred.description) if pred.description is not None else None,
            "swapped": True,
        }
    )


def split_by_order(
    preds: list[PairPrediction],
) -> tuple[dict[str, PairPrediction], dict[str, PairPrediction]]:
    """(pair id → prediction in the (A,B) order, pair id → prediction in the (B,A) order, already unswapped)."""
    ab: dict[str, PairPrediction] = {}
    ba: dict[str, PairPrediction] = {}
    for pred in preds:
        (ba if pred.swapped else ab)[pred.pair_id] = pred
    return ab, ba
