"""KEPT at the paper's width on one CUDA GPU: the training speed of one ADR epoch with a 7B-shaped decoder.

The issue-16 check, one command on one H200/H100 (torch, transformers, peft; no internet, no weights):

    python benchmarks/kept_gpu.py --decoder qwen7b

KEPT at d = 4096, 8 heads, depth K = 4 (the body skeleton's 4 joint groups: 4^(K-1) = 64 paths × 16 keyframes)
on adr-synth, with a Qwen2 decoder of Qwen2.5-7B's shape (hidden 3584, 28 layers, 28 heads, 4 KV heads, MLP
18944, vocabulary 152064, untied head) and random weights: built from its config on the GPU in bf16, saved with
an offline tokenizer (MiniLM's files; KNOWN ISSUE: next to a qwen2 config.json transformers 5 loads them as
a Qwen2Tokenizer that splits into characters, so the text is truncated at 96 tokens) to a temporary
folder and loaded by KEPT's own path (`decoder=<folder>`: frozen bf16 base, LoRA r = 16 on q/k/v/o, gradient
checkpointing, L_comment in the LM's space). The largest batch of 64, 32, 16, 8, 4 pairs that runs is kept
(`--batch` fixes it), then `--steps` steps are timed. Prints the build and load times, the median step time,
pairs/s, decoder tokens/s, the peak GPU memory, and one epoch of ADR train (3,705 pairs) against the issue's
goal (≤ 60 s) and its estimated floor (40 s). About 3-5 minutes on an H200, most of it writing and reading the
~15 GB folder (and the data's first load). Other modes:

    python benchmarks/kept_gpu.py --decoder tiny        # the GPT-2-shaped decoder trained from scratch
    python benchmarks/kept_gpu.py --decoder qwen-tiny --device cpu --steps 2 --d 32 --heads 2 --batch 2  # smoke
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

ADR_TRAIN_PAIRS = 3705  # ADR's training split
GOAL_S, FLOOR_S = 60.0, 40.0  # issue 16: one epoch on one H200, the goal and the estimated floor
BATCHES = (64, 32, 16, 8, 4)  # tried from large to small; the largest that runs is measured
QWEN_7B: dict[str, Any] = {  # config.json of Qwen/Qwen2.5-7B
    "hidden_size": 3584,
    "intermediate_size": 18944,
    "num_hidden_layers": 28,
    "num_attention_heads": 28,
    "num_key_value_heads": 4,
    "vocab_size": 152064,
    "rope_theta": 1e6,
    "rms_norm_eps": 1e-6,
    "max_position_embeddings": 32768,
    "tie_word_embeddings": False,
}
QWEN_TINY: dict[str, Any] = {  # the same construction at tiny dims; vocabulary: the tokenizer's
    **QWEN_7B,
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "num_key_value_heads": 1,
    "max_position_embeddings": 512,
    "vocab_size": None,
}
BUILT = {"qwen7b": QWEN_7B, "qwen-tiny": QWEN_TINY}


def build_qwen(dims: dict[str, Any], folder: Path, device: str, texts: list[str]) -> str:
    """A random Qwen2 of `dims`, created on `device` in bf16 and saved to `folder` with a byte-level BPE tokenizer
    trained on `texts` (the task's descriptions, so sequence lengths are a real tokenizer's); returns a line
    with its size and how long building and saving took."""
    from transformers import AutoModelForCausalLM, Qwen2Config

    from kept.offline_lm import save_bpe_tokenizer

    torch.manual_seed(0)
    dims = dict(dims)
    n_tokens = save_bpe_tokenizer(folder, texts)
    if dims["vocab_size"] is None:  # the tiny model's vocabulary is the tokenizer's
        dims["vocab_size"] = n_tokens
    config = Qwen2Config(**dims)
    sync = _sync(device)
    start = time.perf_counter()
    with torch.device(device):
        lm = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    sync()
    built = time.perf_counter() - start
    n_params = sum(p.numel() for p in lm.parameters())
    start = time.perf_counter()
    lm.save_pretrained(folder)
    saved = time.perf_counter() - start
    del lm
    gc.collect()
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return (
        f"build: random Qwen2 hidden {dims['hidden_size']}, {dims['num_hidden_layers']} layers, "
        f"vocab {dims['vocab_size']} (BPE tokenizer of {n_tokens}), {n_params / 1e6:.1f}M params, bf16 on "
        f"{device} in {built:.1f} s; saved {size / 1e9:.2f} GB in {saved:.1f} s"
    )


def _sync(device: str) -> Callable[[], None]:
    """Wait for the GPU's queued work (nothing to wait for on CPU)."""
    return torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)


