"""Does a twin separate good models from bad? Reference predictions scored by the one evaluation path.

Scores: the noise ceiling (the generator's true quality), a ridge regression on clip-level pose statistics plus a
sub-activity one-hot (what a model that ignores time and joint choice can reach), a lasso on joint measures per
third of the clip (what learning which joints matter when, from the training videos alone, reaches), and an
oracle that measures the decisive cells of each sub-activity from the keypoints (what a model that looks at the
right joints in the right phase can reach). Text (ADR, true scores in every prediction so that only the text varies): a held-out reference
(correct content in other words), the same words with the players' roles swapped, another pair's description, the
most common training description and one fixed sentence with the right winner — each scored against the pair's
remaining references.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from sklearn.linear_model import LassoCV, LogisticRegressionCV, RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from adrbench.data.angle_measures import MEASURES, cell_measures, filled_angles, window_measures
from adrbench.dataset import Dataset
from adrbench.evaluate import evaluate
from adrbench.features.pose import pose_summary
from adrbench.protocols.players import swap_players
from adrbench.records import Pair, PairPrediction, Video, VideoPrediction

ALPHAS = np.logspace(-2, 5, 15)
TEXT_KEYS = (
    "bleu_4",
    "bleu",
    "meteor",
    "rouge_l",
    "judge_winner_agreement",
    "judge_winner_accuracy",
    "probe_acc",
    "mcq_acc",
    "part_recall",
    "bleu_4_multiref",
    "meteor_multiref",
)


# ----------------------------------------------------------------------------------------------- scores


def _train_test_videos(data: Dataset, split: str) -> tuple[list[Video], list[Video]]:
    return list(data.videos_of("train")), list(data.videos_of(split))


def _one_hot(videos: Sequence[Video], groups: Sequence[str]) -> np.ndarray:
    return np.array([[v.group == g for g in groups] for v in videos], dtype=np.float64)


def ridge_clip_statistics(data: Dataset, split: str = "test") -> dict[str, float]:
    """video id → score from ridge (alpha by leave-one-out CV) on clip pose statistics + sub-activity one-hot."""
    train, test = _train_test_videos(data, split)
    groups = sorted({v.group for v in train})

    def features(videos: Sequence[Video]) -> np.ndarray:
        return np.concatenate([_clip_features(data, videos), _one_hot(videos, groups)], axis=1)

    model = make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS))
    model.fit(features(train), np.array([v.score for v in train], dtype=np.float64))
    return dict(zip([v.id for v in test], model.predict(features(test)).tolist(), strict=True))


def logistic_clip_statistics(data: Dataset, split: str = "test") -> dict[str, dict[str, int]]:
    """video id → error labels from one logistic regression per error (C by 5-fold CV) on clip pose statistics,
    fitted on the training clips that carry the label: the labels' linear floor."""
    return _logistic_labels(data, split, lambda name, videos: _clip_features(data, videos))


def _logistic_labels(
    data: Dataset, split: str, features: Callable[[str, Sequence[Video]], np.ndarray]
) -> dict[str, dict[str, int]]:
    """video id → error labels from one logistic regression per error on `features(error, videos)`, fitted on
    the training clips that carry the label."""
    train, test = _train_test_videos(data, split)
    out: dict[str, dict[str, int]] = {v.id: {} for v in test}
    for name in data.label_names:
        tr = [v for v in train if name in v.labels]
        te = [v for v in test if name in v.labels]
        if not tr or not te or len({v.labels[name] for v in tr}) < 2:
            continue
        model = make_pipeline(StandardScaler(), LogisticRegressionCV(Cs=10, max_iter=2000))
        model.fit(features(name, tr), [v.labels[name] for v in tr])
        for v, y in zip(te, model.predict(features(name, te)), strict=True):
            out[v.id][name] = int(y)
    return out


def _clip_features(data: Dataset, videos: Sequence[Video]) -> np.ndarray:
    return np.stack([pose_summary(data.keypoints(v.id), data.skeleton) for v in videos])


def label_calibration(data: Dataset, split: str = "test") -> dict[str, float | None]:
    """F1 per error of the logistic floor, through the task's own metrics."""
    return _label_f1(data, split, logistic_clip_statistics(data, split))


def _label_f1(data: Dataset, split: str, labels: dict[str, dict[str, int]]) -> dict[str, float | None]:
    preds = [VideoPrediction(video_id=v.id, labels=labels.get(v.id, {})) for v in data.items(split)]
    metrics = evaluate(data, preds, split, n_bootstrap=0, outputs={"labels"})["metrics"]
    return {k: e["value"] for k, e in metrics.items() if k.startswith("f1")}


