"""`adrbench tasks` and `adrbench models [NAME]`: whole cells when piped, and a model's options on request."""

from __future__ import annotations

from spine_cli import cli
from typer.testing import CliRunner

from adrbench.cli.main import app
from adrbench.models import available_models
from adrbench.tasks import get_task
from adrbench.tasks.registry import TASKS

runner = CliRunner()


def _row(output: str, first_cell: str) -> str:
    """The one table line whose first cell is `first_cell`."""
    rows = [line for line in output.splitlines() if line.startswith(f"│ {first_cell} ")]
    assert len(rows) == 1, output
    return rows[0]


def test_tasks_and_models_show_every_cell_whole_when_piped() -> None:
    shown = runner.invoke(app, ["tasks"])  # not a terminal: 80 columns would cut the long summaries
    assert shown.exit_code == 0, shown.output
    assert "…" not in shown.output
    for name in TASKS:
        task = get_task(name)
        row = _row(shown.output, name)
        assert task.summary in row and (task.synthetic or f"${task.env_var}" in row)
    listed = runner.invoke(app, ["models"])
    assert listed.exit_code == 0, listed.output
    assert "…" not in listed.output and "adrbench models NAME" in listed.output
    for name, source in available_models().items():
        assert source in _row(listed.output, name)


def test_models_name_shows_options_defaults_and_meaning() -> None:
    kept = runner.invoke(app, ["models", "kept"])
    assert kept.exit_code == 0, kept.output
    assert "│ 64 " in _row(kept.output, "d") and "feature width d (paper: 4096)" in _row(kept.output, "d")
    assert "│ false " in _row(kept.output, "no_gnn")
    variant = runner.invoke(app, ["models", "kept-depth5"]).output
    assert "│ 5 " in _row(variant, "depth")  # the variant's preset, not KeptConfig's 4
    gpt = runner.invoke(app, ["models", "gpt-4o"]).output
    assert "gpt-4o-2024-08-06" in _row(gpt, "model") and "the model name the server knows" in _row(gpt, "model")
    assert "retries after the first attempt" in _row(gpt, "max_retries")
    magr = runner.invoke(app, ["models", "magr"]).output
    assert "continual score-range sessions" in _row(magr, "sessions")
    assert "fmt:" not in magr  # a comment addressed to the formatter is no meaning
    mean = runner.invoke(app, ["models", "mean"])
    assert mean.exit_code == 0 and "mean documents no --model-arg options" in mean.output


def test_an_unknown_model_name_is_one_line_with_the_closest_names() -> None:
    proc = cli("models", "kep")
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown model 'kep'. Did you mean 'kept'" in lines[0]
