"""Action difference description generation (§3.4, eqs. 7-8): graph tokens + prompt → a causal text decoder.

Two kinds of decoder read the same tokens [𝒯¹_KG; 𝒯²_KG; 𝒯_ΔKG; f_𝒫]:
- "tiny" (default): a GPT-2-shaped decoder built from a config and trained from scratch over a compact vocabulary
  of the text encoder's WordPiece ids (`kept.vocab`), fast on two CPU cores. It reads the tokens through
  cross-attention, so its self-attention holds only the description: with the ~70 tokens as a prefix instead,
  a from-scratch decoder needs about twice the steps to learn the sentence structure (measured on adr-synth:
  a prefix-fed decoder still repeated sentences after 1,000 steps);
- any Hugging Face causal LM by name or folder (GPT-2, Qwen2.5, Llama...), with its own tokenizer, given the
  tokens as a prefix of `inputs_embeds` (a pretrained LM has no cross-attention to read them with): loaded,
  frozen and given LoRA adapters by `kept.pretrained`.

L_comment (eq. 8) compares f_Ĉ, the features of the decoder's expected tokens softmax(logits)·E (differentiable),
with f_𝒞 of the ground truth, in one of two spaces (`comment_space`):
- "encoder": the text encoder's, reading the expected embeddings of its own WordPiece vocabulary (the tiny
  decoder's tokens are those; an HF decoder's token texts are mapped to them once, `encoder_bridge`);
- "llm" (default for HF decoders): the frozen base LM's own last hidden states, masked mean, adapters off so
  (and in eval mode) so that the feature space cannot drift with training, as eq. 8 reads the LLM's features.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional as F

from kept.pretrained import LMSettings, base_only, load_lm
from kept.text import TextEncoder
from kept.tree import mlp
from kept.vocab import BOS, EOS, PAD, Vocabulary

PROMPT = "Please generate the action difference between Player 1 and Player 2 given their respective videos."


class DescriptionDecoder(nn.Module):
    """Text_Decoder([𝒯¹_KG; 𝒯²_KG; 𝒯_ΔKG; f_𝒫]) (eq. 7) with teacher-forced training and greedy/beam decoding."""

    encoder_embeddings: torch.Tensor
    prompt: torch.Tensor
    vocab: Vocabulary | None
    lm: Any  # GPT2LMHeadModel (tiny) or any transformers causal LM

    def __init__(
        self,
        name: str,
        d: int,
        heads: int,
        layers: int,
        n_joints: int,
        max_tokens: int,
        vocab: Vocabulary | None,
        text: TextEncoder,
        residual: bool,
        lm_settings: LMSettings | None = None,
        comment_space: str = "auto",
    ) -> None:
        super().__init__()
        from transformers import GPT2Config, GPT2LMHeadModel

        self.tiny = name == "tiny"
        self.comment_space = "encoder" if self.tiny else ("llm" if comment_space == "auto" else comment_space)
        self.residual, self.max_tokens = residual, max_tokens
        if self.tiny:
            if vocab is None:
                raise ValueError("kept: the tiny decoder needs the vocabulary of the training descriptions")
            self.vocab, self.tokenizer = vocab, text.tokenizer
            cfg = GPT2Config(
                vocab_size=len(vocab),
                n_embd=d,
                n_layer=layers,
                n_head=heads,
                n_positions=max_tokens + 2,
                add_cross_attention=True,
                resid_pdrop=0.0,
                embd_pdrop=0.0,
                attn_pdrop=0.0,
                bos_token_id=BOS,
                eos_token_id=EOS,
                pad_token_id=PAD,
            )
            self.lm = GPT2LMHeadModel(cfg)
            self.bos, self.eos, self.pad = BOS, EOS, PAD
            prompt = vocab.encode(text.tokenizer, [PROMPT], max_tokens)[0]
            # the encoder's word embeddings of the compact vocabulary: expected token embeddings for L_comment
            sub = text.word_embeddings[torch.tensor([0, 0, 0, 0] + vocab.token_ids)].clone()
            self.register_buffer("encoder_embeddings", sub, persistent=False)
        else:
            if lm_settings is None:
                raise ValueError("kept: an HF decoder needs its LMSettings")
            self.vocab = None
            self.tokenizer, self.lm = load_lm(name, lm_settings)
            tok = self.tokenizer
            self.eos = tok.eos_token_id if tok.eos_token_id is not None else tok.sep_token_id
            self.bos = tok.bos_token_id if tok.bos_token_id is not None else (tok.cls_token_id or self.eos)
            self.pad = tok.pad_token_id if tok.pad_token_id is not None else self.eos
            prompt = tok(PROMPT, add_special_tokens=False)["input_ids"]
            if self.comment_space == "encoder":
                bridge = encoder_bridge(tok, int(self.lm.get_output_embeddings().weight.shape[0]), text)
                self.register_buffer("encoder_embeddings", bridge, persistent=False)
        self.register_buffer("prompt", torch.tensor(prompt, dtype=torch.long), persistent=False)
        width = int(self.lm.config.hidden_size)
        self.graph_tokens = mlp(d, width)  # F_H
        self.residual_tokens = mlp(2 * d, width)  # F_H on ΔH = [H1-H2; H2-H1]

    def encode_texts(self, texts: list[str]) -> list[list[int]]:
        if self.vocab is not None:
            return self.vocab.encode(self.tokenizer, texts, self.max_tokens)
        return self.tokenizer(texts, add_special_tokens=False, truncation=True, max_length=self.max_tokens)[
            "input_ids"
        ]

    def decode_ids(self, ids: list[int]) -> str:
        ids = ids[: ids.index(self.eos)] if self.eos in ids else ids
        raw = self.vocab.to_tokenizer_ids(ids) if self.vocab is not None else ids
        return str(self.tokenizer.decode(raw, skip_special_tokens=True))

    def tokens(self, h1: torch.Tensor, h2: torch.Tensor) -> torch.Tensor:
        """[𝒯¹_KG; 𝒯²_KG; 𝒯_ΔKG; f_𝒫] (eq. 7) as B×(3P+|𝒫|)×d' embeddings."""
        embed = self.lm.get_input_embeddings()
        parts = [self.graph_tokens(h1), self.graph_tokens(h2)]
        if self.residual:
            parts.append(self.residual_tokens(torch.cat([h1 - h2, h2 - h1], dim=-1)))
        parts.append(embed(self.prompt).expand(h1.shape[0], -1, -1))
        return torch.cat(parts, dim=1).to(embed.weight.dtype)  # F_H is fp32, a pretrained LM may be bf16

    def _bos(self, b: int, device: torch.device) -> torch.Tensor:
        return torch.full((b, 1), self.bos, dtype=torch.long, device=device)

    def forward(self, h1: torch.Tensor, h2: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Teacher-forced logits B×(L+1)×V for targets B×L (padded with `pad`): position i predicts token i (then EOS)."""
        embed = self.lm.get_input_embeddings()
        memory = self.tokens(h1, h2)
        text = embed(torch.cat([self._bos(len(targets), targets.device), targets], dim=1))
        if self.tiny:
            return self.lm(inputs_embeds=text, encoder_hidden_states=memory).logits
        inputs = torch.cat([memory, text], dim=1)
        mask = torch.ones(inputs.shape[:2], dtype=torch.long, device=inputs.device)
        keep = text.shape[1]  # logits of the description only, not of the prefix
        out = self.lm(inputs_embeds=inputs, attention_mask=mask, logits_to_keep=keep, use_cache=False)
        return out.logits.float()

    def likelihood_loss(
        self, logits: torch.Tensor, targets: torch.Tensor, lengths: torch.Tensor
    ) -> torch.Tensor:
        """Teacher-forced cross-entropy of the targets followed by EOS."""
        labels = F.pad(targets, (0, 1), value=self.pad)
        labels[torch.arange(len(lengths)), lengths] = self.eos
        mask = torch.arange(labels.shape[1], device=labels.device)[None] <= lengths[:, None]
        return F.cross_entropy(logits[mask], labels[mask])

    def comment_features(
        self, logits: torch.Tensor, lengths: torch.Tensor, text: TextEncoder
    ) -> torch.Tensor:
        """f_Ĉ (eq. 8) made differentiable: the features of the decoder's EXPECTED token embeddings
        softmax(logits_t) · E at every teacher-forced position, instead of the sampled argmax tokens."""
        steps = logits.shape[1] - 1
        mask = (torch.arange(steps, device=logits.device)[None] < lengths[:, None]).long()
        probs = logits[:, :steps].softmax(dim=-1)
        if self.comment_space == "encoder":
            return text.encode_embeds(probs @ self.encoder_embeddings, mask)
        table = self.lm.get_input_embeddings().weight
        return self.lm_features(probs.to(table.dtype) @ table, mask)

    def reference_features(
        self, targets: torch.Tensor, lengths: torch.Tensor, text: TextEncoder
    ) -> torch.Tensor:
        """f_𝒞 of the ground truth in the same space as `comment_features` (no gradient)."""
        with torch.no_grad():
            mask = (torch.arange(targets.shape[1], device=targets.device)[None] < lengths[:, None]).long()
            if self.comment_space == "encoder":
                return text.encode_embeds(self.encoder_embeddings[targets], mask)
            return self.lm_features(self.lm.get_input_embeddings()(targets), mask)

    def lm_features(self, embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The frozen base LM's masked-mean last hidden state over a text's (soft) token embeddings, fp32."""
        with base_only(self.lm):
            hidden = self.lm.base_model(inputs_embeds=embeds, attention_mask=mask, use_cache=False)
        return _masked_mean(hidden.last_hidden_state.float(), mask)

    @torch.no_grad()
    def generate(
        self, h1: torch.Tensor, h2: torch.Tensor, beam: int = 1, no_repeat_ngram: int = 0
    ) -> list[str]:
        """Greedy (beam=1) or beam-search descriptions for a batch of pairs, optionally never repeating an n-gram."""
        return [self.decode_ids(ids) for ids in self.generate_ids(h1, h2, beam, no_repeat_ngram)]

    @torch.no_grad()
    def generate_ids(
        self, h1: torch.Tensor, h2: torch.Tensor, beam: int = 1, no_repeat_ngram: int = 0
    ) -> list[list[int]]:
        """The generated token ids of each pair (the ids `decode_ids` reads: up to the first EOS, if any)."""
        memory = self.tokens(h1, h2)
        bos = self._bos(h1.shape[0], h1.device)
        if self.tiny:
            inputs = {"input_ids": bos, "encoder_hidden_states": memory}
        else:
            embeds = torch.cat([memory, self.lm.get_input_embeddings()(bos)], dim=1)
            inputs = {
                "inputs_embeds": embeds,
                "attention_mask": torch.ones_like(embeds[..., 0], dtype=torch.long),
            }
        out = self.lm.generate(
            **inputs,
            max_new_tokens=self.max_tokens + 1,
            num_beams=beam,
            no_repeat_ngram_size=no_repeat_ngram,
            do_sample=False,
            eos_token_id=self.eos,
            pad_token_id=self.pad,
        )
        new = out[:, 1:] if self.tiny else out  # generate echoes input_ids, not inputs_embeds
        return [row.tolist() for row in new]


def encoder_bridge(tokenizer: Any, size: int, text: TextEncoder) -> torch.Tensor:
    """size×d_enc: each decoder token's text as the mean of the text encoder's word embeddings of its WordPiece
    tokens (zero for a token with none), so the encoder can read another tokenizer's expected tokens."""
    known = min(size, len(tokenizer))
    pieces = tokenizer.batch_decode([[i] for i in range(known)]) + [""] * (size - known)
    ids = text.tokenizer(pieces, add_special_tokens=False)["input_ids"]
    flat = torch.tensor([i for row in ids for i in row], dtype=torch.long)
    offsets = torch.tensor([0] + [len(row) for row in ids[:-1]], dtype=torch.long).cumsum(0)
    with torch.no_grad():
        table = text.word_embeddings.detach().cpu()
        return F.embedding_bag(flat, table, offsets, mode="mean")


def _masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.to(x.dtype).unsqueeze(-1)
    return (x * m).sum(dim=1) / m.sum(dim=1).clamp_min(1.0)


def comment_loss(generated: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """L_comment = 1 - cos(f_𝒞, f_Ĉ) (eq. 8), averaged over the batch."""
    return (1.0 - F.cosine_similarity(generated, reference, dim=-1)).mean()
