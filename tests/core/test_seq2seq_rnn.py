"""Recurrent encoder-decoders: step == forward, padding, masking, reordering, learning, scheduled sampling."""

from __future__ import annotations

import pytest
import torch

from lmstudio.core.config import ModelConfig
from lmstudio.core.errors import ConfigError
from lmstudio.core.models.seq2seq import SEQ2SEQ_REGISTRY, Seq2SeqModel
from lmstudio.core.models.seq2seq_rnn import RNNSeq2Seq

pytestmark = pytest.mark.usefixtures("one_thread")  # tiny models: one thread is faster on a shared machine

V = 13  # target vocabulary
PAD, BOS, EOS = 0, 1, 2

VARIANTS = [
    (cell, attention, bidirectional)
    for cell in ("gru", "lstm")
    for attention in ("bahdanau", "luong", "none")
    for bidirectional in (True, False)
] + [("rnn", "bahdanau", True)]


def make(cell: str = "gru", attention: str = "bahdanau", bidirectional: bool = True, seed: int = 0, **overrides):
    values = dict(
        arch=cell,
        vocab_size=V,
        d_model=32,
        n_layer=2,
        attention=attention,
        bidirectional=bidirectional,
        bias=True,
    )
    values.update(overrides)
    torch.manual_seed(seed)
    return RNNSeq2Seq(ModelConfig(**values)).eval()


def batch(seed: int = 1, source_vocab: int = V):
    """Three sources of lengths 5, 3, 1 (padded with id 0 plus garbage ids), targets of lengths 4, 2, 3."""
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(3, source_vocab, (3, 5), generator=g)
    src_mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 0, 0, 0]], dtype=torch.bool)
    src[1, 2] = src[2, 0] = src[0, 4] = EOS
    src[1, 3:] = 5  # padding may hold any id
    tgt = torch.randint(3, V, (3, 5), generator=g)
    tgt_in = torch.cat([torch.full((3, 1), BOS), tgt[:, :-1]], dim=1)
    targets = tgt.clone()
    targets[0, 4] = -1
    targets[1, 2:] = -1
    targets[2, 3:] = -1
    return src, src_mask, tgt_in, targets


def assert_close(actual: torch.Tensor, expected: torch.Tensor, atol: float = 1e-5) -> None:
    """Elementwise |actual - expected| <= atol (torch.testing.assert_close imports torch.distributed: ~2 s)."""
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    gap = (actual - expected).abs().max().item() if actual.numel() else 0.0
    assert gap <= atol, f"max difference {gap:.3g} > {atol}"


def test_registered_under_every_cell():
    for name in ("rnn", "gru", "lstm"):
        assert SEQ2SEQ_REGISTRY[name] is RNNSeq2Seq
    assert isinstance(make(), Seq2SeqModel)


@pytest.mark.parametrize(("cell", "attention", "bidirectional"), VARIANTS)
def test_step_by_step_equals_forward(cell, attention, bidirectional):
    model = make(cell, attention, bidirectional)
    src, src_mask, tgt_in, targets = batch()
    with torch.no_grad():
        full, loss = model(src, src_mask, tgt_in, targets)
        state = model.init_state(model.encode(src, src_mask))
        steps = []
        for t in range(tgt_in.size(1)):
            logits, state = model.step(tgt_in[:, t : t + 1], state)
            steps.append(logits)
        # several tokens in one call, then the last only
        state2 = model.init_state(model.encode(src, src_mask))
        first, state2 = model.step(tgt_in[:, :3], state2)
        last, _ = model.step(tgt_in[:, 3:], state2, last_only=True)
    assert full.shape == (3, 5, V)
    assert torch.isfinite(loss)
    assert_close(torch.cat(steps, dim=1), full)
    assert_close(first, full[:, :3])
    assert_close(last, full[:, -1:])


@pytest.mark.parametrize(("cell", "attention", "bidirectional"), VARIANTS)
def test_extra_source_padding_changes_nothing(cell, attention, bidirectional):
    model = make(cell, attention, bidirectional)
    src, src_mask, tgt_in, _ = batch()
    padded = torch.cat([src, torch.full((3, 4), 9)], dim=1)
    padded_mask = torch.cat([src_mask, torch.zeros(3, 4, dtype=torch.bool)], dim=1)
    with torch.no_grad():
        logits, _ = model(src, src_mask, tgt_in)
        logits_padded, _ = model(padded, padded_mask, tgt_in)
        # and a row alone, unpadded, gives what it gives inside the padded batch
        alone, _ = model(src[1:2, :3], src_mask[1:2, :3], tgt_in[1:2])
    assert_close(logits_padded, logits)
    assert_close(alone, logits[1:2])


def test_padding_ids_are_ignored():
    model = make("lstm", "luong", True)
    src, src_mask, tgt_in, _ = batch()
    other = src.clone()
    other[~src_mask] = 11
    with torch.no_grad():
        a, _ = model(src, src_mask, tgt_in)
        b, _ = model(other, src_mask, tgt_in)
    assert_close(a, b, atol=1e-6)


def test_bad_masks_are_refused():
    model = make()
    src, src_mask, tgt_in, _ = batch()
    left = src_mask.flip(1)
    with pytest.raises(ValueError, match="prefix"):
        model(src, left, tgt_in)
    empty = src_mask.clone()
    empty[2] = False
    with pytest.raises(ValueError, match="no real token"):
        model(src, empty, tgt_in)


