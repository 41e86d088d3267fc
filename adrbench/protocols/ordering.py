"""Pairwise ordering accuracy from the two predicted scores, in both presentation orders (peers.md F1).

Rule: a pair counts when its ground-truth scores differ (GT ties are left out and counted in `order_gt_ties`).
The prediction is right when sign(score_1 − score_2) equals the GT sign; a predicted tie earns 1/2 (what a
coin toss would earn; counted in `order_pred_ties`); a failed prediction (a score is None, or no (A,B)
prediction at all) earns 0 (counted in `order_failed`); the (B,A) order is scored on the pairs it covers.
Predictions in the (B, A) presentation are first mapped back with `unswap_prediction`, so score_1 is always
video_1's score.

position_bias = accuracy(A,B) − accuracy(B,A) over the pairs predicted in both orders; `order_first_preferred`
is the share of presentations in which the model scores the first-shown video higher (0.5 = no preference;
ties and failures excluded), and `order_consistency` the share of pairs whose predicted order is the same in
both presentations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from adrbench.dataset import Dataset
from adrbench.protocols.stats import (
    N_BOOTSTRAP,
    Entry,
    VideoBootstrap,
    count_entry,
    entry,
    ratio,
    ratio_entry,
    signature,
    stat_entry,
)
from adrbench.records import Pair, PairPrediction

_RULE = "gt-ties:excluded|pred-ties:half|failed:wrong"


def _sign(a: float | None, b: float | None) -> int | None:
    if a is None or b is None:
        return None
    return int(np.sign(a - b))


def gt_order(data: Dataset, pair: Pair) -> int | None:
    """+1 if video_1 has the higher ground-truth score, −1 if video_2, 0 if equal, None if a score is missing."""
    return _sign(data.videos[pair.video_1].score, data.videos[pair.video_2].score)


def _credit(pred: PairPrediction | None, truth: int) -> tuple[float, bool, bool]:
    """(credit, predicted tie, failed)."""
    order = None if pred is None else _sign(pred.score_1, pred.score_2)
    if order is None:
        return 0.0, False, True
    if order == 0:
        return 0.5, True, False
    return float(order == truth), False, False


def ordering_metrics(
    data: Dataset,
    pairs: Sequence[Pair],
    ab: Mapping[str, PairPrediction],
    ba: Mapping[str, PairPrediction] | None = None,
    *,
    n_bootstrap: int = N_BOOTSTRAP,
    seed: int = 0,
) -> dict[str, Entry]:
    """Ordering accuracy per presentation order, position bias, first-preferred rate, and the tie counts.

    `ab`: pair id → prediction in the (A, B) order; `ba`: pair id → unswapped prediction in the (B, A) order.
    """
    boot = VideoBootstrap([(p.video_1, p.video_2) for p in pairs], n_bootstrap, seed)
    truth = [gt_order(data, p) for p in pairs]
    decided = np.array([t not in (None, 0) for t in truth])
    out: dict[str, Entry] = {}
    orders = {"ab": ab} if not ba else {"ab": ab, "ba": ba}
    credits: dict[str, np.ndarray] = {}
    present: dict[str, np.ndarray] = {}
    for name, preds in orders.items():
        rows = [
            _credit(preds.get(p.id), t) if d and t is not None else (0.0, False, False)
            for p, t, d in zip(pairs, truth, decided, strict=True)
        ]
        credits[name] = np.array([r[0] for r in rows])
        # every pair is due an (A,B) prediction (a missing one is failed); (B,A) may cover a subset
        present[name] = decided if name == "ab" else np.array([p.id in preds for p in pairs]) & decided
        sig = signature("order_acc", order=name, rule=_RULE)
        key = "order_acc" if name == "ab" else "order_acc_ba"
        out[key] = ratio_entry(boot, credits[name], None, sig, True, present[name])
        out[f"order_pred_ties_{name}" if name == "ba" else "order_pred_ties"] = count_entry(
            sum(r[1] for r, m in zip(rows, present[name], strict=True) if m),
            int(present[name].sum()),
            signature("order_pred_ties", order=name),
        )
        out[f"order_failed_{name}" if name == "ba" else "order_failed"] = count_entry(
            sum(r[2] for r, m in zip(rows, present[name], strict=True) if m),
            int(present[name].sum()),
            signature("order_failed", order=name),
        )
    n_gt = sum(t is not None for t in truth)
    out["order_gt_ties"] = count_entry(sum(t == 0 for t in truth), n_gt, signature("order_gt_ties"))
    if "ba" in orders:
        out.update(_bias(pairs, boot, credits, present, ab, ba))  # type: ignore[arg-type]
    return out


def _bias(
    pairs: Sequence[Pair],
    boot: VideoBootstrap,
    credits: dict[str, np.ndarray],
    present: dict[str, np.ndarray],
    ab: Mapping[str, PairPrediction],
    ba: Mapping[str, PairPrediction],
) -> dict[str, Entry]:
    both = present["ab"] & present["ba"]
    mask = both.astype(np.float64)
    n = int(both.sum())
    sig = signature("position_bias", definition="acc(ab)-acc(ba)", rule=_RULE)
    if n:
        value = float((credits["ab"] * mask).sum() / n - (credits["ba"] * mask).sum() / n)
        stat_ab, stat_ba = ratio(credits["ab"] * mask, mask), ratio(credits["ba"] * mask, mask)
        bias = stat_entry(boot, value, lambda w: stat_ab(w) - stat_ba(w), n, sig, None)  # signed: 0 is best
    else:
        bias = entry(None, None, 0, sig, None)
    # first-preferred: in (A,B) the first-shown video is video_1; in (B,A) it is video_2 (after unswapping).
    first = np.zeros(len(pairs))
    shown = np.zeros(len(pairs))
    same = np.zeros(len(pairs))
    paired = np.zeros(len(pairs))
    for i, p in enumerate(pairs):
        o_ab = _sign(ab[p.id].score_1, ab[p.id].score_2) if p.id in ab else None
        o_ba = _sign(ba[p.id].score_1, ba[p.id].score_2) if p.id in ba else None
        for order, first_sign in ((o_ab, 1), (o_ba, -1)):
            if order not in (None, 0):
                shown[i] += 1
                first[i] += order == first_sign
        if o_ab is not None and o_ba is not None:
            paired[i], same[i] = 1, o_ab == o_ba
    return {
        "position_bias": bias,
        "order_first_preferred": ratio_entry(
            boot,
            first,
            shown,
            signature("order_first_preferred", unit="presentation", ties="excluded"),
            None,  # 0.5 = no preference is best
        ),
        "order_consistency": ratio_entry(
            boot, same, paired, signature("order_consistency", definition="same order in ab and ba"), True
        ),
    }
