"""KeptModel end to end on tiny data: predictions, determinism, checkpoints, options, ablations, other tasks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from kept_fixtures import TINY_ARGS

from adrbench.errors import ConfigError, DataError
from adrbench.records import PairPrediction, VideoPrediction
from kept import adapter as kept_adapter
from kept.adapter import KeptModel
from kept.config import KeptConfig
from kept.variants import KeptNoGnn


def _dump(preds) -> str:
    return "\n".join(p.model_dump_json() for p in preds)


def test_pairs_train_and_predict(tiny_pairs) -> None:
    model = KeptModel(**TINY_ARGS)
    model.fit(tiny_pairs, seed=0)
    items = tiny_pairs.items("test")
    preds = model.predict(tiny_pairs, items)
    assert [p.pair_id for p in preds] == [p.id for p in items]
    for p in preds:
        assert isinstance(p, PairPrediction)
        assert 1.0 <= p.score_1 <= 10.0 and 1.0 <= p.score_2 <= 10.0
        assert isinstance(p.description, str)
        assert len(p.meta["path"]) == 3 and set(p.meta["path"]) <= set(tiny_pairs.skeleton.groups)
    assert set(model.history[0]) >= {"score", "semantic", "kl", "lm", "comment"}
    assert model.config()["depth"] == 4


def test_same_seed_same_bytes(tiny_pairs) -> None:
    outs = []
    for _ in range(2):
        model = KeptModel(**TINY_ARGS)
        model.fit(tiny_pairs, seed=3)
        outs.append(_dump(model.predict(tiny_pairs, tiny_pairs.items("test"))))
    assert outs[0] == outs[1]


def test_checkpoint_round_trip_and_evaluation_without_training(tiny_pairs, tmp_path: Path) -> None:
    model = KeptModel(**TINY_ARGS)
    model.fit(tiny_pairs, seed=0)
    expected = _dump(model.predict(tiny_pairs, tiny_pairs.items("test")))
    assert model.save(tmp_path / "ckpt")
    assert (tmp_path / "ckpt" / "model.safetensors").is_file()
    saved = json.loads((tmp_path / "ckpt" / "kept.json").read_text())
    assert saved["config"]["d"] == 16 and saved["meta"]["groups"] == list(tiny_pairs.skeleton.groups)
    restored = KeptModel(checkpoint=str(tmp_path / "ckpt"))
    restored.fit(tiny_pairs, seed=99)  # loads, does not train
    assert restored.history == [] and restored.config()["d"] == 16
    assert _dump(restored.predict(tiny_pairs, tiny_pairs.items("test"))) == expected
    with pytest.raises(ConfigError):
        KeptModel(checkpoint=str(tmp_path / "missing")).fit(tiny_pairs, seed=0)
    for found, message in (
        ("kept.checkpoint/1", "another version of KEPT"),
        ("other", "not a KEPT checkpoint"),
    ):
        (tmp_path / "ckpt" / "kept.json").write_text(json.dumps({**saved, "format": found}))
        with pytest.raises(DataError, match=message):
            KeptModel(checkpoint=str(tmp_path / "ckpt")).fit(tiny_pairs, seed=0)


def test_options_are_parsed_and_checked() -> None:
    cfg = KeptConfig.from_args(
        {"d": "32", "no-gnn": "true", "alpha1": "0.5", "selection": "straight_through"}
    )
    assert cfg.d == 32 and cfg.no_gnn is True and cfg.alpha1 == 0.5 and cfg.selection == "straight_through"
    for bad in ({"depth": "7"}, {"colour": "red"}, {"no_kl": "maybe"}, {"d": "30", "heads": "4"}):
        with pytest.raises(ConfigError):
            KeptConfig.from_args(bad)


@pytest.mark.parametrize(
    "flags",
    [
        {"no_gnn": "1", "no_kl": "1"},
        {"no_comment": "1", "no_residual": "1", "depth": "3"},
        {"no_semantic": "1", "selection": "straight_through", "depth": "5"},
        {"node_measures": "true", "path_credit": "1"},
        {"node_measures": "true", "path_credit": "1", "path_credit_by": "video"},
        {"node_measures": "true", "path_credit": "1", "path_credit_folds": "2"},
        {"node_measures": "true", "path_credit": "1", "path_credit_by": "teacher"},
    ],
)
def test_ablations_run(tiny_pairs, flags: dict[str, str], tmp_path: Path) -> None:
    model = KeptModel(**{**TINY_ARGS, "epochs": "1", **flags})
    model.fit(tiny_pairs, seed=0)
    preds = model.predict(tiny_pairs, tiny_pairs.items("test")[:2])
    assert all(p.score_1 is not None for p in preds)
    if "path_credit" in flags:  # the checkpoint rebuilds the read-outs (one or two folds) and the credit buffer
        assert model.save(tmp_path / "ckpt")
        restored = KeptModel(checkpoint=str(tmp_path / "ckpt"))
        restored.fit(tiny_pairs, seed=1)
        assert _dump(restored.predict(tiny_pairs, tiny_pairs.items("test")[:2])) == _dump(preds)
        saved, loaded = (m.fitted.net.credit_error for m in (model, restored))
        assert torch.allclose(saved, loaded, equal_nan=True)
        assert saved.isnan().all() == (flags.get("path_credit_by", "action") != "action")  # kept per action only
    parts = set(model.history[0])
    assert ("kl" in parts) == ("no_kl" not in flags)
    assert ("credit" in parts) == ("path_credit" in flags)
    assert ("semantic" in parts) == ("no_comment" not in flags and "no_semantic" not in flags)


def test_named_variant_presets_its_option(tiny_pairs) -> None:
    model = KeptNoGnn(**TINY_ARGS)
    assert model.config()["no_gnn"] is True and model.name == "kept-no-gnn"


def test_surgery_scores_videos(tiny_tools) -> None:
    model = KeptModel(**{**TINY_ARGS, "depth": "3"})
    model.fit(tiny_tools, seed=0)
    preds = model.predict(tiny_tools, tiny_tools.items("test"))
    assert all(isinstance(p, VideoPrediction) and p.score is not None for p in preds)
    assert all(set(p.meta["path"]) <= {"tip", "body", "tail"} for p in preds)
    assert model.state is not None and model.state.net.decoder is None
    assert model.state.net.scorer.paths.shape == (9, 2)


@pytest.mark.parametrize("flags", [{}, {"node_measures": "true", "path_credit": "1", "path_credit_by": "teacher"}])
def test_fitness_labels(tiny_labels, flags: dict[str, str]) -> None:
    model = KeptModel(**{**TINY_ARGS, **flags})
    model.fit(tiny_labels, seed=0)
    preds = model.predict(tiny_labels, tiny_labels.items("test"))
    assert all(set(p.labels) == {"err_a", "err_b"} and p.score is None for p in preds)


def test_broken_video_fails_its_items_only(tiny_pairs) -> None:
    model = KeptModel(**{**TINY_ARGS, "epochs": "1"})
    model.fit(tiny_pairs, seed=0)
    items = tiny_pairs.items("test")
    bad = items[0].video_1
    loader = tiny_pairs.keypoint_loader
    tiny_pairs.keypoint_loader = lambda v: (
        (_ for _ in ()).throw(OSError("gone")) if v.id == bad else loader(v)
    )
    tiny_pairs._keypoints.clear()
    preds = model.predict(tiny_pairs, items)
    failed = [p for p in preds if p.meta.get("error")]
    assert failed and all(
        bad in (tiny_pairs.pairs[p.pair_id].video_1, tiny_pairs.pairs[p.pair_id].video_2) for p in failed
    )
    assert any(p.score_1 is not None for p in preds)


def test_a_bug_is_not_turned_into_failed_items(tiny_pairs, monkeypatch) -> None:
    model = KeptModel(**{**TINY_ARGS, "epochs": "0"})
    model.fit(tiny_pairs, seed=0)
    model._encoded.clear()

    def broken(data, video_id):
        raise TypeError("a bug in the feature code")

    monkeypatch.setattr(model._features, "get", broken)
    with pytest.raises(TypeError, match="a bug"):
        model.predict(tiny_pairs, tiny_pairs.items("test")[:1])


def test_threads_are_set_for_the_model_and_restored(tiny_pairs, monkeypatch) -> None:
    seen: list[int] = []
    real_train = kept_adapter.train

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return real_train(*args, **kwargs)

    monkeypatch.setattr(kept_adapter, "train", spy)
    before = torch.get_num_threads()
    model = KeptModel(**{**TINY_ARGS, "epochs": "0", "threads": str(before + 1)})
    model.fit(tiny_pairs, seed=0)
    assert seen == [before + 1] and torch.get_num_threads() == before
    model.predict(tiny_pairs, tiny_pairs.items("test")[:1])
    assert torch.get_num_threads() == before


TRAIN_AND_HASH = """
import hashlib, sys, torch
sys.path.insert(0, sys.argv[1])
from kept_fixtures import TINY_ARGS, make_dataset
from kept.adapter import KeptModel
torch.set_num_threads(2)
data = make_dataset(n_train=24, n_test=4)
model = KeptModel(**{**TINY_ARGS, "epochs": "3", "d": "64", "heads": "4", "batch": "32", "keyframes": "16",
                     "segments": "4", "max_text_tokens": "32"})