@pytest.mark.parametrize(("cell", "attention"), [("gru", "bahdanau"), ("lstm", "none")])
def test_all_padding_targets_give_zero_loss_and_gradients(cell, attention):
    model = make(cell, attention).train()
    src, src_mask, tgt_in, targets = batch()
    _, loss = model(src, src_mask, tgt_in, torch.full_like(targets, -1))
    assert torch.isfinite(loss) and loss.item() == 0.0
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() and not g.any() for g in grads)


@pytest.mark.parametrize(("cell", "attention", "bidirectional"), [("gru", "bahdanau", True), ("lstm", "luong", False)])
def test_alignment_rows_sum_to_one_on_real_tokens(cell, attention, bidirectional):
    model = make(cell, attention, bidirectional)
    src, src_mask, tgt_in, _ = batch()
    with torch.no_grad():
        weights = model.alignment(src, src_mask, tgt_in)
    assert weights.shape == (3, 5, 5)
    assert (weights >= 0).all()
    mask = src_mask.unsqueeze(1).expand_as(weights)
    assert (weights[~mask] == 0).all()
    assert_close(weights.sum(-1), torch.ones(3, 5), atol=1e-6)
    assert (weights[2, :, 0] == 1).all()  # a one-token source: all the attention on it
    assert not torch.allclose(weights[0], weights[0, :1].expand(5, 5))  # rows differ: it depends on the query


def test_alignment_without_attention_is_a_config_error():
    model = make("gru", "none")
    src, src_mask, tgt_in, _ = batch()
    with pytest.raises(ConfigError, match="attention is none"):
        model.alignment(src, src_mask, tgt_in)


@pytest.mark.parametrize(("cell", "attention", "bidirectional"), [("gru", "bahdanau", True), ("lstm", "luong", True)])
def test_reorder_state_then_step_equals_stepping_the_rows(cell, attention, bidirectional):
    model = make(cell, attention, bidirectional)
    src, src_mask, tgt_in, _ = batch()
    index = torch.tensor([2, 0, 0])
    with torch.no_grad():
        state = model.init_state(model.encode(src, src_mask))
        _, state = model.step(tgt_in[:, :2], state)
        reordered = model.reorder_state(state, index)
        got, _ = model.step(tgt_in[index, 2:4], reordered)
        expected = []
        for row in index.tolist():
            n = int(src_mask[row].sum())
            s = model.init_state(model.encode(src[row : row + 1, :n], src_mask[row : row + 1, :n]))
            _, s = model.step(tgt_in[row : row + 1, :2], s)
            out, _ = model.step(tgt_in[row : row + 1, 2:4], s)
            expected.append(out)
    assert_close(got, torch.cat(expected))


def test_embeddings_shared_and_tied_as_configured():
    model = make(shared_embeddings=True, tie_weights=True)
    assert model.src_embed is None and model.head.weight is model.tgt_embed.weight
    separate = make(source_vocab_size=7, tie_weights=False)
    assert separate.src_embed.weight.shape == (7, 32) and separate.head.weight is not separate.tgt_embed.weight
    src, src_mask, tgt_in, _ = batch(source_vocab=7)
    with torch.no_grad():
        logits, _ = separate(src, src_mask, tgt_in)
    assert logits.shape == (3, 5, V)
    unshared = make(shared_embeddings=False)
    assert unshared.src_embed is not None
    assert unshared.num_parameters() == model.num_parameters() + V * 32


def test_teacher_forcing_below_one_runs_and_differs():
    model = make("gru", "bahdanau").train()
    src, src_mask, tgt_in, targets = batch()
    torch.manual_seed(5)
    full, full_loss = model(src, src_mask, tgt_in, targets, teacher_forcing=1.0)
    torch.manual_seed(5)
    mixed, mixed_loss = model(src, src_mask, tgt_in, targets, teacher_forcing=0.3)
    torch.manual_seed(5)
    again, _ = model(src, src_mask, tgt_in, targets, teacher_forcing=0.3)
    assert_close(mixed[:, 0], full[:, 0])  # BOS is always the true token
    assert not torch.allclose(mixed, full, atol=1e-4)
    assert_close(mixed, again, atol=0.0)  # same seed, same draws
    mixed_loss.backward()
    assert model.tgt_embed.weight.grad is not None
    # teacher_forcing=0: every step after BOS reads the model's own argmax of the previous step
    with torch.no_grad():
        own, _ = model.eval()(src, src_mask, tgt_in, teacher_forcing=0.0)
        state = model.init_state(model.encode(src, src_mask))
        ids, greedy = tgt_in[:, :1], []
        for _ in range(tgt_in.size(1)):
            logits, state = model.step(ids, state)
            greedy.append(logits)
            ids = logits[:, -1].argmax(-1, keepdim=True)
    assert_close(own, torch.cat(greedy, dim=1))
    with pytest.raises(ValueError, match="teacher_forcing"):
        model(src, src_mask, tgt_in, teacher_forcing=1.5)


# Learning (a GRU with attention reversing strings) is tested end to end in tests/core/test_translate.py,
# through the real tokenizer, pair store, batches and greedy decoding.
