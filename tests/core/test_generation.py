"""Sampling functions, generate() events, KV cache use, sliding window, seeds, stop text, beams."""

from __future__ import annotations

import math

import pytest
import torch

from lmstudio.core.config import ModelConfig, SampleConfig
from lmstudio.core.inference.beam import beam_search
from lmstudio.core.inference.generation import TokenEvent, generate
from lmstudio.core.inference.sampling import filtered_distribution, sample
from lmstudio.core.inference.text import IncrementalDecoder
from lmstudio.core.models import build_model
from tests.helpers import TEXT, CharTok  # noqa: F401


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield


def make(arch="transformer", positions="learned", block=16, seed=0):
    torch.manual_seed(seed)
    cfg = ModelConfig(
        arch=arch,
        vocab_size=CharTok().vocab_size,
        block_size=block,
        n_layer=2,
        n_head=2,
        d_model=32,
        positions=positions,
    )
    return build_model(cfg)


# -- pure functions ------------------------------------------------------------------------------------
def test_greedy_is_argmax():
    logits = torch.randn(5, 30)
    ids, probs = sample(logits, temperature=0)
    assert torch.equal(ids, logits.argmax(-1))
    assert torch.equal(probs.sum(-1), torch.ones(5)) and torch.equal(probs.max(-1).values, torch.ones(5))
    one, _ = sample(logits[0], temperature=0)
    assert one.dim() == 0 and one.item() == logits[0].argmax().item()


def test_top_k_keeps_k():
    logits = torch.randn(4, 50)
    probs = filtered_distribution(logits, top_k=5)
    assert ((probs > 0).sum(-1) == 5).all()
    kept = probs > 0
    assert torch.equal(kept, logits >= logits.topk(5).values[:, -1:])
    gen = torch.Generator().manual_seed(0)
    for _ in range(20):
        ids, _ = sample(logits, top_k=5, generator=gen)
        assert kept.gather(-1, ids[:, None]).all()


def test_top_p_keeps_smallest_nucleus():
    logits = torch.log(torch.tensor([0.5, 0.3, 0.15, 0.05]))
    probs = filtered_distribution(logits, top_p=0.7)
    assert torch.allclose(probs, torch.tensor([0.5 / 0.8, 0.3 / 0.8, 0, 0]))
    assert torch.allclose(filtered_distribution(logits, top_p=0.8), torch.tensor([0.5 / 0.8, 0.3 / 0.8, 0, 0]))
    assert torch.allclose(filtered_distribution(logits, top_p=0.81), torch.tensor([0.5, 0.3, 0.15, 0]) / 0.95)
    only_first = filtered_distribution(logits, top_p=0.1)
    assert torch.equal(only_first, torch.tensor([1.0, 0, 0, 0]))  # the most likely is always kept
    assert torch.allclose(filtered_distribution(logits), torch.tensor([0.5, 0.3, 0.15, 0.05]))


def test_temperature_sharpens():
    logits = torch.randn(20)
    cold = filtered_distribution(logits, temperature=0.5)
    hot = filtered_distribution(logits, temperature=2.0)
    ent = lambda p: -(p * p.log()).sum()  # noqa: E731
    assert ent(cold) < ent(logits.softmax(-1)) < ent(hot)


def test_repetition_penalty_ctrl():
    logits = torch.tensor([2.0, -1.0, 0.5, 0.0])
    probs = filtered_distribution(logits, repetition_penalty=2.0, previous_ids=[0, 1, 1])
    expected = torch.tensor([1.0, -2.0, 0.5, 0.0]).softmax(-1)
    assert torch.allclose(probs, expected)
    batch = filtered_distribution(logits.repeat(2, 1), repetition_penalty=2.0, previous_ids=torch.tensor([[0], [2]]))
    assert torch.allclose(batch[0], torch.tensor([1.0, -1.0, 0.5, 0.0]).softmax(-1))
    assert torch.allclose(batch[1], torch.tensor([2.0, -1.0, 0.25, 0.0]).softmax(-1))


# -- generate -------------------------------------------------------------------------------------------
def run(model, prompt="the ", **kw) -> list[TokenEvent]:
    return list(generate(model, CharTok(), prompt, SampleConfig(**kw)))


@pytest.mark.parametrize("arch", ["transformer", "lstm"])
def test_seeded_generation_is_deterministic(arch):
    model = make(arch)
    a = run(model, max_new_tokens=30, seed=7, temperature=1.0)
    b = run(model, max_new_tokens=30, seed=7, temperature=1.0)
    c = run(model, max_new_tokens=30, seed=8, temperature=1.0)
    assert [e.id for e in a] == [e.id for e in b]
    assert [e.id for e in a] != [e.id for e in c]


def reference_greedy(model, context, n, window):
    """Greedy decoding by full forward passes with the documented sliding policy."""
    ids, start = list(context), 0
    if window and len(ids) > window:
        start = len(ids) - window
    out = []
    keep = int(window * 0.75) if window else None
    with torch.no_grad():
        for _ in range(n):
            logits, _ = model(torch.tensor([ids[start:]]))
            nxt = int(logits[0, -1].argmax())
            out.append(nxt)
            ids.append(nxt)
            if window and len(ids) - start > window:
                start = len(ids) - keep
    return out


