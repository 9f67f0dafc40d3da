"""The text of tokens: each generated token's exact piece (:class:`IncrementalDecoder`) and the label a
view shows for a token on its own (:func:`display_text`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

REPLACEMENT = "\ufffd"


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
        if after.endswith(REPLACEMENT) and n - self.emitted < 4 and not final:
            return ""
        before = decode(self.ids[start : self.emitted]) if self.emitted > start else ""
        piece = after[len(before) :] if after.startswith(before) else decode(self.ids[self.emitted : n])
        self.emitted = n
        return piece


def display_text(tokenizer: Any, token_id: int) -> str:
    """A token's label on its own (an alternative, a heatmap axis): its decoded text, or its piece name
    for control tokens and lone bytes, which decode to nothing or to U+FFFD."""
    text = tokenizer.decode([token_id])
    if not text or REPLACEMENT in text:
        text = tokenizer.id_to_piece(token_id)
    return text
