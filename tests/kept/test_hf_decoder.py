"""An HF causal LM as KEPT's decoder (kept.pretrained): frozen base + LoRA, what is saved, resume, L_comment."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import torch
from kept_fixtures import TINY_ARGS
from safetensors.torch import load_file

from adrbench.errors import ConfigError, DataError
from adrbench.records import PairPrediction
from kept.adapter import KeptModel
from kept.config import KeptConfig
from kept.training import param_groups


def _save_qwen(folder: Path, seed: int) -> Path:
    """A random two-layer Qwen2 (width 16) with a byte-level BPE tokenizer trained on the prompt and
    description-like sentences, saved as an HF folder."""
    from transformers import Qwen2Config, Qwen2ForCausalLM

    from kept.decoder import PROMPT
    from kept.offline_lm import save_bpe_tokenizer

    torch.manual_seed(seed)
    texts = [PROMPT, *CORPUS] * 20
    cfg = Qwen2Config(
        hidden_size=16,
        intermediate_size=1024,  # a base several times the size of KEPT's trunk, as a real LLM is
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=256,
        vocab_size=save_bpe_tokenizer(folder, texts, vocab_size=600),
    )
    cfg.save_pretrained(folder)
    Qwen2ForCausalLM(cfg).save_pretrained(folder)
    return folder


CORPUS = (
    "Player 1 keeps the elbow straighter than player 2 during the release.",
    "The second player bends the knees more at the bottom of the squat.",
    "Overall, player 2 performs better: a smoother swing and a steadier landing.",
    "Both performers show a similar range of motion in the shoulders.",
)


def test_the_tiny_qwen_tokenizes_words_not_characters(qwen: Path) -> None:
    """Next to a Qwen2 config transformers loads Qwen2Tokenizer; with the BPE tokenizer.json it splits words,
    so sequence lengths are a real tokenizer's (a WordPiece vocabulary there was read as characters)."""
    from transformers import AutoTokenizer

    from kept.decoder import PROMPT

    tok = AutoTokenizer.from_pretrained(qwen)
    assert len(tok(PROMPT, add_special_tokens=False)["input_ids"]) < 30
    assert tok.decode(tok(CORPUS[0], add_special_tokens=False)["input_ids"]) == CORPUS[0]


@pytest.fixture(scope="module")
def qwen(tmp_path_factory) -> Path:
    return _save_qwen(tmp_path_factory.mktemp("lm") / "qwen-tiny", seed=0)


def _args(qwen: Path, **extra: str) -> dict[str, str]:
    return {**TINY_ARGS, "epochs": "2", "decoder": str(qwen), "lora_rank": "4", "decoder_lr": "1e-2", **extra}


def _base(qwen: Path) -> dict[str, torch.Tensor]:
    return load_file(str(qwen / "model.safetensors"))


def _net(model: KeptModel) -> tuple[Any, Any]:
    """(the network, its HF decoder's LM)."""
    net = model.fitted.net
    assert net.decoder is not None
    return net, net.decoder.lm


def _dump(preds) -> str:
    return "\n".join(p.model_dump_json() for p in preds)


def test_lora_trains_the_adapters_and_leaves_the_base(tiny_pairs, qwen: Path) -> None:
    model = KeptModel(**_args(qwen))
    model.fit(tiny_pairs, seed=0)
    _, lm = _net(model)
    trainable = [n for n, p in lm.named_parameters() if p.requires_grad]
    assert trainable and all("lora_" in n for n in trainable)
    assert all(p.dtype == torch.float32 for n, p in lm.named_parameters() if "lora_" in n)
    lora_b = [p for n, p in lm.named_parameters() if "lora_B" in n]  # zero at the start
    assert lora_b and all(float(p.detach().abs().max()) > 0 for p in lora_b)
    state = lm.state_dict()
    for name, weight in _base(qwen).items():  # peft keeps a wrapped layer's weight as base_layer.weight
        key = name if name in state else ".base_layer.".join(name.rsplit(".", 1))
        assert torch.equal(state[key], weight), name
    assert "comment" in model.history[0] and model.history[-1]["lm"] < model.history[0]["lm"]
    preds = model.predict(tiny_pairs, tiny_pairs.items("test")[:2])
    assert all(isinstance(p, PairPrediction) and isinstance(p.description, str) for p in preds)


