"""`serve_vllm`'s wait-for-health logic against the loopback server (vLLM itself cannot run here)."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from adrbench.cli.serve import serve_vllm, start_vllm, vllm_args, vllm_command, wait_healthy
from adrbench.errors import AdrbenchError, ConfigError
from adrbench.llm.loopback import LoopbackServer

HAS_VLLM = importlib.util.find_spec("vllm") is not None


def test_waits_until_the_server_reports_healthy() -> None:
    with LoopbackServer(healthy_after_s=0.5) as srv:
        waited = wait_healthy(srv.url, timeout_s=10, interval_s=0.1)
        assert waited >= 0.4
        assert srv.counts["health:starting"] >= 1 and srv.counts["health"] == 1


def test_gives_up_after_the_timeout() -> None:
    with LoopbackServer(healthy_after_s=60) as srv, pytest.raises(AdrbenchError, match="did not answer 200"):
        wait_healthy(srv.url, timeout_s=0.3, interval_s=0.1)


def test_reports_a_server_that_died() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
    process.wait()
    with pytest.raises(AdrbenchError, match="exited with code 3"):
        wait_healthy("http://127.0.0.1:9", timeout_s=5, process=process, interval_s=0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_start_runs_a_server_subprocess_until_healthy() -> None:
    port = _free_port()
    script = (
        "import time, http.server\n"
        "from adrbench.llm.loopback import _Handler, _Server, LoopbackServer\n"
        "owner = LoopbackServer(healthy_after_s=0.3)\n"
        f"httpd = _Server(('127.0.0.1', {port}), _Handler)\n"
        "httpd.owner = owner\n"
        "httpd.serve_forever()\n"
    )
    process = start_vllm([sys.executable, "-c", script], f"http://127.0.0.1:{port}", timeout_s=20)
    try:
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(HAS_VLLM, reason="vllm is installed")
def test_missing_vllm_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"adrbench\[vllm\]"):
        vllm_command(vllm_args("Qwen/Qwen2.5-VL-7B-Instruct", 8000, "127.0.0.1", [], []))
    app = typer.Typer()
    app.command()(serve_vllm)
    result = CliRunner().invoke(app, ["Qwen/Qwen2.5-VL-7B-Instruct", "--port", "8123"])
    assert isinstance(result.exception, ConfigError)


def _flag(args: list[str], name: str) -> str:
    assert args.count(name) == 1, args
    return args[args.index(name) + 1]


def test_presets_start_with_a_context_and_multimodal_limits_that_fit_24_gb() -> None:
    qwen = vllm_args("Qwen/Qwen2.5-VL-7B-Instruct", 8000, "127.0.0.1", [], [])
    assert qwen[:6] == ["serve", "Qwen/Qwen2.5-VL-7B-Instruct", "--host", "127.0.0.1", "--port", "8000"]
    assert _flag(qwen, "--max-model-len") == "32768"
    assert _flag(qwen, "--limit-mm-per-prompt") == '{"image": 32, "video": 0}'  # the JSON form vLLM takes
    llava = vllm_args("llava-hf/llava-onevision-qwen2-7b-ov-hf", 8000, "0.0.0.0", [], [])
    assert json.loads(_flag(llava, "--limit-mm-per-prompt")) == {"image": 0, "video": 2}
    assert json.loads(_flag(vllm_args("llava-hf/LLaVA-NeXT-Video-7B-hf", 1, "h", [], []), "--limit-mm-per-prompt")) == {
        "video": 1
    }
    assert vllm_args("some/other-model", 8000, "h", [], []) == ["serve", "some/other-model", "--host", "h", "--port", "8000"]


def test_extra_flags_replace_the_presets_and_lora_is_served_by_name() -> None:
    args = vllm_args(
        "Qwen/Qwen2.5-VL-7B-Instruct",
        8000,
        "127.0.0.1",
        ["adr=adapters/adr-qwen"],
        ["--max-model-len=65536", "--max-lora-rank", "16"],
    )
    assert "--max-model-len" not in args and args.count("--max-model-len=65536") == 1
    assert _flag(args, "--limit-mm-per-prompt") == '{"image": 32, "video": 0}'  # not replaced: kept
    assert args[args.index("--enable-lora") + 1 :][:2] == ["--lora-modules", "adr=adapters/adr-qwen"]
    assert args[-3:] == ["--max-model-len=65536", "--max-lora-rank", "16"]


def test_parallel_sizes_map_to_vllms_flags() -> None:
    args = vllm_args("Qwen/Qwen2.5-VL-7B-Instruct", 8000, "0.0.0.0", [], [], tensor_parallel=2, data_parallel=4)
    assert args[6:10] == ["--tensor-parallel-size", "2", "--data-parallel-size", "4"]
    assert _flag(args, "--max-model-len") == "32768"  # the presets still follow
    assert "--tensor-parallel-size" not in vllm_args("m", 1, "h", [], [])  # 1 is vLLM's default: left out
    assert vllm_args("m", 1, "h", [], [], data_parallel=2)[6:] == ["--data-parallel-size", "2"]
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ConfigError, match="--tensor-parallel-size must be a positive integer"):
            vllm_args("m", 1, "h", [], [], tensor_parallel=bad)  # type: ignore[arg-type]
    for extra in (["--data-parallel-size=2"], ["-tp", "2"]):
        with pytest.raises(ConfigError, match="as an option of adrbench serve vllm"):
            vllm_args("m", 1, "h", [], extra)


def test_the_serve_command_passes_the_parallel_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    import adrbench.cli.serve as serve

    started: list[list[str]] = []

    class Running:
        pid = 1

    monkeypatch.setattr(serve.shutil, "which", lambda name: "/usr/bin/vllm")
    monkeypatch.setattr(serve.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(serve, "start_vllm", lambda command, base, timeout_s: started.append(command) or Running())
    app = typer.Typer()
    app.command()(serve_vllm)
    runner = CliRunner()
    result = runner.invoke(app, ["some/model", "--tensor-parallel-size", "2", "--data-parallel-size", "3", "--detach"])
    assert result.exit_code == 0, result.output
    assert started == [["/usr/bin/vllm", "serve", "some/model", "--host", "127.0.0.1", "--port", "8000",
                        "--tensor-parallel-size", "2", "--data-parallel-size", "3"]]  # fmt: skip
    refused = runner.invoke(app, ["some/model", "--data-parallel-size", "0"])
    assert refused.exit_code == 2 and len(started) == 1
