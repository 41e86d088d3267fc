"""Shared text cases: edge cases of the issue plus varied sentences that exercise every matching stage."""

from __future__ import annotations

import random

EDGE_PAIRS: list[tuple[str, str]] = [
    ("", ""),
    ("", "the player bends the knees"),
    ("the player bends the knees", ""),
    ("...", "?!"),
    ("!!! ,,, ...", "the player jumps"),
    ("jumps", "the player jumps higher"),
    ("player", "player"),
    ("the", "the the the the"),
    ("the the the the the", "the cat"),
    ("Café naïve façade — über straße", "cafe naive facade uber strasse"),
    ("日本語 の テキスト", "日本語 テキスト"),
    ("İstanbul ǅemal ΣΊΣΥΦΟΣ", "istanbul ǆemal σίσυφος"),
    ("The first player's left-knee bends (slightly) more.", "the first player bends his left knee more!"),
    ("running runner runs ran", "run runs running"),
    ("quick fast rapid speedy", "fast quick speedy rapid"),
    ("the big dog chased the large cat", "a large dog pursued the big cat"),
    ("he leaps and jumps higher than her", "she jumped and leapt high above him"),
    ("a b a b a b", "b a b a b a"),
    ("x " * 40, "x y " * 20),
]

_WORDS = (
    "the a player athlete climber first second bends bent bending bend knees knee elbow elbows arm arms "
    "jumps jumped jump leaps leapt leap higher high fast quick quickly rapid speedy slow slower big large "
    "huge ball shot shoots shoot throws throw kick kicks kicked hold holds grip grips left right , . ! ; "
    "more less earlier later lifts lift raises raise lowers lower keeps keep straight bent wrist hips"
).split()


def random_pairs(n: int, seed: int = 0, max_len: int = 18) -> list[tuple[str, str]]:
    """Deterministic sentences over a small vocabulary with stems and WordNet synonyms, so all stages fire."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        h = " ".join(rng.choices(_WORDS, k=rng.randint(0, max_len)))
        r = " ".join(rng.choices(_WORDS, k=rng.randint(0, max_len)))
        if rng.random() < 0.3:
            h = h.capitalize()
        pairs.append((h, r))
    return pairs