model.fit(data, seed=0)
digest = hashlib.sha256()
for _, value in sorted(model.fitted.net.state_dict().items()):
    digest.update(value.numpy().tobytes())
print(digest.hexdigest(), torch.are_deterministic_algorithms_enabled())
"""


def test_two_processes_on_two_threads_train_the_same_weights() -> None:
    """Without deterministic kernels, two processes on 2 threads trained other weights (a CPU backward kernel
    accumulates in a varying order); the caller's setting (off) is restored after training."""
    import subprocess
    import sys

    env = {**os.environ, "PYTHONHASHSEED": "0"}
    here = str(Path(__file__).parent)
    outs = [
        subprocess.run(
            [sys.executable, "-c", TRAIN_AND_HASH, here], capture_output=True, text=True, env=env, check=True
        ).stdout.split()  # fmt: skip
        for _ in range(2)
    ]
    assert outs[0] == outs[1] and outs[0][1] == "False"


def test_hf_decoder_by_path(tiny_pairs, tmp_path: Path) -> None:
    from transformers import GPT2Config, GPT2LMHeadModel

    from kept.text import TextEncoder

    torch.manual_seed(0)
    tokenizer = TextEncoder("minilm").tokenizer
    lm = GPT2LMHeadModel(
        GPT2Config(vocab_size=len(tokenizer), n_embd=16, n_layer=1, n_head=2, n_positions=256)
    )
    lm.save_pretrained(tmp_path / "gpt2-tiny")
    tokenizer.save_pretrained(tmp_path / "gpt2-tiny")
    args = {"epochs": "1", "decoder": str(tmp_path / "gpt2-tiny"), "lora_targets": "c_attn,c_proj"}
    model = KeptModel(**{**TINY_ARGS, **args})
    model.fit(tiny_pairs, seed=0)
    preds = model.predict(tiny_pairs, tiny_pairs.items("test")[:2])
    assert all(isinstance(p.description, str) for p in preds)
    assert "comment" in model.history[0]


