"""LoRA finetuning of an open LVLM of the Qwen2-VL / Qwen2.5-VL family on ADR train pairs (paper §4: the open
LVLMs are finetuned with LoRA on ADR), giving a PEFT adapter folder that vLLM serves next to the base model:
`vllm serve Qwen/Qwen2.5-VL-7B-Instruct --enable-lora --lora-modules adr=PATH`.

The model sees exactly what the zero-shot adapter sends (same prompts, same frames) and learns to answer with
the ground-truth JSON. LoRA goes on the language model's projections only (vLLM does not serve LoRA on the
vision tower). The folder holds peft's adapter_config.json (target_modules a list of projection names, the
vision tower excluded) and adapter_model.safetensors with keys
`base_model.model.model.language_model.layers.<i>.{self_attn,mlp}.<proj>.lora_{A,B}.weight`: the Hugging Face
model's own names, which vLLM maps onto its Qwen2.5-VL (`model.language_model.` → `language_model.model.`).
"""

from __future__ import annotations

import dataclasses
import inspect
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from adrbench.atomic import staged_dir
from adrbench.dataset import Dataset
from adrbench.errors import ConfigError, DataError
from adrbench.jsonl import dumps, write_json
from adrbench.llm import prompts
from adrbench.llm.messages import Part
from baselines.lvlm.frames import FrameSource
from baselines.lvlm.inputs import item_parts

LM_PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
VISION_TOWER = r".*visual.*"  # module names excluded: the vision blocks have gate/up/down_proj too
DTYPES = ("auto", "float32", "bfloat16")


@dataclass(frozen=True)
class LoraSettings:
    """Finetuning settings, recorded in the adapter folder's adrbench_lora.json.

    `steps` optimizer steps of `batch_size` examples each (padded to the longest); `device` 'auto' is CUDA when
    there is one; `dtype` 'auto' is bfloat16 on CUDA and float32 on CPU (the LoRA weights stay float32);
    `gradient_checkpointing` recomputes activations in the backward pass (less memory, one more forward pass).
    """

    rank: int = 16  # vLLM's default --max-lora-rank is 16: a larger rank needs that flag raised
    alpha: int = 32
    dropout: float = 0.05
    lr: float = 1e-4
    steps: int = 500
    seed: int = 0
    frames: int = 8
    frame_size: int = 336
    source: str = "auto"
    view: str = "xz"
    video_root: str | None = None
    target_modules: tuple[str, ...] = LM_PROJECTIONS
    exclude_modules: str = VISION_TOWER
    batch_size: int = 1
    device: str = "auto"
    dtype: str = "auto"
    gradient_checkpointing: bool = False

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ConfigError(f"LoRA dtype must be one of {', '.join(DTYPES)}, not {self.dtype!r}")
        if self.batch_size < 1 or self.steps < 1 or self.rank < 1:
            raise ConfigError("LoRA batch_size, steps and rank must be at least 1")

    def torch_device(self) -> Any:
        """The device to train on; asking for CUDA where there is none is a ConfigError."""
        import torch

        name = ("cuda" if torch.cuda.is_available() else "cpu") if self.device == "auto" else self.device
        if name.startswith("cuda") and not torch.cuda.is_available():
            raise ConfigError(f"LoRA device {self.device!r}: no CUDA device here (use device='cpu')")
        return torch.device(name)

    def torch_dtype(self, device: Any) -> Any:
        """The base model's dtype: bfloat16 on CUDA and float32 on CPU unless named."""
        import torch

        name = self.dtype if self.dtype != "auto" else ("bfloat16" if device.type == "cuda" else "float32")
        return getattr(torch, name)


@dataclass(frozen=True)
class Example:
    """One training item: the user message and the answer the model should give."""

    item_id: str
    parts: tuple[Part, ...]
    answer: str


