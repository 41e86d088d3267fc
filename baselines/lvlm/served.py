"""The open models the LVLM presets talk to, as a real `vllm serve` runs them: how many images and videos each
accepts in one prompt, the `--limit-mm-per-prompt` and `--max-model-len` it is started with on one 24 GB GPU,
and the check that a request fits before it is sent (a request that does not fit is an HTTP 400 for every item).

Sizes (docs/lvlm.md, "GPU memory"): 7B weights in bf16 ≈ 16.6 GB; a Qwen2-7B-family language model (28 layers,
4 KV heads, head_dim 128) holds 2 × 28 × 4 × 128 × 2 bytes = 57,344 bytes (56 KiB) of KV cache per token, so
32,768 tokens need 1.9 GB where the 128k default needs 7.3 GB.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from adrbench.errors import ConfigError
from adrbench.llm.messages import Part

VLLM_DEFAULT_LIMIT = 999  # vLLM's per-modality limit when --limit-mm-per-prompt does not name the modality


@dataclass(frozen=True)
class ServedModel:
    """One model id as vLLM serves it: its own per-prompt limits, and the flags it is started with."""

    model: str  # the Hugging Face id given to `vllm serve`
    max_model_len: int  # --max-model-len: fits one 24 GB GPU (weights + KV cache for one such sequence)
    limits: Mapping[str, int]  # --limit-mm-per-prompt: items per prompt the server is started to allow
    accepts: Mapping[str, int] = field(default_factory=dict)  # the model's own maximum; unnamed: no maximum
    note: str = ""

    def __post_init__(self) -> None:
        for kind, n in self.limits.items():
            if kind in self.accepts and n > self.accepts[kind]:
                raise ValueError(f"{self.model}: vLLM cuts a {kind} limit of {n} to {self.accepts[kind]}")

    def allowed(self, kind: str) -> int:
        """How many `kind` items ('image', 'video') one prompt may carry on this server."""
        own = self.accepts.get(kind, VLLM_DEFAULT_LIMIT)
        return min(self.limits.get(kind, VLLM_DEFAULT_LIMIT), own)

    def vllm_flags(self) -> list[str]:
        """`--max-model-len N --limit-mm-per-prompt '{"image": .., "video": ..}'` (the JSON form vLLM takes)."""
        return [
            "--max-model-len",
            str(self.max_model_len),
            "--limit-mm-per-prompt",
            json.dumps(dict(self.limits), sort_keys=True),
        ]

    def check(self, parts: Iterable[Part], what: str) -> None:
        """Raise ConfigError when a request carries more images or videos than this server takes."""
        counts = Counter(p.kind for p in parts if p.kind != "text")
        for kind, n in sorted(counts.items()):
            if n > self.allowed(kind):
                raise ConfigError(
                    f"{self.model} served by vLLM takes at most {self.allowed(kind)} {kind}(s) per prompt; "
                    f"{what} sends {n} (see docs/lvlm.md for a model and flags that fit)"
                )


SERVED: dict[str, ServedModel] = {
    m.model: m
    for m in (
        ServedModel(
            "Qwen/Qwen2.5-VL-7B-Instruct",
            max_model_len=32768,
            limits={"image": 32, "video": 0},  # frames as images: a pair of 16-frame videos at most
            note="frames as images; 32 images of 336 px ≈ 4.6k tokens",
        ),
        ServedModel(
            "llava-hf/llava-onevision-qwen2-7b-ov-hf",
            max_model_len=32768,
            limits={"image": 0, "video": 2},  # both videos of a pair, each a frame sequence
            note="no image/video maximum of its own; 196 tokens per video frame",
        ),
        ServedModel(
            "llava-hf/LLaVA-NeXT-Video-7B-hf",
            max_model_len=4096,  # its Vicuna-7B language model's context
            limits={"video": 1},
            accepts={"image": 0, "video": 1},  # a higher limit is cut back to 1 silently; 2 videos → HTTP 400
            note="one video per prompt: JIGSAWS and FitnessAQA only, not ADR pairs",
        ),
    )
}
