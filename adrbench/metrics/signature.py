"""sacrebleu-style signatures: every field that can change a number, `key:value` joined by `|`, versions last.

Library versions are those of the reference implementation a metric reproduces (and whose stemmer or
WordNet reader it runs), so a number says which reference it agrees with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import metadata

from adrbench.metrics.tokenize import BLEU_TOKENIZER, ROUGE_TOKENIZER


@cache
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


@dataclass(frozen=True)
class Signature:
    """A metric's name and the settings that produced its value."""

    metric: str
    fields: dict[str, str | int | None] = field(default_factory=dict)
    libraries: tuple[str, ...] = ()

    def with_fields(self, **extra: str | int | None) -> Signature:
        """A copy with more fields (e.g. bootstrap resamples and seed)."""
        return Signature(self.metric, {**self.fields, **extra}, self.libraries)

    def format(self) -> str:
        """`METRIC|key:value|...|lib:version|adrbench:version`; fields set to None are left out."""
        parts = [self.metric]
        parts += [f"{k}:{v}" for k, v in self.fields.items() if v is not None]
        parts += [f"{lib}:{_version(lib)}" for lib in self.libraries]
        parts.append(f"adrbench:{_version('adrbench')}")
        return "|".join(parts)

    def __str__(self) -> str:
        return self.format()


def bleu_signature(
    n: int = 4, cumulative: bool = True, smoothing: str | None = None, corpus: bool = False
) -> Signature:
    """Signature of `bleu(...)` (NLTK arithmetic, one reference per hypothesis)."""
    return Signature(
        "BLEU",
        {
            "n": n,
            "variant": "cumulative" if cumulative else "individual",
            "tok": BLEU_TOKENIZER,
            "smooth": smoothing or "none",
            "agg": "corpus" if corpus else "mean-sentence",
            "nrefs": 1,
        },
        ("nltk",),
    )


def rouge_signature(kind: str = "L", stem: bool = False) -> Signature:
    """Signature of `rouge(..., kind)` F-measure."""
    skip = kind.startswith("S")
    fields: dict[str, str | int | None] = {
        "kind": kind,
        "tok": ROUGE_TOKENIZER,
        "stem": "porter" if stem else "no",
        "agg": "mean-sentence",
        "nrefs": 1,
    }
    if skip:
        fields |= {"def": "rouge-1.5.5", "alpha": "0.5", "round": "no"}
    libraries = (() if skip else ("rouge-score",)) + (("nltk",) if stem else ())
    return Signature("ROUGE", fields, libraries)


def meteor_signature(wordnet: str = "wn3.0") -> Signature:
    """Signature of `meteor(...)` (NLTK meteor_score defaults)."""
    return Signature(
        "METEOR",
        {
            "tok": BLEU_TOKENIZER,
            "case": "lc",
            "stem": "porter",
            "syn": wordnet,
            "alpha": "0.9",
            "beta": "3.0",
            "gamma": "0.5",
            "agg": "mean-sentence",
            "nrefs": 1,
        },
        ("nltk",),
    )


def spearman_signature(pooled: str = "all") -> Signature:
    """Signature of `spearman(...)`."""
    return Signature("SPEARMAN", {"ties": "average", "pooled": pooled}, ("scipy",))


def relative_l2_signature(squared: bool = True, range_over: str = "gt-of-evaluated-set") -> Signature:
    """Signature of `relative_l2(...)`: squared (literature) or the paper's printed unsquared formula."""
    return Signature(
        "R-L2",
        {"variant": "squared" if squared else "unsquared-paper-formula", "range": range_over, "scale": "x1"},
    )


def f1_signature(label: str | None = None) -> Signature:
    """Signature of `f1(...)`."""
    return Signature("F1", {"label": label, "average": "binary", "pos": 1, "zero_div": 0}, ("scikit-learn",))
