"""Evaluation: loss over token windows, per-token scores, bits per character, BLEU."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lmstudio.core.config import ModelConfig
from lmstudio.core.inference.metrics import bits_per_char, perplexity
from lmstudio.core.inference.scoring import evaluate_tokens, score_text
from lmstudio.core.models import build_model
from tests.helpers import TEXT, CharTok


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield


def make(arch="transformer", positions="learned", block=16):
    torch.manual_seed(0)
    cfg = ModelConfig(
        arch=arch,
        vocab_size=CharTok().vocab_size,
        block_size=block,
        n_layer=2,
        n_head=2,
        d_model=32,
        positions=positions,
    )
    return build_model(cfg).eval()


def nll_by_hand(model, ids):
    """Sum of -log p(ids[i] | ids[:i]) for i >= 1, one forward (the ids fit in the window)."""
    with torch.no_grad():
        logits, _ = model(torch.tensor([ids[:-1]]))
    return F.cross_entropy(logits[0], torch.tensor(ids[1:]), reduction="sum").item()


@pytest.mark.parametrize("arch", ["transformer", "lstm"])
def test_evaluate_tokens_matches_windows(arch):
    model = make(arch)
    ids = np.array(CharTok().encode(TEXT * 2), dtype=np.uint16)  # 112 tokens: 111 predictions, last window partial
    out = evaluate_tokens(model, ids, block_size=16, device="cpu", batch_size=3)
    total = sum(nll_by_hand(model, ids[s : s + 17].astype(int).tolist()) for s in range(0, len(ids) - 1, 16))
    assert out["tokens"] == len(ids) - 1
    assert math.isclose(out["loss"], total / (len(ids) - 1), rel_tol=1e-5)
    assert math.isclose(out["perplexity"], math.exp(out["loss"]), rel_tol=1e-9)
    assert evaluate_tokens(model, ids, 16, "cpu", batch_size=16) == pytest.approx(out)  # batch size does not matter
    capped = evaluate_tokens(model, ids, 16, "cpu", max_tokens=32)
    assert capped["tokens"] == 32
    assert math.isclose(
        capped["loss"],
        (nll_by_hand(model, ids[:17].tolist()) + nll_by_hand(model, ids[16:33].tolist())) / 32,
        rel_tol=1e-5,
    )


def test_score_text_matches_forward():
    model = make(block=64)
    tok = CharTok()
    text = "the lazy dog jumps"
    out = score_text(model, tok, text, "cpu")
    ids = tok.encode("\n" + text)  # the start context of an empty prompt is a newline
    nll = nll_by_hand(model, ids)
    assert out["tokens"] == len(text) and out["chars"] == len(text)
    assert math.isclose(out["loss"], nll / len(text), rel_tol=1e-5)
    assert math.isclose(out["perplexity"], math.exp(nll / len(text)), rel_tol=1e-5)
    assert math.isclose(out["bits_per_char"], nll / len(text) / math.log(2), rel_tol=1e-5)
    assert math.isclose(out["total_logprob"], -nll, rel_tol=1e-5)
    per = out["per_token"]
    assert "".join(p["text"] for p in per) == text and [p["id"] for p in per] == tok.encode(text)
    with torch.no_grad():
        logp = model(torch.tensor([ids[:-1]]))[0][0].log_softmax(-1)
    for i, p in enumerate(per):
        assert math.isclose(p["logprob"], logp[i, ids[i + 1]].item(), abs_tol=1e-5)
        assert p["rank"] == int((logp[i] > logp[i, ids[i + 1]]).sum()) + 1
        assert math.isclose(p["prob"], math.exp(p["logprob"]))


@pytest.mark.parametrize("arch", ["transformer", "gru"])
def test_score_text_slides_over_long_text(arch):
    model = make(arch, block=16)  # one protocol: recurrent nets see at most a window, from a zero state
    tok = CharTok()
    out = score_text(model, tok, TEXT, "cpu")  # 56 characters, window 16
    ids = tok.encode("\n" + TEXT)
    assert out["tokens"] == len(TEXT) and len(out["per_token"]) == len(TEXT)
    assert "".join(p["text"] for p in out["per_token"]) == TEXT
    # windows of 16 advancing by 8: token i (i >= 17) is predicted from the window ending just before it
    ends = [16]
    while ends[-1] < len(ids) - 1:
        ends.append(min(len(ids) - 1, ends[-1] + 8))
    for target in (5, 20, 30, len(ids) - 1):
        end = next(e for e in ends if e >= target)
        start = max(0, end - 16)
        with torch.no_grad():
            logp = model(torch.tensor([ids[start:end]]))[0][0].log_softmax(-1)
        expected = logp[target - start - 1, ids[target]].item()
        assert math.isclose(out["per_token"][target - 1]["logprob"], expected, abs_tol=1e-5), target


def test_score_text_empty():
    out = score_text(make(), CharTok(), "", "cpu")
    assert out["tokens"] == 0 and out["per_token"] == []


def test_bits_per_char_and_perplexity():
    assert math.isclose(bits_per_char(100 * math.log(2), 100), 1.0)
    assert perplexity(0.0) == 1.0 and perplexity(1e6) == math.inf
