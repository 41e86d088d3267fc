"""Everything a fitted KEPT consists of (network, frozen text encoder, vocabulary, metadata) and how to build it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kept.config import KeptConfig
from kept.decoder import PROMPT, DescriptionDecoder
from kept.network import KeptNet
from kept.pretrained import LMSettings, fingerprint
from kept.text import TextEncoder
from kept.vocab import Recaser, Vocabulary

_TEXT_ENCODERS: dict[tuple[str, int], TextEncoder] = {}


def text_encoder(name: str, max_tokens: int) -> TextEncoder:
    """The frozen text encoder, loaded once per process (it never changes, so models can share it)."""
    key = (name, max_tokens)
    if key not in _TEXT_ENCODERS:
        _TEXT_ENCODERS[key] = TextEncoder(name, max_tokens)
    return _TEXT_ENCODERS[key]


@dataclass
class KeptState:
    net: KeptNet
    text: TextEncoder
    meta: dict[str, Any]  # task shape: unit, groups, joints, edges, score range, labels, feature sizes, vocab
    recaser: Recaser | None

    @property
    def classify(self) -> bool:
        return bool(self.meta["classify"])


def build_net(
    cfg: KeptConfig,
    meta: dict[str, Any],
    *,
    vocab_texts: Sequence[str] | None = None,
    recaser: Recaser | None = None,
) -> KeptState:
    """A fresh network for a task described by `meta` (vocabulary from `vocab_texts` or `meta['vocab']`)."""
    text = text_encoder(cfg.text_encoder, cfg.max_text_tokens)
    text.to(cfg.device)
    decoder = None
    if meta["unit"] == "pair":
        vocab = None
        if cfg.decoder == "tiny":
            vocab = (
                Vocabulary(meta["vocab"])
                if "vocab" in meta
                else Vocabulary.build(text.tokenizer, [*(vocab_texts or []), PROMPT])
            )
            meta["vocab"] = vocab.token_ids
        decoder = DescriptionDecoder(
            cfg.decoder,
            cfg.d,
            cfg.heads,
            cfg.decoder_layers,
            meta["n_joints"],
            cfg.max_text_tokens,
            vocab,
            text,
            residual=not cfg.no_residual,
            lm_settings=None if cfg.decoder == "tiny" else LMSettings.from_config(cfg),
            comment_space=cfg.comment_space,
        )
        if cfg.decoder != "tiny" and "decoder" not in meta:  # a checkpoint holds no base weights: which base
            meta["decoder"] = {"name": cfg.decoder, "fingerprint": fingerprint(cfg.decoder)}
    n_outputs = len(meta["label_names"]) if meta["classify"] else 1
    net = KeptNet(
        cfg,
        frame_dim=meta["frame_dim"],
        node_dim=meta["node_dim"],
        traj_dim=meta["traj_dim"],
        n_joints=meta["n_joints"],
        n_groups=len(meta["groups"]),
        edges=tuple(tuple(e) for e in meta["edges"]),
        n_outputs=n_outputs,
        text_dim=text.dim,
        n_activities=len(meta["activities"]),
        decoder=decoder,
    ).to(cfg.device)
    if recaser is not None:
        meta["recase"] = recaser.forms
    elif "recase" in meta:
        recaser = Recaser(meta["recase"])
    return KeptState(net=net, text=text, meta=meta, recaser=recaser)
