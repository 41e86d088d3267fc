"""Fixtures of the describer tests: hand-made takes, a loopback server that writes descriptions, a cache folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from describe_fixtures import describe_responder

from adrbench.llm.loopback import Faults, LoopbackServer
from adrbench.records import Video


def make_video(
    vid: str,
    score: float,
    comments: list[str],
    category: str = "Basketball",
    group: str = "Mikan Layup",
    split: str = "test",
) -> Video:
    return Video(
        id=vid,
        task="adr",
        split=split,
        group=group,
        category=category,
        performer=f"p-{vid}",
        score=score,
        comments=comments,
    )


@pytest.fixture
def takes() -> list[Video]:
    return [
        make_video(f"take{i:02d}", 5.0 + i / 4, [f"Comment {i} on the knees.", "Good follow-through."])
        for i in range(12)
    ]


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(Faults(), responder=describe_responder) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _no_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every default-path cache inside the test's temporary folder, never in ~/.cache."""
    monkeypatch.setenv("ADRBENCH_CACHE", str(tmp_path / "default-cache"))
    for env in ("OPENAI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(env, raising=False)