def _decoder_inputs(model: KeptModel, data) -> tuple:
    items = data.items("test")
    model.encode_videos(data, [v for p in items for v in (p.video_1, p.video_2)])
    h1 = torch.stack([model._encoded[p.video_1]["H"] for p in items])
    h2 = torch.stack([model._encoded[p.video_2]["H"] for p in items])
    return model.fitted.net.decoder, h1, h2


def _until_eos(ids: list[int], eos: int) -> list[int]:
    return ids[: ids.index(eos) + 1] if eos in ids else ids


def _log_prob(decoder, h1: torch.Tensor, h2: torch.Tensor, ids: list[int]) -> float:
    """The model's log-probability of `ids` (EOS included when present), teacher-forced."""
    body = [t for t in ids if t != decoder.eos]
    with torch.no_grad():
        logits = decoder(h1[None], h2[None], torch.tensor([body], dtype=torch.long))[0]
    logp = torch.log_softmax(logits, dim=-1)
    return float(sum(logp[i, t] for i, t in enumerate(ids)))


def test_greedy_decoding_is_the_argmax_at_every_step(tiny_pairs) -> None:
    model = KeptModel(**{**TINY_ARGS, "epochs": "1"})
    model.fit(tiny_pairs, seed=0)
    decoder, h1, h2 = _decoder_inputs(model, tiny_pairs)
    prefix = torch.zeros(len(h1), 0, dtype=torch.long)
    with torch.no_grad():
        for _ in range(decoder.max_tokens + 1):  # the step after the last token may only be EOS
            step = decoder(h1, h2, prefix)[:, -1].argmax(dim=-1)
            prefix = torch.cat([prefix, step[:, None]], dim=1)
    expected = [_until_eos(row, decoder.eos) for row in prefix.tolist()]
    got = [_until_eos(row, decoder.eos) for row in decoder.generate_ids(h1, h2, beam=1)]
    assert got == expected
    assert decoder.generate(h1, h2, beam=1) == [decoder.decode_ids(ids) for ids in expected]


