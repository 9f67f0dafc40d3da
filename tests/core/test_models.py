"""Models: shapes, overfitting one batch, KV cache == full forward, inspect, stats, presets."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from lmstudio.core.config import ModelConfig
from lmstudio.core.errors import ConfigError
from lmstudio.core.models import MODEL_REGISTRY, build_model
from lmstudio.core.models.presets import PRESET_NAMES, PRESETS, apply_preset
from lmstudio.core.models.stats import flops_per_token, memory_estimate, parameter_count

V = 16
ARCHS = [
    ("rnn", "learned"),
    ("gru", "learned"),
    ("lstm", "learned"),
    ("transformer", "learned"),
    ("transformer", "rotary"),
]


def tiny(arch: str, positions: str = "learned", **overrides) -> ModelConfig:
    values = dict(arch=arch, vocab_size=V, block_size=16, n_layer=2, n_head=2, d_model=32, positions=positions)
    values.update(overrides)
    return ModelConfig(**values)


def make(arch: str, positions: str = "learned", seed: int = 0, **overrides):
    torch.manual_seed(seed)
    return build_model(tiny(arch, positions, **overrides))


def test_registry_has_every_architecture():
    assert {"rnn", "gru", "lstm", "transformer"} <= set(MODEL_REGISTRY)


def test_build_refuses_missing_vocabulary():
    with pytest.raises(ConfigError, match="vocab_size"):
        build_model(ModelConfig(arch="lstm", vocab_size=0))


@pytest.mark.parametrize("arch,positions", ARCHS)
def test_shapes_and_loss(arch, positions):
    model = make(arch, positions)
    x = torch.randint(0, V, (3, 10))
    logits, loss = model(x)
    assert logits.shape == (3, 10, V) and loss is None
    y = torch.randint(0, V, (3, 10))
    y[:, :4] = -1  # ignored positions
    _, loss = model(x, y)
    expected = torch.nn.functional.cross_entropy(logits[:, 4:].reshape(-1, V), y[:, 4:].reshape(-1))
    assert loss.dim() == 0 and torch.allclose(loss, expected, atol=1e-6)
    # a fresh model predicts about uniformly
    assert abs(model(x, torch.randint(0, V, (3, 10)))[1].item() - math.log(V)) < 0.5


@pytest.mark.parametrize("arch,positions", ARCHS)
def test_overfits_one_batch(arch, positions, one_thread):
    model = make(arch, positions, dropout=0.0)
    gen = torch.Generator().manual_seed(1)
    x = torch.randint(0, V, (4, 16), generator=gen)
    y = torch.randint(0, V, (4, 16), generator=gen)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2 if arch != "transformer" else 3e-3, weight_decay=0.0)
    for _ in range(100):
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    assert loss.item() < 0.25 * math.log(V), loss.item()


@pytest.mark.parametrize("arch,positions", ARCHS)
def test_step_matches_forward(arch, positions):
    model = make(arch, positions).eval()
    x = torch.randint(0, V, (2, 16))
    full, _ = model(x)
    state = model.init_state(2, "cpu")
    pieces = []
    for a, b in [(0, 5), (5, 6), (6, 7), (7, 12), (12, 16)]:  # several tokens after a cache, and single ones
        logits, state = model.step(x[:, a:b], state)
        pieces.append(logits)
    assert torch.allclose(torch.cat(pieces, 1), full, atol=1e-5)


@pytest.mark.parametrize("arch,positions", ARCHS)
def test_reorder_state_picks_rows(arch, positions):
    model = make(arch, positions).eval()
    x = torch.randint(0, V, (3, 8))
    _, state = model.step(x[:, :6], model.init_state(3, "cpu"))
    state = model.reorder_state(state, torch.tensor([2, 2, 0]))
    logits, _ = model.step(x[[2, 2, 0], 6:], state)
    full, _ = model(x[[2, 2, 0]])
    assert torch.allclose(logits, full[:, 6:], atol=1e-5)


def test_learned_positions_limit_and_rotary_beyond():
    learned = make("transformer", "learned")
    assert learned.max_context == 16 and learned.context_window == 16
    with pytest.raises(ValueError, match="block size"):
        learned(torch.zeros(1, 17, dtype=torch.long))
    rotary = make("transformer", "rotary").eval()
    assert rotary.max_context is None and rotary.context_window == 16
    x = torch.randint(0, V, (1, 24))
    full, _ = rotary(x)
    _, state = rotary.step(x[:, :20], rotary.init_state(1, "cpu"))
    logits, _ = rotary.step(x[:, 20:], state)
    assert torch.allclose(logits, full[:, 20:], atol=1e-5)
    assert make("lstm").max_context is None and make("lstm").context_window == 16  # fixed windows, as trained


@pytest.mark.parametrize("positions", ["learned", "rotary"])
def test_inspect_attention(positions):
    model = make("transformer", positions, n_head=4)
    model.train()
    x = torch.randint(0, V, (1, 9))
    out = model.inspect(x)
    assert model.training  # mode restored
    att = out["attention"]
    assert len(att) == 2 and all(isinstance(a, np.ndarray) and a.shape == (4, 9, 9) for a in att)
    assert np.allclose(att[0].sum(-1), 1.0, atol=1e-5)
    assert np.allclose(np.triu(att[1], k=1), 0.0)  # causal
    # the explicit path computes the same logits as the fused one
    weights: list = []
    with torch.no_grad():
        model.eval()
        assert torch.allclose(model._run(x, None, 0, weights), model(x)[0], atol=1e-5)


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_inspect_hidden_matches_module(arch):
    model = make(arch).eval()
    x = torch.randint(0, V, (1, 7))
    hidden = model.inspect(x)["hidden"]
    assert len(hidden) == 2 and all(h.shape == (7, 32) for h in hidden)
    with torch.no_grad():
        top, _ = model.rnn(model.embed(x))
    assert np.allclose(hidden[-1], top[0].numpy(), atol=1e-5)


def test_weight_tying_and_init():
    model = make("transformer", tie_weights=True, n_layer=4, d_model=64, n_head=4)
    assert model.lm_head.weight is model.wte.weight
    untied = make("transformer", tie_weights=False, n_layer=4, d_model=64, n_head=4)
    assert untied.lm_head.weight is not untied.wte.weight
    assert untied.num_parameters() == model.num_parameters() + V * 64
    std = model.blocks[0].attn.c_proj.weight.std().item()
    assert abs(std - 0.02 / math.sqrt(8)) < 0.002
    assert abs(model.blocks[0].mlp.c_fc.weight.std().item() - 0.02) < 0.002
    lstm = make("lstm", tie_weights=True)
    assert lstm.head.weight is lstm.embed.weight
    assert make("lstm", tie_weights=False).num_parameters() == lstm.num_parameters() + V * 32


def test_dropout_only_in_training():
    model = make("transformer", dropout=0.5)
    x = torch.randint(0, V, (1, 8))
    model.train()
    assert not torch.equal(model(x)[0], model(x)[0])
    model.eval()
    assert torch.equal(model(x)[0], model(x)[0])


@pytest.mark.parametrize("arch", list(PRESETS))
@pytest.mark.parametrize("name", PRESET_NAMES)
def test_parameter_count_exact(arch, name):
    cfg = apply_preset(ModelConfig(arch=arch, vocab_size=65), name)
    torch.manual_seed(0)
    built = build_model(cfg)
    assert parameter_count(cfg) == sum(p.numel() for p in built.parameters()) == built.num_parameters()
    mem = memory_estimate(cfg, batch_size=12)
    assert mem["weights"] == 4 * parameter_count(cfg)
    assert mem["optimizer"] == 2 * mem["weights"] and mem["activations_approx"] > 0
    assert mem["total"] == sum(v for k, v in mem.items() if k != "total")
    assert flops_per_token(cfg) > 0


def test_flops_formula_baby_gpt():
    small = apply_preset(ModelConfig(arch="transformer", vocab_size=65), "small")
    cfg = replace(small, positions="learned", n_layer=4, mlp_ratio=4)  # nanoGPT's baby GPT
    n = parameter_count(cfg) - cfg.block_size * cfg.d_model  # learned positions cost no FLOPs
    assert flops_per_token(cfg) == 6 * n + 12 * 4 * 128 * 64
    untied = ModelConfig(arch="lstm", vocab_size=65, n_layer=1, d_model=8, tie_weights=False)
    assert flops_per_token(untied) == 6 * (parameter_count(untied) - 65 * 8)


def test_presets():
    small = apply_preset(ModelConfig(arch="transformer", vocab_size=65), "small")
    assert (small.n_layer, small.n_head, small.d_model, small.block_size, small.dropout) == (3, 4, 128, 64, 0.0)
    assert small.mlp_ratio == 3 and ModelConfig() == replace(small, vocab_size=ModelConfig().vocab_size)
    assert small.vocab_size == 65 and small.arch == "transformer"
    for arch in PRESETS:
        cfgs = [apply_preset(ModelConfig(arch=arch, vocab_size=65), n) for n in PRESET_NAMES]
        counts = [parameter_count(c) for c in cfgs]
        assert counts == sorted(counts)
    with pytest.raises(ConfigError, match="huge"):
        apply_preset(ModelConfig(arch="gru"), "huge")


@pytest.mark.parametrize("arch", ["transformer", "lstm", "rnn"])
@pytest.mark.parametrize(
    "positions,bias,tie", [("rotary", False, False), ("learned", False, True), ("rotary", True, True)]
)
def test_parameter_count_variants(arch, positions, bias, tie):
    cfg = tiny(arch, positions, bias=bias, tie_weights=tie)
    assert parameter_count(cfg) == build_model(cfg).num_parameters()
