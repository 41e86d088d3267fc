"""KEPT at the paper's width (d=4096, 8 heads, appendix E) on one CUDA GPU: a few hundred training steps on
adr-synth; prints the median step time and the peak GPU memory. Self-contained: run it from the repository root.

    python benchmarks/kept_gpu.py --steps 300 [--batch 32] [--d 4096]
    python benchmarks/kept_gpu.py --device cpu --steps 2 --d 32 --heads 2   # smoke test without a GPU
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=32, help="pairs per step")
    parser.add_argument("--d", type=int, default=4096)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--depth", type=int, default=4)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--text-encoder", default="minilm", help="'minilm' (the PyPI package) or a model folder")
    args = parser.parse_args()
    cuda = args.device.startswith("cuda")
    if cuda and not torch.cuda.is_available():
        raise SystemExit("kept_gpu.py needs a CUDA GPU (or --device cpu for a smoke test)")
    sync = torch.cuda.synchronize if cuda else (lambda: None)

    from adrbench.tasks import get_task
    from kept.adapter import prepare
    from kept.config import KeptConfig
    from kept.features import KeptInputs
    from kept.training import Objective, make_batch, to_device

    cfg = KeptConfig(d=args.d, heads=args.heads, depth=args.depth, batch=args.batch, device=args.device,
                     text_encoder=args.text_encoder)
    data = get_task("adr-synth").load()
    state, tt = prepare(cfg, data, 0, KeptInputs(cfg.keyframes, cfg.segments))
    net = state.net.train()
    n_params = sum(p.numel() for p in net.parameters())
    objective = Objective(net, state.text, cfg, classify=False)
    optimiser = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=1e-4)
    gen = torch.Generator().manual_seed(0)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    times, losses = [], []
    for step in range(args.steps):
        items = torch.randint(len(tt.pairs), (cfg.batch,), generator=gen)
        batch = to_device(make_batch(tt, items, "pair", net.decoder.pad), args.device)
        sync()
        start = time.perf_counter()
        loss, _ = objective(batch, step % cfg.comment_every == 0)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimiser.step()
        sync()
        times.append(time.perf_counter() - start)
        losses.append(float(loss.detach()))
    steady = times[min(10, len(times) - 1) :]
    print(
        f"KEPT d={cfg.d} heads={cfg.heads} K={cfg.depth} params={n_params / 1e6:.1f}M batch={cfg.batch} pairs "
        f"on {torch.cuda.get_device_name() if cuda else args.device}"
    )
    peak = torch.cuda.max_memory_allocated() / 2**30 if cuda else float("nan")
    print(
        f"steps {args.steps}: median step {statistics.median(steady) * 1e3:.1f} ms, "
        f"peak memory {peak:.2f} GiB, "
        f"loss {losses[0]:.3f} -> {statistics.mean(losses[-10:]):.3f}"
    )


if __name__ == "__main__":
    main()
