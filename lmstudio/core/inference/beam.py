"""Beam search: the few continuations with the highest total log-probability, each with its exact ids."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import torch

from ..errors import ConfigError
from ..models.base import LanguageModel
from .context import advance, context_or_prompt, not_finite_error, prime


class Beam(tuple):
    """One result of :func:`beam_search`: the pair ``(text, logprob)`` (total log-probability in nats),
    which it unpacks to and compares as, with the exact ``ids`` generated and the ``context_ids`` they
    continue (no re-encoding of the text, which may cut it differently or map ``<unk>``)."""

    ids: list[int]
    context_ids: list[int]

    def __new__(cls, text: str, logprob: float, ids: Sequence[int], context_ids: Sequence[int]) -> Beam:
        beam = super().__new__(cls, (text, logprob))
        beam.ids, beam.context_ids = list(ids), list(context_ids)
        return beam

    @property
    def text(self) -> str:
        return self[0]

    @property
    def logprob(self) -> float:
        return self[1]


def beam_search(
    model: LanguageModel,
    tokenizer: Any,
    prompt: str,
    beam_width: int = 4,
    max_new_tokens: int = 50,
    length_penalty: float = 1.0,
    device: torch.device | str = "cpu",
    *,
    context_ids: Sequence[int] | None = None,
) -> list[Beam]:
    """Up to ``beam_width`` continuations of ``prompt`` (its ``prompt_ids``), or exactly of
    ``context_ids`` when given, as :class:`Beam` (text, total log-probability in nats; with ``.ids``),
    best first. Beams end at the tokenizer's EOS (when it has one) or after ``max_new_tokens``; they
    are ranked by logprob / length ** length_penalty (0 = no length normalization). The sliding window
    is the generator's (``context.advance``)."""
    device = torch.device(device)
    if not isinstance(beam_width, numbers.Integral) or beam_width < 1:
        raise ConfigError(f"beam width: {beam_width!r} is not a whole number of 1 or more; use 1 to 64 (4 is usual)")
    if not isinstance(max_new_tokens, numbers.Integral) or max_new_tokens < 0:
        raise ConfigError(f"beam search: max_new_tokens {max_new_tokens!r} must be a whole number, 0 or more")
    context = context_or_prompt(tokenizer, prompt, context_ids)
    eos = getattr(tokenizer, "eos_id", -1)
    eos = -1 if eos is None else eos
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            window = model.context_window
            logits, state, fed = prime(model, context, 1, device)
            seqs: list[list[int]] = [[]]
            scores = torch.zeros(1, device=device)
            finished: list[tuple[list[int], float]] = []
            for t in range(max_new_tokens):
                if t > 0:
                    new = torch.tensor([[s[-1]] for s in seqs], dtype=torch.long, device=device)
                    rows = [context + s for s in seqs]
                    logits, state, fed = advance(model, state, fed, new, rows, window)
                logp = logits.float().log_softmax(dim=-1)  # (beams, V)
                vocab = logp.size(-1)
                cand = (scores[:, None] + logp).view(-1)
                top = cand.topk(min(2 * beam_width, cand.numel()))
                new_seqs, new_scores, source = [], [], []
                top_values = top.values.tolist()
                if any(math.isnan(v) for v in top_values):
                    raise not_finite_error()
                for value, flat in zip(top_values, top.indices.tolist()):
                    beam, tok = divmod(flat, vocab)
                    if tok == eos:
                        finished.append((seqs[beam], value))
                        continue
                    new_seqs.append(seqs[beam] + [tok])
                    new_scores.append(value)
                    source.append(beam)
                    if len(new_seqs) == beam_width:
                        break
                if not new_seqs or len(finished) >= beam_width:
                    seqs = []
                    break
                state = model.reorder_state(state, torch.tensor(source, dtype=torch.long, device=device))
                seqs, scores = new_seqs, torch.tensor(new_scores, device=device)
            finished.extend(zip(seqs, scores.tolist()))

        def normalized(item: tuple[list[int], float]) -> float:
            return item[1] / max(1, len(item[0])) ** length_penalty

        best = sorted(finished, key=normalized, reverse=True)[:beam_width]
        prefix = tokenizer.decode(context)
        results = []
        for seq, score in best:
            full = tokenizer.decode(context + seq)
            text = full[len(prefix) :] if full.startswith(prefix) else tokenizer.decode(seq)
            results.append(Beam(text, float(score), seq, context))
        return results
    finally:
        model.train(was_training)
