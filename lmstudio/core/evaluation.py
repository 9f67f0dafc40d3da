"""How well a model predicts text: loss, perplexity, bits per character, per-token scores, BLEU.

Loss is the mean negative log-likelihood in nats per token, perplexity = exp(loss), bits per
character = total NLL / characters / ln 2 (the figure that compares models across tokenizers).

- ``evaluate_tokens`` scores a token split in non-overlapping windows of block_size tokens, in
  order, so the figure is deterministic and every token (but the first) is predicted exactly once.
  Each window starts from an empty context (recurrent networks too).
- ``score_text`` scores any text token by token for a GLTR-style view (Gehrmann et al. 2019: the
  log-probability and the rank of each actual token). The first token is predicted from the same
  start context ``generate`` uses for an empty prompt (BOS, else a newline), so every character of
  the text is scored. Text longer than the model's window is scored with sliding windows that
  advance by half a window, each token being predicted with at least half a window of context.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .generation import IncrementalDecoder, start_ids
from .models.base import LanguageModel


def perplexity(loss: float) -> float:
    """exp(mean NLL in nats); inf when that overflows."""
    return math.exp(loss) if loss < 700 else math.inf


def bits_per_char(total_nll_nats: float, n_chars: int) -> float:
    return total_nll_nats / max(1, n_chars) / math.log(2)


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
    block = block_size or model.config.block_size
    data = np.asarray(ids)
    if max_tokens is not None:
        data = data[: max_tokens + 1]
    n_pred = len(data) - 1
    if n_pred < 1:
        return {"loss": math.nan, "perplexity": math.nan, "tokens": 0}
    starts = list(range(0, n_pred, block))
    total = 0.0
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for b in range(0, len(starts), batch_size):
                group = starts[b : b + batch_size]
                x = torch.zeros(len(group), block, dtype=torch.long)
                y = torch.full((len(group), block), -1, dtype=torch.long)
                width = 0
                for row, s in enumerate(group):
                    n = min(block, n_pred - s)
                    chunk = torch.from_numpy(data[s : s + n + 1].astype(np.int64))
                    x[row, :n] = chunk[:-1]
                    y[row, :n] = chunk[1:]
                    width = max(width, n)
                # a short last window: drop the all-padding columns rather than compute them
                x, y = x[:, :width].to(device), y[:, :width].to(device)
                logits, _ = model(x)
                total += F.cross_entropy(
                    logits.float().reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=-1, reduction="sum"
                ).item()
    finally:
        model.train(was_training)
    loss = total / n_pred
    return {"loss": loss, "perplexity": perplexity(loss), "tokens": n_pred}


def _score_ids(model: LanguageModel, ids: list[int], n_context: int, device: torch.device):
    """Log-prob (nats), rank (1 = most likely) of ids[n_context:], each given all ids before it
    within the model's window. Returns two 1-D tensors."""
    window = model.context_window
    full = torch.tensor(ids, dtype=torch.long, device=device)
    logprobs, ranks = [], []

    def score(x_start: int, x_end: int, first_target: int) -> None:
        # predicts ids[x_start+1 .. x_end]; keeps targets from first_target on
        logits, _ = model(full[x_start:x_end].unsqueeze(0))
        logits = logits[0, first_target - x_start - 1 :].float()
        targets = full[first_target : x_end + 1]
        logp = logits.log_softmax(dim=-1)
        chosen = logp.gather(-1, targets[:, None])
        logprobs.append(chosen[:, 0])
        ranks.append((logp > chosen).sum(dim=-1) + 1)

    n = len(ids)
    if window is None:  # recurrent: one pass over everything, state carried (chunked to bound memory)
        state = model.init_state(1, device)
        chunk = max(1, model.config.block_size) * 8
        for s in range(0, n - 1, chunk):
            e = min(n - 1, s + chunk)
            logits, state = model.step(full[s:e].unsqueeze(0), state)
            logp = logits[0].float().log_softmax(dim=-1)
            targets = full[s + 1 : e + 1]
            chosen = logp.gather(-1, targets[:, None])
            keep = slice(max(0, n_context - 1 - s), None)
            logprobs.append(chosen[keep, 0])
            ranks.append(((logp > chosen).sum(dim=-1) + 1)[keep])
    else:
        stride = max(1, window // 2)
        end = min(n - 1, window)  # the first window predicts ids[1 .. end]
        score(0, end, n_context)
        while end < n - 1:
            new_end = min(n - 1, end + stride)
            score(max(0, new_end - window), new_end, end + 1)
            end = new_end
    return torch.cat(logprobs), torch.cat(ranks)


def score_text(model: LanguageModel, tokenizer: Any, text: str, device: torch.device | str = "cpu") -> dict[str, Any]:
    """Per-token scores of ``text``: {"loss", "perplexity", "bits_per_char", "total_logprob",
    "tokens", "chars", "per_token": [{"id", "text", "logprob", "rank", "prob"}]}."""
    device = torch.device(device)
    context = start_ids(tokenizer)
    ids = list(tokenizer.encode(text)) if text else []
    if not ids:
        return {"loss": math.nan, "perplexity": math.nan, "bits_per_char": math.nan, "total_logprob": 0.0,
                "tokens": 0, "chars": len(text), "per_token": []}
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            logprobs, ranks = _score_ids(model, context + ids, len(context), device)
            lp, rk = logprobs.double().cpu().tolist(), ranks.cpu().tolist()
    finally:
        model.train(was_training)
    decoder = IncrementalDecoder(tokenizer, context)
    per_token = []
    for i, (token_id, logprob, rank) in enumerate(zip(ids, lp, rk)):
        piece = decoder.push(token_id, final=i == len(ids) - 1)
        per_token.append({"id": token_id, "text": piece, "logprob": logprob, "rank": int(rank), "prob": math.exp(logprob)})
    total = -sum(lp)
    loss = total / len(ids)
    return {
        "loss": loss,
        "perplexity": perplexity(loss),
        "bits_per_char": bits_per_char(total, len(text)),
        "total_logprob": -total,
        "tokens": len(ids),
        "chars": len(text),
        "per_token": per_token,
    }


# -- BLEU ---------------------------------------------------------------------------------------------
def _tokens(text: str | Sequence[str]) -> list[str]:
    return text.split() if isinstance(text, str) else list(text)


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def bleu(hypotheses: Sequence[str | Sequence[str]], references: Sequence[Any], max_n: int = 4) -> float:
    """Corpus BLEU (Papineni et al. 2002), in [0, 1]; multiply by 100 for the usual display.

    hypotheses: one text per segment (a string, split on whitespace, or a token list).
    references: per segment, one reference string, or a list of references, each a string or a
        token list (a single tokenized reference is therefore wrapped: [["the", "cat"]]), as NLTK.
    Clipped n-gram precisions for n = 1..max_n summed over the corpus, geometric mean with equal
    weights, brevity penalty against the closest reference length (ties: the shorter). No smoothing:
    a corpus without any matching 4-gram scores 0, as in NLTK's corpus_bleu and sacreBLEU.
    """
    if len(hypotheses) != len(references):
        raise ValueError(f"bleu: {len(hypotheses)} hypotheses but {len(references)} references")
    matches = [0] * max_n
    totals = [0] * max_n
    hyp_len = ref_len = 0
    for hyp, refs in zip(hypotheses, references):
        if isinstance(refs, str):
            refs = [refs]
        hyp_t = _tokens(hyp)
        refs_t = [_tokens(r) for r in refs]
        hyp_len += len(hyp_t)
        ref_len += min((abs(len(r) - len(hyp_t)), len(r)) for r in refs_t)[1]
        for n in range(1, max_n + 1):
            counts = _ngrams(hyp_t, n)
            max_ref: Counter = Counter()
            for r in refs_t:
                max_ref |= _ngrams(r, n)
            matches[n - 1] += sum(min(c, max_ref[g]) for g, c in counts.items())
            totals[n - 1] += max(0, len(hyp_t) - n + 1)
    if hyp_len == 0 or min(matches) == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n
    brevity = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return brevity * math.exp(log_precision)
