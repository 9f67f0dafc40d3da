"""One Tokenizer interface over four backends: character, word, SentencePiece BPE and unigram.

``train_tokenizer(cfg, train_path)`` trains any kind from the train split, ``load_tokenizer(folder)``
reads back what ``Tokenizer.save(folder)`` wrote, ``vocabulary_report`` computes what the Vocabulary
tab shows. Character and SentencePiece (with byte fallback) tokenizers are lossless:
``decode(encode(text)) == text``; the word tokenizer is lossless on text whose words are all known,
because its pattern keeps punctuation and whitespace runs as tokens of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .config import TokenizerConfig
from .errors import TokenizerError
from .progress import ProgressCallback, report
from .sp_tokenizer import MODEL_FILE, SentencePieceTokenizer, train_sentencepiece
from .tokenizer_base import (
    META_FILE,
    SPECIALS,
    UNK_SURFACE,
    Tokenizer,
    check_has_text,
    iter_text_chunks,
    read_meta,
)
from .vocab_report import vocabulary_report

# Words, single punctuation marks, each newline, runs of other whitespace: concatenating the
# matches gives the text back, so decode(encode(x)) == x whenever every match is in the vocabulary.
WORD_PATTERN = re.compile(r"\w+|[^\w\s]|\n|[^\S\n]+")


class _TableTokenizer(Tokenizer):
    """A tokenizer whose vocabulary is an explicit list of pieces: specials first, then the rest."""

    def __init__(self, config: TokenizerConfig, pieces: Sequence[str]) -> None:
        super().__init__(config)
        self._pieces = list(pieces)
        self._ids = {p: i for i, p in enumerate(self._pieces)}
        # what each id decodes to: specials vanish except <unk>, shown as "⁇" like SentencePiece does
        self._surface = ["", UNK_SURFACE, "", ""] + self._pieces[len(SPECIALS):]

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
        chars = self._pieces[len(SPECIALS):]
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
    """Words, punctuation marks and whitespace runs (see WORD_PATTERN); rare words become <unk>."""

    kind = "word"

    def encode(self, text: str) -> list[int]:
        get, unk = self._ids.get, self.unk_id
        return [get(w, unk) for w in WORD_PATTERN.findall(text)]


def _check_pieces(pieces: Any, path: Path, single_chars: bool) -> list[str]:
    if (
        not isinstance(pieces, list)
        or len(pieces) <= len(SPECIALS)
        or list(pieces[: len(SPECIALS)]) != list(SPECIALS)
        or not all(isinstance(p, str) and p for p in pieces)
        or len(set(pieces)) != len(pieces)
        or (single_chars and not all(len(p) == 1 for p in pieces[len(SPECIALS):]))
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


def train_word(cfg: TokenizerConfig, train_path: Path, progress: ProgressCallback | None = None) -> WordTokenizer:
    """The ``vocab_size - 4`` most frequent words seen at least ``min_frequency`` times (a maximum, as torchtext's max_size)."""
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
        counts.update(WORD_PATTERN.findall(chunk))
    kept = [(w, n) for w, n in counts.items() if n >= cfg.min_frequency]
    if not kept:
        word, n = counts.most_common(1)[0]
        raise TokenizerError(
            f"tokenizer.min_frequency {cfg.min_frequency}: no word of {train_path.name} appears that often "
            f"(the most frequent, {word!r}, appears {n} times); lower the minimum frequency to {n} or less"
        )
    kept.sort(key=lambda wn: (-wn[1], wn[0]))  # frequency first; ties by text, so training is reproducible
    words = [w for w, _ in kept[: cfg.vocab_size - len(SPECIALS)]]
    return WordTokenizer(cfg, list(SPECIALS) + words)


def train_tokenizer(cfg: TokenizerConfig, train_path: Path, progress: ProgressCallback | None = None) -> Tokenizer:
    """Train a tokenizer of kind ``cfg.kind`` on a UTF-8 text file (the train split)."""
    train_path = Path(train_path)
    if cfg.kind == "char":
        tok: Tokenizer = train_char(cfg, train_path, progress)
    elif cfg.kind == "word":
        tok = train_word(cfg, train_path, progress)
    else:
        tok = train_sentencepiece(cfg, train_path, progress)
    report(progress, 1, 1, f"{cfg.kind} tokenizer ready: {tok.vocab_size} tokens")
    return tok


def load_tokenizer(directory: Path) -> Tokenizer:
    """Read the tokenizer that ``Tokenizer.save(directory)`` wrote; TokenizerError naming the file on trouble."""
    directory = Path(directory)
    doc = read_meta(directory)
    cfg: TokenizerConfig = doc["config"]
    kind = doc["kind"]
    path = directory / META_FILE
    if kind != cfg.kind:
        raise TokenizerError(f"{path}: kind {kind!r} disagrees with its settings ({cfg.kind!r}); train the tokenizer again")
    if kind in ("bpe", "unigram"):
        tok: Tokenizer = SentencePieceTokenizer.load(directory, cfg)
    elif kind == "char":
        tok = CharTokenizer(cfg, _check_pieces(doc.get("vocab"), path, single_chars=True))
    elif kind == "word":
        tok = WordTokenizer(cfg, _check_pieces(doc.get("vocab"), path, single_chars=False))
    else:  # read_meta validated the settings, so kind is known; kept for safety against hand edits
        raise TokenizerError(f"{path}: unknown tokenizer kind {kind!r}")
    if doc.get("vocab_size") not in (None, tok.vocab_size):
        raise TokenizerError(
            f"{path}: says {doc['vocab_size']} tokens but the vocabulary has {tok.vocab_size}; "
            f"the folder mixes files from different tokenizers, train it again"
        )
    return tok


__all__ = [
    "Tokenizer",
    "CharTokenizer",
    "WordTokenizer",
    "SentencePieceTokenizer",
    "WORD_PATTERN",
    "SPECIALS",
    "MODEL_FILE",
    "META_FILE",
    "train_tokenizer",
    "load_tokenizer",
    "vocabulary_report",
]
