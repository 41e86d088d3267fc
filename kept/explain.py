"""Reasoning paths of a fitted KEPT for one item, as data (top paths per video) and as the paper's figure."""

from __future__ import annotations

from pathlib import Path

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from kept.adapter import KeptModel
from kept.figure import reasoning_figure, top_paths


def item_videos(data: Dataset, item_id: str) -> list[str]:
    """The video ids of a pair id, or [video id]; unknown ids are a clear error."""
    if item_id in data.pairs:
        pair = data.pairs[item_id]
        return [pair.video_1, pair.video_2]
    if item_id in data.videos:
        return [item_id]
    raise ConfigError(f"{item_id!r} is neither a pair nor a video of task {data.task!r}")


def ranked_paths(
    model: KeptModel, data: Dataset, item_id: str
) -> list[tuple[str, list[tuple[list[str], float]]]]:
    """(video id, top-10 (path, Q) with l* first) for each video of the item."""
    state = model.fitted
    videos = item_videos(data, item_id)
    model.encode_videos(data, videos)
    groups = state.meta["groups"]
    paths = state.net.scorer.paths
    out = []
    for vid in videos:
        enc = model._encoded[vid]
        if "error" in enc:
            raise ConfigError(f"video {vid!r}: {enc['error']}")
        out.append((vid, top_paths(enc["q"], paths, groups)))
    return out


def explain_item(model: KeptModel, data: Dataset, item_id: str, out: Path) -> tuple[Path, list[str]]:
    """Write the PNG of the item's reasoning trees (one panel per video); also the choice made, one line per
    video: l*, p(l*) and the normalised entropy of p_r (1 = uniform: no choice was made)."""
    panels: list[tuple[str, list[tuple[list[str], float]]]] = []
    lines: list[str] = []
    for i, (vid, ranked) in enumerate(ranked_paths(model, data, item_id)):
        label = f"Video {i + 1}: {vid}" if len(panels) < 2 else vid
        enc = model._encoded[vid]
        chosen = f"chosen: {' → '.join(ranked[0][0])} (p = {enc['weight']:.2f}, entropy {enc['entropy']:.2f})"
        panels.append((f"{label}\n{chosen}", ranked))
        lines.append(f"{vid}: {chosen}")
    return reasoning_figure(panels, out), lines
