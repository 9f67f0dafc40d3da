"""Text generation: sampling as pure functions, ``generate`` yielding one token at a time.

``generate`` feeds only the new token each step (the Transformer's KV cache, the recurrent hidden
state), and reports for every token what the Playground shows: its text, the probability it was
drawn with, the model's own probability, the strongest alternatives, the entropy and the rank.

Conventions:
- Start context (one convention for generation, scoring and evaluation, see ``start_ids``): with
  no prompt, the model is conditioned on a line start, the encoding of "\\n". Training windows are
  cut from text in which every line ends with "\\n", so a newline is what the model has seen before
  a line's first token; ``<s>`` never occurs in the training data and its embedding is untrained.
  A vocabulary without a usable newline falls back to a space, then to the first ordinary token.
  The start context is not part of the generated text.
- Sliding window: a model with a ``context_window`` (block_size, for Transformers and recurrent
  nets alike: both are trained on windows of that many tokens from an empty state) never sees more
  than that many tokens. When the cache (or the hidden state) is full, it is rebuilt from the last
  3/4 of the window (one forward over those tokens from an empty state), so the context never
  drops below 3/4 of the window and the rebuild cost is spread over window/4 tokens. A longer
  prompt keeps only its last window of tokens.
- Non-finite output (a model whose weights are NaN) raises a CheckpointError saying so, instead
  of sampling garbage; nothing is reserved in proportion to ``max_new_tokens``.
- Stop text: the token whose text completes ``cfg.stop`` is yielded, then generation ends.
- Seeds: a ``torch.Generator`` on the target device seeded with ``cfg.seed``; the same seed, model
  and settings give the same text.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

from ..config import SampleConfig
from ..errors import CheckpointError, ConfigError, LMStudioError
from ..models.base import LanguageModel

SLIDE_KEEP = 0.75  # share of the window kept when the cache is rebuilt
_REPLACEMENT = "\ufffd"


# -- pure sampling functions -------------------------------------------------------------------------
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


# -- token text ---------------------------------------------------------------------------------------
class IncrementalDecoder:
    """Text of each new token, as the difference between decoding with and without it.

    ``decode([id])`` alone is wrong for SentencePiece (a word's leading space is dropped at the start
    of a decode; a byte-fallback byte is not a character by itself). Decoding a short window of
    previous tokens with and without the new one gives the exact piece; while the text ends in an
    incomplete UTF-8 sequence (U+FFFD) up to three tokens are held back and come out with the token
    that completes the character.
    """

    def __init__(self, tokenizer: Any, context_ids: Sequence[int] = (), lookback: int = 8) -> None:
        self.tokenizer = tokenizer
        self.ids = list(context_ids)
        self.emitted = len(self.ids)  # ids[:emitted] have had their text given out
        self.lookback = lookback

    def push(self, token_id: int, final: bool = False) -> str:
        self.ids.append(token_id)
        n = len(self.ids)
        start = max(0, self.emitted - self.lookback)
        decode = self.tokenizer.decode
        after = decode(self.ids[start:n])
        if after.endswith(_REPLACEMENT) and n - self.emitted < 4 and not final:
            return ""
        before = decode(self.ids[start : self.emitted]) if self.emitted > start else ""
        piece = after[len(before) :] if after.startswith(before) else decode(self.ids[self.emitted : n])
        self.emitted = n
        return piece


def _special_ids(tokenizer: Any) -> set[int]:
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
    specials = _special_ids(tokenizer)
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


def not_finite_error() -> LMStudioError:
    return CheckpointError(
        "the model's output is not a number (NaN): its weights are not finite, because training diverged "
        "before this checkpoint was saved or the file is damaged; load another checkpoint"
    )


def _display_text(tokenizer: Any, token_id: int) -> str:
    text = tokenizer.decode([token_id])
    if not text or _REPLACEMENT in text:  # control tokens and lone bytes: show the piece instead
        text = tokenizer.id_to_piece(token_id)
    return text


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


def _advance(
    model: LanguageModel, state: Any, fed: int, new: torch.Tensor, rows: Sequence[Sequence[int]], window: int | None
):
    """Feed new (B, 1) after ``fed`` tokens; past the window, rebuild the state from each row's tail
    (rows: the full id lists, new token included). Returns (last logits (B, V), state, fed)."""
    if window is None or fed + 1 <= window:
        logits, state = model.step(new, state)
        return logits[:, -1], state, fed + 1
    keep = max(1, int(window * SLIDE_KEEP))
    tails = torch.tensor([list(r[-keep:]) for r in rows], dtype=torch.long, device=new.device)
    logits, state = model.step(tails, model.init_state(tails.size(0), new.device))
    return logits[:, -1], state, tails.size(1)


def _prime(model: LanguageModel, context: Sequence[int], batch: int, device: torch.device):
    window = model.context_window
    feed = list(context[-window:]) if window else list(context)
    ids = torch.tensor([feed] * batch, dtype=torch.long, device=device)
    logits, state = model.step(ids, model.init_state(batch, device))
    return logits[:, -1], state, len(feed)


def _draw(logits: torch.Tensor, cfg: SampleConfig, prev: torch.Tensor | None, generator: torch.Generator):
    """Sample from logits (V,) and gather every statistic of the event into one host transfer.

    Returns (next id as a (1,) device tensor, [id, prob, logprob, -entropy, rank - 1,
    top log-probs..., top ids...]). Kept to few tensor operations: this runs once per token.
    Non-finite logits (a NaN model) are not sampled from: the draw is made from a harmless
    distribution, without a device sync, and the NaN statistics it returns raise afterwards.
    """
    if logits.dtype != torch.float32:
        logits = logits.float()
    logp = logits.log_softmax(dim=-1)
    plain = cfg.temperature == 1.0 and cfg.top_k == 0 and cfg.top_p >= 1.0 and cfg.repetition_penalty == 1.0
    probs = (
        logp.exp()
        if plain
        else filtered_distribution(logits, cfg.temperature, cfg.top_k, cfg.top_p, cfg.repetition_penalty, prev)
    )
    if cfg.temperature == 0:
        next_id = probs.argmax().view(1)
    else:
        # multinomial refuses NaN (on CUDA with a device-side assert); the NaN shows in the statistics
        next_id = torch.multinomial(probs.nan_to_num(nan=1.0), 1, generator=generator)  # (1,)
    chosen = logp.gather(0, next_id)
    parts = [
        next_id.to(logp.dtype),
        probs.gather(0, next_id),
        chosen,
        torch.dot(logp.exp(), logp).view(1),
        (logp > chosen).sum().to(logp.dtype).view(1),
    ]
    if cfg.alternatives:
        alt = logp.topk(min(cfg.alternatives, logp.size(0)))
        parts += [alt.values, alt.indices.to(logp.dtype)]  # float32 holds ids exactly below 2**24
    values = torch.cat(parts).tolist()
    # any non-finite logit makes log_softmax NaN somewhere, so the entropy term is NaN
    if math.isnan(values[3]) or math.isnan(values[2]):
        raise not_finite_error()
    return next_id, values


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
    (its :func:`prompt_ids`), or exactly ``context_ids`` when given (a Playground branch).

    The model is put in eval mode while the generator runs and its mode restored afterwards.
    Inference mode is entered per token, never across a ``yield``, so the caller's code between
    tokens runs with autograd as usual.
    """
    device = torch.device(device)
    _check_seed(cfg.seed)
    context = list(context_ids) if context_ids else prompt_ids(tokenizer, prompt)
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
            logits, state, fed = _prime(model, context, 1, device)
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
                    logits, state, fed = _advance(model, state, fed, next_id.view(1, 1), (ids,), window)
                    logits = logits[0]
                prev = history[: len(ids)] if use_history else None
                next_id, values = _draw(logits, cfg, prev, generator)
                if use_history:
                    if len(ids) >= history.numel():
                        history = torch.cat([history, torch.empty_like(history)])
                    history[len(ids)] = next_id
            token_id = int(values[0])
            ids.append(token_id)
            text = decoder.push(token_id, final=index == cfg.max_new_tokens - 1)
            alternatives = []
            k = (len(values) - 5) // 2
            for j in range(k):
                alt_id = int(values[5 + k + j])
                if alt_id not in texts:
                    texts[alt_id] = _display_text(tokenizer, alt_id)
                alternatives.append((alt_id, texts[alt_id], math.exp(values[5 + j])))
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
            )
            tail = (tail + text)[-(len(cfg.stop) + 64) :] if cfg.stop else ""
            yield event
            if cfg.stop and cfg.stop in tail:
                return
    finally:
        model.train(was_training)


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
) -> list[tuple[str, float]]:
    """Up to ``beam_width`` continuations of ``prompt`` as (text, total log-probability in nats),
    best first (``prompt`` as in :func:`generate`, or exactly ``context_ids``). Beams end at the tokenizer's EOS (when it has one) or after ``max_new_tokens``;
    they are ranked by logprob / length ** length_penalty (0 = no length normalization)."""
    device = torch.device(device)
    if not isinstance(beam_width, numbers.Integral) or beam_width < 1:
        raise ConfigError(f"beam width: {beam_width!r} is not a whole number of 1 or more; use 1 to 64 (4 is usual)")
    if not isinstance(max_new_tokens, numbers.Integral) or max_new_tokens < 0:
        raise ConfigError(f"beam search: max_new_tokens {max_new_tokens!r} must be a whole number, 0 or more")
    context = list(context_ids) if context_ids else prompt_ids(tokenizer, prompt)
    eos = getattr(tokenizer, "eos_id", -1)
    eos = -1 if eos is None else eos
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            window = model.context_window
            logits, state, fed = _prime(model, context, 1, device)
            seqs: list[list[int]] = [[]]
            scores = torch.zeros(1, device=device)
            finished: list[tuple[list[int], float]] = []
            for t in range(max_new_tokens):
                if t > 0:
                    new = torch.tensor([[s[-1]] for s in seqs], dtype=torch.long, device=device)
                    rows = [context + s for s in seqs]
                    logits, state, fed = _advance(model, state, fed, new, rows, window)
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
            results.append((text, float(score)))
        return results
    finally:
        model.train(was_training)
