"""`adrbench data audit`: the paper's check of ADR descriptions (§2) by a person at the terminal or by a judge."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from adrbench.audit import (
    AnswerStore,
    AuditItem,
    LLMJudge,
    RuleJudge,
    audit_items,
    audit_report,
    load_pairs,
    run_human,
    run_judge,
    sample_items,
    unanswered_requests,
)
from adrbench.audit.answers import AuditAnswer
from adrbench.audit.report import ANSWER_COLUMNS
from adrbench.audit.session import HumanChoice
from adrbench.cli import llm_options as llm
from adrbench.errors import AdrbenchError, ConfigError
from adrbench.jsonl import write_json

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=False)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

_CHOICES: dict[str, HumanChoice] = {
    "1": "1",
    "2": "2",
    "t": "tie",
    "tie": "tie",
    "s": "skip",
    "skip": "skip",
    "q": "quit",
    "quit": "quit",
}
QUESTION = "which player is better? [1/2/t(ie)/s(kip)/q(uit)] "


def ask_terminal(item: AuditItem, position: int, total: int) -> HumanChoice:
    """Show one description (never the scores) and read the person's choice; end of input means quit."""
    console.rule(escape(f"[{position}/{total}] {item.pair.category} · {item.pair.group}"))
    console.print(Panel(escape(item.description), title="difference description", expand=False))
    while True:
        try:
            raw = console.input(escape(QUESTION))
        except EOFError:
            return "quit"
        choice = _CHOICES.get(raw.strip().lower())
        if choice is not None:
            return choice
        console.print("please type 1, 2, t, s or q")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")


def _pct(block: dict[str, Any]) -> str:
    agreement = block["agreement"]
    if agreement["value"] is None:
        return "–"
    lo, hi = agreement["ci95"]
    return escape(
        f"{100 * agreement['value']:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]  ({agreement['k']}/{agreement['n']})"
    )


def print_report(report: dict[str, Any]) -> None:
    """Agreement per sport and overall, then the confusion of truth × answer (ties, skips and no verdict)."""
    table = Table(title=f"agreement with the score order — rater {report['rater']}")
    for col in ("sport", "sampled", "answered", "skipped", "no verdict", "agreement (95% Wilson CI)"):
        table.add_column(col, justify="left" if col == "sport" else "right")
    rows = [*report["by_category"].items(), ("all", report)]
    for name, block in rows:
        table.add_row(
            name,
            str(block["n_sampled"]),
            str(block["n_answered"]),
            str(block["n_skipped"]),
            str(block["n_no_verdict"]),
            _pct(block),
        )
    console.print(table)
    confusion = Table(title="confusion (rows: score order, columns: answer)")
    confusion.add_column("truth")
    for col in ANSWER_COLUMNS:
        confusion.add_column(col, justify="right")
    for truth, row in report["confusion"].items():
        confusion.add_row(truth, *(str(row[c]) for c in ANSWER_COLUMNS))
    console.print(confusion)


def _check_replies(given: list[AuditAnswer], answers: Path) -> None:
    """Say why requests got no reply: every one failed → a ConfigError (no report is written); some → a note."""
    failed = unanswered_requests(given)
    if not failed:
        return
    first = failed[0].error
    if len(failed) == len(given):
        raise ConfigError(
            f"no judge request got a reply ({len(failed)} of {len(given)} failed; the first: {first}); "
            f"check --base-url, --provider and the API key; the same command retries them (answers: {answers})"
        )
    note = f"note: {len(failed)} of {len(given)} judge requests got no reply (the first: {first})"
    console.print(escape(f"{note}; run again to retry them"))


