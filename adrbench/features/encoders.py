"""Visual encoders through transformers, by hub name or local folder: frames in, a K×D float32 array out.

Image encoders (CLIP, SigLIP and any model with `get_image_features`) embed each keyframe: K×D. VideoMAE
embeds the clip and its tokens are averaged over space: (K/tubelet)×D. X-CLIP gives one video embedding: 1×D.
Video models see exactly `config.num_frames` frames; the keyframes are resampled evenly to that count.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import torch

from adrbench.data.kinematics import sample_keyframes
from adrbench.errors import ConfigError


def _tensor(output: Any) -> torch.Tensor:
    """A features call's tensor: transformers 5 returns an output object whose pooler_output holds it."""
    if isinstance(output, torch.Tensor):
        return output
    for name in ("pooler_output", "image_embeds", "video_embeds", "last_hidden_state"):
        value = getattr(output, name, None)
        if isinstance(value, torch.Tensor):
            return value if name != "last_hidden_state" else value.mean(dim=1)
    raise TypeError(f"cannot read features from {type(output).__name__}")


def folder_fingerprint(folder: Path) -> str:
    """SHA-256 over the names and bytes of a local model folder's files (weights, config, processor), read in
    chunks (an LLM's weight shards are several GB each)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0")
        file_hash = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 24), b""):
                file_hash.update(chunk)
        h.update(file_hash.digest())
    return h.hexdigest()


class VisualEncoder:
    """A transformers vision model and its image processor, run on CPU or `device` without gradients."""

    def __init__(self, model: torch.nn.Module, processor: Any, fingerprint: str, device: str = "cpu") -> None:
        self.model: Any = model.eval().to(device)  # a transformers model: its methods vary by kind
        self.processor = processor
        self.fingerprint = fingerprint
        self.device = device
        self.kind = str(getattr(model.config, "model_type", ""))

    @classmethod
    def from_name(cls, name: str, device: str = "cpu") -> VisualEncoder:
        """Load by hub name (downloaded only if not cached; offline it must be cached) or local folder."""
        from transformers import AutoConfig, AutoImageProcessor, AutoModel

        try:
            config = AutoConfig.from_pretrained(name)
            model = AutoModel.from_pretrained(name, config=config)
            processor = AutoImageProcessor.from_pretrained(name)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load visual encoder {name!r}: {exc}") from exc
        folder = Path(name)
        if folder.is_dir():
            fingerprint = "dir:" + folder_fingerprint(folder)
        else:
            fingerprint = f"hub:{name}@{getattr(config, '_commit_hash', None) or 'unknown'}"
        return cls(model, processor, fingerprint, device)

    def _num_frames(self) -> int | None:
        cfg = self.model.config
        vision = getattr(cfg, "vision_config", cfg)
        return getattr(vision, "num_frames", None) or getattr(cfg, "num_frames", None)

    @torch.no_grad()
    def encode(self, frames: np.ndarray) -> np.ndarray:
        """K×H×W×3 uint8 RGB frames → feature array (float32)."""
        images = list(np.asarray(frames, dtype=np.uint8))
        if self.kind in ("videomae", "xclip"):
            n = self._num_frames() or len(images)
            images = [images[i] for i in sample_keyframes(len(images), n)]
            pixels = self.processor(images, return_tensors="pt")["pixel_values"].to(self.device)
            if pixels.ndim == 4:
                pixels = pixels.unsqueeze(0)
            if self.kind == "xclip":
                out = _tensor(self.model.get_video_features(pixel_values=pixels))
            else:
                hidden = self.model(pixel_values=pixels).last_hidden_state[0]
                tubelet = int(getattr(self.model.config, "tubelet_size", 1))
                steps = max(n // tubelet, 1)
                out = hidden.reshape(steps, -1, hidden.shape[-1]).mean(dim=1)
        else:
            pixels = self.processor(images=images, return_tensors="pt")["pixel_values"].to(self.device)
            if hasattr(self.model, "get_image_features"):
                out = _tensor(self.model.get_image_features(pixel_values=pixels))
            else:
                out = _tensor(self.model(pixel_values=pixels))
        return out.float().cpu().numpy().reshape(out.shape[0], -1)