@pytest.mark.parametrize("arch,positions", [("transformer", "learned"), ("transformer", "rotary"), ("gru", "learned")])
def test_greedy_generation_matches_full_forward_past_the_window(arch, positions):
    model = make(arch, positions, block=8).eval()
    tok = CharTok()
    events = run(model, prompt="the quick brown", max_new_tokens=40, temperature=0)  # prompt longer than the window
    assert len(events) == 40
    window = model.context_window
    assert [e.id for e in events] == reference_greedy(model, tok.encode("the quick brown"), 40, window)


def test_events_are_consistent():
    model = make()
    tok = CharTok()
    events = run(model, max_new_tokens=25, temperature=1.0, top_k=5, seed=1, alternatives=4)
    assert [e.index for e in events] == list(range(25))
    assert "".join(e.text for e in events) == tok.decode([e.id for e in events])
    for e in events:
        assert 0 < e.prob <= 1 and 0 < e.raw_prob <= 1
        assert e.prob >= e.raw_prob - 1e-6  # at temperature 1, top-k only renormalizes upwards
        assert math.isclose(e.logprob, math.log(e.raw_prob), rel_tol=1e-6)
        assert 0 <= e.entropy <= math.log(tok.vocab_size) + 1e-5
        assert len(e.alternatives) == 4
        alt_probs = [p for _, _, p in e.alternatives]
        assert alt_probs == sorted(alt_probs, reverse=True)
        assert e.alternatives[0][1] == (
            tok.decode([e.alternatives[0][0]]) or tok.id_to_piece(e.alternatives[0][0])
        )  # specials by name
        assert 1 <= e.rank <= 5  # top-k 5 never draws beyond rank 5
        if e.rank == 1:
            assert e.alternatives[0][0] == e.id
        ids = [a[0] for a in e.alternatives]
        if e.id in ids:
            assert ids.index(e.id) + 1 == e.rank


def test_greedy_prob_is_one_and_rank_one():
    for e in run(make(), max_new_tokens=10, temperature=0):
        assert e.prob == 1.0 and e.rank == 1


def test_empty_prompt_zero_tokens_and_stop():
    model = make()
    assert len(run(model, prompt="", max_new_tokens=5, seed=0)) == 5
    assert run(model, max_new_tokens=0) == []
    # stop at a text we know the greedy continuation produces
    full = "".join(e.text for e in run(model, max_new_tokens=30, temperature=0))
    stop = full[10:12]
    events = run(model, max_new_tokens=30, temperature=0, stop=stop)
    text = "".join(e.text for e in events)
    assert text.endswith(stop) and stop not in text[:-1] and len(events) <= 12


def test_mode_restored_and_no_inference_mode_between_tokens():
    model = make()
    model.train()
    for _ in generate(model, CharTok(), "the", SampleConfig(max_new_tokens=3, seed=0)):
        assert not torch.is_inference_mode_enabled()
        assert not model.training
    assert model.training


def test_repetition_penalty_in_generate_runs():
    events = run(make(), max_new_tokens=20, repetition_penalty=1.5, seed=3)
    assert len(events) == 20


def test_beam_search():
    model = make().eval()
    tok = CharTok()
    greedy = "".join(e.text for e in run(model, max_new_tokens=6, temperature=0))
    one = beam_search(model, tok, "the ", beam_width=1, max_new_tokens=6)
    assert one[0][0] == greedy
    beams = beam_search(model, tok, "the ", beam_width=3, max_new_tokens=6, length_penalty=0)
    assert len(beams) == 3 and len({t for t, _ in beams}) == 3
    scores = [s for _, s in beams]
    assert scores == sorted(scores, reverse=True) and scores[0] >= one[0][1] - 1e-5
    # the reported log-probability is the model's, given the prompt after a line start (prompt_ids)
    text, score = beams[0]
    ids = tok.encode("\nthe " + text)
    with torch.no_grad():
        logp = model(torch.tensor([ids[:-1]]))[0][0].log_softmax(-1)
    by_hand = sum(logp[i - 1, ids[i]].item() for i in range(5, len(ids)))
    assert math.isclose(score, by_hand, abs_tol=1e-4)


def test_beam_search_slides_past_window():
    model = make(block=8)
    results = beam_search(model, CharTok(), "the quick", beam_width=2, max_new_tokens=20)
    assert len(results) == 2 and all(len(t) == 20 for t, _ in results)


# -- incremental text -----------------------------------------------------------------------------------
class ByteTok:
    """Byte-level stand-in: incomplete UTF-8 decodes to U+FFFD, like SentencePiece byte fallback."""

    def decode(self, ids):
        return bytes(ids).decode("utf-8", errors="replace")


class SpaceTok:
    """SentencePiece-like: pieces with a word-start marker whose space is dropped at the start of a decode."""

    pieces = ["▁the", "▁cat", "s", "▁sat"]

    def decode(self, ids):
        return "".join(self.pieces[i] for i in ids).replace("▁", " ").lstrip(" ")


def test_incremental_decoder_holds_incomplete_bytes():
    dec = IncrementalDecoder(ByteTok(), list(b"a"))
    pieces = [dec.push(b) for b in "né€".encode()]
    assert "".join(pieces) == "né€"
    assert pieces == ["n", "", "é", "", "", "€"]


def test_incremental_decoder_keeps_leading_spaces():
    dec = IncrementalDecoder(SpaceTok(), [0])
    assert [dec.push(i) for i in (1, 2, 3)] == [" cat", "s", " sat"]
