"""The reasoning-path figure (paper Figs. 5 and 7): the tree of the top-10 paths, their scores, l* highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from adrbench.atomic import replacing

TOP = 10


def top_paths(
    q: torch.Tensor, paths: torch.Tensor, groups: Sequence[str], k: int = TOP
) -> list[tuple[list[str], float]]:
    """The k best paths as (group names, Q), best first (ties broken by path index, so the order is stable)."""
    order = sorted(range(len(q)), key=lambda i: (-float(q[i]), i))[:k]
    return [([groups[g] for g in paths[i].tolist()], float(q[i])) for i in order]


def draw_tree(ax, ranked: list[tuple[list[str], float]], title: str) -> None:
    """One panel: root → shared prefixes → leaves, left to right; the first (chosen) path in red."""
    leaves = sorted(range(len(ranked)), key=lambda i: ranked[i][0])
    y_of: dict[tuple[str, ...], float] = {}
    for row, i in enumerate(leaves):
        y_of[tuple(ranked[i][0])] = -float(row)
    depth = len(ranked[0][0])
    for level in range(depth - 1, -1, -1):  # parents sit at the mean height of their children
        children: dict[tuple[str, ...], list[float]] = {}
        for key, y in list(y_of.items()):
            if len(key) == level + 1:
                children.setdefault(key[:level], []).append(y)
        for parent, ys in children.items():
            y_of[parent] = sum(ys) / len(ys)
    chosen = [tuple(ranked[0][0][:n]) for n in range(depth + 1)]
    for key, y in y_of.items():
        if key:
            parent = key[:-1]
            on_path = key in chosen
            ax.annotate(
                "",
                xy=(len(key), y),
                xytext=(len(parent), y_of[parent]),
                arrowprops={
                    "arrowstyle": "->",
                    "color": "red" if on_path else "0.6",
                    "lw": 2.2 if on_path else 0.8,
                },
            )
    for key, y in y_of.items():
        label = key[-1] if key else "start"
        ax.text(
            len(key),
            y,
            label,
            ha="center",
            va="center",
            fontsize=8,
            bbox={
                "boxstyle": "round",
                "fc": "mistyrose" if key in chosen else "white",
                "ec": "red" if key in chosen else "0.5",
            },
        )
    for names, score in ranked:
        ax.text(
            depth + 0.35,
            y_of[tuple(names)],
            f"Q={score:.4f}",
            va="center",
            fontsize=8,
            color="red" if names == ranked[0][0] else "black",
        )
    ax.set_xlim(-0.5, depth + 1.1)
    ax.set_ylim(-len(ranked) + 0.3, 0.7)
    ax.set_xticks(range(depth + 1), ["root", *[f"step {i + 1}" for i in range(depth)]], fontsize=8)
    ax.set_yticks([])
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, fontsize=9)


def reasoning_figure(panels: Sequence[tuple[str, list[tuple[list[str], float]]]], out: Path) -> Path:
    """Write a PNG with one tree panel per (title, ranked paths); returns `out`.

    Drawn on its own Agg canvas (matplotlib's object API), so the caller's backend and pyplot state are untouched.
    """
    fig = Figure(figsize=(6.5 * len(panels), 4.2))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(panels), squeeze=False)
    for ax, (title, ranked) in zip(axes[0], panels, strict=True):
        draw_tree(ax, ranked, title)
    fig.tight_layout()
    with replacing(out) as tmp:
        fig.savefig(tmp, dpi=130, format="png")
    return out
