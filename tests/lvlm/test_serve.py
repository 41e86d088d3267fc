"""`serve_vllm`'s wait-for-health logic against the loopback server (vLLM itself cannot run here)."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from adrbench.cli.serve import serve_vllm, start_vllm, vllm_command, wait_healthy
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
        vllm_command("Qwen/Qwen2.5-VL-7B-Instruct", 8000, "127.0.0.1", [], [])
    app = typer.Typer()
    app.command()(serve_vllm)
    result = CliRunner().invoke(app, ["Qwen/Qwen2.5-VL-7B-Instruct", "--port", "8123"])
    assert isinstance(result.exception, ConfigError)
