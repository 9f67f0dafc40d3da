"""GLTR's figures in Score mode: each token's entropy, top-1 probability and ratio, and ``gltr_summary``."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from lmstudio.core.config import ModelConfig
from lmstudio.core.errors import ConfigError
from lmstudio.core.inference.scoring import GLTR_BUCKET_LABELS, gltr_summary, score_text
from lmstudio.core.models import build_model
from tests.helpers import CharTok, tiny_workspace


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield


class FixedLogits(torch.nn.Module):
    """A stand-in language model predicting the same distribution (``logits``) at every position."""

    def __init__(self, logits: torch.Tensor, block_size: int = 16) -> None:
        super().__init__()
        self.logits = logits
        self.config = SimpleNamespace(block_size=block_size)
        self.context_window = None

    def forward(self, x: torch.Tensor):
        return self.logits.expand(x.shape[0], x.shape[1], -1).clone(), None


def test_entropy_of_a_known_distribution_and_top_prob():
    tok = CharTok()
    torch.manual_seed(0)
    logits = torch.randn(tok.vocab_size) * 2
    p = logits.double().softmax(-1).numpy()
    expected = float(-(p * np.log(p)).sum())
    text = "the lazy dog and more than sixteen characters"  # several windows of 16: every one the same
    out = score_text(FixedLogits(logits), tok, text)
    assert len(out["per_token"]) == len(text)
    for t in out["per_token"]:
        assert math.isclose(t["entropy"], expected, rel_tol=1e-5)
        assert math.isclose(t["top_prob"], float(p.max()), rel_tol=1e-5)
        assert math.isclose(t["ratio"], t["prob"] / t["top_prob"], rel_tol=1e-6)
        assert t["rank"] == int((p > p[t["id"]]).sum()) + 1


def test_entropy_ignores_impossible_tokens_and_of_a_uniform_distribution():
    tok = CharTok()
    text = "hello"
    allowed = sorted(set(tok.encode(text)) | {4, 5, 6})  # a uniform choice among these; the rest -inf
    logits = torch.full((tok.vocab_size,), -math.inf)
    logits[allowed] = 0.0
    out = score_text(FixedLogits(logits), tok, text)
    for t in out["per_token"]:
        assert math.isclose(t["entropy"], math.log(len(allowed)), rel_tol=1e-6)  # no NaN from 0 · log 0
        assert t["rank"] == 1 and t["ratio"] == 1.0  # every allowed token ties with the top
    assert out["gltr"]["entropy_hist"]["counts"][-1] == len(text)  # log2(len(allowed)) bits, in the last bin


def test_ratio_is_exactly_one_where_rank_is_one():
    torch.manual_seed(0)
    tok = CharTok()
    cfg = ModelConfig(arch="transformer", vocab_size=tok.vocab_size, block_size=16, n_layer=1, n_head=2, d_model=32)
    model = build_model(cfg).eval()
    out = score_text(model, tok, "the quick brown fox jumps over the lazy dog")
    per = out["per_token"]
    for t in per:
        assert (t["rank"] == 1) == (t["ratio"] == 1.0)
        assert 0.0 < t["ratio"] <= 1.0 and t["prob"] <= t["top_prob"] + 1e-12
        assert 0.0 <= t["entropy"] <= math.log(tok.vocab_size) + 1e-6
    # the keys that were there before are unchanged, and the summary rides along
    assert {"id", "text", "logprob", "rank", "prob"} <= set(per[0])
    assert out["gltr"] == gltr_summary(per)


def test_bucket_counts_and_histograms_of_handcrafted_tokens():
    ranks = [1, 1, 2, 10, 11, 100, 101, 5000]
    ratios = [1.0, 1.0, 0.95, 0.5, 0.3, 0.05, 0.0, 0.1]
    entropies_bits = [0.0, 0.5, 1.0, 1.5, 2.1, 2.5, 3.0, 3.3]  # none on a bin edge
    per = [
        {"rank": r, "ratio": q, "entropy": e * math.log(2), "logprob": -math.log(2) * k}
        for k, (r, q, e) in enumerate(zip(ranks, ratios, entropies_bits))
    ]
    s = gltr_summary(per)
    assert s["tokens"] == 8
    assert s["buckets"] == [2, 2, 2, 2]  # rank 1 | 2-10 | 11-100 | beyond
    assert s["bucket_labels"] == list(GLTR_BUCKET_LABELS) == ["top 1", "top 10", "top 100", "rest"]
    assert s["bucket_shares"] == [0.25] * 4
    assert s["ratio_hist"]["edges"] == pytest.approx([k / 10 for k in range(11)])
    # 0.0 and 0.05 in [0, 0.1); 0.1 in [0.1, 0.2); 0.3 in [0.3, 0.4); 0.5; 0.95 and the two 1.0 in the last bin
    assert s["ratio_hist"]["counts"] == [2, 1, 0, 1, 0, 1, 0, 0, 0, 3]
    # entropy in bits, 0 to the next whole bit above the largest (4), 10 bins of 0.4 bits
    assert s["entropy_hist"]["edges"] == pytest.approx([0.4 * k for k in range(11)])
    assert s["entropy_hist"]["counts"] == [1, 1, 1, 1, 0, 1, 1, 1, 1, 0]
    assert sum(s["entropy_hist"]["counts"]) == 8
    assert s["mean_rank"] == pytest.approx(sum(ranks) / 8)
    assert s["mean_ratio"] == pytest.approx(sum(ratios) / 8)
    assert s["mean_entropy_bits"] == pytest.approx(sum(entropies_bits) / 8)
    assert s["mean_surprisal_bits"] == pytest.approx(sum(range(8)) / 8)


def test_summary_of_nothing_and_of_scores_without_ratio_or_entropy():
    empty = gltr_summary([])
    assert empty["tokens"] == 0 and empty["buckets"] == [0, 0, 0, 0] and empty["bucket_shares"] == [0.0] * 4
    assert sum(empty["ratio_hist"]["counts"]) == 0 and math.isnan(empty["mean_ratio"])
    # a translation's per-token scores carry rank and logprob only: buckets, no ratio or entropy
    s = gltr_summary([{"rank": 3, "logprob": -1.0}, {"rank": 400, "logprob": -5.0}])
    assert s["buckets"] == [0, 1, 0, 1] and sum(s["ratio_hist"]["counts"]) == 0
    assert math.isnan(s["mean_entropy_bits"]) and s["mean_rank"] == 201.5
    with pytest.raises(ConfigError, match="entropy_bins"):
        gltr_summary([], entropy_bins=0)


def test_summary_of_a_short_text_scored_by_a_tiny_trained_run(tiny_corpus, tmp_path):
    from lmstudio.core.runs.folders import load_run
    from lmstudio.core.training.launch import new_trainer

    config = tiny_workspace(tiny_corpus, steps=4, eval_interval=4, eval_iters=1, sample_tokens=0)
    for _ in new_trainer(config, tmp_path / "run").run():
        pass
    loaded = load_run(tmp_path / "run", "last", "cpu")
    text = "ROMEO:\nBut soft, what light"
    out = score_text(loaded.model, loaded.tokenizer, text)
    s = out["gltr"]
    n = out["tokens"]
    assert s["tokens"] == n == len(out["per_token"]) > 0
    assert sum(s["buckets"]) == sum(s["ratio_hist"]["counts"]) == sum(s["entropy_hist"]["counts"]) == n
    assert s["buckets"][0] == sum(t["rank"] == 1 for t in out["per_token"])
    assert s["ratio_hist"]["counts"][-1] >= s["buckets"][0]  # every top-1 token has ratio 1
    max_bits = math.log2(loaded.tokenizer.vocab_size)
    assert 0.0 < s["mean_entropy_bits"] <= max_bits
    assert s["entropy_hist"]["edges"][-1] <= math.ceil(max_bits)
    assert s["mean_surprisal_bits"] == pytest.approx(-out["total_logprob"] / n / math.log(2))
