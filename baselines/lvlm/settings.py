"""The `--model-arg k=v` settings of the LVLM adapters: typed, validated, with preset defaults per model."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from adrbench.errors import ConfigError

RUNTIME = (
    "concurrency",
    "max_retries",
    "backoff_s",
    "backoff_cap_s",
    "timeout",
    "cache",
    "budget_tokens",
    "budget_usd",
)
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


@dataclass(frozen=True)
class LVLMSettings:
    """Everything an LVLM adapter can be told; `config()` records all of it except the API key's value."""

    model: str = ""
    base_url: str | None = None
    api_key_env: str | None = None  # name of the environment variable holding the key (never the key)
    frames: int = 8
    frame_size: int = 336
    image_format: str = "png"  # png | jpeg
    media: str = "images"  # images: one image block per frame; video: one video block per video (vLLM)
    source: str = "auto"  # auto (the video file if present, else keypoints) | video | keypoints
    video_root: str | None = None  # folder that video_path is relative to (ADR: the Ego-Exo4D root)
    view: str = "xz"  # keypoint axes drawn (horizontal, vertical): xz (z up), xy (image), yz
    concurrency: int = 16
    max_retries: int = 6
    backoff_s: float = 0.5  # first retry waits 0.25–0.5 s, doubling up to backoff_cap_s
    backoff_cap_s: float = 30.0
    timeout: float = 120.0  # seconds per HTTP attempt
    temperature: float = 0.0
    max_tokens: int = 512
    seed: int | None = None
    json_mode: bool = False
    cache: str | None = None  # None: $ADRBENCH_CACHE or ~/.cache/adrbench; "off"; or a file path
    budget_tokens: int | None = None
    budget_usd: float | None = None
    price_in: float = 0.0  # USD per million input tokens
    price_out: float = 0.0  # USD per million output tokens

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> LVLMSettings:
        """Parse string model-args; unknown names and bad values raise ConfigError naming the argument."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for name, raw in args.items():
            if name not in fields:
                raise ConfigError(f"unknown model-arg {name!r}; known: {', '.join(sorted(fields))}")
            values[name] = _convert(name, raw, str(fields[name].type))
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if not self.model:
            raise ConfigError("model-arg 'model' is required (the model name the server knows)")
        if self.frames < 1 or self.frame_size < 16 or self.concurrency < 1 or self.max_retries < 0:
            raise ConfigError("frames, frame_size (≥16), concurrency must be positive and max_retries ≥ 0")
        if self.media not in {"images", "video"}:
            raise ConfigError(f"media must be images or video, not {self.media!r}")
        if self.media == "video" and self.image_format != "jpeg":
            raise ConfigError("media=video sends JPEG frames: add --model-arg image_format=jpeg")

    def recorded(self) -> dict[str, Any]:
        """The settings as recorded in a run's config (no secret is among them). Those that cannot change a
        prediction (cache, concurrency, timeouts, retries, budget) sit under "runtime", out of the signature."""
        settings = dataclasses.asdict(self)
        runtime = {name: settings.pop(name) for name in RUNTIME}
        return {**settings, "runtime": runtime}


def _convert(name: str, raw: Any, annotation: str) -> Any:
    if raw is None or (isinstance(raw, str) and raw.lower() in {"none", "null"} and "None" in annotation):
        return None
    text = str(raw).strip()
    try:
        if annotation.startswith("bool"):
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
        if annotation.startswith("int"):
            return int(text)
        if annotation.startswith("float"):
            return float(text)
    except ValueError:
        raise ConfigError(f"model-arg {name}={raw!r} is not a valid {annotation.split(' ')[0]}") from None
    return text
