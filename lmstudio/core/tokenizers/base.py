"""The interface every tokenizer backend implements, and the helpers the backends share.

Every kind (char, word, SentencePiece BPE and unigram) uses the same special-id layout so that the
rest of the program never asks which kind it holds: ``<pad>`` = 0, ``<unk>`` = 1, ``<s>`` = 2, ``</s>`` = 3.
A folder holding a tokenizer always has ``tokenizer.json`` (kind, settings and, for char and word, the
vocabulary); SentencePiece adds its own ``tokenizer.model``. No pickle anywhere.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ..config import TokenizerConfig
from ..errors import ConfigError, LMStudioError, TokenizerError
from ..fileio import atomic_write_text
from ..keys import hasher
from ..progress import ProgressCallback, report

FORMAT_VERSION = 1
META_FILE = "tokenizer.json"
PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"
SPECIALS = (PAD, UNK, BOS, EOS)  # their ids are their positions
UNK_SURFACE = "\u2047"  # what decode() writes for <unk>: "⁇", as SentencePiece does
CHUNK_BYTES = 1 << 20  # text is read and encoded about a megabyte at a time


class Tokenizer(ABC):
    """Maps text to token ids and back. Subclasses: CharTokenizer, WordTokenizer, SentencePieceTokenizer."""

    kind: str = ""
    pad_id, unk_id, bos_id, eos_id = 0, 1, 2, 3

    def __init__(self, config: TokenizerConfig) -> None:
        self.config = config

    @property
    @abstractmethod
    def vocab_size(self) -> int: ...

    @abstractmethod
    def encode(self, text: str) -> list[int]: ...

    @abstractmethod
    def decode(self, ids: Sequence[int]) -> str: ...

    @abstractmethod
    def id_to_piece(self, i: int) -> str: ...

    @abstractmethod
    def piece_to_id(self, piece: str) -> int:
        """The id of ``piece``; ``unk_id`` when the vocabulary lacks it."""

    @abstractmethod
    def _payload(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        """Extra keys for tokenizer.json and extra files (name -> bytes) that save() writes."""

    def encode_batch(self, texts: Iterable[str]) -> list[list[int]]:
        return [self.encode(t) for t in texts]

    def encode_to_array(self, text: str) -> np.ndarray:
        """``encode`` as a 1-D int64 array; backends override it with something faster than a list."""
        return np.asarray(self.encode(text), dtype=np.int64)

    def piece_kind(self, i: int) -> str:
        """ "special", "byte" (a UTF-8 byte of SentencePiece's byte fallback), "user" or "normal"."""
        self._check_id(i)
        return "special" if i < len(SPECIALS) else "normal"

    def piece_text(self, i: int) -> str:
        """The text a piece stands for, as the Vocabulary tab shows it ("" for specials)."""
        return "" if self.piece_kind(i) == "special" else self.id_to_piece(i)

    def fingerprint(self) -> str:
        """A stable hash of the vocabulary or model bytes: equal fingerprints encode identically."""
        meta, files = self._payload()
        h = hasher(self.kind.encode())
        h.update(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode())
        for name in sorted(files):
            h.update(name.encode() + b"\0" + files[name])
        return h.hexdigest()

    def save(self, directory: Path) -> None:
        """Write tokenizer.json (and backend files) into ``directory``; each file is written atomically."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta, files = self._payload()
        from ..fileio import atomic_write_bytes

        for name, data in files.items():  # model files first: tokenizer.json appearing means the folder is complete
            atomic_write_bytes(directory / name, data)
        doc = {
            "format_version": FORMAT_VERSION,
            "kind": self.kind,
            "settings": asdict(self.config),
            "vocab_size": self.vocab_size,
            "specials": {"pad": self.pad_id, "unk": self.unk_id, "bos": self.bos_id, "eos": self.eos_id},
            **meta,
        }
        atomic_write_text(directory / META_FILE, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")

    def _check_id(self, i: int) -> None:
        if not 0 <= int(i) < self.vocab_size:
            raise TokenizerError(
                f"token id {i} is out of range: this {self.kind} vocabulary has ids 0 to {self.vocab_size - 1}"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vocab_size={self.vocab_size})"


def read_meta(directory: Path) -> dict[str, Any]:
    """Read and check tokenizer.json; TokenizerError naming the file when missing or corrupt."""
    path = Path(directory) / META_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TokenizerError(
            f"{path}: no tokenizer here (tokenizer.json is missing); train or prepare a tokenizer first"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TokenizerError(f"{path}: the tokenizer file is corrupt ({exc}); train the tokenizer again") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str) or not isinstance(doc.get("settings"), dict):
        raise TokenizerError(f"{path}: not a tokenizer file (no kind or settings); train the tokenizer again")
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise TokenizerError(
            f"{path}: format_version {version!r} is not one this lmstudio reads ({FORMAT_VERSION}); update lmstudio"
        )
    try:
        doc["config"] = TokenizerConfig(**doc["settings"])
    except (TypeError, ConfigError) as exc:
        raise TokenizerError(f"{path}: invalid settings ({exc}); train the tokenizer again") from None
    return doc


def iter_text_chunks(
    path: Path,
    chunk_bytes: int = CHUNK_BYTES,
    progress: ProgressCallback | None = None,
    message: str = "",
    error: type[LMStudioError] = TokenizerError,
) -> Iterator[str]:
    """Yield the UTF-8 text of ``path`` about ``chunk_bytes`` at a time, each chunk ending after a newline.

    Cutting at line ends keeps encodings exact: no backend builds a token across a newline. A line
    longer than two chunks is cut at a space (or at a character boundary) so memory stays bounded.
    """
    path = Path(path)
    try:
        fh = open(path, "rb")
        total = path.stat().st_size
    except FileNotFoundError:
        raise error(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror or exc})") from None
    done = 0
    with fh:
        while True:
            report(progress, done, total, message)
            data = fh.read(chunk_bytes)
            if not data:
                break
            if not data.endswith(b"\n"):
                data += fh.readline(chunk_bytes)
                if not data.endswith(b"\n") and len(data) >= 2 * chunk_bytes:
                    data, rest = _cut(data)
                    fh.seek(-len(rest), 1)
            done += len(data)
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise error(
                    f"{path}: not valid UTF-8 near byte {done - len(data) + exc.start}; "
                    "read it through the corpus loader, which detects encodings"
                ) from None
        report(progress, total, total, message)


def _cut(data: bytes) -> tuple[bytes, bytes]:
    """Split an over-long line at its last space, else at the last UTF-8 character boundary."""
    at = data.rfind(b" ", len(data) // 2)
    if at >= 0:
        at += 1
    else:  # cut before the last character, which may be incomplete: step back to its lead byte
        at = len(data) - 1
        while at > 0 and (data[at] & 0xC0) == 0x80:
            at -= 1
    return data[:at], data[at:]


def check_has_text(path: Path) -> None:
    """TokenizerError when the training file is missing, empty or holds only whitespace."""
    path = Path(path)
    seen = False
    for chunk in iter_text_chunks(path):
        if chunk.strip():
            return
        seen = seen or bool(chunk)
    if seen:
        raise TokenizerError(f"{path}: the training text holds only whitespace; choose a corpus with text in it")
    raise TokenizerError(
        f"{path}: the training text is empty; choose a corpus with text in it (or check the cleaning settings)"
    )
