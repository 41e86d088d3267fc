"""Helpers shared by the describer tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import hashlib


def describe_responder(prompt: str, n_images: int) -> str:
    """A stand-in model: a fenced paragraph that depends on the prompt, so each pair gets its own text."""
    tag = hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:8]
    return f"```\nPlayer 1 keeps the knees more stable than Player 2,\nwho rushes the release ({tag}).\n```"
