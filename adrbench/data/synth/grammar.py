"""A stochastic grammar that says adr-synth facts in many ways: pair descriptions, probe statements, comments.

Each fact (adrbench.data.synth.facts) has templates in three forms — the better player as subject, the worse
player as subject, and a contrast of the two ("…, while …") — for each aspect, with synonyms for the body part
("the knees", "both knee joints"), the movement ("knee bend", "knee drive"), the phase ("during the dip",
"In the dip, …") and a size adverb from the fact's salience. A description names its players one way, chosen per
description ("Player 1", "the first player", "Player One", "Athlete 1", "Climber 1"); two facts about the same
aspect, phase and better player may be said in one clause ("… the knees and hips …"); facts come in random order
and the overall verdict opens or closes the text. Every random choice comes from the `rng` given, so a caller
seeding it per pair and reference gets texts that do not depend on what else is generated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from adrbench.data.synth.facts import Fact

Verdict = int | str  # 1, 2 or "tie"
T = TypeVar("T")

_PARTS = {  # (with article, bare) — always plural, so verbs agree
    "knee": (("the knees", "knees"), ("both knees", "knees"), ("the knee joints", "knee joints")),
    "hip": (("the hips", "hips"), ("both hips", "hips"), ("the hip joints", "hip joints")),
    "elbow": (("the elbows", "elbows"), ("both elbows", "elbows"), ("the elbow joints", "elbow joints")),
    "shoulder": (
        ("the shoulders", "shoulders"),
        ("both shoulders", "shoulders"),
        ("the shoulder joints", "shoulder joints"),
    ),
}
_MOVEMENT = {
    "knee": ("knee bend", "knee drive", "knee movement", "knee action"),
    "hip": ("hip drive", "hip flexion", "hip movement", "hip action"),
    "elbow": ("elbow extension", "elbow movement", "elbow action"),
    "shoulder": ("shoulder lift", "shoulder swing", "shoulder movement", "shoulder action"),
}
_VERB = {
    "knee": ("bends", "flexes"),
    "hip": ("flexes", "drives"),
    "elbow": ("extends", "bends"),
    "shoulder": ("swings",),
}

# {W}/{L}: better/worse player, {Wp}/{Lp}: their possessives, {P}/{Pb}: part (with article / bare),
# {M}: movement noun, {V}: verb, {adv}: size adverb (with trailing space or empty), {ph}: phase phrase,
# {a|b}: singular|plural verb form agreeing with {M}.
_TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "range": {
        "winner": (
            "{W} moves {P} through a {adv}fuller range than {L}{ph}",
            "{W} gets a {adv}bigger range of motion at {P} than {L}{ph}",
            "{W} {V} {P} {adv}further than {L}{ph}",
            "{Wp} {M} {is|are} {adv}bigger than {Lp}{ph}",
        ),
        "loser": (
            "{L} {V} {P} less than {W}{ph}",
            "{L} shows a {adv}more limited range at {P} than {W}{ph}",
            "{Lp} range of motion at {P} is {adv}more restricted than {Wp}{ph}",
            "{Lp} {M} {is|are} {adv}shallower than {Wp}{ph}",
        ),
        "contrast": (
            "{W} uses the full range at {P}{ph}, while {L} falls short",
            "{W} gets the full range out of the {M}{ph}, whereas {Lp} {M} {stays|stay} limited",
        ),
    },
    "timing": {
        "winner": (
            "{W} times the {M} {adv}better than {L}{ph}",
            "{Wp} {M} {is|are} {adv}better timed than {Lp}{ph}",
            "{W} starts the {M} {adv}more promptly than {L}{ph}",
        ),
        "loser": (
            "{L} is {adv}late with the {M} compared with {W}{ph}",
            "{Lp} {M} {lags|lag} behind {Wp}{ph}",
            "{Lp} {M} {is|are} {adv}delayed relative to {Wp}{ph}",
        ),
        "contrast": (
            "{W} starts the {M} right on time{ph}, while {Lp} {M} {comes|come} late",
            "{Wp} {M} {is|are} well timed{ph}, whereas {L} lags",
        ),
    },
    "smoothness": {
        "winner": (
            "{W} moves {P} {adv}more smoothly than {L}{ph}",
            "{Wp} {M} {is|are} {adv}smoother than {Lp}{ph}",
            "{W} shows {adv}less jitter at {P} than {L}{ph}",
            "{W} keeps {P} {adv}more fluid than {L}{ph}",
        ),
        "loser": (
            "{Lp} {Pb} look {adv}shakier than {Wp}{ph}",
            "{L} shows {adv}more tremor at {P} than {W}{ph}",
            "{Lp} {M} {is|are} {adv}jerkier than {Wp}{ph}",
        ),
        "contrast": (
            "{W} keeps {P} smooth{ph}, while {Lp} {Pb} jitter",
            "{Wp} {M} {is|are} fluid{ph}, whereas {L} shows a visible tremor",
        ),
    },
    "steadiness": {
        "winner": (
            "{W} keeps {P} {adv}steadier than {L}{ph}",
            "{W} holds {P} {adv}more stable than {L}{ph}",
            "{Wp} {Pb} wobble {adv}less than {Lp}{ph}",
        ),
        "loser": (
            "{Lp} {Pb} wobble {adv}more than {Wp}{ph}",
            "{L} lets {P} sway {adv}more than {W}{ph}",
            "{L} is {adv}less steady at {P} than {W}{ph}",
        ),
        "contrast": (
            "{W} keeps {P} steady{ph}, while {Lp} {Pb} wobble",
            "{Wp} {Pb} stay stable{ph}, whereas {L} sways noticeably",
        ),
    },
}
_BIG, _SMALL = ("clearly ", "noticeably "), ("slightly ", "a little ")
_PHASE_END = (" during the {p}", " in the {p}", " in the {p} phase")
_PHASE_FRONT = ("During the {p}, ", "In the {p}, ")
_OVERALL = (
    "Overall, {W} performs {adv}better",
    "Overall, {W} gives the {adv}stronger performance",
    "Overall, {W} outperforms {L}",
    "Overall, {L} is the weaker of the two",
    "{W} is the {adv}better performer overall",
)
_TIE = (
    "Overall, the two {role}s perform at a similar level",
    "Overall, both {role}s perform about equally well",
    "Overall, {W} and {L} are on par",
    "Overall, their performances are comparable",
)
_SAME = (
    "Both {role}s move their elbows, shoulders, hips and knees in much the same way",
    "The two {role}s show no clear difference at the elbows, shoulders, hips or knees",
)
_AGREE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


@dataclass(frozen=True)
class Voice:
    """How one text names the two players: names[k] for player k, and a plural role noun."""

    names: dict[int, str]
    role: str

    def name(self, k: int) -> str:
        return self.names[k]

    def possessive(self, k: int) -> str:
        return f"{self.names[k]}'s"


def voices(category: str) -> list[Voice]:
    """The ways a description may name the players of a pair of this sport."""
    role = "climber" if category == "Rock Climbing" else "athlete"
    return [
        Voice({1: "Player 1", 2: "Player 2"}, "player"),
        Voice({1: "the first player", 2: "the second player"}, "player"),
        Voice({1: "Player One", 2: "Player Two"}, "player"),
        Voice({1: f"{role.capitalize()} 1", 2: f"{role.capitalize()} 2"}, role),
        Voice({1: f"the first {role}", 2: f"the second {role}"}, role),
    ]


def probe_voice(subject: int) -> Voice:
    """The neutral naming of a probe statement: "this player" is `subject`."""
    return Voice({subject: "this player", 3 - subject: "the other player"}, "player")


def _pick(options: Sequence[T], rng: np.random.Generator) -> T:
    return options[int(rng.integers(len(options)))]


def _adverb(salience: float, rng: np.random.Generator) -> str:
    if salience >= 0.9:
        return _pick(_BIG, rng)
    if salience < 0.3:
        return _pick(_SMALL, rng)
    return ""


def _fill(template: str, slots: dict[str, str], plural: bool) -> str:
    text = _AGREE.sub(lambda m: m.group(2) if plural else m.group(1), template)
    return text.format(**slots)


def fact_clause(
    facts: Sequence[Fact],
    voice: Voice,
    rng: np.random.Generator,
    form: str | None = None,
    phase_front: bool | None = None,
) -> tuple[str, str]:
    """(sentence, form) saying one fact, or two facts that share aspect, phase and better player."""
    head = facts[0]
    form = form or _pick(("winner", "winner", "loser", "contrast"), rng)
    groups = [f.group for f in facts]
    part_choice = int(rng.integers(3))
    parts = [_PARTS[g][part_choice] for g in groups]
    if len(groups) == 1:
        with_article, bare = parts[0]
        movement = _pick(_MOVEMENT[head.group], rng)
        verb = _pick(_VERB[head.group], rng)
    else:
        with_article = (
            f"{parts[0][0]} and {parts[1][1]}" if part_choice != 1 else f"both {groups[0]}s and {groups[1]}s"
        )
        bare = f"{parts[0][1]} and {parts[1][1]}"
        movement = f"{groups[0]} and {groups[1]} movements"
        verb = "moves"
    phase = head.phase
    front = bool(rng.random() < 0.3) if phase_front is None else phase_front
    if front:
        ph, lead = "", _pick(_PHASE_FRONT, rng).format(p=phase)
    else:
        ph, lead = _pick(_PHASE_END, rng).format(p=phase), ""
    w, lo = head.better, 3 - head.better
    slots = {
        "W": voice.name(w),
        "L": voice.name(lo),
        "Wp": voice.possessive(w),
        "Lp": voice.possessive(lo),
        "P": with_article,
        "Pb": bare,
        "M": movement,
        "V": verb,
        "adv": _adverb(max(f.salience for f in facts), rng),
        "ph": ph,
    }
    text = _fill(_pick(_TEMPLATES[head.aspect][form], rng), slots, plural=len(groups) > 1)
    return _sentence(lead + text), form


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + "."


def overall_sentence(verdict: Verdict, gap: float, voice: Voice, rng: np.random.Generator) -> str:
    """Who performs better overall (or that they are level); the adverb follows the score gap."""
    if verdict == "tie":
        return _sentence(_pick(_TIE, rng).format(W=voice.name(1), L=voice.name(2), role=voice.role))
    adv = "clearly " if gap >= 2.0 else "slightly " if gap < 0.75 else ""
    w = int(verdict)
    return _sentence(_pick(_OVERALL, rng).format(W=voice.name(w), L=voice.name(3 - w), adv=adv))


def _chunks(facts: Sequence[Fact], rng: np.random.Generator) -> list[list[Fact]]:
    """Facts in random order; two that share aspect, phase and better player are sometimes said together."""
    order = [facts[int(i)] for i in rng.permutation(len(facts))]
    out: list[list[Fact]] = []
    for fact in order:
        for chunk in out:
            f = chunk[0]
            if len(chunk) == 1 and (f.aspect, f.phase, f.better) == (fact.aspect, fact.phase, fact.better):
                if rng.random() < 0.6:
                    chunk.append(fact)
                    break
        else:
            out.append([fact])
    return out


def describe(
    facts: Sequence[Fact], verdict: Verdict, gap: float, category: str, rng: np.random.Generator
) -> str:
    """One difference description of a pair: its stated facts and the overall verdict, said one random way."""
    voice = _pick(voices(category), rng)
    sentences = [fact_clause(chunk, voice, rng)[0] for chunk in _chunks(facts, rng)]
    if not sentences:
        sentences = [_sentence(_pick(_SAME, rng).format(role=voice.role))]
    overall = overall_sentence(verdict, gap, voice, rng)
    return " ".join([overall, *sentences] if rng.random() < 0.3 else [*sentences, overall])


def probe_statement(fact: Fact, rng: np.random.Generator) -> tuple[str, int, bool]:
    """(statement, answer, positive): the fact said of "this player" — the better one or the worse one."""
    form = _pick(("winner", "loser"), rng)
    subject = fact.better if form == "winner" else 3 - fact.better
    text, _ = fact_clause([fact], probe_voice(subject), rng, form=form)
    return text, subject, form == "winner"


_COMMENT_GOOD = {
    "range": ("Full range of motion at {P}{ph}.", "Good depth in the {M}{ph}.", "A big, complete {M}{ph}."),
    "timing": ("The {M} comes right on time{ph}.", "Well-timed {M}{ph}.", "Good timing of the {M}{ph}."),
    "smoothness": ("Smooth, controlled {M}{ph}.", "{P} move fluidly{ph}.", "No jitter at {P}{ph}."),
    "steadiness": ("{P} stay steady{ph}.", "Solid, stable {M}{ph}.", "{P} hold firm without wobbling{ph}."),
}
_COMMENT_BAD = {
    "range": ("Not enough range at {P}{ph}.", "The {M} is cut short{ph}.", "A shallow {M}{ph}."),
    "timing": ("The {M} comes too late{ph}.", "The {M} lags{ph}.", "Late {M}{ph}."),
    "smoothness": ("{P} look shaky{ph}.", "Jerky {M}{ph}.", "Visible tremor at {P}{ph}."),
    "steadiness": ("{P} wobble{ph}.", "Unstable {M}{ph}.", "{P} sway{ph}."),
}


def comment(group: str, phase: str, aspect: str, good: bool, rng: np.random.Generator) -> str:
    """An expert's remark on one cell of one performance, praising or criticising it."""
    table = _COMMENT_GOOD if good else _COMMENT_BAD
    with_article, _ = _PARTS[group][int(rng.integers(3))]
    text = _pick(table[aspect], rng).format(
        P=with_article, M=_pick(_MOVEMENT[group], rng), ph=_pick(_PHASE_END, rng).format(p=phase)
    )
    return text[:1].upper() + text[1:]
