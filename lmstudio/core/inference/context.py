"""What the model is conditioned on: the start context, a prompt's ids, and the sliding window.

One convention for generation, beam search, scoring and the Playground:

- Start context (``start_ids``): with no prompt, the model is conditioned on a line start, the
  encoding of "\\n". Training windows are cut from text in which every line ends with "\\n", so a
  newline is what the model has seen before a line's first token; ``<s>`` never occurs in the
  training data and its embedding is untrained. A vocabulary without a usable newline falls back
  to a space, then to the first ordinary token. The start context is not part of the generated text.
- Sliding window: a model with a ``context_window`` (block_size, for Transformers and recurrent
  nets alike: both are trained on windows of that many tokens from an empty state) never sees more
  than that many tokens. Starting from a list of ids, it sees their last window
  (:func:`start_context`). When the cache (or the hidden state) is full, it is rebuilt from the last
  :data:`SLIDE_KEEP` of the window (one forward over those tokens from an empty state), so the
  context never drops below 3/4 of the window and the rebuild cost is spread over window/4 tokens
  (:func:`context_after`). Each generated token reports how many tokens it was predicted from
  (``TokenEvent.ctx``), so a view can recompute its logits exactly (:func:`seen_ids`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from ..errors import CheckpointError, LMStudioError
from ..models.base import LanguageModel

SLIDE_KEEP = 0.75  # share of the window kept when the cache is rebuilt


# -- the start context ---------------------------------------------------------------------------------
def special_ids(tokenizer: Any) -> set[int]:
    ids = {getattr(tokenizer, name, -1) for name in ("pad_id", "unk_id", "bos_id", "eos_id")}
    return {i for i in ids if isinstance(i, int) and i >= 0}


def start_ids(tokenizer: Any) -> list[int]:
    """The context before the first token when there is no other: a line start.

    The encoding of "\\n" when it holds only ordinary tokens (every real tokenizer kind: char and
    word keep the newline as a token of its own, SentencePiece has it as a user-defined symbol);
    else (a vocabulary that never saw a newline, where it would be ``<unk>``) a space; else the
    first ordinary token. Never ``<s>``, ``<unk>`` or another special token, whose embeddings
    training never updates. Generation with an empty prompt, ``score_text``, ``lmstudio eval
    --text`` and the trainer's samples all start from it.
    """
    specials = special_ids(tokenizer)
    for text in ("\n", " "):
        try:
            ids = list(tokenizer.encode(text))
        except Exception:  # a backend that cannot encode it at all: try the next candidate
            continue
        if ids and not specials.intersection(ids):
            return ids
    vocab = int(getattr(tokenizer, "vocab_size", 1) or 1)
    return [next((i for i in range(vocab) if i not in specials), 0)]


def prompt_ids(tokenizer: Any, prompt: str) -> list[int]:
    """The context a prompt is continued from: the prompt's tokens after a line start.

    Training text has a newline before every line's first token, so a prompt typed as the start of
    a text ("ROMEO:") is conditioned on one too: ``encode("\\n" + prompt)``, cut as the corpus is. A
    prompt that already starts with a newline is taken as it is; an empty one is :func:`start_ids`.
    (When the vocabulary has no usable newline, the fallback start of :func:`start_ids` goes before
    the prompt's own tokens.) ``generate``, ``beam_search``, ``lmstudio sample`` and the Playground
    all use it.
    """
    if not prompt:
        return start_ids(tokenizer)
    if prompt.startswith("\n"):
        return list(tokenizer.encode(prompt)) or start_ids(tokenizer)
    start = start_ids(tokenizer)
    try:
        newline = list(tokenizer.encode("\n"))
    except Exception:  # a backend that cannot encode it: the fallback start
        newline = None
    if start == newline:
        return list(tokenizer.encode("\n" + prompt))
    return start + list(tokenizer.encode(prompt))


def context_or_prompt(tokenizer: Any, prompt: str, context_ids: Sequence[int] | None) -> list[int]:
    """``context_ids`` exactly as given (a Playground branch), else the prompt's :func:`prompt_ids`."""
    return list(context_ids) if context_ids else prompt_ids(tokenizer, prompt)


# -- the sliding window rule -----------------------------------------------------------------------------
def window_keep(window: int) -> int:
    """How many tokens the state is rebuilt from when a window of ``window`` tokens is full."""
    return max(1, int(window * SLIDE_KEEP))


def start_context(n_ids: int, window: int | None) -> int | None:
    """How many of ``n_ids`` context ids the model sees when it starts from them: the last window
    (``None``: a model without a window sees them all)."""
    return min(n_ids, window) if window else None


def context_after(seen: int | None, window: int | None) -> int | None:
    """The context of the next token, when this one was predicted from ``seen`` tokens and is now fed:
    one more while the window has room, else the rebuilt :func:`window_keep` (``None``: no window)."""
    if not window or seen is None:
        return None
    return seen + 1 if seen + 1 <= window else window_keep(window)


def context_lengths(n_context: int, n_new: int, window: int | None) -> list[int | None]:
    """The context each of ``n_new`` generated tokens is predicted from, after ``n_context`` ids."""
    out: list[int | None] = []
    seen = start_context(n_context, window)
    for index in range(n_new):
        if index:
            seen = context_after(seen, window)
        out.append(seen)
    return out


def seen_ids(ids: Sequence[int], ctx: int | None) -> list[int]:
    """The ids a token after ``ids`` was predicted from, given its context length (all when ``None``)."""
    return list(ids[-ctx:]) if ctx else list(ids)


# -- feeding the model -----------------------------------------------------------------------------------
def not_finite_error() -> LMStudioError:
    return CheckpointError(
        "the model's output is not a number (NaN): its weights are not finite, because training diverged "
        "before this checkpoint was saved or the file is damaged; load another checkpoint"
    )


def advance(
    model: LanguageModel, state: Any, fed: int, new: torch.Tensor, rows: Sequence[Sequence[int]], window: int | None
):
    """Feed new (B, 1) after ``fed`` tokens; past the window, rebuild the state from each row's tail
    (rows: the full id lists, new token included). Returns (last logits (B, V), state, fed)."""
    after = context_after(fed, window)
    if after is None or after == fed + 1:
        logits, state = model.step(new, state, last_only=True)
        return logits.select(1, -1), state, fed + 1
    tails = torch.tensor([r[-after:] for r in rows], dtype=torch.long, device=new.device)
    logits, state = model.step(tails, model.init_state(tails.size(0), new.device), last_only=True)
    return logits.select(1, -1), state, tails.size(1)


def prime(model: LanguageModel, context: Sequence[int], batch: int, device: torch.device):
    """Feed the context's last window from an empty state. Returns (last logits (B, V), state, fed)."""
    feed = seen_ids(context, start_context(len(context), model.context_window))
    ids = torch.tensor([feed] * batch, dtype=torch.long, device=device)
    logits, state = model.step(ids, model.init_state(batch, device), last_only=True)
    return logits.select(1, -1), state, len(feed)