def test_beam_search_never_finds_a_less_likely_description_than_greedy(tiny_pairs) -> None:
    model = KeptModel(**{**TINY_ARGS, "epochs": "1"})
    model.fit(tiny_pairs, seed=0)
    decoder, h1, h2 = _decoder_inputs(model, tiny_pairs)

    def scores(beam: int) -> list[float]:  # beam search ranks by log-probability per token (length_penalty 1)
        out = []
        for i, ids in enumerate(decoder.generate_ids(h1, h2, beam=beam)):
            ids = _until_eos(ids, decoder.eos)
            out.append(_log_prob(decoder, h1[i], h2[i], ids) / len(ids))
        return out

    greedy = scores(1)
    found = {beam: scores(beam) for beam in (2, 3, 5)}
    for beam, got in found.items():
        assert all(b >= g - 1e-5 for b, g in zip(got, greedy, strict=True)), beam
    assert any(b > g + 1e-4 for b, g in zip(found[5], greedy, strict=True))  # the search is really wider


def test_generated_lengths_eos_and_repeats(tiny_pairs) -> None:
    model = KeptModel(**{**TINY_ARGS, "epochs": "1", "beam": "3", "no_repeat_ngram": "2"})
    model.fit(tiny_pairs, seed=0)
    decoder, h1, h2 = _decoder_inputs(model, tiny_pairs)
    for beam in (1, 3):
        for ids in decoder.generate_ids(h1, h2, beam=beam, no_repeat_ngram=2):
            ids = _until_eos(ids, decoder.eos)
            assert (
                len(ids) <= decoder.max_tokens + 1 and decoder.eos not in ids[:-1] and decoder.pad not in ids
            )
            bigrams = list(zip(ids, ids[1:], strict=False))
            assert len(bigrams) == len(set(bigrams)), ids
    preds = model.predict(tiny_pairs, tiny_pairs.items("test"))
    texts = decoder.generate(h1, h2, beam=3, no_repeat_ngram=2)
    recase = model.fitted.recaser
    assert [p.description for p in preds] == [
        recase(t) if recase else t for t in texts
    ]  # the model's options


@pytest.mark.parametrize(
    ("epochs", "min_steps", "steps_per_epoch", "expected"),
    [(6, 300, 58, 6), (6, 300, 2, 150), (6, 0, 2, 6), (0, 300, 2, 0), (1, 10, 3, 4)],
)
def test_small_training_sets_get_at_least_min_steps(epochs, min_steps, steps_per_epoch, expected) -> None:
    from kept.training import epochs_to_run

    cfg = KeptConfig(epochs=epochs, min_steps=min_steps)
    assert epochs_to_run(cfg, steps_per_epoch) == expected


