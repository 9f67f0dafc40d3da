"""Generation and beam search with exact context ids; events and beams carry their ids; one sliding-window
rule, stated by the core (context.py) and followed by the generator, beam search and the Playground's jobs."""

from __future__ import annotations

import pytest
import torch

from lmstudio.core.config import ModelConfig, SampleConfig
from lmstudio.core.inference import context as window_rule
from lmstudio.core.inference.beam import Beam, beam_search
from lmstudio.core.inference.context import prompt_ids
from lmstudio.core.inference.generation import generate
from lmstudio.core.models import build_model
from tests.helpers import CharTok

LONG_PROMPT = "the quick brown fox jumps over the lazy dog"  # longer than the window of 8


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield


def make(arch="transformer", block=8, seed=0):
    torch.manual_seed(seed)
    cfg = ModelConfig(arch=arch, vocab_size=CharTok().vocab_size, block_size=block, n_layer=2, n_head=2, d_model=32)
    return build_model(cfg).eval()


def _logits(model, ids):
    with torch.inference_mode():
        return model(torch.tensor([ids]))[0][0, -1].float()


@pytest.mark.parametrize("arch", ["transformer", "gru"])
@pytest.mark.parametrize("prompt", ["the ", LONG_PROMPT, ""])
def test_context_ids_give_the_tokens_of_the_equivalent_prompt(arch, prompt):
    model, tok = make(arch), CharTok()
    cfg = SampleConfig(max_new_tokens=30, temperature=1.0, top_k=0, seed=11, alternatives=3)
    from_text = list(generate(model, tok, prompt, cfg))
    ids = prompt_ids(tok, prompt)
    from_ids = list(generate(model, tok, "ignored when context ids are given", cfg, context_ids=ids))
    assert [e.id for e in from_ids] == [e.id for e in from_text]
    assert [e.text for e in from_ids] == [e.text for e in from_text]
    assert [e.raw_prob for e in from_ids] == pytest.approx([e.raw_prob for e in from_text], rel=1e-6)
    assert [e.ctx for e in from_ids] == [e.ctx for e in from_text]


def test_events_carry_their_id_and_the_exact_context_they_were_predicted_from():
    model, tok = make(), CharTok()
    ids = prompt_ids(tok, LONG_PROMPT)
    cfg = SampleConfig(max_new_tokens=25, temperature=1.0, seed=3, alternatives=0)
    events = list(generate(model, tok, "", cfg, context_ids=ids))
    window = model.context_window
    for event in events:
        assert event.prefix_ids == ids + [e.id for e in events[: event.index]]
        assert 0 < event.ctx <= window and len(event.context_ids) == event.ctx
        assert event.context_ids == event.prefix_ids[-event.ctx :]
        # the context it carries is what the model saw: a full forward over it gives its probability
        p = float(_logits(model, event.context_ids).softmax(-1)[event.id])
        assert event.raw_prob == pytest.approx(p, rel=1e-4)
    assert "_history" not in repr(events[0])


def test_the_window_rule_is_the_generators():
    model, tok = make(), CharTok()
    window = model.context_window
    ids = prompt_ids(tok, LONG_PROMPT)
    assert len(ids) > window
    cfg = SampleConfig(max_new_tokens=40, temperature=0.8, seed=5, alternatives=0)
    events = list(generate(model, tok, "", cfg, context_ids=ids))
    assert [e.ctx for e in events] == window_rule.context_lengths(len(ids), 40, window)
    assert min(e.ctx for e in events) == window_rule.window_keep(window) == int(window * window_rule.SLIDE_KEEP)
    assert window_rule.start_context(len(ids), window) == window and window_rule.start_context(3, window) == 3
    assert window_rule.context_after(window - 1, window) == window
    assert window_rule.context_after(window, window) == window_rule.window_keep(window)
    assert window_rule.context_after(5, None) is None and window_rule.start_context(5, None) is None
    assert window_rule.seen_ids([1, 2, 3, 4], 2) == [3, 4] and window_rule.seen_ids([1, 2, 3], None) == [1, 2, 3]


def test_beams_carry_their_exact_ids_and_still_read_as_text_and_logprob():
    model, tok = make(block=16), CharTok()
    ids = prompt_ids(tok, "the ")
    beams = beam_search(model, tok, "", beam_width=3, max_new_tokens=6, context_ids=ids)
    assert beams == beam_search(model, tok, "the ", beam_width=3, max_new_tokens=6)
    for beam in beams:
        assert isinstance(beam, Beam)
        text, logprob = beam
        assert (text, logprob) == (beam.text, beam.logprob)
        assert beam.context_ids == ids and len(beam.ids) == 6
        assert tok.decode(beam.ids) == text
        # its log-probability is its ids' under the model
        full = ids + beam.ids
        total = sum(float(_logits(model, full[:i]).log_softmax(-1)[full[i]]) for i in range(len(ids), len(full)))
        assert logprob == pytest.approx(total, abs=1e-4)


def test_the_playgrounds_stream_follows_the_cores_window_past_the_window():
    """The Playground's jobs record the core's context for each token (no rule of their own) and
    recompute every shown token's logits from it exactly, for a text longer than the window."""
    from lmstudio.app import playground as jobs

    model, tok = make(), CharTok()
    ids = prompt_ids(tok, LONG_PROMPT)
    cfg = SampleConfig(max_new_tokens=30, temperature=1.0, seed=9, alternatives=4)
    events = list(generate(model, tok, "", cfg, context_ids=ids))
    tokens: list[dict] = []
    jobs.stream_generation(model, tok, ids, cfg, tokens.extend)
    assert [t["id"] for t in tokens] == [e.id for e in events]
    assert [t["ctx"] for t in tokens] == [e.ctx for e in events]
    assert [t["ctx"] for t in tokens] == window_rule.context_lengths(len(ids), 30, model.context_window)
    branch = jobs.Branch("b", ids, tokens)
    for i, event in enumerate(events):
        logits = jobs.token_logits(model, branch, i)
        assert float(logits.softmax(-1)[event.id]) == pytest.approx(event.raw_prob, rel=1e-4)
    # a beam's tokens are seen as beam search saw them: the same rule
    found = jobs.beams(model, tok, ids, width=2, max_new_tokens=12, alternatives=2)
    for beam in found:
        assert [t["ctx"] for t in beam["tokens"]] == window_rule.context_lengths(len(ids), 12, model.context_window)
        assert sum(t["logprob"] for t in beam["tokens"]) == pytest.approx(beam["logprob"], abs=1e-4)
