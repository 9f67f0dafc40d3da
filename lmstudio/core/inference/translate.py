"""Decoding an encoder-decoder: greedy (batched, for evaluation) and beam search with a length penalty.

Both feed the decoder through the model's ``step`` with its caches (:mod:`lmstudio.core.models.seq2seq`), so a
token costs one decoder step, never a pass over everything decoded so far. The source is the tokenizer's
encoding followed by EOS, exactly as training saw it (:func:`lmstudio.core.dataset.pairs.encode_pairs`); the
target starts at BOS and ends at the first EOS, which is not part of the output.

How long a translation may get: ``max_ratio`` times the source's tokens plus ``max_extra`` (a translation is
rarely more than twice its source), and never past the model's own limit (learned positions:
``block_size`` target tokens). A source longer than the model accepts is a ConfigError naming the limit.

Beam search keeps ``beam`` hypotheses per source; a finished one (EOS) leaves the beam and is ranked by its log
probability divided by GNMT's length penalty ((5 + length) / 6) ** alpha (alpha 0: raw log probability, which
favours short outputs; the usual 0.6 to 1.0 removes that bias). It stops when no open hypothesis can beat the
best finished one or the length limit is reached.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from ..errors import ConfigError
from ..models.seq2seq import Seq2SeqModel

MAX_RATIO = 2.0
MAX_EXTRA = 10


@dataclass
class Translation:
    """One decoded target: ids (without BOS and EOS), the text, and the log probability of the ids and of the
    closing EOS (``finished``: False when the length limit cut it before EOS)."""

    ids: list[int]
    text: str
    logprob: float
    finished: bool
    token_logprobs: list[float] = field(default_factory=list)


def length_penalty(length: int, alpha: float) -> float:
    """GNMT's length penalty ((5 + length) / 6) ** alpha (Wu et al., 2016)."""
    return ((5.0 + length) / 6.0) ** alpha


def source_ids(tokenizer: Any, text: str, model: Seq2SeqModel) -> list[int]:
    """The source as training fed it: the encoding and EOS; a ConfigError if it is longer than the model takes."""
    ids = list(tokenizer.encode(text)) + [tokenizer.eos_id]
    limit = getattr(model, "max_context", None)
    if limit is not None and len(ids) > limit:
        raise ConfigError(
            f"the source is {len(ids):,} tokens (with EOS) but this model reads at most {limit:,} "
            f"(its block size, learned positions); shorten the text or split it into sentences"
        )
    return ids


def max_target_length(model: Seq2SeqModel, source_length: int, max_ratio: float, max_extra: int) -> int:
    n = max(1, int(math.ceil(max_ratio * source_length)) + int(max_extra))
    limit = getattr(model, "max_context", None)
    return n if limit is None else min(n, limit)


