"""Text generation: ``generate`` yielding one token at a time, with every number the Playground shows.

``generate`` feeds only the new token each step (the Transformer's KV cache, the recurrent hidden
state), and reports for every token what the Playground shows: its id and text, the probability it
was drawn with, the model's own probability, the strongest alternatives, the entropy, the rank, and
the context it was predicted from (``ctx``, ``context_ids``).

Conventions:
- Context: a prompt is continued from its ``prompt_ids`` (a line start before it; an empty prompt is
  the line start alone); ``context_ids`` instead continues exactly those ids (a Playground branch).
  A longer context keeps only its last window of tokens; past the window the cache is rebuilt from
  its last 3/4 (the sliding window rule of :mod:`.context`).
- Non-finite output (a model whose weights are NaN) raises a CheckpointError saying so, instead
  of sampling garbage; nothing is reserved in proportion to ``max_new_tokens``.
- Stop text: the token whose text completes ``cfg.stop`` is yielded, then generation ends.
- Seeds: a ``torch.Generator`` on the target device seeded with ``cfg.seed``; the same seed, model
  and settings give the same text.

Sampling lives in :mod:`.sampling`, beam search in :mod:`.beam`, token text in :mod:`.text`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from ..config import SampleConfig
from ..errors import ConfigError
from ..models.base import LanguageModel
from .context import advance, context_or_prompt, not_finite_error, prime
from .sampling import draw, filtered_distribution
from .text import IncrementalDecoder, display_text

__all__ = ["TokenEvent", "generate"]


# -- generation ---------------------------------------------------------------------------------------
@dataclass
class TokenEvent:
    """One generated token. Probabilities are in [0, 1], log-probabilities in nats."""

    index: int  # 0 for the first generated token
    id: int
    text: str  # this token's text; "" while it holds an incomplete UTF-8 character
    prob: float  # probability under the filtered distribution it was drawn from (1.0 when greedy)
    raw_prob: float  # the model's probability (softmax of the logits at temperature 1)
    logprob: float  # ln(raw_prob)
    entropy: float  # entropy of the model's distribution, nats
    rank: int  # 1 = the model's most likely token
    alternatives: list[tuple[int, str, float]] = field(default_factory=list)  # (id, text, raw prob), most likely first
    ctx: int | None = None  # how many tokens before this one the model saw (its sliding window); None: all
    # the ids before this token are _history[:_at] (the generator's own list, shared, only ever appended to)
    _history: list[int] = field(default_factory=list, repr=False, compare=False)
    _at: int = 0

    @property
    def context_ids(self) -> list[int]:
        """The ids this token was predicted from: the last ``ctx`` ids before it (prompt or context
        included), exactly as the model saw them."""
        if self.ctx:
            return self._history[max(0, self._at - self.ctx) : self._at]
        return self._history[: self._at]

    @property
    def prefix_ids(self) -> list[int]:
        """Every id before this token: the context ``generate`` started from and the tokens generated."""
        return self._history[: self._at]


def _draw(logits: torch.Tensor, cfg: SampleConfig, prev: torch.Tensor | None, generator: torch.Generator):
    """Sample from logits (V,) and gather every statistic of the event into one host transfer.

    Returns (next id as a (1,) device tensor, [id, prob, logprob, -entropy, rank - 1,
    top log-probs..., top ids...]). This runs once per token, so it is kept to few tensor operations
    and no host sync but the one transfer. Plain sampling (temperature 1, no filter) draws from
    ``softmax(logits)`` with multinomial's algorithm, as :func:`.sampling.sample` does, so a seed gives
    the same tokens through either. Non-finite logits (a NaN model) draw some id, and the NaN
    statistics returned with it raise.
    """
    if logits.dtype != torch.float32:
        logits = logits.float()
    logp = logits.log_softmax(dim=-1)
    plain = cfg.temperature == 1.0 and cfg.top_k == 0 and cfg.top_p >= 1.0 and cfg.repetition_penalty == 1.0
    raw = logits.softmax(dim=-1)  # the model's probabilities
    probs = (
        raw
        if plain
        else filtered_distribution(logits, cfg.temperature, cfg.top_k, cfg.top_p, cfg.repetition_penalty, prev)
    )
    if cfg.temperature == 0:
        next_id = probs.argmax().view(1)
    else:
        # multinomial's draw without its checks (no host sync); a NaN draws some id, its statistics raise below
        next_id = draw(probs, generator)  # (1,)
    chosen = logp.gather(0, next_id)  # (1,)
    parts = [
        next_id,
        chosen if plain else probs.gather(0, next_id),  # plain: the drawn probability is the model's
        chosen,
        (raw * logp).sum(0, keepdim=True),  # -entropy
        (logp > chosen).sum(0, keepdim=True),  # rank - 1
    ]
    if cfg.alternatives:
        alt = logp.topk(min(cfg.alternatives, logp.size(0)))
        parts += [alt.values, alt.indices]
    values = torch.cat(parts).tolist()  # ids and counts promoted to float32: exact below 2**24
    # any non-finite logit makes log_softmax NaN somewhere, so the entropy term is NaN
    if math.isnan(values[3]) or math.isnan(values[2]):
        raise not_finite_error()
    if plain:
        values[1] = math.exp(values[1])
    return next_id, values


def alternatives_of(
    values: list[float], tokenizer: Any, texts: dict[int, str], eos_label: str | None = None
) -> list[tuple[int, str, float]]:
    """The (id, text, probability) alternatives packed in ``_draw``'s values; ``texts`` caches token texts
    across tokens; ``eos_label`` names the end-of-sequence token (an encoder-decoder's target ends with it)."""
    out = []
    k = (len(values) - 5) // 2
    for alt_logp, alt in zip(values[5 : 5 + k], values[5 + k :]):
        alt_id = int(alt)
        alt_text = texts.get(alt_id)
        if alt_text is None:
            special = eos_label is not None and alt_id == tokenizer.eos_id
            alt_text = texts[alt_id] = eos_label if special else display_text(tokenizer, alt_id)
        out.append((alt_id, alt_text, math.exp(alt_logp)))
    return out


def _check_seed(seed: int | None) -> None:
    if seed is not None and not (-(2**63) <= int(seed) < 2**64):
        raise ConfigError(f"sample.seed: {seed} does not fit in 64 bits; use a whole number from 0 to {2**64 - 1}")


def generate(
    model: LanguageModel,
    tokenizer: Any,
    prompt: str,
    cfg: SampleConfig,
    device: torch.device | str = "cpu",
    *,
    context_ids: Sequence[int] | None = None,
) -> Iterator[TokenEvent]:
    """Yield ``cfg.max_new_tokens`` tokens (fewer if the stop text appears) continuing ``prompt``
    (its :func:`prompt_ids`), or exactly ``context_ids`` when given (a Playground branch): the same
    ids give the same tokens as the prompt they encode, with the same seed. Each event carries its
    token's ``id``, the context it was predicted from (``ctx``, ``context_ids``) and every id before it
    (``prefix_ids``).

    The model is put in eval mode while the generator runs and its mode restored afterwards.
    Inference mode is entered per token, never across a ``yield``, so the caller's code between
    tokens runs with autograd as usual.
    """
    device = torch.device(device)
    _check_seed(cfg.seed)
    context = context_or_prompt(tokenizer, prompt, context_ids)
    if cfg.max_new_tokens == 0:
        return
    was_training = model.training
    model.eval()
    try:
        generator = torch.Generator(device=device)
        if cfg.seed is None:
            generator.seed()
        else:
            generator.manual_seed(cfg.seed)
        window = model.context_window
        ids = list(context)
        use_history = cfg.repetition_penalty != 1.0
        with torch.inference_mode():
            logits, state, fed = prime(model, context, 1, device)
            logits = logits[0]
            # grows by doubling: max_new_tokens may be huge (a stream stopped by the user), so
            # nothing is reserved in proportion to it
            history = torch.empty(2 * len(ids) + 64 if use_history else 0, dtype=torch.long, device=device)
            if use_history:
                history[: len(ids)] = torch.tensor(ids, dtype=torch.long)
        decoder = IncrementalDecoder(tokenizer, context)
        texts: dict[int, str] = {}
        tail = ""
        next_id = None
        for index in range(cfg.max_new_tokens):
            with torch.inference_mode():
                if next_id is not None:
                    logits, state, fed = advance(model, state, fed, next_id.view(1, 1), (ids,), window)
                    logits = logits.select(0, 0)
                prev = history[: len(ids)] if use_history else None
                next_id, values = _draw(logits, cfg, prev, generator)
                if use_history:
                    if len(ids) >= history.numel():
                        history = torch.cat([history, torch.empty_like(history)])
                    history[len(ids)] = next_id
            token_id = int(values[0])
            ids.append(token_id)
            text = decoder.push(token_id, final=index == cfg.max_new_tokens - 1)
            alternatives = alternatives_of(values, tokenizer, texts)
            event = TokenEvent(
                index=index,
                id=token_id,
                text=text,
                prob=values[1],
                raw_prob=math.exp(values[2]),
                logprob=values[2],
                entropy=-values[3],
                rank=int(values[4]) + 1,
                alternatives=alternatives,
                ctx=fed if window else None,
                _history=ids,
                _at=len(ids) - 1,
            )
            tail = (tail + text)[-(len(cfg.stop) + 64) :] if cfg.stop else ""
            yield event
            if cfg.stop and cfg.stop in tail:
                return
    finally:
        model.train(was_training)
