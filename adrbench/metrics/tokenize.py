r"""The standard tokenization of each text metric, cached per distinct string.

- BLEU and METEOR: lowercase, then NLTK's `wordpunct_tokenize` rule (runs of word characters, or runs of
  other non-space characters), evaluated with the `regex` engine as NLTK >= 3.9.3 does (its \w also takes
  combining marks). METEOR lowercases tokens again itself, as NLTK's `meteor_score` does.
- ROUGE (1, 2, L, S, SU): rouge-score's default tokenizer — lowercase, every run of characters outside
  [a-z0-9] is a separator, optional Porter stemming of tokens longer than 3 characters.

Token lists given by the caller are used exactly as given (ROUGE's optional stemming still applies).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import regex
from nltk.stem.porter import PorterStemmer

Text = str | Sequence[str]

_WORDPUNCT = regex.compile(r"\w+|[^\w\s]+", regex.UNICODE | regex.MULTILINE | regex.DOTALL)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VALID = re.compile(r"^[a-z0-9]+$")
_PORTER = PorterStemmer()

#: Tokenizer names used in signatures.
BLEU_TOKENIZER = "wordpunct-lc"
ROUGE_TOKENIZER = "rouge-score"


@lru_cache(maxsize=1 << 17)
def wordpunct_lc(text: str) -> tuple[str, ...]:
    """`nltk.wordpunct_tokenize(text.lower())`, cached."""
    return tuple(_WORDPUNCT.findall(text.lower()))


@lru_cache(maxsize=1 << 17)
def porter_stem(word: str) -> str:
    """NLTK's PorterStemmer (NLTK_EXTENSIONS mode, as rouge-score and METEOR use it), cached per word."""
    return _PORTER.stem(word)


def _rouge_stem(tokens: Sequence[str]) -> tuple[str, ...]:
    return tuple(porter_stem(t) if len(t) > 3 else t for t in tokens)


@lru_cache(maxsize=1 << 17)
def rouge_tokens(text: str, stem: bool = False) -> tuple[str, ...]:
    """rouge-score's `tokenize.tokenize(text, stemmer)`, cached.

    After the substitution only [a-z0-9] runs and ASCII spaces remain, so `str.split` and a non-empty check
    select exactly the tokens rouge-score's whitespace split and validity pattern select.
    """
    tokens = _NON_ALNUM.sub(" ", text.lower()).split()
    if not stem:
        return tuple(tokens)
    return tuple(t for t in _rouge_stem(tokens) if _VALID.match(t))


def bleu_tokenize(text: Text) -> tuple[str, ...]:
    """BLEU/METEOR tokens of a string, or the given token list unchanged."""
    return wordpunct_lc(text) if isinstance(text, str) else tuple(text)


def rouge_tokenize(text: Text, stem: bool = False) -> tuple[str, ...]:
    """ROUGE tokens of a string; a given token list is kept (stemmed if `stem`, as rouge-score would)."""
    if isinstance(text, str):
        return rouge_tokens(text, stem)
    return _rouge_stem(text) if stem else tuple(text)
