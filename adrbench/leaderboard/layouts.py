"""The layout of every results table of the paper: rows, columns, column groups and ↑/↓ markers.

A layout names WHAT each cell holds (task family, category, metric) and how the paper labels it, so the same
layout renders the paper's numbers (from leaderboards/paper/) and this harness's measured numbers alike.
"""

from __future__ import annotations

from dataclasses import dataclass

RHO = "ρ ↑"
RL2 = "R-ℓ2 (×100) ↓"
TEXT_METRICS = (
    "bleu_1",
    "bleu_2",
    "bleu_3",
    "bleu_4",
    "bleu",
    "rouge_1",
    "rouge_2",
    "rouge_l",
    "rouge_s",
    "meteor",
)


@dataclass(frozen=True)
class Column:
    """One value column: the paper's header, its group (None: a top-level header), and what it measures."""

    header: str
    metric: str
    task: str  # task family: 'adr', 'jigsaws', 'fitnessaqa' (Table 6: 'unspecified')
    category: str | None = None  # None: the row's category (or 'all')
    group: str | None = None

    @property
    def label(self) -> str:
        """A one-line header: 'group: header' (used where a format has a single header row)."""
        if self.group is None:
            return self.header
        return f"{self.group}: {self.header}" if self.header else self.group


@dataclass(frozen=True)
class RowSpec:
    """One paper row: the normalised model key and the category the row is about (None: per column)."""

    model_key: str
    category: str | None = None


@dataclass(frozen=True)
class TableLayout:
    """A paper table: id, caption, header of the row labels, columns, and the paper's rows in order."""

    table_id: str
    caption: str
    row_header: str
    columns: tuple[Column, ...]
    rows: tuple[RowSpec, ...]
    row_categories: tuple[str, ...] | None = None  # measured tables: one row per model × category
    title: str = ""  # measured-only tables: their name (paper tables are "Table N")

    def groups(self) -> list[tuple[str | None, int]]:
        """Consecutive column groups as (group label or None, span)."""
        spans: list[tuple[str | None, int]] = []
        for col in self.columns:
            if spans and col.group is not None and spans[-1][0] == col.group:
                spans[-1] = (col.group, spans[-1][1] + 1)
            else:
                spans.append((col.group, 1))
        return spans

    def tasks(self) -> tuple[str, ...]:
        """The task families the table draws on, in column order."""
        return tuple(dict.fromkeys(c.task for c in self.columns))


def _score_cols(task: str, categories: tuple[tuple[str, str], ...]) -> tuple[Column, ...]:
    return tuple(
        Column(h, m, task, cat, group)
        for cat, group in categories
        for h, m in ((RHO, "spearman"), (RL2, "relative_l2"))
    )


def _text_cols(headers: tuple[str, ...], bleu: str, meteor_header: str) -> tuple[Column, ...]:
    groups = (bleu,) * 5 + ("ROUGE",) * 4
    cols = [Column(h, m, "adr", None, g) for h, m, g in zip(headers, TEXT_METRICS[:9], groups, strict=True)]
    if meteor_header:
        cols.append(Column(meteor_header, "meteor", "adr", None, "METEOR"))
    else:
        cols.append(Column("METEOR", "meteor", "adr", None, None))
    return tuple(cols)


def _rows(*keys: str) -> tuple[RowSpec, ...]:
    return tuple(RowSpec(k) for k in keys)


_SHORT = ("NG1", "NG2", "NG3", "NG4", "All", "RO-1", "RO-2", "RO-L", "RO-S")
_LONG = ("n_gram=1", "n_gram=2", "n_gram=3", "n_gram=4", "all", "rouge-1", "rouge-2", "rouge-L", "rouge-S")
_SPORTS = ("soccer", "basketball", "climbing")

