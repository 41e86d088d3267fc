"""A pretrained Hugging Face causal LM as KEPT's Text_Decoder: loaded in bf16 on CUDA, frozen, with LoRA adapters.

Why: at the paper's width a 7B decoder trained in full in fp32 is ≈131 GB of weights, gradients and Adam state,
and every per-epoch resume state would hold ≈100 GB. Frozen in bf16 with rank-16 adapters on the attention
projections it is ≈15 GB of weights and a few hundred MB of trainable state, and only what trains is saved
(`kept.weights`): the base is reloaded from its name or folder, checked against the fingerprint that the
checkpoint recorded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from adrbench.errors import ConfigError
from kept.config import KeptConfig

DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32}


@dataclass(frozen=True)
class LMSettings:
    """How an HF decoder is loaded and trained (the `decoder_*` and `lora_*` options, resolved for a device)."""

    dtype: torch.dtype
    full: bool  # decoder_train=full: every weight trains, no adapters
    lora_rank: int  # 0: the base is frozen and gets no adapters
    lora_alpha: int
    lora_targets: tuple[str, ...]
    checkpointing: bool

    @classmethod
    def from_config(cls, cfg: KeptConfig) -> LMSettings:
        cuda = cfg.device.startswith("cuda")
        full = cfg.decoder_train == "full"
        # auto: a frozen base in bf16 on CUDA; weights that Adam updates stay fp32 (bf16 loses small updates)
        dtype = cfg.decoder_dtype if cfg.decoder_dtype != "auto" else ("bf16" if cuda and not full else "fp32")
        checkpointing = cfg.decoder_checkpointing == "on" or (cfg.decoder_checkpointing == "auto" and cuda)
        targets = tuple(t.strip() for t in cfg.lora_targets.split(",") if t.strip())
        return cls(DTYPES[dtype], full, cfg.lora_rank, cfg.lora_alpha, targets, checkpointing)


def load_lm(name: str, settings: LMSettings) -> tuple[Any, Any]:
    """(tokenizer, causal LM) for a hub name or folder, in `settings.dtype`, frozen unless `settings.full`."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    offline = os.path.isdir(name)
    tokenizer = AutoTokenizer.from_pretrained(name, local_files_only=offline)
    lm = AutoModelForCausalLM.from_pretrained(name, local_files_only=offline, dtype=settings.dtype)
    if not settings.full:
        lm.requires_grad_(False)
        if settings.lora_rank > 0:
            add_adapters(lm, settings)
    if settings.checkpointing:
        lm.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        lm.config.use_cache = False
    return tokenizer, lm


def add_adapters(lm: torch.nn.Module, settings: LMSettings) -> None:
    """LoRA adapters (peft) on the `lora_targets` modules, in place, kept in fp32; only they require gradients."""
    try:
        from peft import LoraConfig, inject_adapter_in_model
    except ImportError as exc:
        raise ConfigError("kept: LoRA adapters need peft (pip install peft), or set lora_rank=0") from exc
    config = LoraConfig(
        r=settings.lora_rank,
        lora_alpha=settings.lora_alpha,
        lora_dropout=0.0,
        target_modules=list(settings.lora_targets),
        bias="none",
        fan_in_fan_out=any(type(m).__name__ == "Conv1D" for m in lm.modules()),  # GPT-2's transposed weights
    )
    try:
        inject_adapter_in_model(config, lm)
    except ValueError:  # no module of that name
        layers = sorted({n.rsplit(".", 1)[-1] for n, m in lm.named_modules() if _is_projection(m)})
        raise ConfigError(
            f"kept: lora_targets={','.join(settings.lora_targets)} match no module of the decoder; "
            f"its projections: {','.join(layers)}"
        ) from None
    for name, p in lm.named_parameters():
        is_adapter = "lora_" in name
        p.requires_grad_(is_adapter)
        if is_adapter:
            p.data = p.data.float()  # Adam on bf16 adapters loses their small updates


def _is_projection(module: torch.nn.Module) -> bool:
    """A layer LoRA can adapt: nn.Linear, or GPT-2's Conv1D (a linear layer with transposed weights)."""
    return isinstance(module, torch.nn.Linear) or type(module).__name__ == "Conv1D"


@contextmanager
def base_only(lm: torch.nn.Module) -> Iterator[None]:
    """Run the frozen base LM alone, a fixed feature space for L_comment: adapters off and eval mode (no dropout,
    and no gradient checkpointing, whose recomputation in the backward pass would run with the adapters on)."""
    training = lm.training
    lm.eval()
    try:
        from peft.tuners.tuners_utils import BaseTunerLayer
    except ImportError:  # no peft, so no adapters
        layers = []
    else:
        layers = [m for m in lm.modules() if isinstance(m, BaseTunerLayer)]
    for m in layers:
        m.enable_adapters(False)
    try:
        yield
    finally:
        for m in layers:
            m.enable_adapters(True)  # the adapters trainable again, the base layers untouched
        lm.train(training)


def fingerprint(name: str) -> str:
    """The base LM's identity: the SHA-256 of a folder's files, or the hub name and the config's commit."""
    from adrbench.features.encoders import folder_fingerprint

    if os.path.isdir(name):
        return "dir:" + folder_fingerprint(Path(name))
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(name)
    return f"hub:{name}@{getattr(config, '_commit_hash', None) or 'unknown'}"
