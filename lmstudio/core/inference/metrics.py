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


def perplexity(loss: float) -> float:
    """exp(mean NLL in nats); inf when that overflows."""
    return math.exp(loss) if loss < 700 else math.inf


def bits_per_char(total_nll_nats: float, n_chars: int) -> float:
    return total_nll_nats / max(1, n_chars) / math.log(2)


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
