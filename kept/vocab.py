"""The default decoder's vocabulary (WordPiece ids of the text encoder's tokenizer seen in training) and detokenising."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

PAD, BOS, EOS, UNK = 0, 1, 2, 3
N_SPECIAL = 4


class Vocabulary:
    """A compact id space over the tokenizer ids that occur in the training descriptions and the prompt.

    The output softmax then spans a few hundred words instead of 30,522, which is what makes the from-scratch
    decoder fast on a CPU; id i ≥ 4 stands for tokenizer id `token_ids[i - 4]`.
    """

    def __init__(self, token_ids: Sequence[int]) -> None:
        self.token_ids = [int(t) for t in token_ids]
        self._index = {t: i + N_SPECIAL for i, t in enumerate(self.token_ids)}

    @classmethod
    def build(cls, tokenizer, texts: Sequence[str]) -> Vocabulary:
        seen: set[int] = set()
        for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]:
            seen.update(ids)
        return cls(sorted(seen))

    def __len__(self) -> int:
        return len(self.token_ids) + N_SPECIAL

    def encode(self, tokenizer, texts: Sequence[str], max_tokens: int) -> list[list[int]]:
        rows = tokenizer(list(texts), add_special_tokens=False, truncation=True, max_length=max_tokens)[
            "input_ids"
        ]
        return [[self._index.get(t, UNK) for t in row] for row in rows]

    def to_tokenizer_ids(self, ids: Sequence[int]) -> list[int]:
        return [self.token_ids[i - N_SPECIAL] for i in ids if i >= N_SPECIAL]


_SPACE_BEFORE = re.compile(r" ([.,;:!?%)])")
_APOSTROPHE = re.compile(r" ' (s|t|re|ve|d|ll|m)\b")
_HYPHEN = re.compile(r"(\w) - (\w)")


class Recaser:
    """Restores case and spacing after an uncased WordPiece decoder: each word takes its most frequent training
    spelling, sentences start with a capital, and punctuation re-attaches ("player 1 ' s" → "Player 1's")."""

    def __init__(self, forms: dict[str, str]) -> None:
        self.forms = forms

    @classmethod
    def build(cls, texts: Sequence[str]) -> Recaser:
        counts: dict[str, Counter[str]] = {}
        for text in texts:
            for word in re.findall(r"\w+", text):
                counts.setdefault(word.lower(), Counter())[word] += 1
        return cls({low: c.most_common(1)[0][0] for low, c in sorted(counts.items())})

    def __call__(self, text: str) -> str:
        text = _HYPHEN.sub(r"\1-\2", _APOSTROPHE.sub(r"'\1", _SPACE_BEFORE.sub(r"\1", text.strip())))
        text = re.sub(r"\w+", lambda m: self.forms.get(m.group(0).lower(), m.group(0)), text)
        return re.sub(r"(^|[.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
