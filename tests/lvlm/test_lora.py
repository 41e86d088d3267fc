"""LoRA finetuning on CPU with a tiny randomly initialised Qwen2.5-VL (vision tower + language model) saved to a
local folder, loaded back through the Auto classes like a hub model."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from lvlm_fixtures import adr_dataset  # noqa: E402
from safetensors import safe_open  # noqa: E402

from adrbench.errors import ConfigError  # noqa: E402
from adrbench.llm import prompts  # noqa: E402
from baselines.lvlm.lora import (  # noqa: E402
    LM_PROJECTIONS,
    LoraSettings,
    QwenVLEncoder,
    adr_examples,
    finetune_qwen_vl,
    prepare_model,
    to_model,
)

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
VLLM_KEY = re.compile(
    r"base_model\.model\.model\.language_model\.layers\.\d+\."
    r"(self_attn\.(q|k|v|o)_proj|mlp\.(gate|up|down)_proj)\.lora_(A|B)\.weight"
)
SETTINGS = LoraSettings(rank=4, alpha=8, dropout=0.0, lr=5e-3, steps=6, frames=2, frame_size=56)


def _tiny_qwen25_vl(folder: Path, texts: list[str]) -> None:
    """A 2-layer Qwen2.5-VL with a word-level tokenizer over `texts`, saved like a hub checkpoint."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    core = Tokenizer(models.WordLevel(unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.train_from_iterator(texts, trainers.WordLevelTrainer(special_tokens=SPECIAL))
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="<unk>", eos_token="<|im_end|>", pad_token="<|endoftext|>"
    )
    tokenizer.chat_template = TEMPLATE

    def ids(token: str) -> int:
        return int(tokenizer.convert_tokens_to_ids(token))  # type: ignore[arg-type]

    config = Qwen2_5_VLConfig(
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
            "depth": 2,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_heads": 2,
            "out_hidden_size": 32,
            "patch_size": 14,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
            "window_size": 56,
            "fullatt_block_indexes": [1],
        },
        image_token_id=ids("<|image_pad|>"),
        video_token_id=ids("<|video_pad|>"),
        vision_start_token_id=ids("<|vision_start|>"),
    )
    torch.manual_seed(0)
    Qwen2_5_VLForConditionalGeneration(config).save_pretrained(folder)
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
    folder = tmp_path_factory.mktemp("tiny-qwen2.5-vl")
    _tiny_qwen25_vl(folder, texts)
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
    assert config["target_modules"] and set(config["target_modules"]) <= set(LM_PROJECTIONS)  # a list, no regex
    assert config["bias"] == "none" and not config["modules_to_save"] and not config["use_dora"]  # vLLM refuses
    with safe_open(str(out / "adapter_model.safetensors"), "pt") as weights:
        names = list(weights.keys())
        trained_b = [weights.get_tensor(n) for n in names if "lora_B" in n]
    # The Hugging Face names vLLM maps onto its model: the language model's 2 layers × 7 projections × A, B.
    assert len(names) == 2 * 7 * 2 and all(VLLM_KEY.fullmatch(n) for n in names), names[:3]
    assert any(float(t.abs().max()) > 0 for t in trained_b)  # lora_B starts at zero: it moved

    again = finetune_qwen_vl(data, str(tiny_model), tmp_path / "again", SETTINGS, split="test")
    assert again["losses"] == losses
    assert (tmp_path / "again" / "adapter_model.safetensors").read_bytes() == (
        out / "adapter_model.safetensors"
    ).read_bytes()

    base = AutoModelForImageTextToText.from_pretrained(tiny_model)
    loaded = PeftModel.from_pretrained(base, out)
    assert sum(p.numel() for n, p in loaded.named_parameters() if "lora_" in n) > 0



def _loaded(folder: Path, settings: LoraSettings) -> tuple[object, QwenVLEncoder]:
    from transformers import AutoImageProcessor, AutoModelForImageTextToText, AutoTokenizer

    torch.manual_seed(0)
    model = prepare_model(AutoModelForImageTextToText.from_pretrained(folder), settings)
    encoder = QwenVLEncoder(AutoTokenizer.from_pretrained(folder), AutoImageProcessor.from_pretrained(folder))
    return model, encoder


