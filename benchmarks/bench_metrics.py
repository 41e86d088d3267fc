"""Benchmark: adrbench's text suite against nltk + rouge-score on 10,000 distinct pairs — both as the scorer
computes it (shared statistics) and as a user would write it with the functional API (`bleu` once for NG1–NG4 and
BLEU, `rouge` per kind, `meteor`) — and the time to score an ADR-like test set (1,782 pairs, every metric, per
group, with 1,000-resample CIs).

Run: python benchmarks/bench_metrics.py [--pairs 10000] [--adr-pairs 1782]
The reference side uses NLTK's sentence_bleu and meteor_score, rouge-score's RougeScorer, and, for ROUGE-S*
(which rouge-score lacks), a line-by-line transcription of ROUGE-1.5.5's createSkipBigram. Both sides share
the same WordNet reader, loaded before timing and warmed on the same words (NLTK keeps the synsets it has read,
so whichever side ran second would otherwise get them for free); our caches (tokens, stems, synonyms) start
empty for each of our two timings.
"""

from __future__ import annotations

import argparse
import random
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np

SUBJECTS = ["the first player", "the second player", "player one", "player two", "the athlete", "the climber"]
VERBS = [
    "bends",
    "extends",
    "lifts",
    "lowers",
    "rotates",
    "keeps",
    "swings",
    "plants",
    "raises",
    "drops",
    "shifts",
]
PARTS = [
    "knees",
    "left elbow",
    "right elbow",
    "hips",
    "shoulders",
    "left foot",
    "right foot",
    "wrist",
    "torso",
    "head",
]
MANNER = [
    "more",
    "less",
    "faster",
    "slower",
    "earlier",
    "later",
    "higher",
    "lower",
    "more smoothly",
    "too quickly",
]
EXTRA = [
    "before the release",
    "during the jump",
    "at the top of the move",
    "while approaching the ball",
    "when reaching for the hold",
    "after the landing",
    "and loses balance",
    "which improves accuracy",
    "so the shot is weaker",
    "",
]
TAILS = [".", "!", ";", ",", " overall.", " - clearly.", " (slightly).", " than expected."]


def sentence(rng: random.Random) -> str:
    """One varied difference description."""
    clauses = []
    for _ in range(rng.randint(1, 3)):
        clauses.append(
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} the {rng.choice(PARTS)} {rng.choice(MANNER)} {rng.choice(EXTRA)}"
        )
    text = (" and " if rng.random() < 0.5 else ", while ").join(clauses).strip() + rng.choice(TAILS)
    return text[0].upper() + text[1:] if rng.random() < 0.5 else text


