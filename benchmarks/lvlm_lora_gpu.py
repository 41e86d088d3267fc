"""One LoRA step of Qwen2.5-VL at the 7B shape on one CUDA GPU, with random weights (nothing is downloaded):
bf16 base model, rank-16 LoRA on the language model's projections, gradient checkpointing, an ADR-pair-sized
input (16 frames of 336 px = 2304 image tokens plus the prompt). Prints the median step time and the peak GPU
memory. Uses baselines.lvlm.lora's own prepare_model / train_step, so it measures the code a real finetune runs.

    python benchmarks/lvlm_lora_gpu.py [--frames 16] [--image-px 336] [--batch 1] [--steps 3] [--no-checkpointing]
    python benchmarks/lvlm_lora_gpu.py --tiny   # smoke test on CPU: a tiny config, same code path
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from typing import Any

import torch

from baselines.lvlm.lora import LoraSettings, prepare_model, train_step

IMAGE, VIDEO, VISION_START, VISION_END = 151655, 151656, 151652, 151653  # Qwen2.5-VL's special token ids

QWEN25_VL_7B: dict[str, Any] = {  # config.json of Qwen/Qwen2.5-VL-7B-Instruct
    "text_config": {
        "vocab_size": 152064,
        "hidden_size": 3584,
        "intermediate_size": 18944,
        "num_hidden_layers": 28,
        "num_attention_heads": 28,
        "num_key_value_heads": 4,
        "max_position_embeddings": 128000,
        "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]},
    },
    "vision_config": {
        "depth": 32,
        "hidden_size": 1280,
        "intermediate_size": 3420,
        "num_heads": 16,
        "out_hidden_size": 3584,
        "patch_size": 14,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
        "window_size": 112,
        "fullatt_block_indexes": [7, 15, 23, 31],
    },
    "image_token_id": IMAGE,
    "video_token_id": VIDEO,
    "vision_start_token_id": VISION_START,
}
TINY: dict[str, Any] = {
    "text_config": {
        "vocab_size": 151700,  # keeps the real special ids; tiny width keeps the embedding small
        "hidden_size": 16,
        "intermediate_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "rope_scaling": {"type": "mrope", "mrope_section": [2, 1, 1]},
    },
    "vision_config": {
        "depth": 2,
        "hidden_size": 16,
        "intermediate_size": 32,
        "num_heads": 2,
        "out_hidden_size": 16,
        "patch_size": 14,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
        "window_size": 56,
        "fullatt_block_indexes": [1],
    },
    "image_token_id": IMAGE,
    "video_token_id": VIDEO,
    "vision_start_token_id": VISION_START,
}


def pair_batch(frames: int, image_px: int, text_tokens: int, answer_tokens: int, batch: int) -> dict[str, Any]:
    """A batch shaped like QwenVLEncoder's output for an ADR pair: `frames` square images, prompt text, and an
    answer that carries the labels (the prompt's labels are -100)."""
    side = image_px // 14  # patches per side
    per_image = side * side // 4  # after the 2×2 merge
    gen = torch.Generator().manual_seed(0)
    ids: list[int] = torch.randint(1000, 100000, (text_tokens,), generator=gen).tolist()
    for _ in range(frames):
        ids += [VISION_START, *[IMAGE] * per_image, VISION_END]
    answer = torch.randint(1000, 100000, (answer_tokens,), generator=gen).tolist()
    row = torch.tensor([ids + answer])
    labels = torch.tensor([[-100] * len(ids) + answer])
    pixels = torch.randn(frames * side * side, 3 * 2 * 14 * 14, generator=gen)
    return {
        "input_ids": row.repeat(batch, 1),
        "attention_mask": torch.ones_like(row).repeat(batch, 1),
        "labels": labels.repeat(batch, 1),
        "mm_token_type_ids": (row == IMAGE).long().repeat(batch, 1),
        "pixel_values": pixels.repeat(batch, 1),
        "image_grid_thw": torch.tensor([[1, side, side]] * frames * batch),
    }


def peak_gb(device: torch.device) -> float:
    """Peak memory: allocated on the GPU, or the process's resident set on CPU."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 1e9
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="tiny config on CPU: a smoke test of this script")
    parser.add_argument("--frames", type=int, default=16, help="images per input (a pair of 8-frame videos)")
    parser.add_argument("--image-px", type=int, default=336)
    parser.add_argument("--text-tokens", type=int, default=600)
    parser.add_argument("--answer-tokens", type=int, default=64)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--steps", type=int, default=3, help="timed steps, after one warm-up step")
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--no-checkpointing", action="store_true")
    args = parser.parse_args()
    if not args.tiny and not torch.cuda.is_available():
        print("no CUDA device: lvlm_lora_gpu.py needs one for the 7B shape (run with --tiny to smoke-test on CPU)",
              file=sys.stderr)  # fmt: skip
        raise SystemExit(2)
    if args.tiny:
        args.frames, args.image_px, args.text_tokens, args.answer_tokens, args.steps = 2, 56, 32, 8, 1

    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration

    settings = LoraSettings(
        rank=args.rank,
        alpha=2 * args.rank,
        device="cpu" if args.tiny else "cuda",
        dtype="bfloat16",
        gradient_checkpointing=not args.no_checkpointing,
        batch_size=args.batch,
    )
    device = settings.torch_device()
    torch.manual_seed(0)
    config = Qwen2_5_VLConfig(**(TINY if args.tiny else QWEN25_VL_7B))
    start = time.perf_counter()
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)  # made in bf16 (16.6 GB), never as 33 GB of float32
    try:
        with device:  # random weights made where they are used: no copy from host memory
            base = Qwen2_5_VLForConditionalGeneration(config)
    finally:
        torch.set_default_dtype(previous)
    model = prepare_model(base, settings)
    built_s = time.perf_counter() - start
    n_params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    batch = pair_batch(args.frames, args.image_px, args.text_tokens, args.answer_tokens, args.batch)
    model.train()
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    train_step(model, optimizer, batch)  # warm-up: kernels chosen, optimizer state made
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    times, losses = [], []
    for _ in range(args.steps):
        sync()
        t0 = time.perf_counter()
        losses.append(train_step(model, optimizer, batch))
        sync()
        times.append(time.perf_counter() - t0)
    print(
        f"device={device.type} dtype=bfloat16 params={n_params / 1e9:.3f}B trainable={trainable / 1e6:.1f}M "
        f"rank={args.rank} checkpointing={not args.no_checkpointing} batch={args.batch} "
        f"tokens={batch['input_ids'].shape[1]} built_s={built_s:.1f} step_s={statistics.median(times):.3f} "
        f"peak_gb={peak_gb(device):.1f} loss={losses[-1]:.3f}"
    )


if __name__ == "__main__":
    main()
