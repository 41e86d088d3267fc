"""torchrun DDP training on 2 CPU processes (gloo), and the reasoning-path figure / `explain` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from kept_fixtures import TINY_ARGS

from adrbench.errors import ConfigError
from kept.adapter import KeptModel
from kept.explain import explain_item, ranked_paths

HERE = Path(__file__).parent


def test_ddp_two_processes_agree(tmp_path: Path) -> None:
    factory = tmp_path / "factory.py"
    factory.write_text(
        f"import sys\nsys.path.insert(0, {str(HERE)!r})\nfrom kept_fixtures import make_dataset\n\n"
        "def build():\n    return make_dataset()\n"
    )
    out = tmp_path / "ddp"
    args = [f"-M{k}={v}" for k, v in {**TINY_ARGS, "epochs": "1", "threads": "1"}.items()]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node",
            "2",
            "-m",
            "kept.distributed",
            "--dataset",
            f"{factory}:build",
            "--out",
            str(out),
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0]["digest"] == ranks[1]["digest"]  # DDP kept the replicas identical
    assert (out / "model.safetensors").is_file() and (out / "kept.json").is_file()
    assert KeptModel(checkpoint=str(out)).load(out)


@pytest.fixture
def trained(tiny_pairs, tmp_path: Path) -> Path:
    model = KeptModel(**{**TINY_ARGS, "epochs": "1"})
    model.fit(tiny_pairs, seed=0)
    model.save(tmp_path / "ckpt")
    return tmp_path / "ckpt"


def test_reasoning_figure(tiny_pairs, trained: Path, tmp_path: Path) -> None:
    model = KeptModel(checkpoint=str(trained))
    assert model.load(trained)
    pair = tiny_pairs.items("test")[0]
    ranked = ranked_paths(model, tiny_pairs, pair.id)
    assert [vid for vid, _ in ranked] == [pair.video_1, pair.video_2]
    for _, paths in ranked:
        assert len(paths) == 10 and all(len(names) == 3 for names, _ in paths)
        scores = [q for _, q in paths]
        assert scores == sorted(scores, reverse=True)
    preds = model.predict(tiny_pairs, [pair])
    assert preds[0].meta["path"] == ranked[0][1][0][0]  # the figure's chosen path is the predicted l*
    png, lines = explain_item(model, tiny_pairs, pair.id, tmp_path / "fig.png")
    meta = preds[0].meta
    assert lines[0] == (
        f"{pair.video_1}: chosen: {' → '.join(meta['path'])} "
        f"(p = {meta['path_weight']:.2f}, entropy {meta['path_entropy']:.2f})"
    )  # the choice that was made, as the prediction reports it
    assert lines[1].startswith(f"{pair.video_2}: chosen: {' → '.join(meta['path_2'])} ")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    with pytest.raises(ConfigError):
        explain_item(model, tiny_pairs, "no-such-pair", tmp_path / "x.png")


def test_explain_command(tiny_pairs, trained: Path, tmp_path: Path, monkeypatch) -> None:
    import typer
    from typer.testing import CliRunner

    import adrbench.tasks
    from adrbench.cli.explain import explain

    class TinyTask:
        def load(self, data_root=None, seed=0, **args):
            return tiny_pairs

    monkeypatch.setattr(adrbench.tasks, "get_task", lambda name: TinyTask())
    app = typer.Typer()
    app.command("explain")(explain)
    app.command("other")(lambda: None)
    pair = tiny_pairs.items("test")[0].id
    out = tmp_path / "f.png"
    result = CliRunner().invoke(
        app,
        ["explain", "--task", "adr-tiny", "--pair", pair, "--checkpoint", str(trained), "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and str(out) in result.output
    assert result.output.count("chosen: ") == 2 and "entropy" in result.output


def test_reasoning_figure_leaves_the_callers_matplotlib_alone(tiny_pairs, trained: Path, tmp_path: Path) -> None:
    import matplotlib

    before = matplotlib.get_backend()
    matplotlib.use("svg")  # the caller's choice, which drawing the figure must not change
    try:
        model = KeptModel(checkpoint=str(trained))
        assert model.load(trained)
        explain_item(model, tiny_pairs, tiny_pairs.items("test")[0].id, tmp_path / "fig.png")
        assert matplotlib.get_backend() == "svg"
    finally:
        matplotlib.use(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt", "fig.png"]  # no temporary file left


def test_distributed_arguments_are_checked(tmp_path: Path) -> None:
    from kept.distributed import load_dataset, main

    for factory, message in [
        ("build", "file.py:function"),
        (f"{tmp_path / 'absent.py'}:build", "cannot import"),
    ]:
        with pytest.raises(ConfigError, match=message):
            load_dataset(None, factory, 0)
    module = tmp_path / "factory.py"
    module.write_text("def build():\n    return 42\n")
    with pytest.raises(ConfigError, match="no function 'missing'"):
        load_dataset(None, f"{module}:missing", 0)
    with pytest.raises(ConfigError, match="returned int, not an adrbench Dataset"):
        load_dataset(None, f"{module}:build", 0)
    with pytest.raises(SystemExit) as info:
        main(["--out", str(tmp_path / "o"), "-M", "epochs"])  # no '=': a usage error, not a crash
    assert info.value.code == 2
