"""The `--model-arg k=v` settings of the LVLM adapters: the shared client spec plus what frames and generation
need; typed, validated, with preset defaults per model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from adrbench.errors import ConfigError
from adrbench.llm.spec import RUNTIME_FIELDS, ClientSpec, checked
from adrbench.options import option_types, parse_options

#: Model-args that were renamed when the LVLMs, describers and judges got one client spec.
RENAMED = {
    "timeout": "timeout_s",
    "budget_tokens": "max_tokens_total",
    "budget_usd": "max_cost_usd",
    "price_in": "input_per_mtok",
    "price_out": "output_per_mtok",
}


class LVLMSettings(ClientSpec):
    """Everything an LVLM adapter can be told: the client spec's settings (endpoint, cache, concurrency, retries,
    timeout, budget, prices) and these; `recorded()` gives all of it (no secret is among them)."""

    model: str = Field("", description="the model name the server knows")
    frames: int = Field(8, ge=1, description="frames sampled per video")
    frame_size: int = Field(336, ge=16, description="longest side in pixels")
    image_format: Literal["png", "jpeg"] = "png"
    media: Literal["images", "video"] = Field(
        "images", description="images: one image block per frame; video: one video block per video (vLLM)"
    )
    source: Literal["auto", "video", "keypoints"] = Field(
        "auto", description="auto: the video file if present, else the keypoints"
    )
    video_root: str | None = Field(None, description="folder video_path is relative to (ADR: Ego-Exo4D root)")
    view: Literal["xz", "xy", "yz"] = Field("xz", description="keypoint axes drawn (horizontal, vertical)")
    temperature: float = 0.0
    max_tokens: int = Field(512, ge=1, description="per reply")
    seed: int | None = None
    json_mode: bool = Field(
        False, description="ask for JSON by the answer's schema (json_schema / response_schema)"
    )
    thinking_budget: int | None = Field(
        None, ge=-1, description="Gemini 2.5 thinking tokens (-1: dynamic); None: the model's default"
    )

    @model_validator(mode="after")
    def _consistent(self) -> LVLMSettings:
        if not self.model:
            raise ValueError("model-arg 'model' is required (the model name the server knows)")
        if self.media == "video" and self.image_format != "jpeg":
            raise ValueError("media=video sends JPEG frames: add --model-arg image_format=jpeg")
        if self.media == "video" and self.frames > VIDEO_FRAMES:
            raise ValueError(f"vLLM keeps only the first {VIDEO_FRAMES} frames of a video: frames={VIDEO_FRAMES} at most")
        return self

    @classmethod
    def from_args(cls, owner: str, args: dict[str, Any]) -> LVLMSettings:
        """Parse string model-args; unknown names and bad values raise ConfigError naming the argument."""
        for old, new in RENAMED.items():
            if old in args:
                raise ConfigError(f"{owner}: model-arg {old!r} is now called {new!r}")
        kinds = {name: str if name in _CHOICES else kind for name, kind in option_types(cls).items()}
        return checked(cls, parse_options(owner, args, kinds), owner, "model-arg")

    def recorded(self) -> dict[str, Any]:
        """The settings as recorded in a run's config. Those that cannot change a prediction (cache,
        concurrency, timeouts, retries, budget) sit under "runtime", out of the signature."""
        settings = self.model_dump()
        runtime = {name: settings.pop(name) for name in sorted(RUNTIME_FIELDS)}
        return {**settings, "runtime": runtime}


VIDEO_FRAMES = 32  # vLLM keeps only the first 32 frames of a `data:video/jpeg` frame list (media=video)
_CHOICES = {"image_format", "media", "source", "view"}  # Literal fields: read as strings, checked by pydantic
