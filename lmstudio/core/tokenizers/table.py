"""Tokenizers whose vocabulary is an explicit table of pieces: characters and words.

The character tokenizer is lossless: ``decode(encode(text)) == text``; the word tokenizer is lossless
on text whose words are all known, because its pattern keeps punctuation and whitespace runs as tokens
of their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import TokenizerConfig
from ..data.segment import WORD_PATTERN, Segmenter
from ..errors import TokenizerError
from ..progress import ProgressCallback
from .base import (
    SPECIALS,
    UNK_SURFACE,
    Tokenizer,
    check_has_text,
    iter_text_chunks,
)

# WORD_PATTERN (core.data.segment): words, single punctuation marks, each newline, runs of other whitespace.
# Concatenating the matches gives the text back, so decode(encode(x)) == x whenever every match is in the
# vocabulary. The jieba and chars segmenters cut CJK text further, keeping that property.


class _TableTokenizer(Tokenizer):
    """A tokenizer whose vocabulary is an explicit list of pieces: specials first, then the rest."""

    def __init__(self, config: TokenizerConfig, pieces: Sequence[str]) -> None:
        super().__init__(config)
        self._pieces = list(pieces)
        self._ids = {p: i for i, p in enumerate(self._pieces)}
        # what each id decodes to: specials vanish except <unk>, shown as "⁇" like SentencePiece does
        self._surface = ["", UNK_SURFACE, "", ""] + self._pieces[len(SPECIALS) :]

    @property
    def vocab_size(self) -> int:
        return len(self._pieces)

    def decode(self, ids: Sequence[int]) -> str:
        surface = self._surface
        try:
            return "".join([surface[i] for i in ids])
        except (IndexError, TypeError):
            for i in ids:
                self._check_id(i)
            raise

    def id_to_piece(self, i: int) -> str:
        self._check_id(i)
        return self._pieces[int(i)]

    def piece_to_id(self, piece: str) -> int:
        return self._ids.get(piece, self.unk_id)

    def _payload(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        return {"vocab": self._pieces}, {}


class CharTokenizer(_TableTokenizer):
    """One token per character (Unicode code point); characters not seen in training become <unk>."""

    kind = "char"

    def __init__(self, config: TokenizerConfig, pieces: Sequence[str]) -> None:
        super().__init__(config, pieces)
        # A code point -> id table makes encoding a numpy gather instead of a Python loop.
        chars = self._pieces[len(SPECIALS) :]
        top = max((ord(c) for c in chars), default=0)
        self._table = np.full(top + 1, self.unk_id, dtype=np.int32)
        for i, c in enumerate(chars, start=len(SPECIALS)):
            self._table[ord(c)] = i

    def encode(self, text: str) -> list[int]:
        if len(text) < 64:
            get, unk = self._ids.get, self.unk_id
            return [get(c, unk) for c in text]
        return self.encode_to_array(text).tolist()

    def encode_to_array(self, text: str) -> np.ndarray:
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        table = self._table
        inside = cps < len(table)
        ids = table[np.where(inside, cps, 0)]
        if not inside.all():
            ids[~inside] = self.unk_id
        return ids.astype(np.int64)


class WordTokenizer(_TableTokenizer):
    """Words, punctuation marks and whitespace runs as ``segmenter`` cuts them (whitespace: WORD_PATTERN;
    jieba or chars for Chinese); rare words become <unk>. The segmenter, with its user dictionary, is saved
    with the vocabulary, so the tokenizer encodes the same wherever it is loaded."""

    kind = "word"

    def __init__(self, config: TokenizerConfig, pieces: Sequence[str], segmenter: Segmenter | None = None) -> None:
        super().__init__(config, pieces)
        self.segmenter = segmenter or Segmenter()

    def encode(self, text: str) -> list[int]:
        get, unk = self._ids.get, self.unk_id
        return [get(w, unk) for w in self.segmenter.pieces(text)]

    def _payload(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        meta, files = super()._payload()
        if self.segmenter.name != "whitespace":  # whitespace tokenizers keep the fingerprint they always had
            meta["segmenter"] = self.segmenter.to_dict()
        return meta, files


def check_pieces(pieces: Any, path: Path, single_chars: bool) -> list[str]:
    if (
        not isinstance(pieces, list)
        or len(pieces) <= len(SPECIALS)
        or list(pieces[: len(SPECIALS)]) != list(SPECIALS)
        or not all(isinstance(p, str) and p for p in pieces)
        or len(set(pieces)) != len(pieces)
        or (single_chars and not all(len(p) == 1 for p in pieces[len(SPECIALS) :]))
    ):
        raise TokenizerError(f"{path}: the vocabulary in this file is damaged; train the tokenizer again")
    return pieces


def train_char(cfg: TokenizerConfig, train_path: Path, progress: ProgressCallback | None = None) -> CharTokenizer:
    """Every distinct character of the training text, in code-point order (as nanoGPT's char model)."""
    check_has_text(train_path)
    chars: set[str] = set()
    for chunk in iter_text_chunks(train_path, progress=progress, message=f"reading {Path(train_path).name}"):
        chars.update(chunk)
    return CharTokenizer(cfg, list(SPECIALS) + sorted(chars))


def train_word(
    cfg: TokenizerConfig,
    train_path: Path,
    progress: ProgressCallback | None = None,
    segmenter: Segmenter | None = None,
) -> WordTokenizer:
    """The ``vocab_size - 4`` most frequent words (as ``segmenter`` cuts them) seen at least ``min_frequency``
    times.

    ``vocab_size`` is a maximum, as torchtext's ``max_size`` was."""
    segmenter = segmenter or Segmenter()
    train_path = Path(train_path)
    need = len(SPECIALS) + 1
    if cfg.vocab_size < need:
        raise TokenizerError(
            f"tokenizer.vocab_size {cfg.vocab_size} is too small for a word tokenizer: {len(SPECIALS)} special "
            f"symbols plus at least one word need {need}; raise it to {need} or more"
        )
    check_has_text(train_path)
    counts: Counter[str] = Counter()
    for chunk in iter_text_chunks(train_path, progress=progress, message=f"reading {train_path.name}"):
        counts.update(segmenter.pieces(chunk))
    kept = [(w, n) for w, n in counts.items() if n >= cfg.min_frequency]
    if not kept:
        word, n = counts.most_common(1)[0]
        raise TokenizerError(
            f"tokenizer.min_frequency {cfg.min_frequency}: no word of {train_path.name} appears that often "
            f"(the most frequent, {word!r}, appears {n} times); lower the minimum frequency to {n} or less"
        )
    kept.sort(key=lambda wn: (-wn[1], wn[0]))  # frequency first; ties by text, so training is reproducible
    words = [w for w, _ in kept[: cfg.vocab_size - len(SPECIALS)]]
    return WordTokenizer(cfg, list(SPECIALS) + words, segmenter)


__all__ = ["CharTokenizer", "WordTokenizer", "WORD_PATTERN", "train_char", "train_word", "check_pieces"]