def label_ceiling(data: Dataset, split: str = "test") -> dict[str, float | None]:
    """F1 per error of the generator's latent fault (z below the prevalence quantile) against the annotated
    labels: the labels' noise ceiling (annotators are unsure near the threshold)."""
    from adrbench.data.synth.fitnessaqa_synth import PREVALENCE

    labels = {
        v.id: {n: int(p < PREVALENCE[n]) for n, p in v.meta["skill_by_error"].items()} for v in data.videos_of(split)
    }
    return _label_f1(data, split, labels)


def _phase_measures(keypoints: np.ndarray, phases: dict[str, list[int]]) -> dict[str, list[float]]:
    """Per error, the fault's own measure in its phase (frames from the generator's truth), read from the noisy
    keypoints: elbow flexion over the top hold, knee flexion while pressing, shin lean and knee-vs-ankle width at
    the bottom (the vertical is the standing legs' direction, not the tilted camera's)."""
    kp = np.asarray(keypoints, dtype=np.float64)

    def flexion(j: int, a: int, c: int) -> np.ndarray:
        u, w = kp[:, a] - kp[:, j], kp[:, c] - kp[:, j]
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = np.sum(u * w, -1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1))
        return np.pi - np.arccos(np.clip(cos, -1.0, 1.0))

    def summary(x: np.ndarray, phase: str) -> list[float]:
        a, b = phases[phase]
        seg = x[a : max(b, a + 1)]
        seg = seg[np.isfinite(seg)]
        if not seg.size:
            return [0.0, 0.0, 0.0]
        return [float(np.median(seg)), float(np.percentile(seg, 20)), float(np.percentile(seg, 80))]

    if "top" in phases:  # OHP
        elbow = np.nanmean(np.stack([flexion(7, 5, 9), flexion(8, 6, 10)]), axis=0)
        knee = np.nanmean(np.stack([flexion(13, 11, 15), flexion(14, 12, 16)]), axis=0)
        return {"OHP_elbow": summary(elbow, "top"), "OHP_knee": summary(knee, "press")}
    knee = np.nanmean(np.stack([flexion(13, 11, 15), flexion(14, 12, 16)]), axis=0)
    legs = np.nanmean(kp[:, 11:13] - kp[:, 15:17], axis=1)
    straight = np.isfinite(knee) & (knee <= np.nanpercentile(knee, 20))
    up = np.nanmean(legs[straight], axis=0)
    up /= np.linalg.norm(up)
    shin = kp[:, 13:15] - kp[:, 15:17]
    with np.errstate(invalid="ignore"):
        lean = np.nanmean(np.arccos(np.clip((shin @ up) / np.linalg.norm(shin, axis=-1), -1.0, 1.0)), axis=1)
    flat = np.eye(3) - np.outer(up, up)  # widths measured in the floor's plane
    ankles, knees = ((kp[:, j] - kp[:, j + 1]) @ flat for j in (15, 13))
    width = np.linalg.norm(ankles, axis=-1) - np.linalg.norm(knees, axis=-1)
    return {"Squat_forward": summary(lean, "bottom"), "Squat_inward": summary(width, "bottom")}


def decisive_phase_probe(data: Dataset, split: str = "test") -> dict[str, float | None]:
    """F1 per error of a logistic regression on the fault's own measure in its phase (`_phase_measures`, phases
    located from the generator's truth): what looking at the right joints in the right phase gives."""
    videos = [*data.videos_of("train"), *data.videos_of(split)]
    measures = {v.id: _phase_measures(data.keypoints(v.id), v.meta["phase_frames"]) for v in videos}
    labels = _logistic_labels(data, split, lambda name, vs: np.array([measures[v.id][name] for v in vs]))
    return _label_f1(data, split, labels)


def generator_quality(data: Dataset, split: str = "test") -> dict[str, float]:
    """video id → the generator's true quality (mapped to the score range): the noise ceiling."""
    return {v.id: 1.0 + 9.0 * float(v.meta["quality"]) for v in data.videos_of(split)}


