"""LoRA finetuning on CPU with a tiny randomly initialised Qwen2-VL (vision tower + language model) saved to a
local folder, loaded back through the Auto classes like a hub model."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from lvlm_fixtures import adr_dataset  # noqa: E402
from safetensors import safe_open  # noqa: E402

from adrbench.llm import prompts  # noqa: E402
from baselines.lvlm.lora import LoraSettings, adr_examples, finetune_qwen_vl  # noqa: E402

SPECIAL = [
    "<unk>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
    "<|endoftext|>",
]
TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{% if m['content'] is string %}{{ m['content'] }}"
    "{% else %}{% for c in m['content'] %}{% if c['type'] == 'image' %}<|vision_start|><|image_pad|>"
    "<|vision_end|>{% else %}{{ c['text'] }}{% endif %}{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
SETTINGS = LoraSettings(rank=4, alpha=8, dropout=0.0, lr=5e-3, steps=6, frames=2, frame_size=56)


def _tiny_qwen2_vl(folder: Path, texts: list[str]) -> None:
    """A 2-layer Qwen2-VL with a word-level tokenizer over `texts`, saved like a hub checkpoint."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2VLConfig, Qwen2VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    core = Tokenizer(models.WordLevel(unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.train_from_iterator(texts, trainers.WordLevelTrainer(special_tokens=SPECIAL))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="<unk>", eos_token="<|im_end|>", pad_token="<|endoftext|>"
    )
    tokenizer.chat_template = TEMPLATE
    ids = tokenizer.convert_tokens_to_ids
    config = Qwen2VLConfig(
        text_config={
            "vocab_size": len(tokenizer),
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "rope_scaling": {"type": "mrope", "mrope_section": [2, 1, 1]},
        },
        vision_config={
            "depth": 1,
            "embed_dim": 32,
            "hidden_size": 32,
            "num_heads": 2,
            "mlp_ratio": 2,
            "patch_size": 14,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
        },
        image_token_id=ids("<|image_pad|>"),
        video_token_id=ids("<|video_pad|>"),
        vision_start_token_id=ids("<|vision_start|>"),
    )
    torch.manual_seed(0)
    Qwen2VLForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    Qwen2VLImageProcessorPil(min_pixels=56 * 56, max_pixels=56 * 56).save_pretrained(folder)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.set_num_threads(1)
    data = adr_dataset(2)
    texts = [prompts.SYSTEM] + [
        p.text for ex in adr_examples(data, "test", SETTINGS) for p in ex.parts if p.text
    ]
    texts += [ex.answer for ex in adr_examples(data, "test", SETTINGS)]
    folder = tmp_path_factory.mktemp("tiny-qwen2-vl")
    _tiny_qwen2_vl(folder, texts)
    return folder


def test_lora_adapter_is_trained_saved_and_reproducible(tiny_model: Path, tmp_path: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForImageTextToText

    data = adr_dataset(2)  # one pair; train on it
    record = finetune_qwen_vl(data, str(tiny_model), tmp_path / "adr-lora", SETTINGS, split="test")
    out = tmp_path / "adr-lora"
    assert {"adapter_config.json", "adapter_model.safetensors", "adrbench_lora.json"} <= {
        p.name for p in out.iterdir()
    }
    losses = record["losses"]
    assert len(losses) == 6 and all(math.isfinite(v) for v in losses) and losses[-1] < losses[0]
    assert json.loads((out / "adrbench_lora.json").read_text())["prompt_version"] == prompts.PROMPT_VERSION
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["r"] == 4 and config["lora_alpha"] == 8
    with safe_open(str(out / "adapter_model.safetensors"), "pt") as weights:
        names = list(weights.keys())
        trained_b = [weights.get_tensor(n) for n in names if "lora_B" in n]
    assert names and all("lora_" in n and "visual" not in n for n in names)  # language model only
    assert any(float(t.abs().max()) > 0 for t in trained_b)  # lora_B starts at zero: it moved

    again = finetune_qwen_vl(data, str(tiny_model), tmp_path / "again", SETTINGS, split="test")
    assert again["losses"] == losses
    assert (tmp_path / "again" / "adapter_model.safetensors").read_bytes() == (
        out / "adapter_model.safetensors"
    ).read_bytes()

    base = AutoModelForImageTextToText.from_pretrained(tiny_model)
    loaded = PeftModel.from_pretrained(base, out)
    assert sum(p.numel() for n, p in loaded.named_parameters() if "lora_" in n) > 0
