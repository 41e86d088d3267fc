"""End-to-end runs of the adapters through the real openai and google-genai SDKs against the loopback server."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from lvlm_fixtures import adr_dataset, fitness_dataset, jigsaws_dataset

from adrbench.dataset import Dataset
from adrbench.errors import ConfigError
from adrbench.features.video import write_video
from adrbench.llm.loopback import Faults, LoopbackServer
from adrbench.records import PairPrediction, Prediction, VideoPrediction
from baselines.lvlm.adapters import (
    Gemini25Model,
    GPT4oModel,
    LlavaVideoModel,
    OpenAICompatibleModel,
    Qwen25VLModel,
)
from baselines.lvlm.served import SERVED

FAST = {"frames": "3", "frame_size": "32", "timeout_s": "0.3", "backoff_s": "0.01", "backoff_cap_s": "0.05"}
# 30% of requests go wrong: 25% transport faults drawn per attempt + 5% unparseable answers per request.
FAULTS = Faults(
    rate_429=0.08,
    rate_500=0.08,
    rate_timeout=0.04,
    timeout_sleep_s=0.6,
    rate_malformed=0.05,
    rate_unparseable=0.05,
    retry_after_s=0.05,
    seed=4,
)


def run_in_batches(model: OpenAICompatibleModel, data: Dataset, batch: int = 10) -> list[Prediction]:
    """What the runner does: predict() on consecutive batches of the test items."""
    items = data.items("test")
    return [p for i in range(0, len(items), batch) for p in model.predict(data, items[i : i + batch])]


def fields(preds: list[Prediction]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for p in preds:
        if isinstance(p, PairPrediction):
            out.append((p.pair_id, p.score_1, p.score_2, p.description, p.meta.get("error")))
        else:
            assert isinstance(p, VideoPrediction)
            out.append((p.video_id, p.score, tuple(sorted(p.labels.items())), p.meta.get("error")))
    return out


def test_faulty_run_counts_every_failure_and_a_rerun_sends_nothing(tmp_path: Path) -> None:
    data = adr_dataset(9)  # 36 pairs
    cache = str(tmp_path / "requests.sqlite")
    args = {**FAST, "model": "loopback", "cache": cache, "concurrency": "8", "max_retries": "8"}
    with LoopbackServer(FAULTS) as srv:
        model = OpenAICompatibleModel(base_url=srv.openai_base_url, **args)
        first = run_in_batches(model, data)
        sent = srv.counts["requests"]
        assert [p.pair_id for p in first] == data.splits["test"]  # type: ignore[union-attr]
        for kind in ("429", "500", "timeout", "malformed", "unparseable"):
            assert srv.counts[f"fault:{kind}"] > 0, kind
        faulty = sum(n for k, n in srv.counts.items() if k.startswith("fault:"))
        assert 0.2 <= faulty / sent <= 0.45

        errors = Counter(p.meta.get("error") for p in first if "error" in p.meta)
        assert errors["unparseable reply"] == len(srv.unparseable) > 0
        assert set(errors) <= {"unparseable reply", "no expected field in reply"} | {
            e for e in errors if str(e).startswith("retries exhausted")
        }
        usage = model.usage()
        assert usage["failed"] == sum(errors.values())  # every failure is counted ...
        assert usage["requests"] == sent == sum(p.meta["usage"]["attempts"] for p in first)
        assert usage["retries"] == sent - len(first)  # every request got through in the end (or was retried)
        for p in first:  # ... and none is disguised as an answer
            assert isinstance(p, PairPrediction)
            if "error" in p.meta:
                assert p.score_1 is None and p.score_2 is None and p.description is None
            else:
                assert 1.0 <= p.score_1 <= 10.0 and 1.0 <= p.score_2 <= 10.0 and p.description  # type: ignore[operator]
                assert p.meta["usage"]["input_tokens"] > 0

        rerun = OpenAICompatibleModel(base_url=srv.openai_base_url, **args)
        second = run_in_batches(rerun, data, batch=7)  # other batch sizes, same answers
        assert srv.counts["requests"] == sent  # zero requests on the rerun
        assert rerun.usage()["cache_hits"] == len(first) - sum(
            1 for e in errors if str(e).startswith("retries exhausted")
        )
        assert fields(second) == fields(first)
        assert all(p.meta["usage"]["cached"] for p in second if "retries" not in str(p.meta.get("error")))


def test_budget_stops_the_run_cleanly(tmp_path: Path, server: LoopbackServer) -> None:
    data = adr_dataset(5)  # 10 pairs
    args = {**FAST, "model": "m", "concurrency": "1", "cache": str(tmp_path / "c.sqlite")}
    model = OpenAICompatibleModel(base_url=server.openai_base_url, max_tokens_total="1500", **args)
    preds = run_in_batches(model, data, batch=4)
    sent = server.counts["requests"]
    assert 0 < sent < len(preds)
    budget = [p for p in preds if p.meta.get("error") == "budget"]
    assert len(budget) == len(preds) - sent and model.usage()["failed:budget"] == len(budget)
    assert all(isinstance(p, PairPrediction) and p.score_1 is None for p in budget)
    assert model.usage()["input_tokens"] + model.usage()["output_tokens"] >= 1500
    # Budget failures are not cached: a run with more budget asks only for what is missing.
    more = OpenAICompatibleModel(base_url=server.openai_base_url, max_tokens_total="100000", **args)
    assert all("error" not in p.meta for p in run_in_batches(more, data))
    assert server.counts["requests"] == len(preds)


def test_cost_accounting_uses_the_price_table(server: LoopbackServer) -> None:
    data = adr_dataset(3)
    model = OpenAICompatibleModel(
        base_url=server.openai_base_url,
        model="m",
        cache="off",
        input_per_mtok="2",
        output_per_mtok="8",
        **FAST,
    )
    preds = model.predict(data, data.items("test"))
    tokens_in = sum(p.meta["usage"]["input_tokens"] for p in preds)
    tokens_out = sum(p.meta["usage"]["output_tokens"] for p in preds)
    assert model.usage()["cost_usd"] == pytest.approx((2 * tokens_in + 8 * tokens_out) / 1e6)


def test_api_key_never_reaches_results_cache_or_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-test-SECRET-4242"
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    data = adr_dataset(3)
    cache = tmp_path / "c.sqlite"
    with LoopbackServer(Faults(reject_key=True)) as srv:
        model = GPT4oModel(base_url=srv.openai_base_url, cache=str(cache), **FAST)
        rejected = model.predict(data, data.items("test"))
    assert all(str(p.meta["error"]).startswith("http 401") and "***" in p.meta["error"] for p in rejected)
    assert srv.counts["requests"] == len(rejected)  # a permanent error is not retried
    with LoopbackServer(Faults()) as srv:
        model = GPT4oModel(base_url=srv.openai_base_url, cache=str(cache), **FAST)
        accepted = model.predict(data, data.items("test"))
    assert all("error" not in p.meta for p in accepted)
    dumped = json.dumps([p.model_dump() for p in rejected + accepted]) + json.dumps(model.config())
    dumped += json.dumps(model.usage())
    assert secret not in dumped
    for path in tmp_path.iterdir():
        assert secret.encode() not in path.read_bytes()


def test_missing_key_and_bad_args_are_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        GPT4oModel()
    with pytest.raises(ConfigError, match="unknown model-arg 'frame'"):
        OpenAICompatibleModel(model="m", frame="8")
    with pytest.raises(ConfigError, match="frames"):
        OpenAICompatibleModel(model="m", frames="many")
    with pytest.raises(ConfigError, match="model"):
        OpenAICompatibleModel(base_url="http://127.0.0.1:1/v1")


def test_config_records_the_prompt_version_and_settings() -> None:
    config = OpenAICompatibleModel(model="m", base_url="http://127.0.0.1:9/v1", frames="4").config()
    assert config["prompt_version"] == "lvlm-2" and config["frames"] == 4 and config["model"] == "m"
    assert config["backend"] == "openai-chat" and "api_key" not in config
    assert config["runtime"]["concurrency"] == 8 and "concurrency" not in config  # kept out of the signature
    assert config["runtime"]["timeout_s"] == 120.0 and config["input_per_mtok"] == 0.0


def test_gemini_through_the_real_sdk_with_faults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "gm-test-key")
    data = adr_dataset(5)
    args = {**FAST, "cache": str(tmp_path / "g.sqlite"), "max_retries": "8"}
    with LoopbackServer(FAULTS) as srv:
        preds = run_in_batches(Gemini25Model(base_url=srv.url, **args), data)
        sent = srv.counts["requests"]
        assert sent > len(preds) and srv.counts["ok"] > 0
        errors = [p for p in preds if "error" in p.meta]
        assert len(errors) == len(srv.unparseable)
        assert all(isinstance(p, PairPrediction) and p.score_1 is not None for p in preds if p not in errors)
        again = run_in_batches(Gemini25Model(base_url=srv.url, **args), data)
        assert srv.counts["requests"] == sent and fields(again) == fields(preds)


def test_video_tasks_give_scores_and_labels(server: LoopbackServer) -> None:
    model = OpenAICompatibleModel(base_url=server.openai_base_url, model="m", cache="off", **FAST)
    jig = jigsaws_dataset()
    scores = model.predict(jig, jig.items("test"))
    assert all(isinstance(p, VideoPrediction) and p.score is not None and 6 <= p.score <= 30 for p in scores)
    fit = fitness_dataset()
    labels = model.predict(fit, fit.items("test"))
    for p in labels:
        assert isinstance(p, VideoPrediction)
        group = fit.videos[p.video_id].group
        assert set(p.labels) == {n for n in fit.label_names if n.startswith(group)}
        assert set(p.labels.values()) <= {0, 1}


def test_llava_preset_sends_each_video_as_one_frame_sequence() -> None:
    seen: list[int] = []

    def responder(prompt: str, n_images: int) -> str:
        seen.append(n_images)
        return '{"score_1": 4, "score_2": 6, "description": "B is steadier."}'

    data = adr_dataset(2)
    with LoopbackServer(Faults(), responder=responder) as srv:
        model = LlavaVideoModel(base_url=srv.openai_base_url, cache="off", **FAST)
        (pred,) = model.predict(data, data.items("test"))
    assert seen == [6] and isinstance(pred, PairPrediction) and (pred.score_1, pred.score_2) == (4.0, 6.0)
    config = model.config()
    assert config["media"] == "video" and config["model"] == "llava-hf/llava-onevision-qwen2-7b-ov-hf"


def _sent(model: OpenAICompatibleModel, data: Dataset) -> Counter[str]:
    """The images and videos in the request for the dataset's first test item."""
    request = model._request(data, data.items("test")[0], model._frame_source(data))
    return Counter(p.kind for p in request.parts if p.kind != "text")


