"""The logit lens, the attention grid and knock-outs (core/inference/lens.py) on tiny models."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from lmstudio.core.config import ModelConfig, SampleConfig
from lmstudio.core.errors import ConfigError, LMStudioError
from lmstudio.core.inference.generation import generate
from lmstudio.core.inference.lens import KnockOut, attention_grid, knocked_out, logit_lens
from lmstudio.core.models import build_model, build_seq2seq
from tests.helpers import CharTok

VOCAB = 20
IDS = [4, 7, 7, 1, 12, 19, 0, 5, 9, 9, 3]


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield


def make(arch="transformer", positions="rotary", block=16, vocab=VOCAB, n_layer=2, seed=0):
    torch.manual_seed(seed)
    cfg = ModelConfig(
        arch=arch, vocab_size=vocab, block_size=block, n_layer=n_layer, n_head=4, d_model=32, positions=positions
    )
    return build_model(cfg)


def logits_of(model, ids=IDS) -> torch.Tensor:
    with torch.no_grad():
        return model(torch.tensor([ids]))[0][0]  # (T, V)


def assert_close(a: torch.Tensor, b: torch.Tensor, atol: float) -> None:
    # the torch.testing version's first call takes a second or two (lazy imports): too slow for a tiny test
    assert torch.allclose(a, b, rtol=0, atol=atol), f"max difference {(a - b).abs().max().item():.3g}"


# -- the logit lens --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("positions", ["rotary", "learned"])
def test_lens_last_row_is_the_models_own_prediction(positions):
    model = make(positions=positions).train()
    result = logit_lens(model, IDS, "cpu")
    assert model.training, "the mode is restored"
    assert result.layer_names == ["embed", "layer 1", "layer 2"]
    assert result.top_ids.shape == result.top_probs.shape == result.final_probs.shape == (3, len(IDS))
    model.eval()
    probs = logits_of(model).softmax(-1)
    assert result.top_ids[-1].tolist() == probs.argmax(-1).tolist()
    np.testing.assert_allclose(result.top_probs[-1], probs.max(-1).values.numpy(), rtol=1e-5)
    np.testing.assert_array_equal(result.final_probs[-1], result.top_probs[-1])
    assert (result.final_probs <= result.top_probs + 1e-7).all(), "no row gives the final token more than its top"
    assert (result.top_probs > 0).all() and (result.top_probs <= 1).all()


def test_lens_embedding_row_is_the_head_over_the_embeddings():
    model = make().eval()
    result = logit_lens(model, IDS, "cpu")
    with torch.no_grad():
        by_hand = model.lm_head(model.ln_f(model.wte(torch.tensor(IDS)))).argmax(-1)  # rotary: no position table
    assert result.top_ids[0].tolist() == by_hand.tolist()


@pytest.mark.parametrize("arch", ["gru", "lstm", "rnn"])
def test_recurrent_lens_reads_each_stacked_layer(arch):
    model = make(arch).eval()
    result = logit_lens(model, IDS, "cpu")
    assert result.layer_names == ["layer 1", "layer 2"]
    assert result.top_ids.shape == (2, len(IDS))
    probs = logits_of(model).softmax(-1)
    assert result.top_ids[-1].tolist() == probs.argmax(-1).tolist()
    np.testing.assert_allclose(result.top_probs[-1], probs.max(-1).values.numpy(), rtol=1e-4)
    # the first layer alone, by the cell equations (the model's own step-by-step inspect), through the head
    hidden = torch.from_numpy(model.inspect(torch.tensor([IDS]))["hidden"][0])
    with torch.no_grad():
        first = model.head(hidden).softmax(-1)
    assert result.top_ids[0].tolist() == first.argmax(-1).tolist()
    np.testing.assert_allclose(result.final_probs[0], first[range(len(IDS)), result.top_ids[-1]].numpy(), atol=1e-5)


def test_lens_refuses_bad_input():
    model = make(positions="learned", block=8)
    with pytest.raises(LMStudioError, match="no tokens"):
        logit_lens(model, [], "cpu")
    with pytest.raises(LMStudioError, match="window of 8"):
        logit_lens(model, list(range(9)), "cpu")
    with pytest.raises(LMStudioError, match="outside this model's vocabulary"):
        logit_lens(model, [VOCAB], "cpu")


# -- attention, every layer and head ---------------------------------------------------------------------------
def test_attention_grid_is_causal_and_rows_sum_to_one():
    model = make()
    grid = attention_grid(model, IDS, "cpu")
    T = len(IDS)
    assert grid.shape == (2, 4, T, T) and grid.dtype == np.float32
    np.testing.assert_allclose(grid.sum(-1), 1.0, atol=1e-5)
    assert (np.triu(grid, k=1) == 0).all(), "no token reads a later one"
    expected = model.inspect(torch.tensor([IDS]))["attention"]
    np.testing.assert_allclose(grid, np.stack(expected), atol=1e-6)


def test_attention_grid_only_for_transformers_and_the_lens_only_for_language_models():
    with pytest.raises(ConfigError, match="attention exists only in Transformers"):
        attention_grid(make("lstm"), IDS, "cpu")
    translator = build_seq2seq(ModelConfig(arch="gru", vocab_size=VOCAB, n_layer=1, d_model=16))
    with pytest.raises(ConfigError, match="decoder-only language models"):
        logit_lens(translator, IDS, "cpu")


# -- knock-outs ------------------------------------------------------------------------------------------------
def test_knocking_out_every_head_changes_the_logits_and_exit_restores_them_exactly():
    model = make().eval()
    before = logits_of(model)
    every = KnockOut(heads=frozenset((layer, head) for layer in range(2) for head in range(4)))
    with knocked_out(model, every):
        during = logits_of(model)
    assert not torch.allclose(before, during)
    assert torch.equal(logits_of(model), before)
    assert all(b.attn.head_mask is None and not b.skip for b in model.blocks)


def test_knocked_out_head_writes_nothing():
    model = make().eval()
    by_hand = copy.deepcopy(model)
    with torch.no_grad():
        by_hand.blocks[1].attn.c_proj.weight[:, 16:24] = 0  # head 2 of 4 reads width columns 16..23
    with knocked_out(model, KnockOut(heads=frozenset({(1, 2)}))):
        assert_close(logits_of(model), logits_of(by_hand), 1e-6)


@pytest.mark.parametrize("layer", [0, 1])
def test_knocked_out_layer_equals_the_model_without_that_block(layer):
    model = make().eval()
    without = copy.deepcopy(model)
    del without.blocks[layer]
    with knocked_out(model, KnockOut(layers=frozenset({layer}))):
        assert torch.equal(logits_of(model), logits_of(without))
        # the lens sees the knock-out too: its last row is the knocked-out model's prediction
        assert logit_lens(model, IDS, "cpu").top_ids[-1].tolist() == logits_of(without).argmax(-1).tolist()
        # the KV cache path (generation): prefill then one token at a time gives the full forward's logits
        with torch.inference_mode():
            state = model.init_state(1, "cpu")
            first, state = model.step(torch.tensor([IDS[:6]]), state)
            rest = [model.step(torch.tensor([[i]]), state)[0][0, -1] for i in IDS[6:]]
        assert_close(torch.cat([first[0], torch.stack(rest)]), logits_of(without), 1e-5)


def test_generation_inside_a_knock_out_matches_full_forwards_past_the_window():
    tok = CharTok()
    model = make(block=8, vocab=tok.vocab_size).eval()
    knock = KnockOut(layers=frozenset({0}), heads=frozenset({(1, 3)}))
    prompt = tok.encode("the quick")
    with knocked_out(model, knock):
        events = list(generate(model, tok, "the quick", SampleConfig(max_new_tokens=12, temperature=0)))
        ids, start, expected = list(prompt), len(prompt) - 8, []
        for _ in range(12):  # the documented sliding window: rebuilt from the last 3/4 when full
            nxt = int(logits_of(model, ids[start:])[-1].argmax())
            expected.append(nxt)
            ids.append(nxt)
            if len(ids) - start > 8:
                start = len(ids) - 6
    assert [e.id for e in events] == expected
    assert all(b.attn.head_mask is None and not b.skip for b in model.blocks)


def test_knock_out_is_restored_after_an_error_and_nests():
    model = make().eval()
    outer, inner = KnockOut(heads=frozenset({(0, 1)})), KnockOut(layers=frozenset({1}), heads=frozenset({(0, 2)}))
    with knocked_out(model, outer):
        with pytest.raises(RuntimeError):
            with knocked_out(model, inner):
                assert model.blocks[1].skip
                assert model.blocks[0].attn.head_mask.flatten().tolist() == [True, False, False, True]
                raise RuntimeError("boom")
        assert not model.blocks[1].skip
        assert model.blocks[0].attn.head_mask.flatten().tolist() == [True, False, True, True]
    assert model.blocks[0].attn.head_mask is None


def test_training_ignores_knock_outs():
    model = make().train()
    before = logits_of(model)
    with knocked_out(model, KnockOut(layers=frozenset({0, 1}))):
        assert torch.equal(logits_of(model), before)


def test_knock_out_round_trip_and_description():
    knock = KnockOut(layers=frozenset({1}), heads=frozenset({(0, 2), (2, 0)}))
    data = knock.to_dict()
    assert data == {"layers": [1], "heads": [[0, 2], [2, 0]]}
    assert KnockOut.from_dict(data) == knock
    assert KnockOut.from_dict(None) == KnockOut() and not KnockOut()
    assert knock.describe() == "layer 2 off; heads 1.3, 3.1 off"
    assert KnockOut().describe() == "nothing switched off"


@pytest.mark.parametrize(
    "data,match",
    [
        ({"layers": [-1]}, "knockout.layers"),
        ({"heads": [[0]]}, "knockout.heads"),
        ({"heads": [["a", 1]]}, "knockout.heads"),
        ({"layers": "1"}, "must be lists"),
        ({"neurons": [1]}, "unknown key"),
        ([1, 2], "expected"),
    ],
)
def test_bad_saved_knock_outs_are_config_errors(data, match):
    with pytest.raises(ConfigError, match=match):
        KnockOut.from_dict(data)


def test_knock_outs_refused_where_they_do_not_apply():
    with pytest.raises(ConfigError, match="not in this model"):
        with knocked_out(make(), KnockOut(layers=frozenset({2}))):
            pass
    with pytest.raises(ConfigError, match="head 1.5"):
        with knocked_out(make(), KnockOut(heads=frozenset({(0, 4)}))):
            pass
    with pytest.raises(ConfigError, match="works on Transformers"):
        with knocked_out(make("gru"), KnockOut(layers=frozenset({0}))):
            pass
    with knocked_out(make("gru"), KnockOut()) as model:  # nothing switched off: any model
        assert model.config.arch == "gru"