def test_a_padded_batch_gives_the_loss_of_its_examples(tiny_model: Path) -> None:
    (first,) = adr_examples(adr_dataset(2), "test", SETTINGS)
    examples = [first, dataclasses.replace(first, answer=f"{first.answer} {first.answer}")]  # unequal lengths
    model, encoder = _loaded(tiny_model, SETTINGS)
    model.eval()  # type: ignore[attr-defined]
    with torch.no_grad():
        singles = [encoder.batch([e]) for e in examples]
        losses = [float(model(**to_model(b, model)).loss) for b in singles]  # type: ignore[operator]
        counts = [int((b["labels"] != -100).sum()) for b in singles]
        both = encoder.batch(examples)
        assert both["input_ids"].shape[0] == 2 and both["pixel_values"].shape[0] == sum(
            b["pixel_values"].shape[0] for b in singles
        )
        assert len({b["input_ids"].shape[1] for b in singles}) == 2  # one row really is padded
        batched = float(model(**to_model(both, model)).loss)  # type: ignore[operator]
    # the loss is averaged over answer tokens: padding adds none and shifts no position
    assert batched == pytest.approx(sum(x * n for x, n in zip(losses, counts, strict=True)) / sum(counts), rel=1e-4)


def test_checkpointing_batching_and_bf16_train(tiny_model: Path, tmp_path: Path) -> None:
    data = adr_dataset(3)
    quick = dataclasses.replace(SETTINGS, steps=3, device="cpu")
    plain = finetune_qwen_vl(data, str(tiny_model), tmp_path / "plain", quick, split="test")
    checkpointed = dataclasses.replace(quick, gradient_checkpointing=True)
    again = finetune_qwen_vl(data, str(tiny_model), tmp_path / "ckpt", checkpointed, split="test")
    assert again["losses"] == pytest.approx(plain["losses"], rel=1e-5)  # the same maths, less memory
    assert plain["dtype"] == "float32" and plain["device"] == "cpu"

    batched = finetune_qwen_vl(
        data, str(tiny_model), tmp_path / "b", dataclasses.replace(quick, batch_size=2), split="test"
    )
    assert len(batched["losses"]) == 3 and batched["losses"][0] != plain["losses"][0]

    bf16 = finetune_qwen_vl(
        data, str(tiny_model), tmp_path / "bf16", dataclasses.replace(quick, dtype="bfloat16"), split="test"
    )
    assert bf16["dtype"] == "bfloat16" and all(math.isfinite(v) for v in bf16["losses"])
    with safe_open(str(tmp_path / "bf16" / "adapter_model.safetensors"), "pt") as weights:
        assert all(VLLM_KEY.fullmatch(n) for n in weights.keys())


def test_bad_lora_settings_are_one_clear_error() -> None:
    with pytest.raises(ConfigError, match="dtype must be one of"):
        LoraSettings(dtype="fp8")
    with pytest.raises(ConfigError, match="at least 1"):
        LoraSettings(batch_size=0)
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="no CUDA device"):
            LoraSettings(device="cuda").torch_device()


def test_gpu_benchmark_smoke_runs_on_cpu_with_tiny() -> None:
    root = Path(__file__).resolve().parents[2]
    script = root / "benchmarks" / "lvlm_lora_gpu.py"
    env = {**os.environ, "PYTHONPATH": str(root)}  # this checkout's packages, not an installed copy
    done = subprocess.run(
        [sys.executable, str(script), "--tiny"], capture_output=True, text=True, timeout=300, cwd=root, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "step_s=" in done.stdout and "peak_gb=" in done.stdout and "device=cpu" in done.stdout
    if not torch.cuda.is_available():
        full = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=root, env=env
        )
        assert full.returncode == 2 and "no CUDA device" in full.stderr and "--tiny" in full.stderr
