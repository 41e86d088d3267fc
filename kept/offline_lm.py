"""An offline byte-level BPE tokenizer for random causal LMs built from a config (the HF-decoder tests and
benchmarks/kept_gpu.py, where no weights or tokenizer files can be fetched).

Saved as tokenizer.json next to a Qwen2 config it loads as the Qwen2Tokenizer that transformers insists on for
that model type, and splits text into words and sub-words as a real Qwen tokenizer does; a WordPiece vocabulary
saved there instead is read as single characters, which makes every sequence several times too long.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

EOS = "<|endoftext|>"


def save_bpe_tokenizer(folder: Path, texts: Iterable[str], vocab_size: int = 4000) -> int:
    """Train a byte-level BPE tokenizer on `texts`, save it to `folder` (EOS = PAD = <|endoftext|>); returns
    its size, the vocab_size the model's config needs."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(list(texts), trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, pad_token=EOS)
    fast.save_pretrained(folder)
    return len(fast)
