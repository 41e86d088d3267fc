"""Throughput of the LVLM client layer against the loopback server with a fixed reply latency:
sequential (concurrency 1) vs concurrent requests, each carrying 8 stick-figure frames like an ADR pair half.

    python benchmarks/bench_lvlm.py [--requests 64] [--latency 0.5] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from adrbench.llm import ChatRequest, LLMClient, Part
from adrbench.llm.backends import OpenAIChatBackend
from adrbench.llm.loopback import Faults, LoopbackServer
from baselines.lvlm.frames import render_stick_figures

EDGES = ((0, 1), (1, 2), (2, 3), (2, 4), (1, 5), (1, 6))


def make_requests(n: int) -> list[ChatRequest]:
    """`n` distinct requests, each with 8 PNG frames of random keypoints (seeded)."""
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        frames = render_stick_figures(rng.normal(size=(16, 7, 3)), EDGES, 8, size=96)
        parts = (
            Part.of_text(f'Rate request {i} with a "score" from 6 to 30.'),
            *(Part.of_image(f, "image/png") for f in frames),
        )
        out.append(ChatRequest(model="loopback", parts=parts, prompt_version="bench"))
    return out


def timed_run(server: LoopbackServer, requests: list[ChatRequest], concurrency: int) -> float:
    client = LLMClient(
        lambda: OpenAIChatBackend(server.openai_base_url, "EMPTY", 30.0),
        "openai-chat",
        cache=None,
        concurrency=concurrency,
    )
    start = time.perf_counter()
    results = client.run(requests)
    elapsed = time.perf_counter() - start
    failed = sum(r.error is not None for r in results)
    if failed:
        raise SystemExit(f"{failed} requests failed")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the server takes per reply")
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    requests = make_requests(args.requests)
    with LoopbackServer(Faults(latency_s=args.latency)) as server:
        sequential = timed_run(server, requests, 1)
        concurrent = timed_run(server, requests, args.concurrency)
    n = args.requests
    print(f"requests={n} latency={args.latency}s frames/request=8")
    print(f"sequential  (concurrency 1):  {sequential:7.2f} s  {n / sequential:7.2f} req/s")
    print(f"concurrent  (concurrency {args.concurrency}): {concurrent:7.2f} s  {n / concurrent:7.2f} req/s")
    print(f"speed-up: {sequential / concurrent:.1f}x")


if __name__ == "__main__":
    main()
