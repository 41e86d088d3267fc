"""The body-part and skill-attribute lexicon used to tag difference descriptions (peers.md F5).

Two domains: `sports` (ADR, FitnessAQA) and `surgery` (JIGSAWS). Each tag maps to the words and phrases that
name it (matched whole-word, case-insensitively, plural forms listed). Tags of kind "part" are body parts or
instrument parts (they can be swapped for another part to make a wrong-body-part distractor); kind
"attribute" names a skill attribute. Four sports parts are KEPT's tree nodes (elbow, shoulder, hip, knee,
paper §3.2) and the surgical parts tip/body/tail are its JIGSAWS nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

LEXICON_VERSION = "2"


@dataclass(frozen=True)
class Tag:
    """One lexicon entry: tag name, kind ("part" or "attribute"), and (singular, plural) word forms."""

    name: str
    kind: str
    forms: tuple[tuple[str, str], ...]
    phrases: tuple[str, ...] = ()


def _part(name: str, *forms: tuple[str, str], phrases: tuple[str, ...] = ()) -> Tag:
    return Tag(name, "part", forms, phrases)


def _attr(name: str, *phrases: str) -> Tag:
    return Tag(name, "attribute", (), phrases)


SPORTS: tuple[Tag, ...] = (
    _part("knee", ("knee", "knees")),
    _part("hip", ("hip", "hips"), phrases=("pelvis",)),
    _part("elbow", ("elbow", "elbows")),
    _part("shoulder", ("shoulder", "shoulders")),
    _part("wrist", ("wrist", "wrists")),
    _part("hand", ("hand", "hands"), phrases=("finger", "fingers", "fingertips")),
    _part("ankle/foot", ("ankle", "ankles"), ("foot", "feet"), phrases=("toe", "toes", "heel", "heels")),
    _part("arm", ("arm", "arms"), phrases=("forearm", "forearms")),
    _part("leg", ("leg", "legs"), phrases=("thigh", "thighs", "calf", "calves", "hamstring", "hamstrings")),
    _part(
        "core/trunk",
        ("torso", "torsos"),
        ("trunk", "trunks"),
        phrases=("core", "lower back", "upper back", "spine", "upper body", "chest", "abdomen"),
    ),
    _part("head", ("head", "heads"), phrases=("neck", "gaze", "eyes")),
    _attr(
        "balance",
        *("balance", "balanced", "stability", "stable", "unstable", "steady", "steadier", "steadiness"),
        *("wobble", "wobbles", "wobbling", "wobbly", "sway", "sways", "swaying"),
    ),
    _attr(
        "timing",
        *("timing", "timed", "times", "mistimed", "rhythm", "tempo", "early", "late", "sequence", "sequencing"),
        *("lag", "lags", "delayed", "prompt", "promptly", "on time"),
    ),
    _attr("power", "power", "powerful", "explosive", "explosiveness", "strength", "force"),
    _attr("footwork", "footwork", "steps", "stepping", "stride", "approach"),
    _attr("speed", "speed", "quickness", "quick", "fast", "faster", "slow", "slower", "pace"),
    _attr(
        "range of motion",
        "range of motion",
        "extension",
        "flexion",
        "bend",
        "bends",
        "bent",
        "bending",
        "depth",
        "fuller",
        "range",
        "shallow",
        "shallower",
        "further",
        "bigger",
        "extends",
        "flexes",
    ),
    _attr(
        "smoothness",
        *("smooth", "smoothly", "smoother", "fluid", "fluidly", "flow", "jerky", "jerkier", "choppy"),
        *("jitter", "jittery", "tremor", "shaky", "shakier"),
    ),
    _attr("posture", "posture", "stance", "alignment", "form", "position", "positioning"),
    _attr("consistency", "consistency", "consistent", "consistently", "inconsistent", "repeatable"),
    _attr(
        "control", "control", "controlled", "uncontrolled", "body control", "ball control", "grip", "grips"
    ),
    _attr("accuracy", "accuracy", "accurate", "precision", "precise", "placement", "aim"),
)

SURGERY: tuple[Tag, ...] = (
    _part("tip", ("tip", "tips"), phrases=("tooltip", "tool tip", "jaws")),
    _part("body", ("body", "bodies"), phrases=("shaft", "instrument body")),
    _part("tail", ("tail", "tails")),
    _part("gripper", ("gripper", "grippers"), ("grasper", "graspers"), phrases=("grasp", "grasping", "grip")),
    _part("wrist", ("wrist", "wrists")),
    _attr("needle", "needle", "needles", "needle driver", "needle handling"),
    _attr("suture", "suture", "sutures", "suturing", "thread", "stitch", "stitches"),
    _attr("knot", "knot", "knots", "knot tying", "throw", "throws"),
    _attr("tissue", "tissue", "tissues"),
    _attr(
        "economy of motion", "economy of motion", "efficient", "efficiently", "wasted motion", "unnecessary"
    ),
    _attr("flow", "flow", "fluid", "smooth", "smoothly", "hesitation", "hesitant", "hesitate", "hesitates"),
    _attr("depth perception", "depth", "depth perception"),
    _attr("bimanual", "bimanual", "both hands", "two-handed", "dexterity"),
    _attr("timing", "time", "timing", "speed", "faster", "slower"),
)

DOMAINS: dict[str, tuple[Tag, ...]] = {"sports": SPORTS, "surgery": SURGERY}


def domain_of(category: str) -> str:
    """The lexicon domain of a pair's category (sport): "surgery" for JIGSAWS, else "sports"."""
    return "surgery" if category.lower() == "surgery" else "sports"


