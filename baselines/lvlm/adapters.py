"""Zero-shot LVLM adapters: any OpenAI-compatible server (vLLM presets for Qwen2.5-VL and LLaVA-OneVision),
GPT-4o through the OpenAI API and Gemini 2.5 through google-genai (paper §4, Tables 2–4).

ADR pairs → PairPrediction(score_1, score_2, description); JIGSAWS videos → VideoPrediction(score);
FitnessAQA videos → VideoPrediction(labels). A failed request, unreadable reply or unreadable video gives None
fields and meta["error"]; nothing is filled in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.llm import prompts
from adrbench.llm.client import LLMClient
from adrbench.llm.messages import ChatRequest, ChatResult
from adrbench.llm.parse import Parsed, parse_errors, parse_pair, parse_score
from adrbench.llm.spec import PROVIDERS, RUNTIME_FIELDS, api_key, connect
from adrbench.models.base import Model
from adrbench.option_docs import OptionDoc, documented_options
from adrbench.records import Pair, PairPrediction, Prediction, Unit, Video, VideoPrediction
from baselines.lvlm.frames import FrameSource
from baselines.lvlm.inputs import ADR_RANGE, GRS_RANGE, item_parts, labels_for
from baselines.lvlm.served import SERVED
from baselines.lvlm.settings import LVLMSettings


class OpenAICompatibleModel(Model):
    """Any model behind an OpenAI-compatible chat-completions endpoint: `--model-arg base_url=... model=...`."""

    name = "openai-compatible"
    units: ClassVar[frozenset[Unit]] = frozenset({"pair", "video"})
    batch_size = 64
    provider: ClassVar[str] = "openai-compatible"  # adrbench.llm.PROVIDERS: backend, endpoint, key variables
    defaults: ClassVar[dict[str, str]] = {}
    runtime_args: ClassVar[frozenset[str]] = RUNTIME_FIELDS
    served: ClassVar[str | None] = None  # baselines.lvlm.served.SERVED key: the limits of a vLLM preset

    @classmethod
    def option_docs(cls) -> list[OptionDoc]:
        """The fields of LVLMSettings, with this model's presets as defaults."""
        return documented_options(LVLMSettings, cls.defaults)

    def __init__(self, **model_args: Any) -> None:
        self.settings = LVLMSettings.from_args(self.name, {**self.defaults, **model_args})
        api_key(self.provider, self.settings)  # a missing key or endpoint fails here, not at the first batch
        if self.settings.thinking_budget is not None and PROVIDERS[self.provider].backend != "gemini":
            raise ConfigError(f"{self.name}: model-arg thinking_budget is a Gemini setting")
        self._client: LLMClient | None = None
        self._frames: FrameSource | None = None
        self._outcomes: Counter[str] = Counter()

    def config(self) -> dict[str, Any]:
        """Settings, prompt version and, once replies came, `served_models`: the names the server gave the models
        that answered (which may differ from the requested `model`)."""
        out = {
            "name": self.name,
            "backend": PROVIDERS[self.provider].backend,
            "prompt_version": prompts.PROMPT_VERSION,
            **self.settings.recorded(),
        }
        if self._client is not None and self._client.served_models:
            out["served_models"] = self._client.served()
        return out

    def usage(self) -> dict[str, Any]:
        """This run so far: requests, cache hits, retries, tokens, cost, and failed predictions by reason."""
        return {**self.client.summary(), **dict(sorted(self._outcomes.items()))}

    @property
    def client(self) -> LLMClient:
        if self._client is None:
            self._client = connect(self.provider, self.settings, seed=self.settings.seed or 0)
        return self._client

    def predict(self, data: Dataset, items: Sequence[Pair] | Sequence[Video]) -> list[Prediction]:
        """One prediction per item; the batch's requests run concurrently. An item whose video cannot be read
        (missing, undecodable) fails alone: its prediction records why and the others still run."""
        frames = self._frame_source(data)
        todo: list[Pair | Video] = list(items)
        requests: dict[int, ChatRequest] = {}
        results: dict[int, ChatResult] = {}
        for i, item in enumerate(todo):
            try:
                requests[i] = self._request(data, item, frames)
            except DataError as exc:
                results[i] = ChatResult(error=f"video: {exc}")
        if requests:
            results |= zip(requests, self.client.run(list(requests.values())), strict=True)
        return [self._prediction(data, item, results[i], frames) for i, item in enumerate(todo)]

    def _frame_source(self, data: Dataset) -> FrameSource:
        """The frames of `data`'s videos (one source per dataset, so frames already drawn are reused)."""
        if self._frames is None or self._frames.data is not data:
            s = self.settings
            root = Path(s.video_root).expanduser() if s.video_root else None
            self._frames = FrameSource(data, s.frames, s.frame_size, s.image_format, s.source, s.view, root)
        return self._frames

    def _request(self, data: Dataset, item: Pair | Video, frames: FrameSource) -> ChatRequest:
        s = self.settings
        parts = item_parts(data, item, frames, s.media)
        served = SERVED.get(s.model) or (SERVED[self.served] if self.served else None)
        if served is not None:  # a request the server refuses would fail every item with HTTP 400
            served.check(parts, f"a {data.unit} of {data.task}")
        params: dict[str, Any] = {
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
            "seed": s.seed,
            "json_mode": s.json_mode,
        }
        if s.json_mode:
            params["json_schema"] = _schema(data, item)
        if s.thinking_budget is not None:
            params["thinking_budget"] = s.thinking_budget
        return ChatRequest(
            model=s.model,
            parts=parts,
            prompt_version=prompts.PROMPT_VERSION,
            system=prompts.SYSTEM,
            params=params,
        )

    def _prediction(
        self, data: Dataset, item: Pair | Video, result: ChatResult, frames: FrameSource
    ) -> Prediction:
        shown = [data.videos[item.video_1], data.videos[item.video_2]] if isinstance(item, Pair) else [item]
        kinds = sorted({frames.kind(v) for v in shown})
        meta: dict[str, Any] = {
            "usage": result.usage(),  # with the served model, when the server named it
            "frames_from": kinds[0] if len(kinds) == 1 else "mixed",
        }
        if result.error is not None:
            parsed = Parsed(error=result.error)
        elif isinstance(item, Pair):
            parsed = parse_pair(result.text or "", *(data.score_range or ADR_RANGE))
        elif data.label_names:
            parsed = parse_errors(result.text or "", labels_for(data, item))
        else:
            parsed = parse_score(result.text or "", *(data.score_range or GRS_RANGE))
        meta.update(parsed.meta())
        _count_outcome(self._outcomes, parsed)
        if result.text is not None and (parsed.error or parsed.missing):
            meta["reply"] = result.text[:1000]  # kept to show why reading it failed
        values = parsed.values
        if isinstance(item, Pair):
            return PairPrediction(
                pair_id=item.id,
                score_1=values.get("score_1"),
                score_2=values.get("score_2"),
                description=values.get("description"),
                meta=meta,
            )
        return VideoPrediction(
            video_id=item.id, score=values.get("score"), labels=values.get("labels") or {}, meta=meta
        )