PAPER_LAYOUTS: dict[str, TableLayout] = {
    "table2": TableLayout(
        "table2",
        "Action score prediction results in ADR dataset.",
        "Models",
        (Column(RHO, "spearman", "adr"), Column(RL2, "relative_l2", "adr")),
        _rows(
            "fineparser",
            "magr",
            "qwen2.5-vl",
            "llava-video",
            "gpt-4o",
            "gemini-2.5",
            "kept-no-expert-comment",
            "kept-no-gnn",
            "kept-no-kl-loss",
            "kept-no-semantic-loss",
            "kept",
        ),
    ),
    "table3": TableLayout(
        "table3",
        "Action score prediction results in JIGSAWS and FitnessAQA datasets. OK: OHP_knee; OE: OHP_elbow; "
        "SF: Squat_forward; SI: Squat_inward.",
        "Models",
        (
            Column(RHO, "spearman", "jigsaws", "all", "JIGSAWS"),
            Column(RL2, "relative_l2", "jigsaws", "all", "JIGSAWS"),
            Column("F1 (OK)", "f1_OHP_knee", "fitnessaqa", "all", "FitnessAQA"),
            Column("F1 (OE)", "f1_OHP_elbow", "fitnessaqa", "all", "FitnessAQA"),
            Column("F1 (SF)", "f1_Squat_forward", "fitnessaqa", "all", "FitnessAQA"),
            Column("F1 (SI)", "f1_Squat_inward", "fitnessaqa", "all", "FitnessAQA"),
        ),
        _rows("magr", "llava-video", "gemini-2.5", "gpt-4o", "qwen2.5-vl", "kept-no-kl-loss", "kept"),
    ),
    "table4": TableLayout(
        "table4",
        "Quantitative results for action difference description generation on ADR dataset. Δ RKG: residual "
        "keypoint graph. NG: n_gram; RO: ROUGE.",
        "Models",
        _text_cols(_SHORT, "BLUE (n_gram)", ""),
        _rows(
            "llava-video",
            "gemini-2.5",
            "gpt-4o",
            "qwen2.5-vl",
            "kept-no-semantic-loss",
            "kept-no-gnn",
            "kept-no-rkg",
            "kept-no-kl-loss",
            "kept",
        ),
    ),
    "table5": TableLayout(
        "table5",
        "Quantitative results of our approach for action difference description generation and action score "
        "prediction on individual sports categories. NG: n_gram; RO: ROUGE.",
        "Models",
        _text_cols(_SHORT, "BLUE", "") + (Column(RHO, "spearman", "adr"), Column(RL2, "relative_l2", "adr")),
        tuple(RowSpec("kept", c) for c in (*_SPORTS, "all")),
        row_categories=(*_SPORTS, "all"),
    ),
    "table6": TableLayout(
        "table6",
        "Ablation studies on the effect of different depth of tree search on score prediction performance.",
        "",
        (Column(RHO, "spearman", "unspecified"), Column(RL2, "relative_l2", "unspecified")),
        _rows("kept-3-layers", "kept-5-layers", "kept-6-layers", "kept-4-layers"),
    ),
    "table7": TableLayout(
        "table7",
        "Quantitative results of score prediction performance on the ADR dataset for the three sports categories "
        "(Soccer, Basketball, Climbing).",
        "Models",
        _score_cols("adr", (("soccer", "Soccer"), ("basketball", "Basketball"), ("climbing", "Climbing"))),
        _rows(
            "magr",
            "fineparser",
            "llava-video",
            "gpt-4o",
            "gemini-2.5",
            "qwen2.5-vl",
            "kept-no-expert-comment",
            "kept-no-gnn",
            "kept-no-kl-loss",
            "kept-no-semantic-loss",
            "kept",
        ),
    ),
    "table8": TableLayout(
        "table8",
        "Quantitative results of score prediction performance on the JIGSAWS dataset for the three surgical "
        "activities (Knot, Needle, Saturing).",
        "Models",
        _score_cols("jigsaws", (("knot", "Knot"), ("needle", "Needle"), ("suturing", "Saturing"))),
        _rows("magr", "llava-video", "gemini-2.5", "gpt-4o", "qwen2.5-vl", "kept-no-kl-loss", "kept"),
    ),
    "table9": TableLayout(
        "table9",
        "Quantitative results of different approaches for action difference description generation performance "
        "over individual sports categories on the ADR dataset.",
        "Models",
        _text_cols(_LONG, "BLUE", "score"),
        tuple(
            RowSpec(m, c)
            for m in ("llava-video", "gpt-4o", "gemini-2.5", "qwen2.5-vl", "kept-no-expert-comment")
            for c in _SPORTS
        ),
        row_categories=_SPORTS,
    ),
}

# Paper tables that have a measured counterpart (Table 6 needs tree-depth ablation runs, kept out).
MEASURED_TABLES: tuple[str, ...] = ("table2", "table3", "table4", "table5", "table7", "table8", "table9")

_SUBACTIVITIES = (
    ("mid_range_shooting", "Mid-Range Shooting"),
    ("mikan_layup", "Mikan Layup"),
    ("reverse_layup", "Reverse Layup"),
    ("penalty_kick", "Penalty Kick"),
    ("juggling", "Juggling"),
    ("dribbling", "Dribbling"),
    ("climbing", "Climbing"),
)

# Measured-only tables (no paper counterpart): score prediction per ADR sub-activity (Table 1's seven), where the
# small test sets (Juggling: one pair) show why n and the † mark matter.
EXTRA_LAYOUTS: dict[str, TableLayout] = {
    "subactivities": TableLayout(
        "subactivities",
        "Score prediction per ADR sub-activity (measured only; not a table of the paper).",
        "Models",
        _score_cols("adr", _SUBACTIVITIES),
        (),
        title="Sub-activities",
    ),
    # The ADR protocols (adrbench.protocols) beside the n-gram metrics they complement.
    "protocols": TableLayout(
        "protocols",
        "ADR evaluation protocols beside BLEU-4, ROUGE-L and METEOR (measured only; docs/protocols.md).",
        "Models",
        tuple(
            Column(header, metric, "adr", None, group)
            for group, cols in (
                ("Text", (("BLEU-4 ↑", "bleu_4"), ("RO-L ↑", "rouge_l"), ("METEOR ↑", "meteor"))),
                (
                    "Ordering",
                    (
                        ("acc (A,B) ↑", "order_acc"),
                        ("acc (B,A) ↑", "order_acc_ba"),
                        ("bias", "position_bias"),
                        ("1st preferred", "order_first_preferred"),
                    ),
                ),
                ("Verdict", (("winner ↑", "judge_winner_agreement"), ("self ↑", "judge_self_consistency"))),
                ("Probe", (("acc ↑", "probe_acc"),)),
                ("Choice", (("acc ↑", "mcq_acc"), ("chance", "mcq_chance"))),
                ("Body parts", (("recall ↑", "part_recall"), ("precision ↑", "part_precision"))),
            )
            for header, metric in cols
        ),
        (),
        title="ADR protocols",
    ),
}