def _words(tag: Tag) -> list[str]:
    return [w for form in tag.forms for w in form] + list(tag.phrases)


@lru_cache(maxsize=4)
def _patterns(domain: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    out = []
    for tag in DOMAINS[domain]:
        words = sorted(_words(tag), key=len, reverse=True)
        alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
        out.append((tag.name, re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)))
    return tuple(out)


def tag(text: str | None, domain: str = "sports") -> frozenset[str]:
    """The lexicon tags (body parts and attributes) a text names."""
    if not text:
        return frozenset()
    return _tag(text, domain)


@lru_cache(maxsize=1 << 15)
def _tag(text: str, domain: str) -> frozenset[str]:
    return frozenset(name for name, pattern in _patterns(domain) if pattern.search(text))


def parts(domain: str) -> tuple[str, ...]:
    """Names of the domain's "part" tags, in lexicon order."""
    return tuple(t.name for t in DOMAINS[domain] if t.kind == "part")


@lru_cache(maxsize=4)
def _form_table(domain: str) -> tuple[dict[str, tuple[str, int]], re.Pattern[str]]:
    """word → (part name, 0 singular / 1 plural), and a pattern matching any part's word forms."""
    table: dict[str, tuple[str, int]] = {}
    for t in DOMAINS[domain]:
        if t.kind == "part":
            for singular, plural in t.forms:
                table[singular], table[plural] = (t.name, 0), (t.name, 1)
    words = sorted(table, key=len, reverse=True)
    return table, re.compile(rf"(?<![\w-])({'|'.join(map(re.escape, words))})(?![\w-])", re.IGNORECASE)


def replace_parts(text: str, rng: np.random.Generator, domain: str = "sports") -> str | None:
    """The text with every body/instrument part word replaced by a part it does not name (same number, case).

    Each distinct part named is mapped to a different, unused part chosen with `rng`; None if the text names
    no part (or no unused part is left).
    """
    table, pattern = _form_table(domain)
    named = sorted({table[m.group(1).lower()][0] for m in pattern.finditer(text)}, key=parts(domain).index)
    if not named:
        return None
    free = [p for p in parts(domain) if p not in named and _first_form(domain, p) is not None]
    if len(free) < len(named):
        return None
    chosen = rng.choice(len(free), size=len(named), replace=False)
    mapping = {old: free[int(i)] for old, i in zip(named, chosen, strict=True)}

    def sub(m: re.Match[str]) -> str:
        old, number = table[m.group(1).lower()]
        new = _first_form(domain, mapping[old])[number]  # type: ignore[index]
        return new.capitalize() if m.group(1)[:1].isupper() else new

    return pattern.sub(sub, text)


def _first_form(domain: str, name: str) -> tuple[str, str] | None:
    for t in DOMAINS[domain]:
        if t.name == name and t.forms:
            return t.forms[0]
    return None
