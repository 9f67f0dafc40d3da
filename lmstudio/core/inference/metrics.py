"""The figures of a language model's fit, defined once: perplexity, bits per character, the <unk> rule.

Loss is the mean negative log-likelihood in nats per token; perplexity = exp(loss) (inf when that
overflows); bits per character = total NLL / characters / ln 2, withheld (NaN, with
``unknown_token_note`` saying why) wherever the scored tokens contain ``<unk>``. The trainer, the
CLI and the GUI all use these functions. Torch-free.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

PERPLEXITY_OVERFLOW = 700.0  # perplexity is inf from this loss on (exp overflows a float near 709.8)


def perplexity(loss: Any) -> Any:
    """exp(mean NLL in nats); inf from a loss of ``PERPLEXITY_OVERFLOW`` on; NaN stays NaN.

    A float gives a float; a numpy array (a chart's smoothed losses) gives an array, by the same rule.
    """
    if isinstance(loss, np.ndarray):
        return np.where(loss >= PERPLEXITY_OVERFLOW, math.inf, np.exp(np.minimum(loss, PERPLEXITY_OVERFLOW)))
    return math.inf if loss >= PERPLEXITY_OVERFLOW else math.exp(loss)


def bits_per_char(total_nll_nats: Any, n_chars: float) -> Any:
    """NLL in nats over characters, in bits: ``total_nll_nats / n_chars / ln 2``.

    Also the rate form: mean loss in nats per token with ``n_chars`` = characters per token (which may be
    below 1). ``n_chars`` of 0 or less counts as 1; ``total_nll_nats`` may be a numpy array.
    """
    return total_nll_nats / (n_chars if n_chars > 0 else 1) / math.log(2)


def count_unknown(ids: Any, tokenizer: Any) -> int:
    """How many of ``ids`` are the tokenizer's ``<unk>`` (0 when it has none)."""
    unk = getattr(tokenizer, "unk_id", -1)
    if unk is None or unk < 0:
        return 0
    return int(np.count_nonzero(np.asarray(ids) == unk))


def unknown_token_note(n_unknown: int, n_tokens: int) -> str:
    """Why bits per character is not given for text with ``n_unknown`` <unk> tokens ("" when it is)."""
    if n_unknown <= 0:
        return ""
    return (
        f"not comparable: {n_unknown:,} of {n_tokens:,} tokens are <unk> ({n_unknown / max(1, n_tokens):.1%}), "
        "each charged as one token whatever text it hides; compare tokenizers by bits per character only "
        "with a lossless one (char, or bpe/unigram with byte fallback) or a word vocabulary that covers the text"
    )


def unigram_entropy(tokens, vocab_size: int) -> float:
    """Entropy in nats of the token frequencies: the loss of a model that ignores all context."""
    counts = np.bincount(np.asarray(tokens), minlength=vocab_size).astype(np.float64)
    total = counts.sum()
    if total == 0:
        return math.nan
    p = counts[counts > 0] / total
    return float(-(p * np.log(p)).sum())
