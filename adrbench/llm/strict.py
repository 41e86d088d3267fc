"""What the real model servers refuse, for the loopback server: request schemas, unknown models, per-model image
and video limits, context length, JSON-mode rules and Gemini thinking budgets.

Each rule follows a documented behaviour of vLLM, the OpenAI API or the Gemini API (see docs/lvlm.md):
vLLM's LLaVA-NeXT-Video takes at most one video per prompt; OpenAI's `json_object` mode needs the word "JSON" in
the messages and strict `json_schema` needs every property required and no additional properties; Gemini 2.5
Pro always thinks (a budget of 0 is refused) within 128–32768 tokens. A check returns nothing or raises
`Rejection` with the status code and message the real server would send.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class Rejection(Exception):
    """A request the real server refuses: its HTTP status, message and (Gemini) status name."""

    def __init__(self, code: int, message: str, status: str = "INVALID_ARGUMENT") -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class ModelCard:
    """What a server knows of one model: media limits per prompt, context length (prompt + completion tokens)
    and its thinking budget range (None: the model does not think)."""

    max_images: int = 999  # vLLM's default --limit-mm-per-prompt
    max_videos: int = 999
    max_model_len: int = 32768
    thinking: tuple[int, int] | None = None


def card_for(name: str) -> ModelCard:
    """The card of a model by its name's family: LLaVA-NeXT-Video (one video, 4k context), Gemini 2.5 Pro (always
    thinks, budget 128–32768), Gemini 2.5 Flash (may think, 0–24576), other models vLLM's defaults."""
    low = name.lower()
    if "llava-next-video" in low:
        return ModelCard(max_videos=1, max_model_len=4096)
    if "gemini-2.5-pro" in low:
        return ModelCard(max_model_len=1_048_576, thinking=(128, 32768))
    if "gemini-2.5-flash" in low:
        return ModelCard(max_model_len=1_048_576, thinking=(0, 24576))
    return ModelCard()


def prompt_tokens(text: str, n_images: int) -> int:
    """The loopback's token count of a prompt: a word a token, an image 100 (also what it bills)."""
    return len(text.split()) + 100 * n_images


_OPENAI_KEYS = {
    "model", "messages", "temperature", "max_tokens", "max_completion_tokens", "seed", "response_format", "top_p",
    "n", "stop", "stream", "frequency_penalty", "presence_penalty", "logprobs", "top_logprobs", "user",
}  # fmt: skip
_ROLES = {"system", "developer", "user", "assistant"}


def _bad(message: str) -> Rejection:
    return Rejection(400, message)


def _check_number(body: dict[str, Any], name: str, low: float, high: float | None, integer: bool) -> None:
    if name not in body or body[name] is None:
        return
    value = body[name]
    kinds = (int,) if integer else (int, float)
    if (
        isinstance(value, bool)
        or not isinstance(value, kinds)
        or value < low
        or (high is not None and value > high)
    ):
        raise _bad(f"Invalid value for '{name}': {value!r}.")


def _strict_schema(schema: Any, where: str = "schema") -> None:
    """OpenAI structured outputs (strict): every object lists all its properties as required and forbids others."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "object":
        props = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            raise _bad(f"Invalid schema for response_format: In context={where}, 'additionalProperties' is "
                       "required to be supplied and to be false.")  # fmt: skip
        if sorted(schema.get("required") or []) != sorted(props):
            raise _bad(f"Invalid schema for response_format: In context={where}, 'required' is required to be "
                       "supplied and to be an array including every key in properties.")  # fmt: skip
        for key, sub in props.items():
            _strict_schema(sub, f"{where}.properties.{key}")
    if schema.get("type") == "array":
        _strict_schema(schema.get("items"), f"{where}.items")


def _check_response_format(fmt: Any, texts: list[str]) -> None:
    if fmt is None:
        return
    if not isinstance(fmt, dict) or fmt.get("type") not in {"text", "json_object", "json_schema"}:
        raise _bad(
            "Invalid value for 'response_format.type': expected 'text', 'json_object' or 'json_schema'."
        )
    if fmt["type"] == "json_object" and not any("json" in t.lower() for t in texts):
        raise _bad("'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                   "'json_object'.")  # fmt: skip
    if fmt["type"] == "json_schema":
        spec = fmt.get("json_schema")
        if not isinstance(spec, dict) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", str(spec.get("name", ""))):
            raise _bad("Missing required parameter: 'response_format.json_schema.name'.")
        if not isinstance(spec.get("schema"), dict):
            raise _bad("Invalid type for 'response_format.json_schema.schema': expected an object.")
        if spec.get("strict"):
            _strict_schema(spec["schema"])


def openai_media(body: dict[str, Any]) -> tuple[list[str], int, int, int]:
    """(texts, images, videos, frames) of a chat-completions body, refusing malformed messages and blocks."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _bad("'messages' must be a non-empty array.")
    texts: list[str] = []
    images = videos = frames = 0
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _ROLES:
            raise _bad(f"Invalid value for 'messages[{i}].role'.")
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
            continue
        if not isinstance(content, list):
            raise _bad(f"Invalid type for 'messages[{i}].content': expected a string or an array.")
        for block in content:
            kind = block.get("type") if isinstance(block, dict) else None
            if kind == "text" and isinstance(block.get("text"), str):
                texts.append(block["text"])
            elif kind == "image_url" and str(block.get("image_url", {}).get("url", "")).startswith(
                ("data:image/", "http")
            ):
                images += 1
                frames += 1
            elif kind == "video_url" and str(block.get("video_url", {}).get("url", "")).startswith(
                ("data:video/", "http")
            ):
                videos += 1
                frames += block["video_url"]["url"].count(",")
            else:
                raise _bad(f"Invalid content block in 'messages[{i}].content': {str(block)[:80]}")
    return texts, images, videos, frames


