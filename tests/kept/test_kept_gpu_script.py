"""benchmarks/kept_gpu.py, the issue-16 GPU check: its CPU smoke mode runs KEPT's real decoder path, and without
CUDA the GPU run stops at once with one line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "kept_gpu.py"


def _run(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_cpu_smoke_run_prints_every_figure() -> None:
    proc = _run("--decoder", "qwen-tiny", "--device", "cpu", "--steps", "2", "--d", "32", "--heads", "2",
                "--batch", "2")  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert len(lines) == 5, proc.stdout
    build, load, model, speed, epoch = lines
    assert build.startswith("build: random Qwen2 hidden 32, 2 layers") and "bf16 on cpu" in build
    assert load.startswith("load: adr-synth") and "(3705 train pairs)" in load
    assert "LoRA r=16 on q_proj,k_proj,v_proj,o_proj" in load
    assert model.startswith("KEPT d=32 heads=2 K=4 (64 paths × 16 keyframes)") and model.endswith("on cpu")
    match = re.fullmatch(
        r"batch 2 pairs, 2 steps: median step [\d.]+ ms \(mean ([\d.]+) ms\), ([\d.]+) pairs/s, "
        r"(\d+) decoder tokens/s \((\d+) a pair: (\d+) prefix \+ description, padded\), "
        r"peak memory n/a \(cpu\), loss [\d.]+ -> [\d.]+",
        speed,
    )
    assert match, speed
    mean_ms, pairs_s = float(match[1]), float(match[2])
    assert pairs_s == pytest.approx(2 / (mean_ms / 1e3), rel=0.05)
    assert int(match[4]) > int(match[5]) > 0
    match = re.fullmatch(r"ADR train epoch \(3705 pairs\): ([\d.]+) s; goal 60 s: ×([\d.]+); floor 40 s: ×([\d.]+)",
                         epoch)  # fmt: skip
    assert match, epoch
    seconds = float(match[1])
    assert seconds == pytest.approx(3705 / pairs_s, rel=0.05)
    assert float(match[2]) == pytest.approx(seconds / 60, rel=0.01, abs=0.01)
    assert float(match[3]) == pytest.approx(seconds / 40, rel=0.01, abs=0.01)


@pytest.mark.skipif(torch.cuda.is_available(), reason="the check is for machines without CUDA")
def test_without_cuda_the_gpu_run_exits_2_with_one_line() -> None:
    proc = _run(timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "kept_gpu.py: no CUDA GPU here; run it on one (or pass --device cpu for a smoke test)"
    ]
