"""How far back a trained model uses its context: the short-versus-long question, measured two ways.

- ``position_losses``: the mean validation loss at each position of the window. Position 0 predicts from one
  token of context, position ``block_size - 1`` from a full window; a curve that keeps falling says the model
  still gains from tokens far back, a curve that flattens early says it has forgotten them (a small RNN).
- ``long_range_test``: windows holding a random span of the text, then ``distance`` tokens of other text, then
  the same span again. Predicting the repeated span is easy for a model that can look ``distance`` tokens back
  and copy (a Transformer's induction heads), no easier than the first time for one that cannot. The drop in
  loss from the first copy to the second is how much context that far back is used.

Both score windows from an empty context, as training and the evaluation figures do (``scoring``).
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import ConfigError, DataError

BATCH_WINDOWS = 16  # windows per forward pass of position_losses


def _token_losses(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-token negative log-likelihood (B, T) in nats of targets ``y`` after inputs ``x``."""
    logits, _ = model(x)
    return F.cross_entropy(logits.float().transpose(1, 2), y, reduction="none")


def position_losses(
    model: torch.nn.Module, val_ids: np.ndarray, block_size: int, batches: int, device: torch.device | str
) -> np.ndarray:
    """The mean loss (nats) at each position 0 .. block_size-1 of the window over up to ``batches`` batches of
    ``BATCH_WINDOWS`` non-overlapping windows of the validation tokens ``val_ids``, spread evenly over them."""
    ids = np.asarray(val_ids, dtype=np.int64).reshape(-1)
    if block_size < 1:
        raise ConfigError(f"model.block_size: {block_size} must be at least 1 to score windows")
    available = (len(ids) - 1) // block_size
    if available < 1:
        raise DataError(
            f"the validation split has {len(ids):,} tokens, fewer than one window of {block_size + 1:,}; "
            "use a larger validation share (data.split_fractions) or a smaller model.block_size"
        )
    wanted = max(1, int(batches)) * BATCH_WINDOWS
    windows = np.unique(np.linspace(0, available - 1, num=min(wanted, available)).round().astype(np.int64))
    device = torch.device(device)
    total = torch.zeros(block_size, dtype=torch.float64)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for b in range(0, len(windows), BATCH_WINDOWS):
                starts = windows[b : b + BATCH_WINDOWS] * block_size
                rows = np.stack([ids[s : s + block_size + 1] for s in starts])
                chunk = torch.from_numpy(rows).to(device)
                total += _token_losses(model, chunk[:, :-1], chunk[:, 1:]).double().sum(0).cpu()
    finally:
        model.train(was_training)
    losses = (total / len(windows)).numpy()
    if not np.isfinite(losses).all():
        raise DataError("the model's validation loss is not finite at some positions; the checkpoint is damaged")
    return losses


def _model_block(model: torch.nn.Module) -> int:
    config = getattr(model, "config", None)
    block = getattr(config, "block_size", None)
    if not isinstance(block, int):
        raise ConfigError("context use: the model does not say its window (block_size); load it from a run folder")
    return block


def long_range_test(
    model: torch.nn.Module,
    tokenizer: Any,
    text: str,
    distance: int = 100,
    span: int = 16,
    trials: int = 32,
    seed: int = 0,
) -> dict[str, Any]:
    """Mean loss on a span of ``text`` the first time and when it comes again ``distance`` tokens later (see
    the module doc). Each window is [lead][span][filler of ``distance``][span], filled to the model's window
    with a lead of other text, so both copies have context before them; the first token of each copy (which
    nothing before predicts) is not scored. Returns {"distance", "span", "trials", "block_size", "first_loss",
    "repeat_loss", "drop" (nats), "drop_share" (drop / first_loss)}."""
    block = _model_block(model)
    if distance < 1 or span < 2 or trials < 1:
        raise ConfigError(
            f"long-range test: distance {distance}, span {span}, trials {trials}: need distance >= 1, span >= 2, "
            "trials >= 1"
        )
    need = distance + 2 * span
    if block < need:
        raise ConfigError(
            f"long-range test: a span of {span} tokens, {distance} tokens of other text and the span again make "
            f"{need} tokens, more than the model's window of {block} (model.block_size); lower the distance or "
            f"span, or train with block_size {need} or more"
        )
    ids = np.asarray(tokenizer.encode(text), dtype=np.int64)
    if len(ids) < 2 * need:
        raise DataError(
            f"long-range test: the text has {len(ids):,} tokens; it needs {2 * need:,} or more to draw spans and "
            "other text from; use a larger validation share (data.split_fractions)"
        )
    rng = random.Random(seed)
    lead = block - need

    def other(length: int, avoid: int) -> np.ndarray:
        """``length`` tokens from anywhere but the span at ``avoid`` (so the filler never holds the span)."""
        for _ in range(100):
            s = rng.randrange(0, len(ids) - length + 1)
            if s + length <= avoid or s >= avoid + span:
                return ids[s : s + length]
        return ids[rng.randrange(0, len(ids) - length + 1) :][:length]

    rows = []
    for _ in range(trials):
        a = rng.randrange(0, len(ids) - span + 1)
        piece = ids[a : a + span]
        parts = ([other(lead, a)] if lead else []) + [piece, other(distance, a), piece]
        rows.append(np.concatenate(parts))
    first_at = lead + 1  # window positions of each copy's second token (losses[i] scores window token i + 1)
    repeat_at = lead + span + distance + 1
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            batch = torch.from_numpy(np.stack(rows)).to(device)
            losses = _token_losses(model, batch[:, :-1], batch[:, 1:]).double().cpu().numpy()
    finally:
        model.train(was_training)
    first = float(losses[:, first_at - 1 : first_at - 1 + span - 1].mean())
    repeat = float(losses[:, repeat_at - 1 : repeat_at - 1 + span - 1].mean())
    if not (math.isfinite(first) and math.isfinite(repeat)):
        raise DataError("long-range test: the model's loss is not finite; the checkpoint is damaged")
    return {
        "distance": distance,
        "span": span,
        "trials": trials,
        "block_size": block,
        "first_loss": first,
        "repeat_loss": repeat,
        "drop": first - repeat,
        "drop_share": (first - repeat) / first if first > 0 else 0.0,
    }
