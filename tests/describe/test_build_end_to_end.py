"""The ADR builder with an LLM describer against the loopback server: end to end, killed, resumed, no repeats."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from describe_fixtures import describe_responder

from adrbench.jsonl import read_records
from adrbench.llm import RequestCache
from adrbench.llm.loopback import Faults, LoopbackServer
from adrbench.records import Pair

pytestmark = pytest.mark.slow

_BUILD = """
import sys
from adrbench.data.adr_builder import build_adr
from adrbench.describe import make_describer
from adrbench.llm import ClientSpec
url, cache, root, out = sys.argv[1:5]
describer = make_describer("openai-compatible", "loopback-llm", ClientSpec(base_url=url, cache=cache, concurrency=1))
report = build_adr(root, out, max_pairs=1, describer=describer)
print(describer.summary().get("requests", 0), flush=True)
"""


@pytest.fixture(scope="module")
def egoexo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from adrbench.data.synth.egoexo_synth import generate_egoexo

    root = tmp_path_factory.mktemp("egoexo") / "root"
    generate_egoexo(root, 0)
    return root


def _build(url: str, cache: Path, root: Path, out: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.Popen(
        [sys.executable, "-c", _BUILD, url, str(cache), str(root), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_builder_with_llm_describer_resumes_after_kill(egoexo_root: Path, tmp_path: Path) -> None:
    cache, out = tmp_path / "requests.sqlite", tmp_path / "adr"
    with LoopbackServer(Faults(latency_s=0.1), responder=describe_responder) as srv:
        first = _build(srv.openai_base_url, cache, egoexo_root, out)
        deadline = time.monotonic() + 120
        while srv.counts["ok"] < 4 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert first.returncode == -signal.SIGKILL, first.stderr.read()  # type: ignore[union-attr]
        assert not (out / "pairs_test.jsonl").exists()
        cached_after_kill = len(RequestCache(cache))
        sent_before = srv.counts["requests"]
        assert 3 <= cached_after_kill <= sent_before  # the reply in flight at the kill may be lost

        second = _build(srv.openai_base_url, cache, egoexo_root, out)
        stdout, stderr = second.communicate(timeout=300)
        assert second.returncode == 0, stderr
        pairs = read_records(out / "pairs_train.jsonl", Pair) + read_records(out / "pairs_test.jsonl", Pair)
        assert len(pairs) == 14  # 7 sub-activities × 2 splits × 1 pair
        # the resumed build sent exactly the requests whose replies were not cached: none repeated
        assert int(stdout.strip()) == srv.counts["requests"] - sent_before == len(pairs) - cached_after_kill
        assert all(p.description and p.description.startswith("Player 1 keeps the knees") for p in pairs)

        third = _build(srv.openai_base_url, cache, egoexo_root, tmp_path / "adr-again")
        stdout, stderr = third.communicate(timeout=300)
        assert third.returncode == 0, stderr
        assert int(stdout.strip()) == 0
        again = read_records(tmp_path / "adr-again" / "pairs_test.jsonl", Pair)
        assert [p.description for p in again] == [p.description for p in pairs if p.split == "test"]
