"""The offline rule-based judge: which player a difference description says is better overall (issue 8).

Rules, applied in order (version `JUDGE_VERSION`; every cue list is below, as data):

1. Mentions. "Player/Climber/... 1|2|one|two" and "the first/second player" (and a bare "the second" where
   the text has a full ordinal mention) become @p1/@p2 (see players.py); "@p1 and @p2" becomes "both players".
2. Clauses. The text is cut into sentences (. ! ?) and each sentence at ";", "whereas", "while", "but",
   "though", "although", "however", "despite", "yet", "in contrast", and before a mention that follows a comma
   or "and" (", Player 2 ...") when the text since the last cut already names a player (so "Overall, Player 1
   ..." and "Compared to Player 1, Player 2 ..." stay whole). Separator words are dropped from the clause text.
3. Subject. A clause's subject is its first mention not preceded by an object marker (than, to, unlike, over,
   versus, vs, from, with, by, against). A clause about both players (it starts, after an optional "overall",
   with "both", "neither", "each" or "the two", or names no player and says "both/neither/each players" or "the
   two players") has no subject; any other clause without a mention inherits the previous clause's subject
   ("despite ...").
4. Polarity. Scanning the clause's words: a comparative cue (better, superior, excels, outperforms, fuller ...)
   counts ±2; an absolute cue (good, stable, struggles, errors ...) ±1; "more"/"less"/"fewer" + a cue within the
   next two words count ±2 with the cue's sign (more) or its opposite (less, fewer: "fewer errors" is +2);
   an intensifier (significantly, much, far, clearly ...) multiplies the next cue by 1.5; a negator (not, no,
   never, n't, without, cannot, hardly, barely, nor; "not only" excepted) flips the next cue; a
   comparative verb followed by "by" is passive and flips ("is outperformed by"); "more"/"less" directly before
   "than" is a comparative of its own (+2/−2: "bends less than") when the clause has no cue yet, else it
   strengthens (more: +1 in the cue's direction) or reverses (less: 2 against it) what was said ("wobbles less
   than" is +1); after a deficiency verb
   (lacks, struggles, fails, misses, needs, should) the clause's later positive cues are ignored (they name
   what is missing). "as well as" is not a cue. Words match a cue as written or after removing one of the
   suffixes s, es, d, ed, ing (absolute positive cues only as written: "wells" is not "well").
5. Overall first. A clause containing "overall" is an overall clause. If any overall clause has a subject and
   a non-zero polarity, or states a tie, only overall clauses are counted.
6. Verdict. Each counted clause adds its polarity to its subject's total; net = total(1) − total(2).
   net > 0 → 1, net < 0 → 2. net = 0 → "tie" if some counted clause had a subject and a polarity, or a tie
   cue (similar, equal(ly), comparable, identical, same, on par, evenly); otherwise None (the text does not say).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from adrbench.protocols.players import NUMBERED, player_of, sub_ordinals

JUDGE_VERSION = "2"
Verdict = Literal[1, 2, "tie"] | None

COMPARATIVE_POS = frozenset(
    "better superior superiority excel excels excelled excelling outperform outperformed outperforms outshine "
    "outshines outshone surpass surpasses surpassed outclass outclasses outclassed outdo outdoes outdid beats "
    "stronger smoother cleaner fuller steadier quicker faster greater advantage edge dominate dominates further "
    "deeper bigger larger wider".split()
)
COMPARATIVE_NEG = frozenset(
    "worse inferior weaker poorer sloppier shakier clumsier jerkier choppier shallower stiffer".split()
)
ABSOLUTE_POS = frozenset(
    "good great excellent strong solid proficient proficiency effective effectively efficient efficiently precise "
    "precisely accurate accurately correct correctly proper properly consistent consistently stable stability "
    "steady steadily controlled smooth smoothly fluid fluidly clean cleanly skillful skilful skilled skillfully "
    "confident confidently successful successfully well impressive optimal balanced powerful explosive "
    "coordinated mastery masterful crisp superb tight excellence full prompt promptly".split()
)
ABSOLUTE_NEG = frozenset(
    "poor poorly bad badly weak weakness weaknesses inconsistent inconsistently inconsistency unstable instability "
    "unsteady sloppy awkward awkwardly hesitant hesitation stiff incorrect incorrectly improper improperly "
    "inaccurate inaccurately inefficient ineffective error errors mistake mistakes issue issues problem problems "
    "difficulty difficulties fall falls fell drop drops dropped slip slipped flaw flaws flawed fault faults "
    "faulty uncontrolled wobbly wobble loses lost losing limited suboptimal clumsy rushed deficient deficiency "
    "fatigue sluggish rush late lag delay shaky jitter jittery tremor tremors sway choppy jerky restricted "
    "shallow".split()
)
#: Deficiency verbs: negative cues whose object (later positive cues in the clause) names what is missing.
DEFICIENCY = frozenset("struggle lack fail miss need needs should".split())
INTENSIFIERS = frozenset(
    "significantly much far clearly considerably notably markedly substantially vastly greatly noticeably "
    "dramatically".split()
)
NEGATORS = frozenset("not no never without cannot hardly barely nor".split())
MORE, LESS = frozenset({"more"}), frozenset({"less", "fewer"})
TIE_CUES = frozenset("similar similarly equal equally comparable comparably identical same evenly".split())
PASSIVE_VERBS = frozenset(
    "outperformed outshone surpassed outclassed beaten bested exceeded overshadowed".split()
)
OBJECT_MARKERS = frozenset("than to unlike over versus vs from with by against".split())
SUFFIXES = ("s", "es", "d", "ed", "ing")

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SEPARATORS = re.compile(
    r"\s*;\s*|,?\s+(?:whereas|while|but|though|although|however|despite|yet|in contrast)\b,?\s*"
)
_BEFORE_MENTION = re.compile(r",\s*(?=@p[12]\b)|\s+and\s+(?=@p[12]\b)")
_GROUP = re.compile(
    r"^(?:overall\W+)?(?:both|neither|each|the two)\b|\b(?:both|neither|each|the two) (?:players?|climbers?|athletes?)\b"
)
_TOKEN = re.compile(r"@p[12]|[a-z]+(?:'[a-z]+)?")
_BOTH = re.compile(r"@p([12])\s+and\s+@p(?!\1)[12]")


@dataclass(frozen=True)
class Clause:
    """One clause: its text with mentions as @p1/@p2, the player it is about, its polarity and flags."""

    text: str
    subject: int | None
    polarity: float
    overall: bool
    tie: bool
    explicit: bool  # the subject is named in the clause (not inherited)


def mark_mentions(text: str) -> str:
    """Lower-cased text with every player mention replaced by @p1 / @p2 and "@p1 and @p2" by "both players"."""
    text = NUMBERED.sub(lambda m: f"@p{player_of(m.group(3))}", text)
    text = sub_ordinals(text, lambda m: f"@p{player_of(m.group(1))}")
    return _BOTH.sub("both players", text.lower())


def split_clauses(text: str) -> list[str]:
    """Clauses of a description (rules 1–2), mentions marked, separators removed, empty pieces dropped."""
    out: list[str] = []
    for sentence in _SENTENCE.split(mark_mentions(text).strip()):
        for piece in _SEPARATORS.split(sentence):
            for part in _cut_before_mentions(piece):
                part = part.strip(" ,.!?:")
                if part:
                    out.append(part)
    return out


def _cut_before_mentions(piece: str) -> list[str]:
    """Cut before a mention that follows a comma or "and", if the text since the last cut names a player."""
    parts, start = [], 0
    for m in _BEFORE_MENTION.finditer(piece):
        if "@p" in piece[start : m.start()]:
            parts.append(piece[start : m.start()])
            start = m.end()
    return [*parts, piece[start:]]


def _lookup(word: str, lexicon: frozenset[str]) -> bool:
    if word in lexicon:
        return True
    return any(word.endswith(s) and word[: -len(s)] in lexicon for s in SUFFIXES if len(word) > len(s) + 2)


@lru_cache(maxsize=1 << 16)
def _cue(word: str) -> tuple[int, float] | None:
    """(sign, weight) of a cue word, or None."""
    if _lookup(word, COMPARATIVE_POS):
        return 1, 2.0
    if _lookup(word, COMPARATIVE_NEG):
        return -1, 2.0
    if word in ABSOLUTE_POS:  # absolute positives are matched exactly: "wells", "cleaned" are not praise
        return 1, 1.0
    if _lookup(word, ABSOLUTE_NEG) or _lookup(word, DEFICIENCY):
        return -1, 1.0
    return None


def polarity(tokens: list[str]) -> tuple[float, bool]:
    """(polarity, tie cue present) of a clause's tokens (rule 4)."""
    total, negate, boost, deficient, tie = 0.0, False, 1.0, False, False
    skip: set[int] = set()
    for i, word in enumerate(tokens):
        if i in skip or word.startswith("@p"):
            continue
        if word in TIE_CUES or (word == "par" and i > 0 and tokens[i - 1] == "on"):
            tie = True
            continue
        if word == "well" and i > 0 and tokens[i - 1] == "as":  # "as well as", "as well"
            continue
        if word in NEGATORS or word.endswith("n't"):
            if not (word == "not" and tokens[i + 1 : i + 2] == ["only"]):
                negate = True
            continue
        if word in INTENSIFIERS:
            boost = 1.5
            continue
        if (word in MORE or word in LESS) and tokens[i + 1 : i + 2] == ["than"]:
            # "bends less than", "wobbles more than": comparative on its own, or intensifying the cue before
            seen = 1 if total > 0 else -1 if total < 0 else 0
            if word in MORE:
                total += seen * 1.0 if seen else 2.0
            else:
                total += -seen * 2.0 if seen else -2.0
            continue
        if word in MORE or word in LESS:
            for j in (i + 1, i + 2):
                cue = _cue(tokens[j]) if j < len(tokens) else None
                if cue is not None:
                    sign = cue[0] if word in MORE else -cue[0]
                    skip.add(j)
                    total, negate, boost = _add(total, sign, 2.0, negate, boost, deficient)
                    break
            continue
        cue = _cue(word)
        if cue is None:
            continue
        sign, weight = cue
        if word in PASSIVE_VERBS and tokens[i + 1 : i + 2] == ["by"]:
            sign = -sign
        was_negated = negate
        total, negate, boost = _add(total, sign, weight, negate, boost, deficient)
        if _lookup(word, DEFICIENCY) and not was_negated:
            deficient = True
    return total, tie