def test_checkpoint_holds_no_base_weights_and_round_trips(tiny_pairs, qwen: Path, tmp_path: Path) -> None:
    base = tmp_path / "base"
    shutil.copytree(qwen, base)
    model = KeptModel(**_args(base, epochs="1"))
    model.fit(tiny_pairs, seed=0)
    expected = _dump(model.predict(tiny_pairs, tiny_pairs.items("test")))
    assert model.save(tmp_path / "ckpt")
    weights = tmp_path / "ckpt" / "model.safetensors"
    lm_keys = [k for k in load_file(str(weights)) if k.startswith("decoder.lm.")]
    assert lm_keys and all("lora_" in k for k in lm_keys)
    assert weights.stat().st_size < 0.25 * (base / "model.safetensors").stat().st_size
    restored = KeptModel(checkpoint=str(tmp_path / "ckpt"))
    restored.fit(tiny_pairs, seed=5)
    assert _dump(restored.predict(tiny_pairs, tiny_pairs.items("test"))) == expected

    shutil.rmtree(base)
    _save_qwen(base, seed=1)  # same architecture and path, other weights
    with pytest.raises(DataError, match="fingerprint"):
        KeptModel(checkpoint=str(tmp_path / "ckpt")).fit(tiny_pairs, seed=0)


class _Killed(Exception):
    """Stands in for the process being killed in the middle of training."""


def test_killed_training_resumes_without_base_weights_in_its_state(
    tiny_pairs, qwen: Path, tmp_path: Path, monkeypatch
) -> None:
    import kept.adapter

    whole = KeptModel(**_args(qwen))
    whole.fit(tiny_pairs, seed=0)
    expected = _dump(whole.predict(tiny_pairs, tiny_pairs.items("test")))

    def kill_after_epoch_1(message: str, *a) -> None:
        if (message % a if a else message).startswith("kept epoch 1/2"):
            raise _Killed

    monkeypatch.setattr(kept.adapter.log, "info", kill_after_epoch_1)
    killed = KeptModel(**_args(qwen))
    killed.work_dir = tmp_path / "training"
    with pytest.raises(_Killed):
        killed.fit(tiny_pairs, seed=0)
    saved = torch.load(tmp_path / "training" / "train_state.pt", weights_only=True)
    lm_keys = [k for k in saved["net"] if k.startswith("decoder.lm.")]
    assert lm_keys and all("lora_" in k for k in lm_keys)

    messages: list[str] = []
    monkeypatch.setattr(kept.adapter.log, "info", lambda m, *a: messages.append(m % a if a else m))
    resumed = KeptModel(**_args(qwen))
    resumed.work_dir = tmp_path / "training"
    resumed.fit(tiny_pairs, seed=0)
    assert any("resuming training after epoch 1/2" in m for m in messages)
    assert resumed.history == whole.history
    assert _dump(resumed.predict(tiny_pairs, tiny_pairs.items("test"))) == expected


def test_rank_0_trains_only_the_trunk_and_full_trains_the_lm_at_its_own_rate(tiny_pairs, qwen: Path) -> None:
    frozen = KeptModel(**_args(qwen, lora_rank="0", epochs="1"))
    frozen.fit(tiny_pairs, seed=0)
    net, lm = _net(frozen)
    assert not any(p.requires_grad for p in lm.parameters())
    assert not any("lora_" in n for n, _ in lm.named_parameters())
    groups = param_groups(net, frozen.cfg)
    assert len(groups) == 1 and len(groups[0]["params"]) == sum(1 for p in net.parameters() if p.requires_grad)
    state = lm.state_dict()
    assert all(torch.equal(state[k], w) for k, w in _base(qwen).items())

    full = KeptModel(**_args(qwen, decoder_train="full", epochs="0"))
    full.fit(tiny_pairs, seed=0)
    net, lm = _net(full)
    groups = param_groups(net, full.cfg)
    assert [g.get("lr") for g in groups] == [None, 1e-2]
    assert {id(p) for p in groups[1]["params"]} == {id(p) for p in lm.parameters()}


