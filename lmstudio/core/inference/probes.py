"""Probes of a model while it learns: a fixed passage scored token by token, and the next-token distribution
after a fixed prompt. The trainer runs both at every evaluation (``train.probe_text``, ``train.probe_prompt``);
the Train tab shows them as chips and bars with a scrubber over the evaluations, and a replay of the run plays
them again from ``probes.jsonl``.

Each is one forward pass over at most ``block_size`` tokens: next to an evaluation's ``eval_iters`` batches it
costs nothing measurable.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..models.base import LanguageModel
from .context import prompt_ids
from .text import IncrementalDecoder, display_text

PROBE_TOKENS = 64  # the passage's length when it comes from the validation split
TOP_K = 10  # next tokens shown after the probe prompt


def passage_ids(tokenizer: Any, text: str, val_tokens: np.ndarray | None, block_size: int) -> list[int]:
    """The probe passage's ids: ``text`` encoded (cut to the block), or, when it is empty, the first tokens of
    the validation split (at most :data:`PROBE_TOKENS` and the block)."""
    limit = max(2, block_size)
    if text:
        return list(tokenizer.encode(text))[:limit]
    if val_tokens is None:
        return []
    return [int(i) for i in np.asarray(val_tokens[: min(PROBE_TOKENS, limit)])]


def passage_texts(tokenizer: Any, ids: list[int]) -> list[str]:
    """Each passage token's text (exact pieces: see :class:`~.text.IncrementalDecoder`)."""
    decoder = IncrementalDecoder(tokenizer)
    return [decoder.push(i, final=k == len(ids) - 1) for k, i in enumerate(ids)]


@torch.inference_mode()
def passage_probs(model: LanguageModel, ids: list[int], device: torch.device) -> list[float]:
    """P(token i | tokens before it) for each token of the passage; NaN for the first (no context)."""
    if len(ids) < 2:
        return [math.nan] * len(ids)
    x = torch.tensor(ids, dtype=torch.long, device=device)[None]
    logits, _ = model(x)
    logp = logits[0, :-1].float().log_softmax(dim=-1)
    chosen = logp.gather(-1, x[0, 1:, None])[:, 0]
    return [math.nan, *chosen.exp().cpu().tolist()]


@torch.inference_mode()
def next_token_top(
    model: LanguageModel, tokenizer: Any, prompt: str, device: torch.device, block_size: int, k: int = TOP_K
) -> tuple[list[str], list[float]]:
    """The ``k`` most likely next tokens after ``prompt`` (as the Playground continues it), with probabilities."""
    ids = prompt_ids(tokenizer, prompt)[-max(1, block_size) :]
    logits, _ = model(torch.tensor(ids, dtype=torch.long, device=device)[None])
    probs = logits[0, -1].float().softmax(dim=-1)
    top = probs.topk(min(k, probs.numel()))
    return [display_text(tokenizer, int(i)) for i in top.indices.tolist()], top.values.cpu().tolist()


class Probes:
    """The two probes of one run, fixed when training starts: ``measure(model)`` gives one evaluation's record."""

    def __init__(self, tokenizer: Any, text: str, prompt: str, val_tokens: np.ndarray | None, block_size: int):
        self.tokenizer = tokenizer
        self.block_size = block_size
        self.ids = passage_ids(tokenizer, text, val_tokens, block_size)
        self.texts = passage_texts(tokenizer, self.ids)
        self.prompt = prompt

    def measure(self, model: LanguageModel, device: torch.device) -> dict[str, Any]:
        """``{"tokens", "probs", "prompt", "top_tokens", "top_probs"}`` for the model as it is now."""
        was_training = model.training
        model.eval()
        try:
            probs = passage_probs(model, self.ids, device)
            top_tokens, top_probs = next_token_top(model, self.tokenizer, self.prompt, device, self.block_size)
        finally:
            model.train(was_training)
        return {
            "tokens": list(self.texts),
            "probs": probs,
            "prompt": self.prompt,
            "top_tokens": top_tokens,
            "top_probs": top_probs,
        }
