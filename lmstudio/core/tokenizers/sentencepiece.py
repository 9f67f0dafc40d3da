"""SentencePiece BPE and unigram tokenizers, trained so that decode(encode(text)) == text.

SentencePiece out of the box is not lossless: it normalizes text (NFKC), collapses and strips spaces,
adds a leading space and treats newlines as spaces. We train with identity normalization, all
whitespace kept, whitespace-only pieces allowed, ``"\\n"`` as a user-defined symbol (so a newline is
always its own token and no piece spans two lines) and byte fallback (any character outside the
vocabulary is spelled as its UTF-8 bytes). sentencepiece's internal errors are turned into
TokenizerError messages that say what to change.
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sentencepiece as spm

from ..config import TokenizerConfig
from ..errors import TokenizerError
from ..progress import ProgressCallback, report
from .base import (
    BOS,
    EOS,
    PAD,
    UNK,
    UNK_SURFACE,
    Tokenizer,
    check_has_text,
    iter_text_chunks,
)

MODEL_FILE = "tokenizer.model"
MAX_SENTENCE_BYTES = 4192  # sentencepiece's max_sentence_length; longer lines are fed in pieces
MAX_TRAINING_SENTENCES = 2_000_000  # larger corpora are sampled (uniformly) to bound memory and time
SEED = 1337


def _lines(text: str) -> list[str]:
    """Split at "\\n" only (str.splitlines also splits at \\r, \\x0c, U+2028... which are ordinary text here)."""
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _fit(line: str, limit: int = MAX_SENTENCE_BYTES) -> Iterator[str]:
    """Yield ``line`` in pieces of at most ``limit`` UTF-8 bytes, preferring to cut before a space."""
    if len(line) * 4 <= limit or len(line.encode("utf-8")) <= limit:
        yield line
        return
    step = limit // 4  # 4 bytes per character at most: a piece of `step` characters always fits
    start = 0
    while start < len(line):
        end = min(start + step, len(line))
        if end < len(line):
            space = line.rfind(" ", start + step // 2, end)
            end = space if space > start else end
        yield line[start:end]
        start = end


class SentencePieceTokenizer(Tokenizer):
    """A trained SentencePiece model (kind "bpe" or "unigram") held as its serialized bytes."""

    def __init__(self, config: TokenizerConfig, model_bytes: bytes, source: str = "model") -> None:
        super().__init__(config)
        self.kind = config.kind
        self._model_bytes = bytes(model_bytes)
        try:
            self._sp = spm.SentencePieceProcessor(model_proto=self._model_bytes)
        except Exception as exc:  # sentencepiece raises bare RuntimeError/OSError on bad protos
            raise TokenizerError(
                f"{source}: not a valid SentencePiece model ({exc}); train the tokenizer again"
            ) from None
        sp = self._sp
        self.pad_id, self.unk_id, self.bos_id, self.eos_id = sp.pad_id(), sp.unk_id(), sp.bos_id(), sp.eos_id()
        self._threads = min(8, os.cpu_count() or 1)

    @property
    def vocab_size(self) -> int:
        return self._sp.get_piece_size()

    @property
    def processor(self) -> spm.SentencePieceProcessor:
        """The underlying sentencepiece processor (for benchmarks and advanced use)."""
        return self._sp

    def encode(self, text: str) -> list[int]:
        if "\n" not in text:
            return self._sp.encode(text)
        # Encoding line by line is ~4x faster than one long string and gives the same ids,
        # since "\n" is a user-defined symbol no piece crosses.
        out: list[int] = []
        for ids in self._sp.encode(_lines(text), num_threads=self._threads):
            out.extend(ids)
        return out

    def encode_to_array(self, text: str) -> np.ndarray:
        rows = self._sp.encode(_lines(text), num_threads=self._threads)
        return np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)

    def encode_batch(self, texts: Iterable[str]) -> list[list[int]]:
        texts = list(texts)
        if any("\n" in t for t in texts):
            return [self.encode(t) for t in texts]
        return self._sp.encode(texts, num_threads=self._threads)

    def decode(self, ids: Sequence[int]) -> str:
        try:
            return self._sp.decode([int(i) for i in ids])
        except IndexError:
            bad = next(int(i) for i in ids if not 0 <= int(i) < self.vocab_size)
            self._check_id(bad)
            raise

    def id_to_piece(self, i: int) -> str:
        self._check_id(i)
        return self._sp.id_to_piece(int(i))

    def piece_to_id(self, piece: str) -> int:
        return self._sp.piece_to_id(piece)

    def piece_kind(self, i: int) -> str:
        self._check_id(i)
        i = int(i)
        if self._sp.is_control(i) or self._sp.is_unknown(i):
            return "special"
        if self._sp.is_byte(i):
            return "byte"
        return "user" if self._sp.id_to_piece(i) == "\n" else "normal"

    def piece_text(self, i: int) -> str:
        kind = self.piece_kind(i)
        if kind == "special":
            return ""
        piece = self._sp.id_to_piece(int(i))
        return piece if kind == "byte" else piece.replace("\u2581", " ")

    def _payload(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        return {"model_file": MODEL_FILE}, {MODEL_FILE: self._model_bytes}

    @classmethod
    def load(cls, directory: Path, config: TokenizerConfig) -> SentencePieceTokenizer:
        path = Path(directory) / MODEL_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise TokenizerError(f"{path}: the SentencePiece model is missing; train the tokenizer again") from None
        except OSError as exc:
            raise TokenizerError(f"{path}: cannot read ({exc.strerror or exc})") from None
        return cls(config, data, source=str(path))


def train_sentencepiece(
    cfg: TokenizerConfig, train_path: Path, progress: ProgressCallback | None = None
) -> SentencePieceTokenizer:
    """Train a lossless SentencePiece model of kind ``cfg.kind`` ("bpe" or "unigram") on a UTF-8 file."""
    train_path = Path(train_path)
    check_has_text(train_path)
    failure: list[BaseException] = []

    def sentences() -> Iterator[str]:
        # Exceptions raised in here reach us as sentencepiece RuntimeErrors; keep the original.
        try:
            for chunk in iter_text_chunks(train_path, progress=progress, message=f"reading {train_path.name}"):
                for line in _lines(chunk):
                    yield from _fit(line)
        except BaseException as exc:
            failure.append(exc)
            raise

    model = io.BytesIO()
    options = dict(
        model_type=cfg.kind,
        vocab_size=cfg.vocab_size,
        character_coverage=cfg.character_coverage,
        byte_fallback=cfg.byte_fallback,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        add_dummy_prefix=False,
        allow_whitespace_only_pieces=True,
        split_digits=True,  # numbers as digits: no vocabulary slots spent on "1623", and they generalize
        user_defined_symbols=["\n"],
        pad_id=0,
        unk_id=1,
        bos_id=2,
        eos_id=3,
        pad_piece=PAD,
        unk_piece=UNK,
        bos_piece=BOS,
        eos_piece=EOS,
        unk_surface=UNK_SURFACE,
        max_sentence_length=MAX_SENTENCE_BYTES,
        input_sentence_size=MAX_TRAINING_SENTENCES,
        shuffle_input_sentence=True,
        num_threads=min(16, os.cpu_count() or 1),
        minloglevel=2,  # sentencepiece's own log lines would flood the terminal
    )
    spm.set_random_generator_seed(SEED)  # unigram's sampling and sentence shuffling: same input, same model
    try:
        spm.SentencePieceTrainer.train(sentence_iterator=sentences(), model_writer=model, **options)
    except (RuntimeError, ValueError) as exc:  # ValueError: an option sentencepiece cannot parse (an int32 overflow)
        if failure:
            raise failure[0] from None
        raise _explain(str(exc), cfg, train_path) from None
    report(progress, 1, 1, f"trained {cfg.kind} tokenizer")
    return SentencePieceTokenizer(cfg, model.getvalue(), source=str(train_path))


def _explain(message: str, cfg: TokenizerConfig, train_path: Path) -> TokenizerError:
    """Turn a sentencepiece trainer error into something a person can act on."""
    name = train_path.name
    m = re.search(r"Vocabulary size too high \((\d+)\)\. Please set it to a value <= (\d+)", message)
    if m:
        return TokenizerError(
            f"tokenizer.vocab_size {m.group(1)} is larger than {name} supports for {cfg.kind}: "
            f"the largest that works is {m.group(2)}; lower the vocabulary size or use a larger corpus"
        )
    m = re.search(r"smaller than required_chars\. (\d+) vs (\d+)", message)
    if m:
        fallback = " plus 256 byte pieces" if cfg.byte_fallback else ""
        return TokenizerError(
            f"tokenizer.vocab_size {m.group(1)} is too small for {name}: its characters, 5 special symbols{fallback} "
            f"need at least {m.group(2)}; raise the vocabulary size to {m.group(2)} or more"
            + (", or lower character_coverage" if cfg.character_coverage > 0.9 else "")
        )
    if "sentences_.empty()" in message:
        return TokenizerError(
            f"{name}: no text to train on; choose a corpus with text in it (or check the cleaning settings)"
        )
    detail = message.split("] ", 1)[-1].strip() or message
    return TokenizerError(f"sentencepiece could not train a {cfg.kind} tokenizer on {name}: {detail}")


__all__ = ["SentencePieceTokenizer", "train_sentencepiece", "MODEL_FILE"]
