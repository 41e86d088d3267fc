"""Signatures name every setting that changes a number, versions last."""

from __future__ import annotations

from adrbench.metrics import (
    bleu_signature,
    f1_signature,
    meteor_signature,
    relative_l2_signature,
    rouge_signature,
    spearman_signature,
    text_signature,
)


def test_bleu_signature_fields() -> None:
    sig = bleu_signature(2, cumulative=False, smoothing="method1").format()
    assert sig.startswith(
        "BLEU|n:2|variant:individual|tok:wordpunct-lc|smooth:method1|agg:mean-sentence|nrefs:1|"
    )
    assert "|nltk:" in sig and sig.split("|")[-1].startswith("adrbench:")
    assert "agg:corpus" in bleu_signature(corpus=True).format()


def test_signatures_differ_when_settings_differ() -> None:
    sigs = {
        rouge_signature("L").format(),
        rouge_signature("S*").format(),
        rouge_signature("SU4").format(),
        rouge_signature("L", stem=True).format(),
        relative_l2_signature(True).format(),
        relative_l2_signature(False).format(),
        relative_l2_signature(True, "gt-per-group").format(),
    }
    assert len(sigs) == 7
    assert "def:rouge-1.5.5" in rouge_signature("S*").format()
    assert "unsquared-paper-formula" in relative_l2_signature(False).format()


def test_bootstrap_fields_and_metric_keys() -> None:
    sig = spearman_signature().with_fields(bs=1000, rs=0, resample="video-cluster").format()
    assert "|bs:1000|rs:0|resample:video-cluster|" in sig
    assert "label:OHP_knee" in f1_signature("OHP_knee").format()
    assert "syn:wn3.0" in meteor_signature("wn3.0").format()
    assert text_signature("bleu_3").format() == bleu_signature(3, cumulative=False).format()
    assert "kind:SU4" in text_signature("rouge_su4").format()
