"""How well a model predicts text: loss, perplexity, bits per character, per-token scores.

Translation scores (BLEU, chrF) are in :mod:`.translation_metrics`.

Loss is the mean negative log-likelihood in nats per token, perplexity = exp(loss), bits per
character = total NLL / characters / ln 2 (the figure that compares models across tokenizers).

One context protocol for every architecture (recurrent networks included) and every figure: the
model sees at most a window of ``block_size`` tokens, starting from an empty context (a fresh KV
cache, a zero hidden state), exactly as in training, which draws random windows of that size.
Figures of a split (training's evaluations, ``lmstudio eval`` on the splits) average over
non-overlapping windows, like the training batches; a given text is scored in windows sliding by
half a window, so that every token but the first few has at least half a window of context.

- ``evaluate_tokens`` scores a token split in non-overlapping windows of block_size tokens, in
  order, so the figure is deterministic and every token (but the first) is predicted exactly once.
- ``score_text`` scores a text token by token for a GLTR-style view (Gehrmann et al. 2019: the
  log-probability and the rank of each actual token, the top-1 probability and the ratio to it, the
  entropy of the prediction). Text longer than the window is scored with sliding windows that
  advance by half a window, each token being predicted with at least half a window of context (and
  never more than a window). ``gltr_summary`` (torch-free) turns those per-token figures into
  GLTR's three histograms: rank buckets, p / p(top-1) and entropy.
- ``evaluate_text`` gives ``score_text``'s figures for any text (``lmstudio eval --text``),
  streamed: the text is encoded about a megabyte at a time, scored in batches of those same
  sliding windows, and memory stays bounded whatever its size; ``max_tokens`` stops it early.
  So a text scores the same in the Playground and on the command line.
- Start context: the first token of a text is predicted from the same line start that
  ``generate`` uses for an empty prompt (``context.start_ids``: the encoding of a newline), so
  every character of the text is scored, and never after an untrained ``<s>``.

Bits per character is only meaningful when the tokenizer encodes the text losslessly. An
``<unk>`` token stands for a whole unknown word (or character) but costs the model only the
probability of one class, so a small word vocabulary would report far fewer bits per character
than a character model. Wherever the scored tokens contain ``<unk>``, bits per character is NaN
and ``bits_per_char_note`` says why (``unknown_token_note``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import ConfigError
from ..models.base import LanguageModel
from ..progress import ProgressCallback, report
from .context import not_finite_error, start_ids
from .metrics import bits_per_char, count_unknown, perplexity, unknown_token_note
from .text import IncrementalDecoder

TEXT_CHUNK_CHARS = 1 << 20  # evaluate_text encodes about this many characters at a time


def _check_block(block: int) -> int:
    if not isinstance(block, numbers.Integral) or block < 1:
        raise ConfigError(f"model.block_size: {block!r} is not a whole number of 1 or more; evaluation windows need it")
    return block


def _window_nll(model: LanguageModel, data: np.ndarray, block: int, device: torch.device, batch_size: int) -> float:
    """Sum of -log p over the len(data) - 1 predictions of ``data`` (1-D ids), in non-overlapping
    windows of ``block`` tokens, each from an empty context. The model must be in eval mode."""
    n_pred = len(data) - 1
    starts = list(range(0, n_pred, block))
    total = 0.0
    for b in range(0, len(starts), batch_size):
        group = starts[b : b + batch_size]
        x = torch.zeros(len(group), block, dtype=torch.long)
        y = torch.full((len(group), block), -1, dtype=torch.long)
        width = 0
        for row, s in enumerate(group):
            n = min(block, n_pred - s)
            chunk = torch.from_numpy(np.asarray(data[s : s + n + 1]).astype(np.int64))
            x[row, :n] = chunk[:-1]
            y[row, :n] = chunk[1:]
            width = max(width, n)
        # a short last window: drop the all-padding columns rather than compute them
        x, y = x[:, :width].to(device), y[:, :width].to(device)
        logits, _ = model(x)
        total += F.cross_entropy(
            logits.float().reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=-1, reduction="sum"
        ).item()
    if math.isnan(total):
        raise not_finite_error()
    return total


def evaluate_tokens(
    model: LanguageModel,
    ids: np.ndarray,
    block_size: int | None = None,
    device: torch.device | str = "cpu",
    batch_size: int = 16,
    max_tokens: int | None = None,
) -> dict[str, float]:
    """Mean loss over ``ids`` (1-D) -> {"loss", "perplexity", "tokens"} (tokens = predictions made).

    ``block_size`` defaults to the model's; ``max_tokens`` caps the predictions (the first ones).
    """
    device = torch.device(device)
    block = _check_block(block_size or model.config.block_size)
    data = np.asarray(ids) if not isinstance(ids, np.ndarray) else ids
    if max_tokens is not None:
        data = data[: max(0, max_tokens) + 1]
    n_pred = len(data) - 1
    if n_pred < 1:
        return {"loss": math.nan, "perplexity": math.nan, "tokens": 0}
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            total = _window_nll(model, data, block, device, batch_size)
    finally:
        model.train(was_training)
    loss = total / n_pred
    return {"loss": loss, "perplexity": perplexity(loss), "tokens": n_pred}


def _text_pieces(lines: Iterable[str], chunk_chars: int = TEXT_CHUNK_CHARS) -> Iterator[str]:
    """``"\\n".join(lines)`` in pieces of about ``chunk_chars`` characters, cut at line ends (where
    every tokenizer ends a token, so the ids equal those of the whole text), and inside a line longer
    than a piece before a space (a cut that may split one word differently from a single encoding)."""
    parts: list[str] = []
    size = 0
    first = True
    for line in lines:
        text = line if first else "\n" + line
        first = False
        while len(text) > chunk_chars:
            cut = text.rfind(" ", chunk_chars // 2, chunk_chars)
            cut = cut if cut > 0 else chunk_chars
            parts.append(text[:cut])
            yield "".join(parts)
            parts, size = [], 0
            text = text[cut:]
        parts.append(text)
        size += len(text)
        if size >= chunk_chars:
            yield "".join(parts)
            parts, size = [], 0
    if parts:
        yield "".join(parts)


def _windows_nll(model: LanguageModel, windows: list[tuple[np.ndarray, np.ndarray]], device: torch.device) -> float:
    """Sum of -log p over the counted targets of ``windows`` [(x ids, y ids with -1 = not counted)],
    run as one batch from an empty context each. The model must be in eval mode."""
    width = max(len(x) for x, _ in windows)
    x = torch.zeros(len(windows), width, dtype=torch.long)
    y = torch.full((len(windows), width), -1, dtype=torch.long)
    for row, (xi, yi) in enumerate(windows):
        x[row, : len(xi)] = torch.from_numpy(xi)
        y[row, : len(yi)] = torch.from_numpy(yi)
    logits, _ = model(x.to(device))
    total = F.cross_entropy(
        logits.float().reshape(-1, logits.size(-1)), y.to(device).reshape(-1), ignore_index=-1, reduction="sum"
    ).item()
    if math.isnan(total):
        raise not_finite_error()
    return total


def evaluate_text(
    model: LanguageModel,
    tokenizer: Any,
    lines: Iterable[str],
    *,
    block_size: int | None = None,
    device: torch.device | str = "cpu",
    batch_size: int = 16,
    max_tokens: int | None = None,
    progress: ProgressCallback | None = None,
    chunk_chars: int = TEXT_CHUNK_CHARS,
) -> dict[str, Any]:
    """Loss, perplexity and bits per character of the text ``"\\n".join(lines)``, streamed.

    The same figures as ``score_text`` gives for that text (the same start context, the same
    windows sliding by half a window), computed without holding the text: it is encoded about
    ``chunk_chars`` characters at a time and scored in batches of ``batch_size`` windows, so memory
    stays bounded whatever its size. Returns {"loss", "perplexity", "bits_per_char",
    "bits_per_char_note", "tokens", "chars", "unknown_tokens", "complete"}: ``tokens`` predictions
    were made (every token of the text, up to ``max_tokens``; 0 or None = all); ``chars`` is the
    length of the text they cover; ``complete`` is False when ``max_tokens`` stopped it early.
    ``progress(tokens, max_tokens, message)`` is called after every piece.
    """
    device = torch.device(device)
    window = _check_block(block_size or model.config.block_size)
    if batch_size < 1 or chunk_chars < 1:
        raise ConfigError(
            f"evaluate_text: batch_size ({batch_size}) and chunk_chars ({chunk_chars}) must be at least 1"
        )
    stride = max(1, window // 2)
    limit = None if not max_tokens or max_tokens <= 0 else int(max_tokens)
    buf = np.asarray(start_ids(tokenizer)[-1:], dtype=np.int64)  # ids from global position `base` on
    base = 0
    end = 0  # the last position predicted so far (position 0 is the start context)
    batch: list[tuple[np.ndarray, np.ndarray]] = []
    total = 0.0
    chars = n_unk = 0
    complete = True

    def take_windows(final: bool) -> None:
        # cut the windows that the ids known so far allow (all of them when `final`)
        nonlocal end, base, buf, total
        while True:
            known_last = base + len(buf) - 1
            target = end + (window if end == 0 else stride)
            if target > known_last:
                if not final or known_last <= end:
                    break
                target = known_last
            start = max(0, target - window)
            ids = buf[start - base : target + 1 - base]
            y = ids[1:].copy()
            y[: end - start] = -1  # targets up to `end` were counted by an earlier window
            batch.append((ids[:-1].copy(), y))
            end = target
            if len(batch) == batch_size:
                with torch.inference_mode():
                    total += _windows_nll(model, batch, device)
                batch.clear()
        keep = max(0, end - window) - base  # the next window starts after end - window
        if keep > 0:
            buf, base = buf[keep:], base + keep

    was_training = model.training
    model.eval()
    try:
        for piece in _text_pieces(lines, chunk_chars):
            room = None if limit is None else limit - (base + len(buf) - 1)
            if room is not None and room <= 0:
                complete = False
                break
            encode = getattr(tokenizer, "encode_to_array", None)
            ids = np.asarray(encode(piece) if encode else tokenizer.encode(piece), dtype=np.int64)
            if room is not None and len(ids) > room:
                ids = ids[:room]
                complete = False
                chars += len(tokenizer.decode(ids.tolist()))  # exact for a lossless tokenizer
            else:
                chars += len(piece)
            n_unk += count_unknown(ids, tokenizer)
            buf = np.concatenate([buf, ids])
            take_windows(final=False)
            report(progress, end, limit, "scoring")
            if not complete:
                break
        take_windows(final=True)
        if batch:
            with torch.inference_mode():
                total += _windows_nll(model, batch, device)
        report(progress, end, limit or end, "scoring")
    finally:
        model.train(was_training)
    n_pred = end
    if n_pred == 0:
        return {
            "loss": math.nan,
            "perplexity": math.nan,
            "bits_per_char": math.nan,
            "bits_per_char_note": "no text",
            "tokens": 0,
            "chars": 0,
            "unknown_tokens": 0,
            "complete": True,
        }
    loss = total / n_pred
    note = unknown_token_note(n_unk, n_pred)
    return {
        "loss": loss,
        "perplexity": perplexity(loss),
        "bits_per_char": math.nan if note else bits_per_char(total, chars),
        "bits_per_char_note": note,
        "tokens": n_pred,
        "chars": chars,
        "unknown_tokens": n_unk,
        "complete": complete,
    }


def _score_ids(model: LanguageModel, ids: list[int], n_context: int, device: torch.device):
    """Scores of ids[n_context:], each given all ids before it within the model's window: four 1-D
    tensors, the token's log-prob (nats), its rank (1 = most likely; ties count in its favour, so a
    token as likely as the best has rank 1), the top-1 log-prob and the entropy (nats) of the whole
    predictive distribution at that position."""
    window = model.context_window or model.config.block_size
    full = torch.tensor(ids, dtype=torch.long, device=device)
    logprobs, ranks, tops, entropies = [], [], [], []

    def score(x_start: int, x_end: int, first_target: int) -> None:
        # predicts ids[x_start+1 .. x_end]; keeps targets from first_target on
        logits, _ = model(full[x_start:x_end].unsqueeze(0))
        logits = logits[0, first_target - x_start - 1 :].float()
        targets = full[first_target : x_end + 1]
        logp = logits.log_softmax(dim=-1)
        chosen = logp.gather(-1, targets[:, None])
        logprobs.append(chosen[:, 0])
        ranks.append((logp > chosen).sum(dim=-1) + 1)
        tops.append(logp.max(dim=-1).values)
        p = logp.exp()
        # -sum p log p, a class of probability 0 (a logit of -inf) adding 0 rather than NaN
        entropies.append(-torch.where(p > 0, p * logp, torch.zeros_like(p)).sum(dim=-1))

    n = len(ids)
    stride = max(1, window // 2)
    end = min(n - 1, window)  # the first window predicts ids[1 .. end]
    score(0, end, n_context)
    while end < n - 1:
        new_end = min(n - 1, end + stride)
        score(max(0, new_end - window), new_end, end + 1)
        end = new_end
    return torch.cat(logprobs), torch.cat(ranks), torch.cat(tops), torch.cat(entropies)


def score_text(model: LanguageModel, tokenizer: Any, text: str, device: torch.device | str = "cpu") -> dict[str, Any]:
    """Per-token scores of ``text``: {"loss", "perplexity", "bits_per_char", "bits_per_char_note",
    "total_logprob", "tokens", "chars", "unknown_tokens", "per_token": [{"id", "text", "logprob",
    "rank", "prob", "top_prob", "ratio", "entropy"}], "gltr"}. bits_per_char is NaN, with the reason
    in bits_per_char_note, when the text holds <unk> tokens.

    Per token, for GLTR's view: ``top_prob`` is the probability of the model's most likely token at
    that position, ``ratio`` = prob / top_prob (exactly 1.0 where rank = 1), ``entropy`` the entropy in
    nats of the whole predictive distribution there (how unsure the model was before seeing the token).
    ``gltr`` is :func:`gltr_summary` of ``per_token``."""
    device = torch.device(device)
    context = start_ids(tokenizer)
    ids = list(tokenizer.encode(text)) if text else []
    if not ids:
        return {
            "loss": math.nan,
            "perplexity": math.nan,
            "bits_per_char": math.nan,
            "bits_per_char_note": "no text",
            "total_logprob": 0.0,
            "tokens": 0,
            "chars": len(text),
            "unknown_tokens": 0,
            "per_token": [],
            "gltr": gltr_summary([]),
        }
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            logprobs, ranks, tops, entropies = _score_ids(model, context + ids, len(context), device)
            lp, rk = logprobs.double().cpu().tolist(), ranks.cpu().tolist()
            top, ent = tops.double().cpu().tolist(), entropies.double().cpu().tolist()
    finally:
        model.train(was_training)
    if any(math.isnan(v) for v in lp):
        raise not_finite_error()
    decoder = IncrementalDecoder(tokenizer, context)
    per_token = []
    for i, (token_id, logprob, rank, top_lp, entropy) in enumerate(zip(ids, lp, rk, top, ent)):
        piece = decoder.push(token_id, final=i == len(ids) - 1)
        per_token.append(
            {
                "id": token_id,
                "text": piece,
                "logprob": logprob,
                "rank": int(rank),
                "prob": math.exp(logprob),
                "top_prob": math.exp(top_lp),
                # from the log-probs, not prob / top_prob: exactly 1.0 for the top token (equal floats)
                "ratio": 1.0 if rank == 1 else min(1.0, math.exp(logprob - top_lp)),
                "entropy": max(0.0, entropy),
            }
        )
    total = -sum(lp)
    loss = total / len(ids)
    n_unk = count_unknown(ids, tokenizer)
    note = unknown_token_note(n_unk, len(ids))
    return {
        "loss": loss,
        "perplexity": perplexity(loss),
        "bits_per_char": math.nan if note else bits_per_char(total, len(text)),
        "bits_per_char_note": note,
        "total_logprob": -total,
        "tokens": len(ids),
        "chars": len(text),
        "unknown_tokens": n_unk,
        "per_token": per_token,
        "gltr": gltr_summary(per_token),
    }


# GLTR's summary -------------------------------------------------------------------------------------------

GLTR_RANK_EDGES = (1, 10, 100)  # the last rank of each bucket but the last: 1 | 2-10 | 11-100 | 101 and beyond
GLTR_BUCKET_LABELS = ("top 1", "top 10", "top 100", "rest")
GLTR_RATIO_BINS = 10


def _histogram(values: list[float], lo: float, hi: float, bins: int) -> dict[str, list]:
    """{"counts": bins ints, "edges": bins + 1 floats} of ``values`` over [lo, hi] in equal bins; a bin
    holds lo <= v < its right edge, the last one its right edge too (as numpy.histogram)."""
    edges = [lo + (hi - lo) * k / bins for k in range(bins + 1)]
    counts = [0] * bins
    for v in values:
        k = int((v - lo) / (hi - lo) * bins) if hi > lo else 0
        counts[min(bins - 1, max(0, k))] += 1
    return {"counts": counts, "edges": edges}


def gltr_summary(per_token: list[dict], entropy_bins: int = 10) -> dict[str, Any]:
    """GLTR's summary of a scored text (Gehrmann et al. 2019), from ``score_text``'s ``per_token``.

    Returns {"tokens", "buckets", "bucket_labels", "bucket_shares", "ratio_hist", "entropy_hist",
    "mean_rank", "mean_ratio", "mean_entropy_bits", "mean_surprisal_bits"}:

    - ``buckets``: how many tokens the model ranked 1 (its top prediction), 2-10, 11-100, and 101 or
      beyond (``GLTR_RANK_EDGES`` (1, 10, 100): a token of rank r falls in the first bucket whose edge
      is >= r), labelled "top 1", "top 10", "top 100", "rest"; ``bucket_shares`` the same as fractions.
      Text sampled from a model sits mostly in the first buckets; human text has more in the last ones.
    - ``ratio_hist``: {"counts", "edges"} of p(token) / p(top-1) in 10 equal bins over [0, 1] (a ratio
      of 1, the top token, counts in the last bin).
    - ``entropy_hist``: {"counts", "edges"} of each position's predictive entropy in bits, in
      ``entropy_bins`` equal bins from 0 to the next whole bit above the largest (at least 1 bit).
    - the means of rank, ratio, entropy (bits) and surprisal -log2 p (bits); NaN with no token.

    Tokens without ``ratio`` or ``entropy`` (scores made elsewhere, e.g. a translation's) count in the
    buckets only, so those histograms may hold fewer tokens than ``tokens``. Torch-free."""
    if entropy_bins < 1:
        raise ConfigError(f"gltr_summary: entropy_bins is {entropy_bins!r}; it must be at least 1")
    buckets = [0] * (len(GLTR_RANK_EDGES) + 1)
    ranks, ratios, entropies, surprisals = [], [], [], []
    for token in per_token:
        rank = int(token["rank"])
        buckets[next((k for k, edge in enumerate(GLTR_RANK_EDGES) if rank <= edge), len(GLTR_RANK_EDGES))] += 1
        ranks.append(rank)
        if "ratio" in token:
            ratios.append(float(token["ratio"]))
        if "entropy" in token:
            entropies.append(float(token["entropy"]) / math.log(2))
        if "logprob" in token:
            surprisals.append(-float(token["logprob"]) / math.log(2))
    n = len(per_token)
    top_bits = max(1.0, float(math.ceil(max(entropies)))) if entropies else 1.0

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else math.nan

    return {
        "tokens": n,
        "buckets": buckets,
        "bucket_labels": list(GLTR_BUCKET_LABELS),
        "bucket_shares": [c / n if n else 0.0 for c in buckets],
        "ratio_hist": _histogram(ratios, 0.0, 1.0, GLTR_RATIO_BINS),
        "entropy_hist": _histogram(entropies, 0.0, top_bits, entropy_bins),
        "mean_rank": mean(ranks),
        "mean_ratio": mean(ratios),
        "mean_entropy_bits": mean(entropies),
        "mean_surprisal_bits": mean(surprisals),
    }
