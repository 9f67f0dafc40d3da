"""What a prediction leaned on: attention (Transformers) and gradient x input (any model) over earlier tokens."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lmstudio.core.config import ModelConfig
from lmstudio.core.errors import ConfigError
from lmstudio.core.inference.saliency import attention_saliency, gradient_saliency
from lmstudio.core.models import build_model


def _model(arch: str):
    torch.manual_seed(0)
    extra = {"n_head": 2} if arch == "transformer" else {}
    return build_model(ModelConfig(arch=arch, vocab_size=20, block_size=16, n_layer=2, d_model=16, **extra))


@pytest.mark.parametrize("arch", ["transformer", "gru", "lstm"])
def test_gradient_saliency_weighs_every_earlier_token_and_leaves_the_model_as_it_was(arch):
    model = _model(arch).train()
    ids = [1, 5, 7, 3, 9, 2]
    weights = gradient_saliency(model, ids, 5)
    assert weights.shape == (5,) and np.all(weights >= 0) and weights.sum() == pytest.approx(1.0)
    assert model.training and all(p.grad is None for p in model.parameters())
    assert gradient_saliency(model, ids, 0).shape == (0,)


def test_attention_saliency_is_the_predicting_query_s_attention():
    model = _model("transformer")
    ids = [1, 5, 7, 3, 9, 2]
    weights = attention_saliency(model, ids, 4)
    assert weights.shape == (4,) and weights.sum() == pytest.approx(1.0)
    from lmstudio.core.inference.lens import attention_grid

    grid = attention_grid(model, ids[:4])
    assert weights == pytest.approx(grid[:, :, 3, :4].mean(axis=(0, 1)) / grid[:, :, 3, :4].mean(axis=(0, 1)).sum())
    with pytest.raises(ConfigError):
        attention_saliency(_model("gru"), ids, 4)