class Trainer:
    """KEPT's training step (the loss of kept.training.Objective, AdamW over kept.training.param_groups), timed."""

    def __init__(self, state: Any, tt: Any, cfg: Any) -> None:
        from kept.training import Objective, param_groups

        self.net, self.tt, self.cfg = state.net.train(), tt, cfg
        self.joints = int(state.meta["n_joints"])
        self.objective = Objective(self.net, state.text, cfg, classify=False)
        self.optimiser = torch.optim.AdamW(param_groups(self.net, cfg), lr=cfg.lr, weight_decay=cfg.weight_decay)
        self.params = [p for p in self.net.parameters() if p.requires_grad]
        self.gen = torch.Generator().manual_seed(0)
        self.sync = _sync(cfg.device)
        self.step = 0

    def run(self, steps: int, batch: int) -> list[tuple[float, int, float]]:
        """(seconds, decoder tokens, loss) of each of `steps` steps of `batch` pairs."""
        from kept.training import make_batch, to_device

        out = []
        for _ in range(steps):
            items = torch.randint(len(self.tt.pairs), (batch,), generator=self.gen)
            data = to_device(make_batch(self.tt, items, "pair", self.net.decoder.pad), self.cfg.device)
            self.sync()
            start = time.perf_counter()
            loss, _ = self.objective(data, self.step % self.cfg.comment_every == 0)
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.params, 1.0)
            self.optimiser.step()
            self.sync()
            tokens = batch * (self.prefix_tokens() + 1 + int(data["targets"].shape[1]))  # + BOS, padded
            out.append((time.perf_counter() - start, tokens, float(loss.detach())))
            self.step += 1
        return out

    def prefix_tokens(self) -> int:
        """[𝒯¹_KG; 𝒯²_KG; 𝒯_ΔKG; f_𝒫] per pair: graph tokens (one per joint) and the prompt."""
        graphs = 3 if self.net.decoder.residual else 2
        return graphs * self.joints + int(self.net.decoder.prompt.numel())

    def fits(self, batch: int, steps: int) -> bool:
        """Whether `steps` steps of `batch` pairs run without running out of GPU memory."""
        try:
            self.run(steps, batch)
            return True
        except torch.cuda.OutOfMemoryError:
            pass
        self.optimiser.zero_grad(set_to_none=True)  # the failed step's tensors are freed with the exception
        gc.collect()
        torch.cuda.empty_cache()
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--decoder", default="qwen7b", help="qwen7b | qwen-tiny | tiny | an HF causal LM folder")
    parser.add_argument("--steps", type=int, default=30, help="timed steps (after --warmup steps)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first (also each batch search try)")
    parser.add_argument("--batch", type=int, default=0, help="pairs per step; 0: the largest of 64..4 that fits")
    parser.add_argument("--d", type=int, default=4096)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--task", default="adr-synth", help="a pair task (the measurement: adr-synth)")
    parser.add_argument("--text-encoder", default="minilm", help="'minilm' (the PyPI package) or a model folder")
    parser.add_argument("--tmp", default=None, help="where the built decoder's folder is written (~15 GB)")
    args = parser.parse_args()
    cuda = args.device.startswith("cuda")
    if cuda and not torch.cuda.is_available():
        print("kept_gpu.py: no CUDA GPU here; run it on one (or pass --device cpu for a smoke test)", file=sys.stderr)
        sys.exit(2)
    from adrbench.tasks import get_task

    start = time.perf_counter()
    data = get_task(args.task).load()
    if data.unit != "pair":
        print(f"kept_gpu.py: --task {args.task} has no pairs (the decoder trains on pairs)", file=sys.stderr)
        sys.exit(2)
    loaded = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="kept-gpu-", dir=args.tmp) as tmp:
        decoder = args.decoder
        if decoder in BUILT:
            folder = Path(tmp) / decoder
            texts = [p.description for p in data.pair_items("train") if p.description]
            print(build_qwen(BUILT[decoder], folder, args.device, texts), flush=True)
            decoder = str(folder)
        measure(args, decoder, data, loaded)


