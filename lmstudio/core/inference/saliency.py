"""Which earlier tokens a prediction leaned on: for the token at ``position`` of ``ids``, a weight for every
token before it, from the attention (Transformer: the heads of every layer averaged) or from gradient × input
(any architecture: how much the log-probability of the token changes with each earlier token's embedding).
The Playground shades the earlier chips by these weights when a generated token is hovered.

Both return a 1-D array over ``ids[:position]`` that sums to 1 (all zeros when there is nothing before).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ..errors import ConfigError
from ..models.base import LanguageModel


def _embedding(model: LanguageModel) -> torch.nn.Embedding:
    for name in ("wte", "embed"):
        module = getattr(model, name, None)
        if isinstance(module, torch.nn.Embedding):
            return module
    raise ConfigError(f"saliency: no token embedding found in this {type(model).__name__}")


def _normalised(weights: np.ndarray) -> np.ndarray:
    total = float(weights.sum())
    return weights / total if total > 0 else weights


def attention_saliency(model: LanguageModel, ids: Sequence[int], position: int, device="cpu") -> np.ndarray:
    """How much the prediction of ``ids[position]`` attended to each earlier token: the attention of the query
    at ``position - 1`` (the one that predicted it), every layer's heads averaged. Transformers only."""
    from .lens import attention_grid

    if position <= 0:
        return np.zeros(0, dtype=np.float32)
    grid = attention_grid(model, list(ids[:position]), device)  # (layers, heads, T, T)
    weights = grid[:, :, position - 1, :position].mean(axis=(0, 1))
    return _normalised(weights.astype(np.float32))


def gradient_saliency(model: LanguageModel, ids: Sequence[int], position: int, device="cpu") -> np.ndarray:
    """|gradient × input| of log P(ids[position] | ids[:position]) for each earlier token's embedding, summed
    over the embedding's dimensions: which earlier tokens the prediction is most sensitive to. Any architecture."""
    if position <= 0:
        return np.zeros(0, dtype=np.float32)
    window = model.context_window or model.config.block_size
    start = max(0, position - window)
    x = torch.tensor([list(ids[start:position])], dtype=torch.long, device=device)
    target = int(ids[position])
    embedding = _embedding(model)
    captured: dict[str, torch.Tensor] = {}

    def keep(_module, _inputs, output):
        output.retain_grad()
        captured["e"] = output
        return output

    was_training = model.training
    model.eval()
    handle = embedding.register_forward_hook(keep)
    try:
        with torch.enable_grad():
            logits, _ = model(x)
            logp = logits[0, -1].float().log_softmax(-1)[target]
            logp.backward()
        e = captured["e"]
        weights = (e.grad * e).sum(-1).abs()[0].detach().float().cpu().numpy()
    finally:
        handle.remove()
        model.zero_grad(set_to_none=True)
        model.train(was_training)
    out = np.zeros(position, dtype=np.float32)
    out[start:] = weights
    return _normalised(out)