def make_pairs(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """n distinct (hypothesis, reference) pairs, deterministic for a seed."""
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    hyps, refs = [], []
    while len(hyps) < n:
        pair = (sentence(rng), sentence(rng))
        if pair not in seen:
            seen.add(pair)
            hyps.append(pair[0])
            refs.append(pair[1])
    return hyps, refs


def reference_rouge_s(hyp: list[str], ref: list[str]) -> float:
    """ROUGE-S* F (alpha 0.5), transcribed from ROUGE-1.5.5's createSkipBigram and skipBigramScore."""

    def grams(tokens: list[str]) -> tuple[Counter, int]:
        g: Counter = Counter()
        count = 0
        for i in range(len(tokens) - 1):
            for j in range(i + 1, len(tokens)):
                g[tokens[i] + " " + tokens[j]] += 1
                count += 1
        return g, count

    gh, ch = grams(hyp)
    gr, cr = grams(ref)
    hit = sum(min(c, gh[k]) for k, c in gr.items() if k in gh)
    r = hit / cr if cr else 0.0
    p = hit / ch if ch else 0.0
    den = 0.5 * p + 0.5 * r
    return (p * r) / den if den > 0 else 0.0


def reference_suite(hyps: list[str], refs: list[str], wordnet) -> dict[str, np.ndarray]:
    """Per-pair scores of the full text suite with nltk + rouge-score."""
    from nltk.tokenize import wordpunct_tokenize
    from nltk.translate.bleu_score import sentence_bleu
    from nltk.translate.meteor_score import meteor_score
    from rouge_score import rouge_scorer, tokenize

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"])
    weights = {
        "bleu_1": (1, 0, 0, 0),
        "bleu_2": (0, 1, 0, 0),
        "bleu_3": (0, 0, 1, 0),
        "bleu_4": (0, 0, 0, 1),
        "bleu": (0.25, 0.25, 0.25, 0.25),
    }
    out: dict[str, list[float]] = {
        k: [] for k in (*weights, "rouge_1", "rouge_2", "rouge_l", "rouge_s", "meteor")
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for hyp, ref in zip(hyps, refs, strict=True):
            h, r = wordpunct_tokenize(hyp.lower()), wordpunct_tokenize(ref.lower())
            for key, w in weights.items():
                out[key].append(sentence_bleu([r], h, w))
            scores = scorer.score(ref, hyp)
            out["rouge_1"].append(scores["rouge1"].fmeasure)
            out["rouge_2"].append(scores["rouge2"].fmeasure)
            out["rouge_l"].append(scores["rougeL"].fmeasure)
            out["rouge_s"].append(
                reference_rouge_s(tokenize.tokenize(hyp, None), tokenize.tokenize(ref, None))
            )
            out["meteor"].append(meteor_score([r], h, wordnet=wordnet))
    return {k: np.asarray(v) for k, v in out.items()}


def ours_suite(hyps: list[str], refs: list[str]) -> dict[str, np.ndarray]:
    """Per-pair scores of the same suite with adrbench.metrics."""
    from adrbench.metrics import text_item_scores, text_stats

    return text_item_scores(text_stats(hyps, refs, rouge_keys=("rouge_1", "rouge_2", "rouge_l", "rouge_s")))


def obvious_loop(hyps: list[str], refs: list[str]) -> dict[str, float]:
    """The mean of every metric of the suite, the way a user calls the functional API."""
    from adrbench.metrics import bleu, meteor, rouge

    b = bleu(hyps, refs)  # one call: every individual n-gram score and the cumulative BLEU
    out = {f"bleu_{k}": b.individual[k - 1] for k in range(1, 5)} | {"bleu": b.score}
    for key, kind in (("rouge_1", "1"), ("rouge_2", "2"), ("rouge_l", "L"), ("rouge_s", "S*")):
        out[key] = rouge(hyps, refs, kind)["fmeasure"]
    out["meteor"] = meteor(hyps, refs)
    return out


def clear_caches() -> None:
    """Empty every per-word and per-string cache, so timings include all text processing."""
    from adrbench.metrics import meteor_metric, tokenize

    for fn in (tokenize.wordpunct_lc, tokenize.porter_stem, tokenize.rouge_tokens, meteor_metric.synonyms):
        fn.cache_clear()


def adr_like_dataset(n_pairs: int, seed: int = 0):
    """An ADR-shaped test set: 7 sub-activities in 3 sports, all pairs of each sub-activity's videos, capped."""
    from adrbench.dataset import Dataset, Skeleton
    from adrbench.records import Pair, PairPrediction, Video

    rng = random.Random(seed)
    layout = [
        ("Basketball", "Jump Shot"),
        ("Basketball", "Layup"),
        ("Basketball", "Mikan Drill"),
        ("Soccer", "Penalty Kick"),
        ("Soccer", "Juggling"),
        ("Rock Climbing", "Climbing"),
        ("Rock Climbing", "Bouldering"),
    ]
    per_group = -(-n_pairs // len(layout))
    videos, pairs, preds = {}, {}, []
    for category, group in layout:
        k = 2
        while k * (k - 1) // 2 < per_group:
            k += 1
        ids = [f"{group}-{i}" for i in range(k)]
        for vid in ids:
            videos[vid] = Video(
                id=vid,
                task="adr",
                split="test",
                group=group,
                category=category,
                performer=vid,
                score=round(rng.uniform(1, 10), 2),
            )
        combos = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]][:per_group]
        for a, b in combos:
            if len(pairs) >= n_pairs:
                break
            pid = f"{a}|{b}"
            pairs[pid] = Pair(
                id=pid,
                task="adr",
                split="test",
                group=group,
                category=category,
                video_1=a,
                video_2=b,
                description=sentence(rng),
            )
            preds.append(
                PairPrediction(
                    pair_id=pid,
                    score_1=videos[a].score + rng.gauss(0, 1),
                    score_2=videos[b].score + rng.gauss(0, 1),
                    description=sentence(rng),
                )
            )
    ds = Dataset(
        task="adr-bench",
        unit="pair",
        videos=videos,
        pairs=pairs,
        splits={"test": list(pairs)},
        skeleton=Skeleton(joints=("root",), edges=(), groups={"body": (0,)}),
        root=Path("."),
        score_range=(0.0, 10.0),
    )
    return ds, preds


def timed(fn, *args, **kwargs):
    """(result, (wall seconds, CPU seconds of this process)): CPU time is robust on a shared machine."""
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, (time.perf_counter() - w0, time.process_time() - c0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--adr-pairs", type=int, default=1_782)
    parser.add_argument("--bootstrap", type=int, default=1_000)
    args = parser.parse_args()

    from adrbench.metrics import load_wordnet
    from adrbench.scoring import score_predictions

    t0 = time.perf_counter()
    wordnet = load_wordnet()
    print(f"WordNet load (once per process, not timed below): {time.perf_counter() - t0:.2f} s")

    hyps, refs = make_pairs(args.pairs)
    from adrbench.metrics import meteor_stats

    meteor_stats(hyps, refs)  # warms NLTK's own synset cache, which both sides read through
    clear_caches()
    ours, t_ours = timed(ours_suite, hyps, refs)
    clear_caches()
    loop, t_loop = timed(obvious_loop, hyps, refs)
    ref, t_ref = timed(reference_suite, hyps, refs, wordnet)
    diff = max(float(np.max(np.abs(ours[k] - ref[k]))) for k in ref)
    loop_diff = max(abs(loop[k] - float(ref[k].mean())) for k in ref)
    print(f"text suite on {args.pairs} distinct pairs (BLEU NG1-4 + BLEU, ROUGE-1/2/L/S*, METEOR):")
    print(
        f"  adrbench suite    {t_ours[0]:8.2f} s wall {t_ours[1]:8.2f} s CPU  (text_stats + text_item_scores)"
    )
    print(f"  adrbench calls    {t_loop[0]:8.2f} s wall {t_loop[1]:8.2f} s CPU  (bleu, rouge x4, meteor)")
    print(f"  nltk+rouge-score  {t_ref[0]:8.2f} s wall {t_ref[1]:8.2f} s CPU")
    print(f"  speed-up suite    {t_ref[0] / t_ours[0]:8.1f} x wall {t_ref[1] / t_ours[1]:6.1f} x CPU")
    print(f"  speed-up calls    {t_ref[0] / t_loop[0]:8.1f} x wall {t_ref[1] / t_loop[1]:6.1f} x CPU")
    print(f"  max |difference|  {diff:.3e} per pair (suite), {loop_diff:.3e} of the means (calls)")
    for key in ref:
        print(
            f"    {key:10s} mean ours {ours[key].mean():.6f} calls {loop[key]:.6f} ref {ref[key].mean():.6f}"
        )

    ds, preds = adr_like_dataset(args.adr_pairs)
    clear_caches()
    metrics, t_score = timed(score_predictions, ds, preds, "test", n_bootstrap=args.bootstrap, seed=0)
    n_groups = sum(len(v) for v in metrics["groups"].values())
    print(
        f"score_predictions on {len(ds.pairs)} ADR-like pairs ({len(ds.videos)} videos), every metric, "
        f"{n_groups} groups, {args.bootstrap}-resample CIs: {t_score[0]:.2f} s wall, {t_score[1]:.2f} s CPU"
    )


if __name__ == "__main__":
    main()