def check_openai(body: dict[str, Any], card: ModelCard) -> tuple[str, int]:
    """Refuse what vLLM / the OpenAI API refuse in a chat-completions body; (prompt text, frames) when accepted."""
    unknown = sorted(set(body) - _OPENAI_KEYS)
    if unknown:
        raise _bad(f"Unrecognized request argument supplied: {unknown[0]}")
    if not isinstance(body.get("model"), str):
        raise _bad("Missing required parameter: 'model'.")
    _check_number(body, "temperature", 0, 2, integer=False)
    _check_number(body, "max_tokens", 1, None, integer=True)
    _check_number(body, "max_completion_tokens", 1, None, integer=True)
    _check_number(body, "seed", -(2**63), 2**63, integer=True)
    texts, images, videos, frames = openai_media(body)
    _check_response_format(body.get("response_format"), texts)
    for kind, count, limit in (("image", images, card.max_images), ("video", videos, card.max_videos)):
        if count > limit:
            raise _bad(f"At most {limit} {kind}(s) may be provided in one prompt.")
    prompt = "\n".join(texts)
    used = prompt_tokens(prompt, frames)
    completion = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    if used + completion > card.max_model_len:
        raise _bad(f"This model's maximum context length is {card.max_model_len} tokens. However, you requested "
                   f"{used + completion} tokens ({used} in the messages, {completion} in the completion).")  # fmt: skip
    return prompt, frames


_GEMINI_KEYS = {"contents", "systemInstruction", "generationConfig", "safetySettings", "tools", "toolConfig"}
_GEMINI_CONFIG = {
    "temperature", "maxOutputTokens", "seed", "responseMimeType", "responseSchema", "responseJsonSchema",
    "thinkingConfig", "topP", "topK", "candidateCount", "stopSequences",
}  # fmt: skip


def _camel(value: Any) -> Any:
    """`value` with every dict key in lowerCamelCase: the Gemini API reads proto JSON, which takes both
    `mime_type` and `mimeType` (google-genai sends some of each)."""
    if isinstance(value, dict):
        return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def check_gemini(body: dict[str, Any], card: ModelCard) -> tuple[str, int]:
    """Refuse what the Gemini API refuses in a generateContent body; (prompt text, images) when accepted."""
    body = _camel(body)
    unknown = sorted(set(body) - _GEMINI_KEYS)
    if unknown:
        raise _bad(f'Invalid JSON payload received. Unknown name "{unknown[0]}": Cannot find field.')
    contents = body.get("contents")
    if not isinstance(contents, list) or not contents:
        raise _bad("* GenerateContentRequest.contents: contents is not specified")
    texts: list[str] = []
    images = 0
    for content in contents:
        for part in content.get("parts") or []:
            if isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif isinstance(part.get("inlineData"), dict) and {"mimeType", "data"} <= set(part["inlineData"]):
                images += 1
            else:
                raise _bad(f"* GenerateContentRequest.contents.parts: unsupported part {str(part)[:80]}")
    config = body.get("generationConfig") or {}
    unknown = sorted(set(config) - _GEMINI_CONFIG)
    if unknown:
        raise _bad(f"Invalid JSON payload received. Unknown name \"{unknown[0]}\" at 'generation_config'.")
    if (config.get("responseSchema") or config.get("responseJsonSchema")) and config.get(
        "responseMimeType"
    ) != "application/json":
        raise _bad("* GenerateContentRequest.generation_config.response_schema: a schema needs response_mime_type "
                   "application/json")  # fmt: skip
    thinking = config.get("thinkingConfig")
    if thinking is not None and "thinkingBudget" in thinking:
        budget = thinking["thinkingBudget"]
        if card.thinking is None:
            raise _bad("Thinking is not supported by this model.")
        low, high = card.thinking
        if budget == 0 and low > 0:
            raise _bad("Budget 0 is invalid. This model only works in thinking mode.")
        if budget != -1 and not low <= budget <= high:
            raise _bad(
                f"The thinking budget {budget} is invalid. Please choose a value between {low} and {high}."
            )
    prompt = "\n".join(texts)
    if prompt_tokens(prompt, images) > card.max_model_len:
        raise _bad(
            f"The input token count exceeds the maximum number of tokens allowed ({card.max_model_len})."
        )
    return prompt, images