def _add(
    total: float, sign: int, weight: float, negate: bool, boost: float, deficient: bool
) -> tuple[float, bool, float]:
    if negate:
        sign = -sign
    if deficient and sign > 0:
        return total, False, 1.0
    return total + sign * weight * boost, False, 1.0


def _subject(tokens: list[str]) -> int | None:
    for i, word in enumerate(tokens):
        if word.startswith("@p") and not (i > 0 and tokens[i - 1] in OBJECT_MARKERS):
            return int(word[2])
    return None


def parse(text: str) -> list[Clause]:
    """The clauses of a description with subject, polarity and flags (rules 1–4)."""
    return list(_parse(text))


@lru_cache(maxsize=1 << 14)
def _parse(text: str) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    previous: int | None = None
    for piece in split_clauses(text):
        tokens = _TOKEN.findall(piece)
        subject = _subject(tokens)
        explicit = subject is not None
        mentioned = any(t.startswith("@p") for t in tokens)
        group = _GROUP.search(piece) is not None and (not mentioned or _GROUP.match(piece) is not None)
        if group:
            subject, explicit = None, False
        elif subject is None and not mentioned:
            subject = previous
        score, tie = polarity(tokens)
        clauses.append(Clause(piece, subject, score, "overall" in tokens, tie, explicit))
        previous = subject
    return tuple(clauses)


def verdict_of(clauses: Sequence[Clause]) -> Verdict:
    """The verdict of parsed clauses (rules 5–6)."""
    overall = [c for c in clauses if c.overall and ((c.subject is not None and c.polarity != 0) or c.tie)]
    counted = overall or clauses
    totals = {1: 0.0, 2: 0.0}
    evidence = False
    for c in counted:
        if c.subject is not None and c.polarity != 0:
            totals[c.subject] += c.polarity
            evidence = True
        evidence = evidence or c.tie
    net = totals[1] - totals[2]
    if net > 0:
        return 1
    if net < 0:
        return 2
    return "tie" if evidence else None


def verdict(description: str | None) -> Verdict:
    """Which player a difference description says is better overall: 1, 2, "tie", or None if it does not say."""
    if not description:
        return None
    return verdict_of(_parse(description))