def keypoint_noise(keypoints: np.ndarray) -> float:
    """Mean square frame-to-frame change of the rigid eye–ear distances: the track's own noise power."""
    pairs = ((1, 3), (2, 4), (1, 2))
    d = np.stack([np.linalg.norm(keypoints[:, a] - keypoints[:, b], axis=-1) for a, b in pairs], axis=1)
    step = np.diff(d, axis=0)
    return float(np.nanmean(np.square(step)))


def decisive_oracle(data: Dataset, split: str = "test") -> dict[str, float]:
    """video id → score from a ridge per sub-activity on the decisive cells' measures (`cell_measures`, the
    measure of each cell's aspect, plus the track's noise power), phases located from the generator's truth:
    what looking at the right joints in the right phase gives."""
    train, test = _train_test_videos(data, split)
    out: dict[str, float] = {}

    def features(videos: Sequence[Video]) -> np.ndarray:
        rows = []
        for v in videos:
            kp = data.keypoints(v.id)
            bounds = [b - int(v.meta.get("first_frame", 0)) for b in v.meta["phase_frames"]]
            row = [keypoint_noise(kp)]
            angles = filled_angles(kp, data.skeleton)  # once per video, sliced per cell's group
            for group, phase, aspect in v.meta["decisive"]:
                p = v.meta["phases"].index(phase)
                members = list(data.skeleton.groups[group])
                measures = cell_measures(angles[:, members], bounds[p], bounds[p + 1])
                row.append(measures[MEASURES.index(aspect)])
            rows.append(row)
        return np.asarray(rows, dtype=np.float64)

    for group in sorted({v.group for v in train}):
        tr = [v for v in train if v.group == group]
        te = [v for v in test if v.group == group]
        if not te:
            continue
        model = make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS))
        model.fit(features(tr), np.array([v.score for v in tr], dtype=np.float64))
        out.update(zip([v.id for v in te], model.predict(features(te)).tolist(), strict=True))
    return out


def _thirds(data: Dataset, video: Video) -> np.ndarray:
    """`cell_measures` of every joint group in each third of the clip: joint- and time-resolved features that
    know nothing of the action's phases or decisive cells."""
    kp = data.keypoints(video.id)
    edges = np.linspace(0, len(kp), 4).astype(int)
    thirds = [(int(edges[i]), int(edges[i + 1])) for i in range(3)]
    angles = filled_angles(kp, data.skeleton)
    groups = data.skeleton.groups.values()
    return np.concatenate([window_measures(angles[:, list(m)], thirds).mean(axis=1).ravel() for m in groups])


def lasso_thirds(data: Dataset, split: str = "test") -> dict[str, float]:
    """video id → score from a lasso per sub-activity on `_thirds`: what a model that learns which joints matter
    when, from data alone, can reach."""
    return lasso_per_group(data, split, _thirds)


def lasso_per_group(
    data: Dataset, split: str, features: Callable[[Dataset, Video], np.ndarray]
) -> dict[str, float]:
    """video id → score from a lasso per sub-activity (alpha by 5-fold CV) on `features` of each video: how much
    of the score a feature set holds in a form a sparse linear read-out finds."""
    train, test = _train_test_videos(data, split)
    out: dict[str, float] = {}
    for group in sorted({v.group for v in train}):
        tr = [v for v in train if v.group == group]
        te = [v for v in test if v.group == group]
        if not te:
            continue
        model = make_pipeline(StandardScaler(), LassoCV(cv=5, max_iter=20000))
        model.fit(np.stack([features(data, v) for v in tr]), np.array([v.score for v in tr], dtype=np.float64))
        out.update(
            zip(
                [v.id for v in te],
                model.predict(np.stack([features(data, v) for v in te])).tolist(),
                strict=True,
            )
        )
    return out


def _score_predictions(data: Dataset, split: str, scores: dict[str, float]) -> list:
    if data.unit == "pair":
        return [
            PairPrediction(pair_id=p.id, score_1=scores[p.video_1], score_2=scores[p.video_2])
            for p in data.pair_items(split)
        ]
    return [VideoPrediction(video_id=v.id, score=scores[v.id]) for v in data.items(split)]


def score_calibration(
    data: Dataset,
    split: str = "test",
    references: dict[str, Callable[[Dataset, str], dict[str, float]]] | None = None,
) -> dict[str, dict[str, float | None]]:
    """name → {spearman, relative_l2} of each reference scorer, through the task's own metrics."""
    references = references or {
        "noise ceiling (generator quality)": generator_quality,
        "ridge on clip statistics": ridge_clip_statistics,
        "lasso on joint measures per third of the clip": lasso_thirds,
        "decisive-cell oracle (keypoints)": decisive_oracle,
    }
    out = {}
    for name, scorer in references.items():
        preds = _score_predictions(data, split, scorer(data, split))
        metrics = evaluate(data, preds, split, n_bootstrap=0, outputs={"scores"})
        m = metrics["metrics"]
        out[name] = {k: m[k]["value"] for k in ("spearman", "relative_l2") if k in m}
    return out