def _schema(data: Dataset, item: Pair | Video) -> dict[str, Any]:
    """The JSON Schema of the answer to `item`'s prompt (servers that support it constrain the reply to it)."""
    if isinstance(item, Pair):
        return prompts.pair_schema()
    if data.label_names:
        return prompts.errors_schema(labels_for(data, item))
    return prompts.score_schema()


def _count_outcome(outcomes: Counter[str], parsed: Parsed) -> None:
    outcomes["predictions"] += 1
    if parsed.error:
        outcomes["failed"] += 1
        outcomes[f"failed:{parsed.error.split(':')[0]}"] += 1
    outcomes["clipped_fields"] += len(parsed.clipped)
    outcomes["off_scale_fields"] += len(parsed.off_scale)
    outcomes["missing_fields"] += len(parsed.missing)


class Qwen25VLModel(OpenAICompatibleModel):
    """Qwen2.5-VL-7B-Instruct served by `vllm serve` (frames as images)."""

    name = "qwen2.5-vl"
    defaults: ClassVar[dict[str, str]] = {
        "model": "Qwen/Qwen2.5-VL-7B-Instruct",
        "base_url": "http://127.0.0.1:8000/v1",
        "concurrency": "16",  # a vLLM server batches requests
        "json_mode": "true",  # vLLM constrains replies to the answer's JSON Schema
    }
    served: ClassVar[str | None] = "Qwen/Qwen2.5-VL-7B-Instruct"


class LlavaVideoModel(OpenAICompatibleModel):
    """The paper's LLaVA-Video row, served by `vllm serve`: LLaVA-OneVision-7B (Qwen2 language model, the same
    family as lmms-lab/LLaVA-Video-7B-Qwen2, which vLLM does not serve). It takes several videos per prompt, so a
    pair goes as two JPEG frame sequences; LLaVA-NeXT-Video takes one and refuses pairs (baselines.lvlm.served)."""

    name = "llava-video"
    defaults: ClassVar[dict[str, str]] = {
        "model": "llava-hf/llava-onevision-qwen2-7b-ov-hf",
        "base_url": "http://127.0.0.1:8000/v1",
        "concurrency": "16",  # a vLLM server batches requests
        "media": "video",
        "image_format": "jpeg",
        "json_mode": "true",
    }
    served: ClassVar[str | None] = "llava-hf/llava-onevision-qwen2-7b-ov-hf"


class GPT4oModel(OpenAICompatibleModel):
    """GPT-4o through the OpenAI API (key from OPENAI_API_KEY); list prices of gpt-4o-2024-08-06 for the budget."""

    name = "gpt-4o"
    defaults: ClassVar[dict[str, str]] = {
        "model": "gpt-4o-2024-08-06",
        "json_mode": "true",
        "input_per_mtok": "2.5",
        "output_per_mtok": "10",
    }
    provider: ClassVar[str] = "openai"


class Gemini25Model(OpenAICompatibleModel):
    """Gemini 2.5 Pro through google-genai (key from GEMINI_API_KEY or GOOGLE_API_KEY). It always thinks and its
    thinking tokens count against max_tokens, so the thinking budget is set (and recorded) and max_tokens leaves
    room for the answer after it."""

    name = "gemini-2.5"
    defaults: ClassVar[dict[str, str]] = {
        "model": "gemini-2.5-pro",
        "json_mode": "true",
        "max_tokens": "8192",
        "thinking_budget": "2048",
        "input_per_mtok": "1.25",
        "output_per_mtok": "10",
    }
    provider: ClassVar[str] = "gemini"