def adr_examples(data: Dataset, split: str, settings: LoraSettings) -> list[Example]:
    """ADR pairs of `split` with their ground truth as the answer JSON the prompt asks for."""
    if data.unit != "pair":
        raise ConfigError(f"LoRA finetuning uses ADR pairs; task {data.task!r} has unit {data.unit!r}")
    root = Path(settings.video_root) if settings.video_root else None
    frames = FrameSource(
        data, settings.frames, settings.frame_size, "png", settings.source, settings.view, root
    )
    examples = []
    for pair in data.pair_items(split):
        first, second = data.videos[pair.video_1], data.videos[pair.video_2]
        if first.score is None or second.score is None or not pair.description:
            raise DataError(data.root, f"pair {pair.id!r} of split {split!r} lacks a score or a description")
        answer = dumps({"score_1": first.score, "score_2": second.score, "description": pair.description})
        examples.append(Example(pair.id, item_parts(data, pair, frames, "images"), answer))
    return examples


class QwenVLEncoder:
    """Example → model inputs, as Qwen2-VL's processor builds them: the chat template, each image's
    `<|image_pad|>` repeated once per merged patch, and labels (-100 on the prompt) only on the answer."""

    def __init__(self, tokenizer: Any, image_processor: Any, image_token: str = "<|image_pad|>") -> None:
        self.tokenizer, self.image_processor, self.image_token = tokenizer, image_processor, image_token
        self.image_token_id = tokenizer.convert_tokens_to_ids(image_token)
        self.merge = int(getattr(image_processor, "merge_size", 2)) ** 2

    def __call__(self, example: Example) -> dict[str, Any]:
        import torch
        from PIL import Image

        content: list[dict[str, str]] = []
        images = []
        for part in example.parts:
            if part.kind == "text":
                content.append({"type": "text", "text": part.text})
            for data in part.data:
                content.append({"type": "image"})
                images.append(Image.open(io.BytesIO(data)).convert("RGB"))
        messages = [{"role": "system", "content": prompts.SYSTEM}, {"role": "user", "content": content}]
        prompt = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        vision = self.image_processor(images=images, return_tensors="pt")
        pieces = prompt.split(self.image_token)
        if len(pieces) != len(images) + 1:
            raise ConfigError("the chat template did not place one image token per image")
        sizes = [int(g.prod()) // self.merge for g in vision["image_grid_thw"]]
        prompt = pieces[0] + "".join(
            self.image_token * n + rest for n, rest in zip(sizes, pieces[1:], strict=True)
        )
        prompt_ids = self.tokenizer(prompt, add_special_tokens=False)["input_ids"]
        answer_ids = self.tokenizer(example.answer + self.tokenizer.eos_token, add_special_tokens=False)[
            "input_ids"
        ]
        ids = torch.tensor([prompt_ids + answer_ids])
        return {
            "input_ids": ids,
            "attention_mask": torch.ones_like(ids),
            "labels": torch.tensor([[-100] * len(prompt_ids) + answer_ids]),
            "pixel_values": vision["pixel_values"],
            "image_grid_thw": vision["image_grid_thw"],
            "mm_token_type_ids": (ids == self.image_token_id).long(),
        }

    def batch(self, examples: list[Example]) -> dict[str, Any]:
        """Several examples as one input: token rows padded on the right (pad id, attention 0, label -100), the
        images of all examples concatenated in order, as Qwen-VL models take them."""
        import torch

        encoded = [self(example) for example in examples]
        length = max(e["input_ids"].shape[1] for e in encoded)
        pad_id = self.tokenizer.pad_token_id
        pad_id = self.tokenizer.eos_token_id if pad_id is None else pad_id
        fill = {"input_ids": pad_id, "attention_mask": 0, "labels": -100, "mm_token_type_ids": 0}
        out = {
            key: torch.cat(
                [torch.nn.functional.pad(e[key], (0, length - e[key].shape[1]), value=value) for e in encoded]
            )
            for key, value in fill.items()
        }
        return out | {key: torch.cat([e[key] for e in encoded]) for key in ("pixel_values", "image_grid_thw")}


def prepare_model(model: Any, settings: LoraSettings) -> Any:
    """The base model on the settings' device and dtype, gradient checkpointing on if asked, wrapped with
    trainable LoRA adapters (float32) on the language model's projections."""
    from peft import LoraConfig, get_peft_model

    device = settings.torch_device()
    model = model.to(device=device, dtype=settings.torch_dtype(device))
    if settings.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        for config in (model.config, getattr(model.config, "text_config", None)):
            if config is not None:
                config.use_cache = False  # no KV cache while training (it cannot be checkpointed)
    config = LoraConfig(
        r=settings.rank,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=list(settings.target_modules),
        exclude_modules=settings.exclude_modules,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)


def to_model(batch: dict[str, Any], model: Any) -> dict[str, Any]:
    """The inputs `model.forward` takes, on its device; pixel values in its dtype."""
    base = model.get_base_model()
    accepted = set(inspect.signature(base.forward).parameters)
    return {
        k: v.to(base.device, dtype=base.dtype if k == "pixel_values" else None)
        for k, v in batch.items()
        if k in accepted
    }


def train_step(model: Any, optimizer: Any, batch: dict[str, Any]) -> float:
    """One optimizer step on one batch (gradients clipped to norm 1); the loss before the step."""
    import torch

    loss = model(**to_model(batch, model)).loss
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return float(loss.detach())


def train_lora(
    model: Any, encoder: QwenVLEncoder, examples: list[Example], settings: LoraSettings, output_dir: Path
) -> dict[str, Any]:
    """Train LoRA adapters for `settings.steps` steps of `settings.batch_size` examples (seeded order, each
    example once per epoch) and save the adapter folder.

    Returns the training record also written to `output_dir`/adrbench_lora.json.
    """
    import torch

    if not examples:
        raise ConfigError("no training examples")
    torch.manual_seed(settings.seed)
    peft_model = prepare_model(model, settings)
    optimizer = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=settings.lr)
    rng = np.random.default_rng(settings.seed)
    order: list[int] = []
    losses: list[float] = []
    peft_model.train()
    for _ in range(settings.steps):
        chosen = []
        for _ in range(min(settings.batch_size, len(examples))):
            if not order:
                order = rng.permutation(len(examples)).tolist()
            chosen.append(examples[order.pop()])
        losses.append(round(train_step(peft_model, optimizer, encoder.batch(chosen)), 6))
    record = {
        "schema": "adrbench.lora/1",
        "base_model": str(getattr(model.config, "_name_or_path", "") or ""),
        "prompt_version": prompts.PROMPT_VERSION,
        "settings": dataclasses.asdict(settings),
        "device": str(peft_model.get_base_model().device),
        "dtype": str(peft_model.get_base_model().dtype).removeprefix("torch."),
        "n_examples": len(examples),
        "losses": losses,
    }
    save_adapter(peft_model, output_dir, record)
    return record