def test_short_runs_train_min_steps(tiny_tools) -> None:
    short = KeptModel(**{**TINY_ARGS, "depth": "3", "epochs": "1", "min_steps": "6"})
    short.fit(tiny_tools, seed=0)
    steps_per_epoch = -(-len(tiny_tools.videos_of("train")) // int(TINY_ARGS["batch"]))
    assert len(short.history) == -(-6 // steps_per_epoch)


def test_description_losses_do_not_move_the_path_choice(tiny_pairs) -> None:
    from kept.adapter import activity_ids

    model = KeptModel(**{**TINY_ARGS, "epochs": "0"})
    model.fit(tiny_pairs, seed=0)
    net = model.state.net.train()
    ids = [v.id for v in tiny_pairs.videos_of("train")][:4]
    feats = model._features.batch(tiny_pairs, ids)
    feats["activity"] = activity_ids(model.state.meta, [tiny_pairs.videos[v] for v in ids])
    targets = torch.tensor(net.decoder.encode_texts(["player 1 is better"] * 2))
    readout = net.scorer.readout[0].weight  # only Q (hence p_r) depends on it

    def grad_of(loss: torch.Tensor) -> torch.Tensor:
        net.zero_grad()
        loss.backward()
        return 0.0 if readout.grad is None else float(readout.grad.abs().sum())

    enc = net.encode(feats)
    text = net.decoder(enc["H"][:2], enc["H"][2:], targets).logsumexp(-1).mean()
    assert grad_of(text) == 0
    assert net.graph.w.weight.grad.abs().sum() > 0  # ...while the graph still learns from the text
    assert grad_of(net.encode(feats)["out"].sum()) > 0


class _Killed(Exception):
    """Stands in for the process being killed in the middle of training."""


def test_killed_training_resumes_after_its_last_epoch(tiny_pairs, tmp_path: Path, monkeypatch) -> None:
    import kept.adapter

    args = {**TINY_ARGS, "epochs": "3"}
    whole = KeptModel(**args)
    whole.fit(tiny_pairs, seed=0)
    expected = _dump(whole.predict(tiny_pairs, tiny_pairs.items("test")))

    messages: list[str] = []

    def kill_after_epoch_2(message: str, *a) -> None:
        messages.append(message % a if a else message)
        if messages[-1].startswith("kept epoch 2/3"):
            raise _Killed

    monkeypatch.setattr(kept.adapter.log, "info", kill_after_epoch_2)
    killed = KeptModel(**args)
    killed.work_dir = tmp_path / "training"
    with pytest.raises(_Killed):
        killed.fit(tiny_pairs, seed=0)
    assert (tmp_path / "training" / "train_state.pt").is_file()

    messages.clear()
    resumed = KeptModel(**args)
    resumed.work_dir = tmp_path / "training"
    resumed.fit(tiny_pairs, seed=0)
    assert any("resuming training after epoch 2/3" in m for m in messages)
    assert [m for m in messages if m.startswith("kept epoch")] == [
        m for m in messages if m.startswith("kept epoch 3/3")
    ]
    assert len(resumed.history) == 3 and resumed.history == whole.history
    assert _dump(resumed.predict(tiny_pairs, tiny_pairs.items("test"))) == expected


def test_credit_target_is_one_path_per_action() -> None:
    from kept.training import credit_target

    # four videos × three paths; videos 0, 1, 3 are action 1, video 2 is action 2; video 3 has no score
    err = torch.tensor([[0.1, 0.5, 0.9], [0.9, 0.2, 0.8], [0.7, 0.6, 0.1], [0.0, 9.0, 9.0]])
    has = torch.tensor([True, True, True, False])
    groups = torch.tensor([1, 1, 2, 1])
    running = torch.full((3, 3), float("nan"))
    # first batch: action 1's mean over its scored videos (0.5, 0.35, 0.85) → path 1, for all its videos
    assert credit_target(err, has, groups, running).tolist() == [1, 1, 2, 1]
    assert torch.allclose(running[1], torch.tensor([0.5, 0.35, 0.85])) and running[0].isnan().all()
    # a later batch where path 0 is best for action 1 moves the running mean by a tenth only: still path 1
    later = torch.tensor([[0.0, 0.6, 0.9]])
    assert credit_target(later, torch.tensor([True]), torch.tensor([1]), running).tolist() == [1]
    assert torch.allclose(running[1], torch.tensor([0.45, 0.375, 0.855]))


def test_cross_fitted_credit_scores_each_video_out_of_its_fold() -> None:
    from kept.training import Objective

    cfg = KeptConfig(path_credit=1.0, path_credit_by="video", path_credit_folds=2)
    objective = Objective(torch.nn.Module(), None, cfg, classify=False)
    # two videos (fold 0, fold 1) × two read-outs × three paths: read-out 0 fits path 0 (logit 0 = σ⁻¹ of the
    # score 0.5), read-out 1 fits path 2; each video is credited by the read-out of the OTHER fold
    fits = torch.tensor([[0.0, 3.0, 3.0], [3.0, 3.0, 0.0]])
    path_out = fits[None].repeat(2, 1, 1)[..., None].clone().requires_grad_(True)  # B×F×L×1
    p = torch.full((2, 3), 1 / 3, requires_grad=True)
    batch = {"scores": torch.tensor([0.5, 0.5]), "fold": torch.tensor([4, 7]), "feats": {}}
    loss = objective.path_credit({"path_out": path_out, "p": p}, batch)
    loss.backward()
    grad_p = p.grad
    assert grad_p is not None and grad_p[0, 2] < 0 and grad_p[1, 0] < 0  # video 0 taught path 2, video 1 path 0
    assert grad_p[0, :2].eq(0).all() and grad_p[1, 1:].eq(0).all()
    # the read-out error that trains is each video's own fold's: video 0 moves read-out 0 only, video 1 read-out 1
    grad_out = path_out.grad
    assert grad_out is not None and grad_out[0, 1].eq(0).all() and grad_out[1, 0].eq(0).all()
    assert grad_out[0, 0].ne(0).any() and grad_out[1, 1].ne(0).any()


def test_ridge_teacher_picks_the_groups_the_scores_depend_on() -> None:
    from kept.teacher import teacher_paths

    gen = torch.Generator().manual_seed(0)
    nodes = torch.randn(120, 4, 4, 3, generator=gen)  # V×N×J×h: 4 keyframes, 4 groups
    actions = torch.tensor([1] * 60 + [2] * 60)
    # action 1's scores read groups 1 and 3, action 2's group 0 only; one unscored video
    scores = torch.where(actions == 1, nodes[:, :, 1, 0].sum(1) + nodes[:, :, 3, 1].sum(1), nodes[:, :, 0, 2].sum(1))
    scores = scores + 0.1 * torch.randn(120, generator=gen)
    scores[5] = float("nan")
    paths = teacher_paths(nodes, scores, actions, n_actions=2, steps=3)
    # tree_paths order: index = g1·16 + g2·4 + g3; the set's groups in order, the last repeated
    assert paths.tolist() == [0 * 16 + 1 * 4 + 2, 1 * 16 + 3 * 4 + 3, 0]  # action 0 (no videos): groups 0, 1, 2


def test_ridge_teacher_reads_error_labels() -> None:
    """FitnessAQA's targets: binary labels per exercise, absent (NaN) for the other exercise's labels."""
    from kept.teacher import teacher_paths

    gen = torch.Generator().manual_seed(1)
    nodes = torch.randn(200, 4, 4, 3, generator=gen)
    actions = torch.tensor([1] * 100 + [2] * 100)
    labels = torch.full((200, 2), float("nan"))
    labels[:100, 0] = (nodes[:100, :, 2, 0].sum(1) > 0).float()  # action 1's error: group 2
    labels[100:, 1] = (nodes[100:, :, 0, 1].sum(1) + nodes[100:, :, 3, 2].sum(1) > 0).float()  # action 2's: 0, 3
    labels[7, 0] = float("nan")  # a label absent on one video
    paths = teacher_paths(nodes, labels, actions, n_actions=2, steps=3)
    assert paths.tolist() == [0 * 16 + 1 * 4 + 2, 2 * 16 + 2 * 4 + 2, 0 * 16 + 3 * 4 + 3]
