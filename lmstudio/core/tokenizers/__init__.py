"""One Tokenizer interface over four backends: character, word, SentencePiece BPE and unigram (and the
Hugging Face tokenizers imported with a model, kind "hf", which are never trained here).

``train_tokenizer(cfg, train_path)`` trains any kind from the train split, ``load_tokenizer(folder)``
reads back what ``Tokenizer.save(folder)`` wrote, ``vocabulary_report`` computes what the Vocabulary
tab shows. Character and SentencePiece (with byte fallback) tokenizers are lossless.

    base.py           the interface, special tokens, the saved-folder format
    table.py          character and word tokenizers (an explicit table of pieces)
    sentencepiece.py  BPE and unigram through SentencePiece (loaded only when used)
    hf.py             a Hugging Face tokenizer.json (an imported model's), through `tokenizers`
    vocabulary.py     the Vocabulary tab's figures
"""

from __future__ import annotations

from pathlib import Path

from ..config import TokenizerConfig
from ..data.segment import Segmenter
from ..errors import ConfigError, TokenizerError
from ..progress import ProgressCallback, report
from .base import META_FILE, SPECIALS, Tokenizer, read_meta
from .hf import HF_KIND, HFTokenizer
from .sentencepiece import MODEL_FILE, SentencePieceTokenizer, train_sentencepiece
from .table import (
    WORD_PATTERN,
    CharTokenizer,
    WordTokenizer,
    check_pieces,
    train_char,
    train_word,
)
from .vocabulary import vocabulary_report


def train_tokenizer(
    cfg: TokenizerConfig,
    train_path: Path,
    progress: ProgressCallback | None = None,
    segmenter: Segmenter | None = None,
) -> Tokenizer:
    """Train a tokenizer of kind ``cfg.kind`` on a UTF-8 text file (the train split); a word tokenizer cuts
    words with ``segmenter`` (``data.segmenter``; whitespace when None)."""
    train_path = Path(train_path)
    if cfg.kind == "char":
        tok: Tokenizer = train_char(cfg, train_path, progress)
    elif cfg.kind == "word":
        tok = train_word(cfg, train_path, progress, segmenter)
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
    if kind != cfg.kind and kind != HF_KIND:  # a Hugging Face model's tokenizer has settings of kind bpe
        raise TokenizerError(
            f"{path}: kind {kind!r} disagrees with its settings ({cfg.kind!r}); train the tokenizer again"
        )
    if kind == HF_KIND:  # imported with a Hugging Face model (core.models.hf_import); never trained here
        tok: Tokenizer = HFTokenizer.load(directory, cfg, doc)
    elif kind in ("bpe", "unigram"):
        tok = SentencePieceTokenizer.load(directory, cfg)
    elif kind == "char":
        tok = CharTokenizer(cfg, check_pieces(doc.get("vocab"), path, single_chars=True))
    elif kind == "word":
        try:
            segmenter = Segmenter.from_dict(doc.get("segmenter"))
        except ConfigError as exc:
            raise TokenizerError(
                f"{path}: the word segmenter in this file is damaged ({exc}); train it again"
            ) from None
        tok = WordTokenizer(cfg, check_pieces(doc.get("vocab"), path, single_chars=False), segmenter)
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
    "HFTokenizer",
    "WORD_PATTERN",
    "SPECIALS",
    "MODEL_FILE",
    "META_FILE",
    "train_tokenizer",
    "load_tokenizer",
    "vocabulary_report",
]