def save_adapter(peft_model: Any, output_dir: Path, record: dict[str, Any]) -> None:
    """Write the adapter (adapter_config.json + adapter_model.safetensors) and the record, all or nothing."""
    output_dir = Path(output_dir)
    if output_dir.exists() and not (output_dir / "adapter_config.json").is_file():
        raise ConfigError(f"{output_dir} exists and is not an adapter folder; choose another output folder")
    with staged_dir(output_dir, replace=True) as staging:
        peft_model.save_pretrained(str(staging), safe_serialization=True)
        write_json(staging / "adrbench_lora.json", record)


def finetune_qwen_vl(
    data: Dataset,
    base_model: str,
    output_dir: Path,
    settings: LoraSettings | None = None,
    split: str = "train",
) -> dict[str, Any]:
    """Load a Qwen2-VL / Qwen2.5-VL model (hub id or local folder) in the settings' dtype, finetune LoRA on
    `split` and save the adapter."""
    from transformers import AutoImageProcessor, AutoModelForImageTextToText, AutoTokenizer

    settings = settings or LoraSettings()
    device = settings.torch_device()
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    image_processor = AutoImageProcessor.from_pretrained(base_model)
    model = AutoModelForImageTextToText.from_pretrained(base_model, dtype=settings.torch_dtype(device))
    examples = adr_examples(data, split, settings)
    return train_lora(model, QwenVLEncoder(tokenizer, image_processor), examples, settings, output_dir)
