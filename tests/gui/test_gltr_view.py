"""Score mode's GLTR summary: the three charts under the chips, and the chips' colour switch (ScorePanel alone)."""

from __future__ import annotations

import math

import pytest


def _result(per_token: list[dict], with_summary: bool = True) -> dict:
    """A Score result in ``score_text``'s shape around handcrafted per-token figures."""
    from lmstudio.core.inference.scoring import gltr_summary

    total = sum(t["logprob"] for t in per_token)
    n = len(per_token)
    result = {
        "loss": -total / n,
        "perplexity": math.exp(-total / n),
        "bits_per_char": -total / n / math.log(2),
        "bits_per_char_note": "",
        "total_logprob": total,
        "tokens": n,
        "chars": n,
        "unknown_tokens": 0,
        "per_token": per_token,
    }
    if with_summary:
        result["gltr"] = gltr_summary(per_token)
    return result


def _token(i: int, rank: int, prob: float, ratio: float, entropy: float) -> dict:
    return {
        "id": 4 + i,
        "text": "abcdefgh"[i % 8],
        "logprob": math.log(prob),
        "rank": rank,
        "prob": prob,
        "top_prob": prob / ratio,
        "ratio": ratio,
        "entropy": entropy,
    }


# ranks 1, 1, 5, 50, 500: buckets top 1 = 2, top 10 = 1, top 100 = 1, rest = 1
TOKENS = [
    _token(0, 1, 0.001, 1.0, 0.2),  # the favourite, but of a flat distribution: red by probability, green by rank
    _token(1, 1, 0.9, 1.0, 0.5),
    _token(2, 5, 0.05, 0.25, 1.0),
    _token(3, 50, 0.01, 0.05, 2.0),
    _token(4, 500, 0.0005, 0.001, 3.0),
]


@pytest.fixture
def panel(qtbot):
    from lmstudio.gui.tabs.playground.inside import ScorePanel

    p = ScorePanel()
    qtbot.addWidget(p)
    p.resize(900, 700)
    return p


def test_the_three_charts_show_the_summary(panel):
    panel.show_result(_result(TOKENS))
    counts = panel.chart_counts()
    summary = panel.result["gltr"]
    assert counts["buckets"] == [2, 1, 1, 1] == summary["buckets"]
    assert counts["ratio"] == summary["ratio_hist"]["counts"] and sum(counts["ratio"]) == 5
    assert counts["ratio"][-1] == 2 and counts["ratio"][0] == 2  # the two top tokens; 0.05 and 0.001
    assert counts["entropy"] == summary["entropy_hist"]["counts"] and sum(counts["entropy"]) == 5
    assert panel.entropy_chart._data[1][-1] == 5.0  # in bits: the largest, 3 nats, is 4.3 bits
    assert panel.bucket_chart.bar_labels() == ["2 (40%)", "1 (20%)", "1 (20%)", "1 (20%)"]
    assert "5 tokens" in panel.gltr_means.text() and "mean rank 111.4" in panel.gltr_means.text()
    for widget in (panel.gltr, panel.bucket_chart, panel.ratio_chart, panel.entropy_chart, panel.color_mode):
        assert widget.toolTip()
    panel.grab()  # paints, bars and labels included


def test_real_scores_and_a_translation_without_ratio_or_entropy(panel):
    import torch

    from lmstudio.core.config import ModelConfig
    from lmstudio.core.inference.scoring import score_text
    from lmstudio.core.models import build_model
    from tests.helpers import CharTok

    torch.manual_seed(0)
    tok = CharTok()
    model = build_model(ModelConfig(vocab_size=tok.vocab_size, block_size=16, n_layer=1, n_head=2, d_model=32))
    result = score_text(model.eval(), tok, "the lazy dog")
    panel.show_result(result)
    counts = panel.chart_counts()
    assert counts["buckets"] == result["gltr"]["buckets"] and sum(counts["buckets"]) == 12
    assert sum(counts["ratio"]) == sum(counts["entropy"]) == 12
    # a translation's score (no summary, no ratio or entropy): buckets only, the other charts say "no data"
    panel.show_result(_result([{k: t[k] for k in ("id", "text", "logprob", "rank", "prob")} for t in TOKENS], False))
    counts = panel.chart_counts()
    assert counts["buckets"] == [2, 1, 1, 1] and counts["ratio"] == [] and counts["entropy"] == []
    assert panel.ratio_chart.empty_note.empty
    panel.set_translation(True)  # a new kind of score clears everything
    assert panel.chart_counts() == {"buckets": [], "ratio": [], "entropy": []}
    assert panel.bucket_chart.empty_note.empty


def test_the_colour_switch_recolours_the_chips(panel):
    from lmstudio.gui.widgets.token_chips import rank_color, surprisal_color

    panel.show()
    panel.show_result(_result(TOKENS))
    chips = panel.chips

    def chip_color(i: int):
        rect = chips.token_rect(i)
        return chips.grab().toImage().pixelColor(int(rect.left()) + 1, int(rect.center().y())).name()

    assert panel.color_mode.currentData() == "surprisal" and chips.mode == "surprisal"
    by_probability = chip_color(0)
    assert by_probability == surprisal_color(-TOKENS[0]["logprob"] / math.log(2)).name()
    panel.set_color_mode("rank")
    assert chips.mode == "rank" and panel.legend.mode == "rank"
    assert chip_color(0) == rank_color(1).name() != by_probability  # unlikely yet the model's favourite: green
    assert chip_color(4) == rank_color(500).name()
    panel.color_mode.setCurrentIndex(panel.color_mode.findData("surprisal"))
    assert chips.mode == "surprisal" and chip_color(0) == by_probability
    with pytest.raises(ValueError, match="colour mode"):
        panel.set_color_mode("rainbow")
