"""Sampling as pure functions: the distribution a token is drawn from (repetition penalty, temperature,
top-k, top-p) and the draw itself. ``generate``, the Playground's step mode and its probability view use
them; nothing here holds state."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F


def filtered_distribution(
    logits: torch.Tensor,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    repetition_penalty: float = 1.0,
    previous_ids: torch.Tensor | Sequence[int] | None = None,
) -> torch.Tensor:
    """logits (V,) or (B, V) -> the probabilities actually sampled from, same shape.

    Order: repetition penalty (CTRL, Keskar et al. 2019: a previous token's logit is divided by the
    penalty when positive, multiplied when negative), temperature, top-k, then top-p (the smallest
    set of most likely tokens whose probability reaches top_p; the most likely is always kept).
    Temperature 0 gives a one-hot distribution on the argmax (greedy).
    """
    logits = logits.float()
    if repetition_penalty != 1.0 and previous_ids is not None and len(previous_ids) > 0:
        prev = torch.as_tensor(previous_ids, device=logits.device, dtype=torch.long)
        if prev.dim() < logits.dim():
            prev = prev.expand(*logits.shape[:-1], prev.size(-1))
        score = logits.gather(-1, prev)
        score = torch.where(score > 0, score / repetition_penalty, score * repetition_penalty)
        logits = logits.scatter(-1, prev, score)
    if temperature == 0:
        return F.one_hot(logits.argmax(dim=-1), logits.size(-1)).to(logits.dtype)
    logits = logits / temperature
    if 0 < top_k < logits.size(-1):
        kth = logits.topk(top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p < 1.0:
        sorted_logits, order = logits.sort(dim=-1, descending=True)
        sorted_probs = sorted_logits.softmax(dim=-1)
        # drop a token when the tokens before it already reach top_p
        drop_sorted = (sorted_probs.cumsum(dim=-1) - sorted_probs) >= top_p
        drop = drop_sorted.scatter(-1, order, drop_sorted)
        logits = logits.masked_fill(drop, float("-inf"))
    return logits.softmax(dim=-1)


def draw(probs: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """One id per row from probabilities (V,) or (B, V) -> (1,) or (B, 1) long.

    The algorithm ``torch.multinomial`` uses for a single draw (argmax of p / q with q ~ Exp(1), the
    Gumbel-max trick), so the same generator state gives the same ids as ``multinomial(probs, 1)``,
    without its argument checks, which cost a dozen operations and two scalar copies to the host (on a
    GPU, two syncs per token). Not a number is not refused here: a NaN row draws some id, and the
    caller, which reads the token's statistics anyway, raises (``generate``).
    """
    q = torch.empty_like(probs).exponential_(1, generator=generator)
    return (probs / q).argmax(dim=-1, keepdim=True)


def sample(
    logits: torch.Tensor,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    repetition_penalty: float = 1.0,
    previous_ids: torch.Tensor | Sequence[int] | None = None,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw the next token: logits (V,) or (B, V) -> (next id, () or (B,) long; filtered probs)."""
    probs = filtered_distribution(logits, temperature, top_k, top_p, repetition_penalty, previous_ids)
    if temperature == 0:
        return probs.argmax(dim=-1), probs
    flat = probs.reshape(-1, probs.size(-1))
    ids = torch.multinomial(flat, 1, generator=generator).view(probs.shape[:-1])
    return ids, probs