# ------------------------------------------------------------------------------------------------- text


def held_out_dataset(data: Dataset, split: str = "test") -> tuple[Dataset, dict[str, str]]:
    """(data with each multi-reference pair's last reference removed, pair id → that removed reference)."""
    pairs = dict(data.pairs)
    held: dict[str, str] = {}
    for pid in data.splits[split]:
        pair = pairs[pid]
        refs = list(pair.meta.get("references", []))
        if not refs:
            continue
        held[pid] = refs.pop()
        meta = (
            {**pair.meta, "references": refs}
            if refs
            else {k: v for k, v in pair.meta.items() if k != "references"}
        )
        pairs[pid] = pair.model_copy(update={"meta": meta})
    return dataclasses.replace(data, pairs=pairs, _keypoints=data._keypoints), held


def _other_pair(pairs: Sequence[Pair], seed: int) -> dict[str, str]:
    """pair id → the id of another pair of the same sub-activity (a seeded derangement within each group)."""
    rng = np.random.default_rng(seed)
    out: dict[str, str] = {}
    by_group: dict[str, list[str]] = {}
    for p in pairs:
        by_group.setdefault(p.group, []).append(p.id)
    for ids in by_group.values():
        if len(ids) < 2:
            continue
        shift = int(rng.integers(1, len(ids)))
        order = [ids[int(i)] for i in rng.permutation(len(ids))]
        out.update({a: b for a, b in zip(order, order[shift:] + order[:shift], strict=True)})
    return out


def text_candidates(
    data: Dataset, split: str = "test", seed: int = 0, limit: int | None = None
) -> tuple[Dataset, dict[str, dict[str, str]]]:
    """(scoring dataset, candidate name → pair id → text) for the (first `limit`) pairs that have a held-out
    reference."""
    scoring, held = held_out_dataset(data, split)
    ids = [pid for pid in data.splits[split] if pid in held][:limit]
    other = _other_pair([data.pairs[i] for i in ids], seed)
    counts = Counter(p.description for p in data.pair_items("train") if p.description)
    common = min(counts, key=lambda t: (-counts[t], t)) if counts else ""  # the `mean` baseline's rule

    def winner_sentence(pid: str) -> str:
        pair = data.pairs[pid]
        s1, s2 = data.videos[pair.video_1].score, data.videos[pair.video_2].score
        if s1 is None or s2 is None or abs(s1 - s2) < 0.25:
            return "Overall, the two players perform at a similar level."
        return f"Overall, Player {1 if s1 > s2 else 2} performs better."

    candidates = {
        "held-out reference (correct content, other words)": {i: held[i] for i in ids},
        "held-out reference, players swapped": {i: swap_players(held[i]) for i in ids},
        "another pair's description (same sub-activity)": {i: held[other[i]] for i in ids if i in other},
        "most common training description (= mean)": {i: common for i in ids},
        "one fixed sentence with the right winner": {i: winner_sentence(i) for i in ids},
    }
    scoring = dataclasses.replace(scoring, splits={**scoring.splits, split: ids}, _keypoints=data._keypoints)
    return scoring, candidates


def text_calibration(
    data: Dataset, split: str = "test", seed: int = 0, n_bootstrap: int = 0, limit: int | None = None
) -> dict[str, dict[str, float | None]]:
    """candidate → {metric: value} with true scores in every prediction, through the one evaluation path."""
    scoring, candidates = text_candidates(data, split, seed, limit)
    out = {}
    for name, texts in candidates.items():
        preds = []
        for pid in scoring.splits[split]:
            pair = scoring.pairs[pid]
            preds.append(
                PairPrediction(
                    pair_id=pid,
                    score_1=scoring.videos[pair.video_1].score,
                    score_2=scoring.videos[pair.video_2].score,
                    description=texts.get(pid),
                )
            )
        metrics = evaluate(scoring, preds, split, n_bootstrap=n_bootstrap, seed=seed)["metrics"]
        out[name] = {k: metrics[k]["value"] for k in TEXT_KEYS if k in metrics}
    return out
