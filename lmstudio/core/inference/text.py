"""The text of tokens: each generated token's exact piece (:class:`IncrementalDecoder`) and the label a
view shows for a token on its own (:func:`display_text`)."""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from typing import Any

REPLACEMENT = "\ufffd"
BYTE_NAMES = "lmstudio-byte-names"  # a codecs error handler: bytes that form no character as "<0xE9>"


def _byte_names(error: UnicodeDecodeError) -> tuple[str, int]:
    bad = error.object[error.start : error.end]
    return "".join(f"<0x{b:02X}>" for b in bad), error.end


codecs.register_error(BYTE_NAMES, _byte_names)


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
        if REPLACEMENT in piece and any(self._is_byte(i) for i in self.ids[self.emitted : n]):
            piece = self._spell(start, n)
        self.emitted = n
        return piece

    def _is_byte(self, token_id: int) -> bool:
        kind = getattr(self.tokenizer, "piece_kind", None)
        return kind is not None and kind(token_id) == "byte"

    def _spell(self, start: int, n: int) -> str:
        """The text of ``ids[emitted:n]`` when their bytes do not all form characters (a model may sample a
        lead byte and then a word): complete characters as text, the bytes that form none by their piece names
        (``<0xE9>``, as SentencePiece names them), never U+FFFD, which would hide that the model wrote them."""
        decode, out, run = self.tokenizer.decode, [], bytearray()
        for k in range(self.emitted, n):
            token_id = self.ids[k]
            if self._is_byte(token_id):
                run.append(int(self.tokenizer.id_to_piece(token_id)[3:5], 16))
                continue
            if run:
                out.append(run.decode("utf-8", BYTE_NAMES))
                run.clear()
            before, after = decode(self.ids[start:k]), decode(self.ids[start : k + 1])
            out.append(after[len(before) :] if after.startswith(before) else decode([token_id]))
        if run:
            out.append(run.decode("utf-8", BYTE_NAMES))
        return "".join(out)


def display_text(tokenizer: Any, token_id: int) -> str:
    """A token's label on its own (an alternative, a heatmap axis): its decoded text, or its piece name
    for control tokens and lone bytes, which decode to nothing or to U+FFFD."""
    text = tokenizer.decode([token_id])
    if not text or REPLACEMENT in text:
        text = tokenizer.id_to_piece(token_id)
    return text
