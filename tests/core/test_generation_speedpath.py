"""Generation's speed path (issue 12): head on the last position only, a KV cache allocated once,
cheaper rotary positions, fewer operations per drawn token; all giving the numbers of the plain path."""

from __future__ import annotations

import pytest
import torch

from lmstudio.core.config import ModelConfig, SampleConfig
from lmstudio.core.errors import CheckpointError
from lmstudio.core.inference.context import context_lengths
from lmstudio.core.inference.generation import _draw, generate
from lmstudio.core.inference.sampling import draw, filtered_distribution, sample
from lmstudio.core.models import build_model
from lmstudio.core.models.transformer import _apply_rope, _rope_tables
from tests.helpers import CharTok

V = CharTok().vocab_size
ARCHS = [("transformer", "learned"), ("transformer", "rotary"), ("lstm", "learned"), ("gru", "learned")]


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield


def make(arch="transformer", positions="rotary", block=8, seed=0):
    torch.manual_seed(seed)
    cfg = ModelConfig(arch=arch, vocab_size=V, block_size=block, n_layer=2, n_head=2, d_model=16, positions=positions)
    return build_model(cfg).eval()


@pytest.mark.parametrize("arch,positions", ARCHS)
def test_last_only_logits_are_the_last_row_of_the_full_logits(arch, positions):
    model = make(arch, positions)
    x = torch.randint(0, V, (2, 8))
    with torch.no_grad():
        full, _ = model(x)
        first, state = model.step(x[:, :5], model.init_state(2, "cpu"), last_only=True)  # a prefill
        assert first.shape == (2, 1, V)
        assert torch.allclose(first, full[:, 4:5], atol=1e-5)
        one, state = model.step(x[:, 5:6], state, last_only=True)  # one token after the cache
        assert torch.allclose(one, full[:, 5:6], atol=1e-5)
        rest, _ = model.step(x[:, 6:], state, last_only=True)  # several after the cache
        assert rest.shape == (2, 1, V) and torch.allclose(rest, full[:, 7:8], atol=1e-5)


def test_the_cache_is_allocated_once_for_the_window_and_reused():
    model = make(block=8)
    x = torch.randint(0, V, (1, 8))
    with torch.no_grad():
        _, state = model.step(x[:, :3], model.init_state(1, "cpu"), last_only=True)
        buffers = [t.data_ptr() for t in state.keys + state.values]
        assert all(t.size(2) == 8 for t in state.keys + state.values)  # the whole window, at the first feed
        for i in range(3, 8):
            _, state = model.step(x[:, i : i + 1], state, last_only=True)
        assert [t.data_ptr() for t in state.keys + state.values] == buffers  # no growth, no copy
        beams = model.reorder_state(state, torch.tensor([0, 0]))
        assert beams.capacity == 8 and beams.length == 8


def test_rotary_beyond_the_window_grows_the_cache_and_matches_forward():
    model = make(block=8)
    x = torch.randint(0, V, (1, 13))
    with torch.no_grad():
        full, _ = model(x)
        _, state = model.step(x[:, :6], model.init_state(1, "cpu"))
        for i in range(6, 13):
            logits, state = model.step(x[:, i : i + 1], state, last_only=True)
            assert torch.allclose(logits[:, -1], full[:, i], atol=1e-5)
        assert state.keys[0].size(2) >= 13


def test_rope_with_the_sign_folded_in_is_rotate_half():
    cos, sin = _rope_tables(8, torch.arange(5))
    x = torch.randn(2, 3, 5, 8)
    half = x[..., :4], x[..., 4:]
    angles = torch.outer(torch.arange(5).float(), 1.0 / (10000.0 ** (torch.arange(0, 8, 2).float() / 8)))
    ref_cos, ref_sin = torch.cat((angles, angles), -1).cos(), torch.cat((angles, angles), -1).sin()
    rotated = torch.cat((-half[1], half[0]), dim=-1)
    assert torch.equal(cos, ref_cos)
    # the same products and sum (addcmul may fuse the last multiply-add: equal to rounding)
    assert torch.allclose(_apply_rope(x, cos, sin), x * ref_cos + rotated * ref_sin, rtol=0, atol=1e-6)


def _recomputed_tokens(model, context, n, seed):
    """Sampling at temperature 1 from a full forward over each token's context (the sliding window rule)."""
    gen = torch.Generator().manual_seed(seed)
    ids, out = list(context), []
    with torch.no_grad():
        for ctx in context_lengths(len(context), n, model.context_window):
            logits, _ = model(torch.tensor([ids[-ctx:]]))
            nxt, _ = sample(logits[0, -1], temperature=1.0, generator=gen)
            out.append(int(nxt))
            ids.append(int(nxt))
    return out


@pytest.mark.parametrize("arch,positions", ARCHS)
def test_seeded_sampling_past_the_window_draws_the_recomputed_tokens(arch, positions):
    """The cached path (prefill and rebuilds with the head on the last position only, the cache
    allocated once) draws, for a seed, the tokens that full forwards over each context give."""
    model, tok = make(arch, positions, block=8), CharTok()
    context = tok.encode("the quick brown fox")  # longer than the window
    cfg = SampleConfig(max_new_tokens=30, temperature=1.0, seed=5, alternatives=3)
    events = list(generate(model, tok, "", cfg, context_ids=context))
    assert [e.id for e in events] == _recomputed_tokens(model, context, 30, seed=5)
    # the reported numbers are the model's, from the context each token reports
    for e in events[::7]:
        with torch.no_grad():
            logp = model(torch.tensor([e.context_ids]))[0][0, -1].log_softmax(-1)
        assert e.logprob == pytest.approx(float(logp[e.id]), abs=1e-4)
        assert e.prob == pytest.approx(e.raw_prob, rel=1e-5)  # plain sampling: drawn with the model's probability
        assert e.rank == 1 + int((logp > logp[e.id]).sum())
        assert -e.entropy == pytest.approx(float((logp.exp() * logp).sum()), abs=1e-4)
        assert [a[0] for a in e.alternatives] == logp.topk(3).indices.tolist()


@pytest.mark.parametrize("shape", [(V,), (3, V)])
def test_draw_gives_multinomials_ids_for_a_seed(shape):
    probs = torch.rand(*shape).softmax(-1)
    a, b = torch.Generator().manual_seed(4), torch.Generator().manual_seed(4)
    for _ in range(50):
        assert torch.equal(draw(probs, a), torch.multinomial(probs, 1, generator=b))
    filtered = filtered_distribution(torch.randn(V), top_k=3)  # zero-probability tokens are never drawn
    assert all(filtered[int(draw(filtered, a))] > 0 for _ in range(200))


@pytest.mark.parametrize("temperature", [1.0, 0.7, 0.0])
def test_nan_logits_raise_a_checkpoint_error_without_sampling(temperature):
    """draw() has none of multinomial's checks: the NaN statistics of the token raise instead."""
    logits = torch.full((V,), float("nan"))
    with pytest.raises(CheckpointError, match="not a number"):
        _draw(logits, SampleConfig(max_new_tokens=1, temperature=temperature, top_k=3), None, torch.Generator())
