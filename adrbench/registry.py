"""A small name → lazily imported object registry with "did you mean" errors (shared by models and tasks)."""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterable
from typing import Any


class UnknownNameError(KeyError):
    """A name that is not registered; the message suggests the closest names."""

    def __str__(self) -> str:
        return str(self.args[0])


def unknown(kind: str, name: str, known: Iterable[str]) -> UnknownNameError:
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return UnknownNameError(f"unknown {kind} {name!r}.{hint} Known: {', '.join(known)}.")


def import_object(spec: str) -> Any:
    """Import 'package.module:Attribute'."""
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)