@app.command()
def audit(
    task: Annotated[str | None, typer.Option("--task", "-t", help="ADR task (adr, adr-synth)")] = None,
    data: Annotated[
        Path | None, typer.Option(help="a built ADR folder (videos.jsonl, pairs_<split>.jsonl)")
    ] = None,
    data_root: Annotated[Path | None, typer.Option(help="data root of a real task")] = None,
    split: Annotated[str, typer.Option(help="split whose pairs are audited")] = "test",
    mode: Annotated[str, typer.Option(help="human | judge (an LLM) | rule (the offline judge)")] = "human",
    n_per_sport: Annotated[
        int, typer.Option(min=0, help="pairs sampled per sport (paper: 50); 0 = all")
    ] = 50,
    seed: Annotated[int, typer.Option(help="sampling seed (and data seed of synthetic tasks)")] = 0,
    tie_margin: Annotated[
        float, typer.Option(min=0.0, help="score gap at or below which the order is a tie")
    ] = 0.0,
    answers: Annotated[
        Path | None, typer.Option(help="answers JSON Lines file (resumed if it exists)")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="report JSON (default: next to the answers)")] = None,
    rater: Annotated[str, typer.Option(help="name recorded with a person's answers")] = "human",
    provider: Annotated[
        str, typer.Option(help="judge API: openai-compatible | openai | gemini")
    ] = "openai-compatible",
    model: Annotated[str | None, typer.Option(help="judge model name")] = None,
    base_url: llm.BaseUrl = None,
    api_key_env: llm.ApiKeyEnv = None,
    cache: llm.Cache = None,
    concurrency: llm.Concurrency = llm.DEFAULT_CONCURRENCY,
    max_cost_usd: llm.MaxCostUsd = None,
    input_per_mtok: llm.InputPerMtok = llm.DEFAULT_INPUT_PER_MTOK,
    output_per_mtok: llm.OutputPerMtok = llm.DEFAULT_OUTPUT_PER_MTOK,
) -> None:
    """Show each sampled pair's description (never the scores), ask which player is better, and report agreement."""
    pairs, videos = load_pairs(task, data_root, data, split, seed)
    items = sample_items(audit_items(pairs, videos, tie_margin), n_per_sport or None, seed)
    if not items:
        raise ConfigError(f"no pair of split {split!r} has a description and both scores")
    if mode == "human":
        judge: LLMJudge | RuleJudge | None = None
        who = rater
    elif mode == "judge":
        from adrbench.describe.registry import DEFAULT_MODELS
        from adrbench.llm.spec import connect

        name = model or DEFAULT_MODELS.get(provider)
        if not name:
            raise ConfigError("--mode judge needs --model")
        spec = llm.client_spec(
            base_url, api_key_env, cache, concurrency, max_cost_usd, input_per_mtok, output_per_mtok
        )
        judge = LLMJudge(connect(provider, spec, seed=seed), name, provider=provider)
        who = judge.rater
    elif mode == "rule":
        judge = RuleJudge()
        who = judge.rater
    else:
        raise ConfigError(f"--mode must be human, judge or rule, not {mode!r}")
    source = task or (data.name if data else "data")
    answers = answers or Path("runs") / "audit" / _slug(source) / split / f"{_slug(who)}.jsonl"
    store = AnswerStore(answers)
    others = {a.rater for a in store.answers.values()} - {who}
    if others:
        resume = "; to add to them, pass --rater with that name" if mode == "human" else ""
        raise ConfigError(
            f"{answers} holds answers of {', '.join(sorted(others))}, not of {who!r}; "
            f"choose another --answers file{resume}"
        )
    if judge is None:
        finished = run_human(items, store, ask_terminal, rater=who)
    else:
        given = run_judge(items, store, judge)
        if isinstance(judge, LLMJudge):
            _check_replies(given, answers)
        finished = True
    settings = {
        "source": source,
        "split": split,
        "mode": mode,
        "n_per_sport": n_per_sport,
        "seed": seed,
        "tie_margin": tie_margin,
    }
    result = audit_report(items, store.answers.values(), who, settings)
    if judge is None and not finished:
        # keep the session blind: no agreement figures until every sampled pair is answered
        console.print(f"answers: {answers}  ({result['n_pending']} left; run again to resume)")
        return
    if isinstance(judge, LLMJudge):
        result["usage"] = judge.client.summary()
    report = report or answers.with_suffix(".report.json")
    write_json(report, result)
    print_report(result)
    state = "complete" if not result["n_pending"] else f"{result['n_pending']} left; run again to resume"
    console.print(f"answers: {answers}  report: {report}  ({state})")


def main() -> None:
    """Run the audit command alone (`python -m adrbench.cli.audit`), with the main CLI's error handling."""
    try:
        app()
    except AdrbenchError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted; run the same command again to resume")
        sys.exit(130)


if __name__ == "__main__":
    main()
