"""Transformer encoder-decoder: cached decoding == teacher forcing, padding invariance, embeddings, alignment,
beam reordering, and learning a small task (reversing strings)."""

from __future__ import annotations

import pytest
import torch

from lmstudio.core.config import ModelConfig
from lmstudio.core.models.seq2seq import SEQ2SEQ_REGISTRY, Seq2SeqModel
from lmstudio.core.models.seq2seq_transformer import TransformerSeq2Seq

pytestmark = pytest.mark.usefixtures("one_thread")  # tiny models: threads only add contention

V, SV = 13, 11
PAD, BOS, EOS = 0, 1, 2


def tiny(positions: str = "rotary", **overrides) -> ModelConfig:
    values = dict(arch="transformer", vocab_size=V, block_size=16, n_layer=2, n_head=2, d_model=32, positions=positions)
    values.update(overrides)
    return ModelConfig(**values)


def make(positions: str = "rotary", seed: int = 0, **overrides) -> TransformerSeq2Seq:
    torch.manual_seed(seed)
    return TransformerSeq2Seq(tiny(positions, **overrides)).eval()


def batch(B: int = 3, S: int = 7, T: int = 6, vocab: int = V, seed: int = 1):
    """Random sources of different lengths (right-padded, mask False there) and random targets."""
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(3, vocab, (B, S), generator=g)
    lengths = torch.tensor([S, S - 2, 3][:B])
    mask = torch.arange(S)[None, :] < lengths[:, None]
    src = src.masked_fill(~mask, PAD)
    tgt_in = torch.randint(3, V, (B, T), generator=g)
    tgt_in[:, 0] = BOS
    return src, mask, tgt_in


def test_registered_as_transformer():
    assert SEQ2SEQ_REGISTRY["transformer"] is TransformerSeq2Seq
    assert issubclass(TransformerSeq2Seq, Seq2SeqModel)


@pytest.mark.parametrize("positions", ["rotary", "learned"])
def test_cached_decoding_matches_forward(positions):
    model = make(positions, qk_norm=True)
    src, mask, tgt_in = batch()
    with torch.no_grad():
        full, _ = model(src, mask, tgt_in)
        memory = model.encode(src, mask)
        # one token at a time
        state = model.init_state(memory)
        steps = []
        for t in range(tgt_in.size(1)):
            logits, state = model.step(tgt_in[:, t : t + 1], state)
            steps.append(logits)
        assert state.length == tgt_in.size(1)
        torch.testing.assert_close(torch.cat(steps, 1), full, atol=1e-5, rtol=0)
        # a 3-token prefill, then single steps
        state = model.init_state(memory)
        prefill, state = model.step(tgt_in[:, :3], state)
        rest = [model.step(tgt_in[:, t : t + 1], state)[0] for t in range(3, tgt_in.size(1))]
        torch.testing.assert_close(torch.cat([prefill, *rest], 1), full, atol=1e-5, rtol=0)
        # last_only: the prefill's last position only
        last, _ = model.step(tgt_in[:, :3], model.init_state(memory), last_only=True)
        assert last.shape == (3, 1, V)
        torch.testing.assert_close(last[:, 0], full[:, 2], atol=1e-5, rtol=0)


@pytest.mark.parametrize("positions", ["rotary", "learned"])
def test_source_padding_changes_nothing(positions):
    model = make(positions)
    src, mask, tgt_in = batch()
    # the same sources with 4 more padding positions, holding junk ids (padding may hold any id)
    junk = torch.randint(0, SV, (src.size(0), 4))
    src_long = torch.cat([src.masked_fill(~mask, 5), junk], 1)
    mask_long = torch.cat([mask, torch.zeros_like(junk, dtype=torch.bool)], 1)
    with torch.no_grad():
        short, _ = model(src, mask, tgt_in)
        long, _ = model(src_long, mask_long, tgt_in)
        memory = model.encode(src_long, mask_long)
    assert torch.isfinite(long).all() and torch.isfinite(memory.output).all()
    torch.testing.assert_close(long, short, atol=1e-5, rtol=0)
    # and each row alone, unpadded, gives what it gives in the padded batch
    for row in range(src.size(0)):
        n = int(mask[row].sum())
        with torch.no_grad():
            alone, _ = model(src[row : row + 1, :n], mask[row : row + 1, :n], tgt_in[row : row + 1])
        torch.testing.assert_close(alone[0], short[row], atol=1e-5, rtol=0)


def test_padding_gives_no_nan_in_training_and_gradients():
    model = make("learned", dropout=0.1).train()
    src, mask, tgt_in = batch()
    targets = torch.cat([tgt_in[:, 1:], torch.full((3, 1), EOS)], 1)
    targets[2, 3:] = -1  # a shorter target
    _, loss = model(src, mask, tgt_in, targets)
    loss.backward()
    assert torch.isfinite(loss)
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


def test_a_source_without_any_real_token_stays_finite_and_harms_no_other_row():
    model = make()
    src, mask, tgt_in = batch()
    empty = mask.clone()
    empty[1] = False
    with torch.no_grad():
        before, _ = model(src, mask, tgt_in)
        after, _ = model(src, empty, tgt_in)
    assert torch.isfinite(after).all()
    torch.testing.assert_close(after[[0, 2]], before[[0, 2]], atol=1e-5, rtol=0)


def test_all_padding_targets_give_zero_loss_and_zero_gradients():
    model = make().train()
    src, mask, tgt_in = batch()
    _, loss = model(src, mask, tgt_in, torch.full_like(tgt_in, -1))
    assert torch.isfinite(loss) and loss.item() == 0.0
    loss.backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all((g == 0).all() for g in grads)


