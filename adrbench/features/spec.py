"""What a feature tensor is made from: the source and every setting that changes it (part of the cache key)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from adrbench.errors import ConfigError

SOURCES = ("pose", "visual", "imported")
FEATURES_VERSION = 1  # bump when an extractor's output changes for the same settings


@dataclass(frozen=True)
class FeatureSpec:
    """A per-video feature recipe.

    - ``pose``: per keyframe, the joint statistics of every joint flattened (K×P·5); keypoints from
      ``keypoints`` = "dataset" (the task's own files) or "file:DIR" (``DIR/<video id>.npy``, T×P×3 float32 in
      the skeleton's joint order, NaN for a missing joint).
    - ``visual``: the video decoded once, ``n_keyframes`` frames sampled evenly, encoded by the transformers
      model ``visual`` (a hub name or a local folder): K×D for image encoders (CLIP, SigLIP), K/tubelet×D for
      VideoMAE, 1×D for X-CLIP.
    - ``imported``: precomputed per-video arrays brought in by ``import_npy`` under the name ``name``.
    """

    source: str = "pose"
    n_keyframes: int = 16
    visual: str | None = None
    keypoints: str = "dataset"
    name: str | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ConfigError(f"unknown feature source {self.source!r}; known: {', '.join(SOURCES)}")
        if self.n_keyframes < 1:
            raise ConfigError(f"n_keyframes must be at least 1, got {self.n_keyframes}")
        if self.source == "visual" and not self.visual:
            raise ConfigError("the visual feature source needs a model name (--visual NAME)")
        if self.source == "imported" and not self.name:
            raise ConfigError("the imported feature source needs the name given at import (--name NAME)")
        if not (self.keypoints == "dataset" or self.keypoints.startswith("file:")):
            raise ConfigError(f"keypoints must be 'dataset' or 'file:DIR', got {self.keypoints!r}")

    def settings(self) -> dict[str, Any]:
        """The fields that change the tensor (the keypoint folder does not: the keypoints' hash is the content)."""
        out: dict[str, Any] = {"source": self.source, "version": FEATURES_VERSION}
        if self.source == "pose":
            out["n_keyframes"] = self.n_keyframes
        elif self.source == "visual":
            out.update(n_keyframes=self.n_keyframes, visual=self.visual)
        else:
            out["name"] = self.name
        return out

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