@pytest.mark.parametrize("preset", [LlavaVideoModel, Qwen25VLModel])
def test_preset_requests_fit_what_the_served_model_accepts(preset: type[OpenAICompatibleModel]) -> None:
    model = preset(**{**FAST, "frames": "8"})
    served = SERVED[str(preset.served)]
    assert served.model == model.settings.model
    for data in (adr_dataset(2), jigsaws_dataset(), fitness_dataset()):
        sent = _sent(model, data)
        assert sent and all(n <= served.allowed(kind) for kind, n in sent.items()), (data.task, sent)
    assert _sent(model, adr_dataset(2))["video" if preset is LlavaVideoModel else "image"] == (
        2 if preset is LlavaVideoModel else 16
    )


def test_requests_a_served_model_refuses_are_stopped_before_sending() -> None:
    next_video = LlavaVideoModel(model="llava-hf/LLaVA-NeXT-Video-7B-hf", **FAST)
    assert _sent(next_video, jigsaws_dataset()) == Counter(video=1)  # one video: accepted
    with pytest.raises(ConfigError, match=r"at most 1 video\(s\) per prompt; a pair of adr-tiny sends 2"):
        next_video.predict(adr_dataset(2), adr_dataset(2).items("test"))
    with pytest.raises(ConfigError, match="at most 32 image"):
        _sent(Qwen25VLModel(**{**FAST, "frames": "17"}), adr_dataset(2))
    with pytest.raises(ConfigError, match="first 32 frames"):
        LlavaVideoModel(**{**FAST, "frames": "33"})
    unknown = OpenAICompatibleModel(model="any", base_url="http://127.0.0.1:9/v1", **{**FAST, "frames": "20"})
    assert _sent(unknown, adr_dataset(2))["image"] == 40  # no limits known: nothing checked