def measure(args: argparse.Namespace, decoder: str, data: Any, loaded: float) -> None:
    """Load KEPT (decoder by its normal path), find the batch, time the steps, print the figures."""
    from kept.adapter import prepare
    from kept.config import KeptConfig
    from kept.features import KeptInputs

    cuda = args.device.startswith("cuda")
    cfg = KeptConfig(d=args.d, heads=args.heads, depth=args.depth, batch=args.batch or max(BATCHES),
                     device=args.device, text_encoder=args.text_encoder, decoder=decoder)  # fmt: skip
    start = time.perf_counter()
    state, tt = prepare(cfg, data, 0, KeptInputs.for_config(cfg))
    prepared = time.perf_counter() - start
    lm = state.net.decoder.lm
    settings = (
        "from scratch" if cfg.decoder == "tiny" else
        f"{next(lm.parameters()).dtype} base, LoRA r={cfg.lora_rank} on {cfg.lora_targets}, "
        f"checkpointing {'on' if any(getattr(m, 'gradient_checkpointing', False) for m in lm.modules()) else 'off'}"
    )  # fmt: skip
    print(f"load: {args.task} {loaded:.1f} s ({len(tt.pairs)} train pairs); KEPT with the decoder "
          f"({settings}) {prepared:.1f} s", flush=True)  # fmt: skip
    trainer = Trainer(state, tt, cfg)
    n_params = sum(p.numel() for p in state.net.parameters())
    n_train = sum(p.numel() for p in trainer.params)
    paths = len(state.net.scorer.paths)
    print(
        f"KEPT d={cfg.d} heads={cfg.heads} K={cfg.depth} ({paths} paths × {cfg.keyframes} keyframes) "
        f"params={n_params / 1e6:.1f}M (trainable {n_train / 1e6:.1f}M) "
        f"on {torch.cuda.get_device_name() if cuda else args.device}",
        flush=True,
    )
    batch = args.batch
    if not batch:
        tried = []
        for size in BATCHES:
            fits = trainer.fits(size, args.warmup)
            tried.append(f"{size} {'ok' if fits else 'out of memory'}")
            if fits:
                batch = size
                break
        print(f"batch search: {', '.join(tried)}", flush=True)
        if not batch:
            print(f"kept_gpu.py: not even {BATCHES[-1]} pairs a step fit", file=sys.stderr)
            sys.exit(1)
    else:
        trainer.run(args.warmup, batch)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    steps = trainer.run(args.steps, batch)
    times = [s for s, _, _ in steps]
    median, mean = statistics.median(times), statistics.mean(times)
    pairs_s = batch / mean  # the mean holds the L_comment steps (every comment_every-th) in their share
    tokens_s = sum(t for _, t, _ in steps) / sum(times)
    per_pair = statistics.mean(t for _, t, _ in steps) / batch
    peak = f"{torch.cuda.max_memory_allocated() / 2**30:.2f} GiB" if cuda else "n/a (cpu)"
    losses = [loss for _, _, loss in steps]
    print(
        f"batch {batch} pairs, {len(steps)} steps: median step {median * 1e3:.1f} ms (mean {mean * 1e3:.1f} ms), "
        f"{pairs_s:.1f} pairs/s, {tokens_s:.0f} decoder tokens/s ({per_pair:.0f} a pair: "
        f"{trainer.prefix_tokens()} prefix + description, padded), peak memory {peak}, "
        f"loss {losses[0]:.3f} -> {losses[-1]:.3f}"
    )
    epoch = ADR_TRAIN_PAIRS / pairs_s
    print(
        f"ADR train epoch ({ADR_TRAIN_PAIRS} pairs): {epoch:.1f} s; goal {GOAL_S:.0f} s: ×{epoch / GOAL_S:.2f}; "
        f"floor {FLOOR_S:.0f} s: ×{epoch / FLOOR_S:.2f}"
    )


if __name__ == "__main__":
    main()
