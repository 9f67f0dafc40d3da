"""The Transformer's optional parts measured for issue 12: ReLU² MLPs and QK-norm, and old run files."""

from __future__ import annotations

import pytest
import torch

from lmstudio.core.config import ModelConfig, WorkspaceConfig
from lmstudio.core.models import build_model


@pytest.mark.parametrize(("activation", "qk_norm"), [("relu2", False), ("gelu", True), ("relu2", True)])
def test_variant_caches_match_the_full_forward(activation, qk_norm):
    torch.manual_seed(0)
    cfg = ModelConfig(
        arch="transformer",
        vocab_size=30,
        n_layer=2,
        n_head=2,
        d_model=16,
        block_size=12,
        mlp_activation=activation,
        qk_norm=qk_norm,
    )
    model = build_model(cfg).eval()
    ids = torch.randint(0, 30, (2, 10))
    with torch.no_grad():
        full, _ = model(ids)
        state = model.init_state(2, "cpu")
        logits, state = model.step(ids[:, :6], state)
        steps = [logits]
        for t in range(6, 10):
            logits, state = model.step(ids[:, t : t + 1], state)
            steps.append(logits)
    torch.testing.assert_close(torch.cat(steps, dim=1), full, atol=1e-5, rtol=1e-4)
    names = {n for n, _ in model.named_parameters()}
    assert ("blocks.0.attn.q_norm.weight" in names) == qk_norm


def test_relu2_is_relu_squared():
    cfg = ModelConfig(
        arch="transformer", vocab_size=10, n_layer=1, n_head=1, d_model=4, block_size=4, mlp_activation="relu2"
    )
    mlp = build_model(cfg).blocks[0].mlp
    x = torch.randn(3, 4)
    expected = mlp.c_proj(torch.relu(mlp.c_fc(x)) ** 2)
    torch.testing.assert_close(mlp(x), expected)


def test_a_version_1_file_means_the_models_it_described():
    old = WorkspaceConfig.from_dict({"format_version": 1, "model": {"arch": "transformer"}})
    assert old.model.mlp_activation == "gelu" and old.model.qk_norm is False
    new = WorkspaceConfig.from_dict({"model": {"arch": "transformer", "mlp_activation": "relu2", "qk_norm": True}})
    assert new.model.mlp_activation == "relu2" and new.model.qk_norm is True
    assert WorkspaceConfig().to_dict()["format_version"] == 3
