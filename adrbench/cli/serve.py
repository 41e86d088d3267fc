"""`adrbench serve vllm MODEL`: start vLLM's OpenAI-compatible server as a subprocess and wait until it is healthy.

Registered by the main CLI; `start_vllm` and `wait_healthy` are plain functions usable from a notebook too.
"""

from __future__ import annotations

import importlib.util
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Annotated

import typer

from adrbench.errors import AdrbenchError, ConfigError
from baselines.lvlm.served import SERVED


def wait_healthy(
    base: str, timeout_s: float, process: subprocess.Popen[bytes] | None = None, interval_s: float = 1.0
) -> float:
    """Poll `base`/health until it answers 200; seconds waited. Raises if the process exits or time runs out."""
    start = time.monotonic()
    while True:
        if process is not None and process.poll() is not None:
            raise AdrbenchError(
                f"the server exited with code {process.returncode} before it was healthy "
                "(see its output above)"
            )
        try:
            with urllib.request.urlopen(
                base.rstrip("/") + "/health", timeout=min(5.0, interval_s * 5)
            ) as resp:
                if resp.status == 200:
                    return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # not listening yet, or still loading (503)
        if time.monotonic() - start > timeout_s:
            raise AdrbenchError(
                f"{base}/health did not answer 200 within {timeout_s:g} s; raise --timeout for "
                "large models or check the server output"
            )
        time.sleep(interval_s)


def parallel_flags(tensor_parallel: int, data_parallel: int) -> list[str]:
    """vLLM's `--tensor-parallel-size N` (one model split over N GPUs: for a model that does not fit one) and
    `--data-parallel-size N` (N engines, one per GPU group, sharing the port: N times the throughput); a size of 1
    (vLLM's default) is left out. Each must be a positive integer."""
    flags: list[str] = []
    for flag, size in (("--tensor-parallel-size", tensor_parallel), ("--data-parallel-size", data_parallel)):
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ConfigError(f"{flag} must be a positive integer, got {size!r}")
        if size > 1:
            flags += [flag, str(size)]
    return flags


def vllm_args(
    model: str,
    port: int,
    host: str,
    lora: list[str],
    extra: list[str],
    tensor_parallel: int = 1,
    data_parallel: int = 1,
) -> list[str]:
    """The arguments of `vllm serve`: the model, where to listen, the parallel sizes (`parallel_flags`), LoRA
    adapters by name (`name=path`), the model's preset `--max-model-len` and `--limit-mm-per-prompt`
    (baselines.lvlm.served: sized for one 24 GB GPU), then `extra`. A flag named in `extra` replaces the preset's
    (vLLM would take the last; this keeps one); a parallel size is our option, so `extra` may not name it."""
    given = {a.split("=", 1)[0] for a in extra}
    for flag, short in (("--tensor-parallel-size", "-tp"), ("--data-parallel-size", "-dp")):
        if given & {flag, short}:
            raise ConfigError(f"give {flag} as an option of adrbench serve vllm, not through --vllm-arg")
    args = ["serve", model, "--host", host, "--port", str(port), *parallel_flags(tensor_parallel, data_parallel)]
    if lora:
        args += ["--enable-lora", "--lora-modules", *lora]
    served = SERVED.get(model)
    if served is not None:
        flags = served.vllm_flags()
        for flag, value in zip(flags[::2], flags[1::2], strict=True):
            if flag not in given:
                args += [flag, value]
    return args + extra


def vllm_command(args: list[str]) -> list[str]:
    """The `vllm serve` command line: `args` (from `vllm_args`) after the installed executable."""
    exe = shutil.which("vllm")
    if importlib.util.find_spec("vllm") is None or exe is None:
        raise ConfigError("vLLM is not installed here: pip install 'adrbench[vllm]' (needs a CUDA GPU)")
    return [exe, *args]


def start_vllm(command: list[str], base: str, timeout_s: float) -> subprocess.Popen[bytes]:
    """Start the server and return it once healthy; it is stopped again if it never gets there."""
    process = subprocess.Popen(command)
    try:
        wait_healthy(base, timeout_s, process)
    except BaseException:
        process.terminate()
        process.wait(timeout=30)
        raise
    return process


def serve_vllm(
    model: Annotated[
        str, typer.Argument(help="Hugging Face model id or local path, e.g. Qwen/Qwen2.5-VL-7B-Instruct")
    ],
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    host: Annotated[str, typer.Option(help="address to bind")] = "127.0.0.1",
    timeout: Annotated[float, typer.Option(help="seconds to wait for /health")] = 1800.0,
    lora: Annotated[
        list[str] | None, typer.Option(help="serve a LoRA adapter: NAME=PATH (repeatable)")
    ] = None,
    tensor_parallel_size: Annotated[
        int,
        typer.Option(min=1, help="GPUs one copy of the model is split over (for a model that does not fit one GPU)"),
    ] = 1,
    data_parallel_size: Annotated[
        int,
        typer.Option(min=1, help="copies of the model, one per GPU group, behind this one port (for throughput)"),
    ] = 1,
    vllm_arg: Annotated[
        list[str] | None,
        typer.Option(help="extra argument passed to vllm serve (repeatable); replaces the preset's flag of that name"),
    ] = None,
    detach: Annotated[bool, typer.Option(help="return once healthy and leave the server running")] = False,
) -> None:
    """Start `vllm serve MODEL` (with the model's preset --max-model-len and --limit-mm-per-prompt), wait until it
    is healthy, print its base_url, and keep it running until Ctrl-C."""
    base = f"http://{host}:{port}"
    args = vllm_args(model, port, host, lora or [], vllm_arg or [], tensor_parallel_size, data_parallel_size)
    command = vllm_command(args)  # bad values fail before the missing vLLM
    typer.echo(f"starting: {shlex.join(command)}")
    process = start_vllm(command, base, timeout)
    typer.echo(f"vLLM is serving {model} at base_url={base}/v1 (pid {process.pid})")
    typer.echo(
        f"  adrbench run --model openai-compatible --model-arg base_url={base}/v1 --model-arg model={model}"
    )
    if detach:
        return
    try:
        sys.exit(process.wait())
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=60)