def _pad(sources: Sequence[Sequence[int]], pad_id: int, device) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in sources)
    src = torch.full((len(sources), width), pad_id, dtype=torch.long)
    for row, ids in enumerate(sources):
        src[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    mask = torch.arange(width)[None, :] < torch.tensor([len(s) for s in sources])[:, None]
    return src.to(device), mask.to(device)


@torch.inference_mode()
def greedy_decode(
    model: Seq2SeqModel,
    sources: Sequence[Sequence[int]],
    *,
    bos_id: int,
    eos_id: int,
    pad_id: int,
    device: torch.device | str = "cpu",
    max_ratio: float = MAX_RATIO,
    max_extra: int = MAX_EXTRA,
) -> list[tuple[list[int], list[float], bool]]:
    """The most probable next token at every step, for a batch of source id lists (each ending in EOS).

    Returns per source (ids without BOS/EOS, their log probabilities plus EOS's when finished, finished). Rows
    that finish keep being fed (their outputs are ignored) until every row has finished or reached its limit.
    """
    if not sources:
        return []
    was_training = model.training
    model.eval()
    try:
        src, mask = _pad(sources, pad_id, device)
        limits = [max_target_length(model, len(s), max_ratio, max_extra) for s in sources]
        state = model.init_state(model.encode(src, mask))
        b = len(sources)
        feed = torch.full((b, 1), bos_id, dtype=torch.long, device=device)
        out: list[list[int]] = [[] for _ in range(b)]
        logps: list[list[float]] = [[] for _ in range(b)]
        finished = [False] * b
        for t in range(max(limits)):
            logits, state = model.step(feed, state, last_only=True)
            logp = logits[:, -1].float().log_softmax(-1)
            best, nxt = logp.max(-1)
            for row, (token, lp) in enumerate(zip(nxt.tolist(), best.tolist())):
                if finished[row] or t >= limits[row]:
                    continue
                logps[row].append(lp)
                if token == eos_id:
                    finished[row] = True
                else:
                    out[row].append(token)
            if all(finished[row] or t + 1 >= limits[row] for row in range(b)):
                break
            feed = nxt.view(b, 1)
        return [(out[row], logps[row], finished[row]) for row in range(b)]
    finally:
        model.train(was_training)


@torch.inference_mode()
def beam_decode(
    model: Seq2SeqModel,
    source: Sequence[int],
    *,
    bos_id: int,
    eos_id: int,
    pad_id: int,
    beam: int = 4,
    alpha: float = 0.6,
    device: torch.device | str = "cpu",
    max_ratio: float = MAX_RATIO,
    max_extra: int = MAX_EXTRA,
) -> list[tuple[list[int], list[float], bool]]:
    """Beam search for one source: up to ``beam`` hypotheses, best first by length-penalised log probability."""
    if beam < 1:
        raise ConfigError(f"beam: {beam}; use a width of 1 or more")
    was_training = model.training
    model.eval()
    try:
        src, mask = _pad([source], pad_id, device)
        limit = max_target_length(model, len(source), max_ratio, max_extra)
        state = model.init_state(model.encode(src, mask))
        # open hypotheses: (ids, token log probs, total); all start from BOS in row 0 of the state
        open_: list[tuple[list[int], list[float], float]] = [([], [], 0.0)]
        done: list[tuple[list[int], list[float], bool, float]] = []
        feed = torch.full((1, 1), bos_id, dtype=torch.long, device=device)
        for _ in range(limit):
            logits, state = model.step(feed, state, last_only=True)
            logp = logits[:, -1].float().log_softmax(-1)  # (open, V)
            totals = torch.tensor([h[2] for h in open_], device=logp.device)[:, None] + logp
            k = min(2 * beam, totals.numel())  # enough to refill the beam after some finish
            values, flat = totals.view(-1).topk(k)
            rows, tokens = (flat // logp.size(1)).tolist(), (flat % logp.size(1)).tolist()
            keep_rows, next_open = [], []
            for value, row, token in zip(values.tolist(), rows, tokens):
                ids, lps, _ = open_[row]
                lp = float(logp[row, token])
                if token == eos_id:
                    done.append((ids, lps + [lp], True, value / length_penalty(len(ids) + 1, alpha)))
                elif len(next_open) < beam:
                    next_open.append((ids + [token], lps + [lp], value))
                    keep_rows.append(row)
                if len(next_open) == beam:
                    break
            if not next_open:
                break
            best_done = max((d[3] for d in done), default=-math.inf)
            # the log probability only falls; a hypothesis' best possible score is its total now, penalised by
            # the longest length it could reach (alpha >= 0 makes the penalty grow with length)
            best_open = max(h[2] / length_penalty(limit, alpha) if alpha > 0 else h[2] for h in next_open)
            open_ = next_open
            if len(done) >= beam and best_done >= best_open:
                break
            index = torch.tensor(keep_rows, dtype=torch.long, device=device)
            state = model.reorder_state(state, index)
            feed = torch.tensor([[h[0][-1]] for h in open_], dtype=torch.long, device=device)
        for ids, lps, total in open_:  # cut by the length limit: ranked like the others, marked unfinished
            if len(done) < beam or not any(d[2] for d in done):
                done.append((ids, lps, False, total / length_penalty(len(ids), alpha)))
        done.sort(key=lambda d: d[3], reverse=True)
        return [(ids, lps, fin) for ids, lps, fin, _ in done[:beam]]
    finally:
        model.train(was_training)


def translate(
    model: Seq2SeqModel,
    source_tokenizer: Any,
    target_tokenizer: Any,
    texts: Sequence[str],
    *,
    beam: int = 1,
    alpha: float = 0.6,
    device: torch.device | str = "cpu",
    max_ratio: float = MAX_RATIO,
    max_extra: int = MAX_EXTRA,
) -> list[Translation]:
    """Translate ``texts``: greedy (``beam`` 1, all texts in one batch) or beam search (one text at a time)."""
    sources = [source_ids(source_tokenizer, text, model) for text in texts]
    specials = dict(
        bos_id=target_tokenizer.bos_id,
        eos_id=target_tokenizer.eos_id,
        pad_id=source_tokenizer.pad_id,
        device=device,
        max_ratio=max_ratio,
        max_extra=max_extra,
    )
    if beam == 1:
        decoded = greedy_decode(model, sources, **specials)
    else:
        decoded = [beam_decode(model, s, beam=beam, alpha=alpha, **specials)[0] for s in sources]
    return [
        Translation(ids, target_tokenizer.decode(ids), float(sum(lps)), finished, lps) for ids, lps, finished in decoded
    ]


def translate_store(
    model: Seq2SeqModel,
    store: Any,
    target_tokenizer: Any,
    *,
    pad_id: int,
    n: int | None = None,
    beam: int = 1,
    alpha: float = 0.6,
    device: torch.device | str = "cpu",
    batch_size: int = 64,
    progress: Any = None,
) -> list[str]:
    """Translations of the first ``n`` pairs of a :class:`~lmstudio.core.dataset.pairs.PairStore` (all when
    None), in store order: greedy in batches of sources of similar length (longest first), or beam search one
    source at a time. ``progress(done, total)`` is called after each batch or source."""
    n = len(store) if n is None else min(n, len(store))
    order = sorted(range(n), key=lambda i: -int(store.src_lengths[i]))
    outputs: list[str] = [""] * n
    specials = dict(bos_id=target_tokenizer.bos_id, eos_id=target_tokenizer.eos_id, pad_id=pad_id, device=device)
    step = batch_size if beam == 1 else 1
    for begin in range(0, n, step):
        rows = order[begin : begin + step]
        sources = [store.source(i).tolist() for i in rows]
        if beam == 1:
            decoded = greedy_decode(model, sources, **specials)
        else:
            decoded = [beam_decode(model, sources[0], beam=beam, alpha=alpha, **specials)[0]]
        for i, (ids, _, _) in zip(rows, decoded):
            outputs[i] = target_tokenizer.decode(ids)
        if progress is not None:
            progress(min(n, begin + step), n)
    return outputs


@torch.inference_mode()
def pair_store_loss(
    model: Seq2SeqModel, store: Any, *, device: torch.device | str = "cpu", batch_size: int = 32
) -> dict:
    """The loss of every pair of a store, as a mean over target tokens (EOS included): loss, perplexity, tokens."""
    from ..dataset.pairs import PairBatcher

    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    try:
        for src, mask, tgt_in, targets in PairBatcher(store, batch_size, shuffle=False):
            src, mask, tgt_in, targets = (t.to(device) for t in (src, mask, tgt_in, targets))
            logits, _ = model(src, mask, tgt_in)
            n = int((targets != -1).sum())
            total += float(model.loss_from_logits(logits.float(), targets)) * n
            count += n
    finally:
        model.train(was_training)
    loss = total / max(1, count)
    return {"loss": loss, "perplexity": math.exp(min(loss, 700.0)), "tokens": count, "pairs": len(store)}


def translate_stream(
    model: Seq2SeqModel,
    source_tokenizer: Any,
    target_tokenizer: Any,
    source: str,
    cfg: Any,
    device: torch.device | str = "cpu",
    *,
    prefix_ids: Sequence[int] | None = None,
    max_ratio: float = MAX_RATIO,
    max_extra: int = MAX_EXTRA,
) -> Iterator[Any]:
    """Translate ``source`` one target token at a time, yielding the language models' :class:`TokenEvent` (id,
    text, probabilities, alternatives, entropy, rank), so the Playground's chips, alternatives and branching
    work unchanged. ``cfg`` is a :class:`~lmstudio.core.config.SampleConfig` (temperature 0: greedy).

    ``prefix_ids`` are target tokens taken as given (a branch: the output up to a token, then an alternative);
    their events are not yielded again, generation continues after them. It ends at EOS (not yielded), at
    ``cfg.max_new_tokens`` or at the length limit (``max_ratio`` x the source's tokens + ``max_extra``).
    Each event's ``prefix_ids`` are the target ids before it.
    """
    from .generation import TokenEvent, _check_seed, _draw, alternatives_of
    from .text import IncrementalDecoder

    device = torch.device(device)
    _check_seed(cfg.seed)
    src_ids = source_ids(source_tokenizer, source, model)
    prefix = [int(i) for i in (prefix_ids or [])]
    limit = min(max_target_length(model, len(src_ids), max_ratio, max_extra), len(prefix) + cfg.max_new_tokens)
    was_training = model.training
    model.eval()
    try:
        generator = torch.Generator(device=device)
        if cfg.seed is None:
            generator.seed()
        else:
            generator.manual_seed(cfg.seed)
        with torch.inference_mode():
            src, mask = _pad([src_ids], source_tokenizer.pad_id, device)
            state = model.init_state(model.encode(src, mask))
            feed = torch.tensor([[target_tokenizer.bos_id, *prefix]], dtype=torch.long, device=device)
            logits, state = model.step(feed, state, last_only=True)
        ids = list(prefix)
        decoder = IncrementalDecoder(target_tokenizer, prefix)
        texts: dict[int, str] = {}
        index = 0
        next_id = torch.empty(1, dtype=torch.long, device=device)
        while len(ids) < limit:
            with torch.inference_mode():
                if index > 0:
                    logits, state = model.step(next_id.view(1, 1), state, last_only=True)
                prev = torch.tensor(ids, dtype=torch.long, device=device) if cfg.repetition_penalty != 1.0 else None
                next_id, values = _draw(logits[0, -1], cfg, prev, generator)
            token_id = int(values[0])
            if token_id == target_tokenizer.eos_id:
                return
            ids.append(token_id)
            text = decoder.push(token_id, final=len(ids) >= limit)
            alternatives = alternatives_of(values, target_tokenizer, texts, eos_label="<eos>")
            yield TokenEvent(
                index=index,
                id=token_id,
                text=text,
                prob=values[1],
                raw_prob=math.exp(values[2]),
                logprob=values[2],
                entropy=-values[3],
                rank=int(values[4]) + 1,
                alternatives=alternatives,
                _history=ids,
                _at=len(ids) - 1,
            )
            index += 1
    finally:
        model.train(was_training)


@torch.inference_mode()
def alignment_matrix(
    model: Seq2SeqModel,
    source_tokenizer: Any,
    target_tokenizer: Any,
    source: str,
    target_ids: Sequence[int],
    device="cpu",
) -> tuple[list[int], Any]:
    """The cross-attention of the decoder over ``source`` while it reads BOS + ``target_ids``: (the source ids,
    EOS included, and a (len(target_ids) + 1, len(source ids)) numpy array; row i is the attention when
    predicting target token i, the last row when predicting EOS). ConfigError for a model without attention."""
    src_ids = source_ids(source_tokenizer, source, model)
    src, mask = _pad([src_ids], source_tokenizer.pad_id, device)
    tgt_in = torch.tensor([[target_tokenizer.bos_id, *target_ids]], dtype=torch.long, device=device)
    was_training = model.training
    model.eval()
    try:
        weights = model.alignment(src, mask, tgt_in)[0]
    finally:
        model.train(was_training)
    return src_ids, weights.float().cpu().numpy()


@torch.inference_mode()
def score_translation(
    model: Seq2SeqModel, source_tokenizer: Any, target_tokenizer: Any, source: str, target: str, device="cpu"
) -> dict:
    """log P(target | source) under the model: the target's ids, each token's log probability (EOS's last) and
    the total in nats, with the per-token mean and its perplexity."""
    src_ids = source_ids(source_tokenizer, source, model)
    tgt_ids = list(target_tokenizer.encode(target))
    limit = getattr(model, "max_context", None)
    if limit is not None and len(tgt_ids) + 1 > limit:
        raise ConfigError(
            f"the target is {len(tgt_ids) + 1:,} tokens (with EOS) but this model writes at most {limit:,}; shorten it"
        )
    src, mask = _pad([src_ids], source_tokenizer.pad_id, device)
    tgt_in = torch.tensor([[target_tokenizer.bos_id, *tgt_ids]], dtype=torch.long, device=device)
    gold = torch.tensor([*tgt_ids, target_tokenizer.eos_id], dtype=torch.long, device=device)
    was_training = model.training
    model.eval()
    try:
        logits, _ = model(src, mask, tgt_in)
    finally:
        model.train(was_training)
    logp = logits[0].float().log_softmax(-1).gather(1, gold[:, None])[:, 0].tolist()
    total = float(sum(logp))
    return {
        "ids": tgt_ids,
        "token_logprobs": logp,
        "logprob": total,
        "mean_logprob": total / len(logp),
        "perplexity": math.exp(min(-total / len(logp), 700.0)),
    }