def test_bf16_base_and_the_encoder_space_for_l_comment(tiny_pairs, qwen: Path) -> None:
    model = KeptModel(**_args(qwen, decoder_dtype="bf16", comment_space="encoder", epochs="1"))
    model.fit(tiny_pairs, seed=0)
    _, lm = _net(model)
    assert lm.get_input_embeddings().weight.dtype == torch.bfloat16
    assert all(p.dtype == torch.float32 for p in lm.parameters() if p.requires_grad)
    assert "comment" in model.history[0] and model.history[0]["comment"] == model.history[0]["comment"]


@pytest.mark.parametrize(
    "args, message",
    [
        ({"decoder_dtype": "fp16"}, "decoder_dtype must be auto | bf16 | fp32"),
        ({"comment_space": "llm"}, "comment_space=llm needs an HF decoder"),
        ({"lora_rank": "-1"}, "lora_rank must be >= 0"),
    ],
)
def test_bad_decoder_options_are_one_line_errors(args: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        KeptConfig.from_args(args)


def test_lora_targets_that_match_nothing(tiny_pairs, qwen: Path) -> None:
    with pytest.raises(ConfigError, match="lora_targets=c_attn match no module of the decoder; its projections: .*q_proj"):
        KeptModel(**_args(qwen, lora_targets="c_attn")).fit(tiny_pairs, seed=0)


def test_gradient_checkpointing_changes_no_number(tiny_pairs, qwen: Path) -> None:
    runs = []
    for checkpointing in ("off", "on"):
        model = KeptModel(**_args(qwen, decoder_checkpointing=checkpointing, comment_every="1"))
        model.fit(tiny_pairs, seed=0)
        runs.append((model.history, _dump(model.predict(tiny_pairs, tiny_pairs.items("test")))))
    assert any(getattr(m, "gradient_checkpointing", False) for m in _net(model)[1].modules())
    assert runs[0] == runs[1]


def test_l_comment_reads_the_base_lm_features(tiny_pairs, qwen: Path) -> None:
    from transformers import AutoModelForCausalLM

    model = KeptModel(**_args(qwen, epochs="1"))
    model.fit(tiny_pairs, seed=0)
    net, lm = _net(model)
    assert net.decoder is not None
    ids = torch.tensor([[5, 6, 7, 8], [9, 10, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]])
    with torch.no_grad():
        got = net.decoder.lm_features(lm.get_input_embeddings()(ids), mask)
        base = AutoModelForCausalLM.from_pretrained(qwen).eval().base_model
        hidden = base(input_ids=ids, attention_mask=mask).last_hidden_state
    expected = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    assert torch.allclose(got, expected, atol=1e-5)
    assert any(p.requires_grad for n, p in lm.named_parameters() if "lora_" in n)  # adapters back on


@pytest.mark.parametrize(
    "args, dtype, checkpointing",
    [
        ({"device": "cuda"}, torch.bfloat16, True),
        ({"device": "cuda", "decoder_train": "full"}, torch.float32, True),
        ({"device": "cpu"}, torch.float32, False),
        ({"device": "cuda", "decoder_dtype": "fp32", "decoder_checkpointing": "off"}, torch.float32, False),
    ],
)
def test_auto_dtype_and_checkpointing(args: dict[str, str], dtype: torch.dtype, checkpointing: bool) -> None:
    from kept.pretrained import LMSettings

    settings = LMSettings.from_config(KeptConfig.from_args({"decoder": "some-lm", **args}))
    assert (settings.dtype, settings.checkpointing) == (dtype, checkpointing)