def test_shared_and_separate_embeddings():
    shared = make(shared_embeddings=True)
    separate = make(shared_embeddings=False)
    assert separate.num_parameters() - shared.num_parameters() == V * 32
    assert shared.src_wte is None and separate.src_wte is not None
    # untied head: one more table, in both
    untied = make(shared_embeddings=True, tie_weights=False)
    assert untied.num_parameters() - shared.num_parameters() == V * 32
    tied = make()
    assert tied.lm_head.weight is tied.wte.weight


def test_source_vocabulary_of_its_own():
    model = make(source_vocab_size=SV, shared_embeddings=True)  # two vocabularies: never one table
    assert model.source_vocab_size == SV and model.src_wte.num_embeddings == SV
    src, mask, tgt_in = batch(vocab=SV)
    src[0, 0] = SV - 1  # the largest source id
    logits, _ = model(src, mask, tgt_in)
    assert logits.shape == (3, tgt_in.size(1), V)
    with pytest.raises(IndexError):
        model(torch.full_like(src, SV), mask, tgt_in)  # beyond the source vocabulary


def test_learned_positions_refuse_inputs_longer_than_the_block():
    model = make("learned")
    src, mask, tgt_in = batch()
    long_src = torch.randint(3, V, (1, 17))
    with pytest.raises(ValueError, match="block size 16"):
        model(long_src, torch.ones_like(long_src, dtype=torch.bool), tgt_in[:1])
    long_tgt = torch.randint(3, V, (1, 17))
    with pytest.raises(ValueError, match="block size 16"):
        model(src[:1], mask[:1], long_tgt)
    # rotary positions have no such limit
    rotary = make("rotary")
    logits, _ = rotary(long_src, torch.ones_like(long_src, dtype=torch.bool), long_tgt)
    assert torch.isfinite(logits).all()


def test_alignment_rows_are_distributions_over_real_source_tokens():
    model = make(n_layer=1)
    src, mask, tgt_in = batch()
    model.train()
    weights = model.alignment(src, mask, tgt_in)
    assert model.training  # restored
    assert weights.shape == (3, tgt_in.size(1), src.size(1))
    torch.testing.assert_close(weights.sum(-1), torch.ones(3, tgt_in.size(1)))
    assert (weights[~mask[:, None, :].expand_as(weights)] == 0).all()
    assert (weights[mask[:, None, :].expand_as(weights)] > 0).all()


def test_reorder_state_selects_rows():
    model = make("learned")
    src, mask, tgt_in = batch()
    index = torch.tensor([2, 0, 0, 1])
    with torch.no_grad():
        state = model.init_state(model.encode(src, mask))
        _, state = model.step(tgt_in[:, :3], state)
        state = model.reorder_state(state, index)
        logits, state = model.step(tgt_in[index, 3:], state)
        expected, _ = model(src[index], mask[index], tgt_in[index])
    torch.testing.assert_close(logits, expected[:, 3:], atol=1e-5, rtol=0)


def test_init_as_gpt2():
    model = make(n_layer=4, d_model=64, tie_weights=False, shared_embeddings=False)
    std = 0.02 / (2 * 4) ** 0.5
    for name, p in model.named_parameters():
        if name.endswith("c_proj.weight"):
            assert abs(p.std().item() - std) < 0.3 * std, name
        elif p.dim() == 2:
            assert abs(p.std().item() - 0.02) < 0.3 * 0.02, name


# -- learning -------------------------------------------------------------------------------------------
LETTERS = 8  # ids 3 .. 10


def reverse_batch(n: int, g: torch.Generator):
    """Random strings of 3-6 letters and their reversals, right-padded: src, src_mask, tgt_in, targets."""
    lengths = torch.randint(3, 7, (n, 1), generator=g)
    letters = torch.randint(3, 3 + LETTERS, (n, 7), generator=g)
    pos = torch.arange(7)[None, :]
    src = torch.where(pos < lengths, letters, PAD).masked_fill(pos == lengths, EOS)
    flipped = letters.gather(1, (lengths - 1 - pos).clamp(min=0))  # position j: letter length-1-j
    targets = torch.where(pos < lengths, flipped, -1).masked_fill(pos == lengths, EOS)
    tgt_in = torch.cat([torch.full((n, 1), BOS), targets[:, :-1].clamp(min=PAD)], 1)
    return src, pos <= lengths, tgt_in, targets


def test_learns_to_reverse_strings():
    # learned positions: reversal is "target position j reads source position length-1-j", which absolute
    # positions give at once (rotary needs ~1.5x the steps to derive it from relative offsets)
    torch.manual_seed(0)
    model = TransformerSeq2Seq(tiny("learned", vocab_size=3 + LETTERS, n_layer=1, n_head=2, d_model=32, mlp_ratio=2))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3, betas=(0.9, 0.98), weight_decay=0.0)
    g = torch.Generator().manual_seed(0)
    model.train()
    for _ in range(200):
        src, mask, tgt_in, targets = reverse_batch(64, g)
        _, loss = model(src, mask, tgt_in, targets)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    model.eval()
    src, mask, tgt_in, targets = reverse_batch(500, torch.Generator().manual_seed(123))  # held out
    with torch.no_grad():
        logits, loss = model(src, mask, tgt_in, targets)
    real = targets != -1
    accuracy = (logits.argmax(-1)[real] == targets[real]).float().mean().item()
    assert accuracy > 0.9, (accuracy, loss.item())