def test_an_unreadable_video_fails_its_items_and_the_run_goes_on(tmp_path: Path, server: LoopbackServer) -> None:
    data = adr_dataset(4, root=tmp_path / "annotations")  # 6 pairs; videos under a separate video_root
    videos = tmp_path / "videos"
    videos.mkdir()
    write_video(videos / "v0.mp4", np.full((12, 48, 64, 3), 90, dtype=np.uint8), fps=10)
    write_video(videos / "v1.mp4", np.full((12, 48, 64, 3), 160, dtype=np.uint8), fps=10)
    (videos / "v2.mp4").write_bytes(b"truncated download")
    for vid in ("v0", "v1", "v2", "v3"):  # v3's file is missing
        data.videos[vid] = data.videos[vid].model_copy(update={"video_path": f"{vid}.mp4"})
    model = OpenAICompatibleModel(
        base_url=server.openai_base_url, model="m", cache="off", source="video", video_root=str(videos), **FAST
    )
    preds = model.predict(data, data.items("test"))
    assert [p.pair_id for p in preds] == data.splits["test"]  # type: ignore[union-attr]
    by_id = {p.pair_id: p for p in preds if isinstance(p, PairPrediction)}
    ok = by_id.pop("v0-v1")
    assert ok.score_1 is not None and "error" not in ok.meta and ok.meta["frames_from"] == "video"
    assert server.counts["requests"] == 1  # the failed items never reach the server
    for pid, p in by_id.items():
        assert p.score_1 is None and p.score_2 is None and p.description is None
        reason = "cannot decode video" if "v2" in pid else "video file not found"
        assert p.meta["error"].startswith("video: ") and reason in p.meta["error"], (pid, p.meta["error"])
    assert model.usage()["failed"] == model.usage()["failed:video"] == 5
