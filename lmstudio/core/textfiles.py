"""Open one text file safely: refuse binaries, find the encoding, stream normalized lines.

This is the byte-level half of :mod:`lmstudio.core.corpus`. It never reads a whole file: the checks
look at the first 64 KB (binary) and the first 1 MB (encoding), and :func:`iter_file_lines` decodes in
1 MB chunks. Decoding is always strict, so an invalid byte becomes a :class:`CorpusError` naming its
byte offset instead of a silent U+FFFD that would end up in a vocabulary.

Encoding rules, in order:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. a first megabyte that is valid UTF-8 means UTF-8, and the rest is validated while streaming;
3. a sample that is mostly valid UTF-8 with some invalid bytes is a damaged UTF-8 file: error with offset;
4. otherwise charset-normalizer guesses a legacy encoding (cp1252, latin-1, ...) from the sample, and
   the guess is reported in ``TextFile.note``.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .errors import CorpusError, LMStudioError

BINARY_CHECK_BYTES = 64 * 1024  # binary sniffing window
SAMPLE_BYTES = 1024 * 1024  # encoding detection sample
CHUNK_BYTES = 1024 * 1024  # streaming read size
CONTROL_SHARE_LIMIT = 0.05  # above this share of C0 control bytes a file is treated as binary

# C0 controls that plain text does use: tab, LF, VT, FF, CR.
_TEXT_CONTROLS = {0x09, 0x0A, 0x0B, 0x0C, 0x0D}
_CONTROL_BYTES = bytes(b for b in list(range(0x20)) + [0x7F] if b not in _TEXT_CONTROLS)

# (BOM, reported name, codec used after the BOM is skipped). UTF-32 first: its LE BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)


@dataclass(frozen=True)
class TextFile:
    """A checked text file: where it is, how big, and how to decode it."""

    path: Path
    size: int
    encoding: str  # reported name: "utf-8", "utf-8-sig", "utf-16", "cp1252", ...
    codec: str  # Python codec that decodes the bytes after the BOM
    bom_length: int  # bytes of byte-order mark skipped before decoding
    note: str  # human-readable, e.g. "detected cp1252 (confidence 1.00) by charset-normalizer"


def _special_kind(mode: int) -> str | None:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "special file"
    return None


def check_regular_file(path: str | os.PathLike, what: str = "corpus", *, allow_folder: bool = False,
                       error: type[LMStudioError] = CorpusError) -> Path:
    """Return ``path`` if it is a regular file (or, with ``allow_folder``, a folder); raise ``error`` otherwise.

    Call this BEFORE opening anything a user names: ``open()`` on a FIFO blocks until a writer appears
    (in the window it would freeze the GUI), a device never ends or reads as nothing, and a file under
    ``/proc`` or ``/sys`` reports size 0 while holding text. Only ``os.stat`` (which never blocks) and,
    for a size-0 regular file, a one-byte read are done here. ``what`` names the role in messages
    ("corpus", "text to score", ...).
    """
    path = Path(path).expanduser()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path}: no such file or folder; check the path of the {what}") from None
    except PermissionError:
        raise error(f"{path}: permission denied; make it readable (e.g. chmod +r) or choose another {what}") from None
    except NotADirectoryError:
        raise error(f"{path}: a part of this path is a file, not a folder; check the path of the {what}") from None
    except (OSError, ValueError) as exc:  # a symlink loop, a name too long, a NUL in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise error(f"{path}: cannot be used as the {what} ({reason}); check the path") from None
    if stat.S_ISDIR(st.st_mode):
        if allow_folder:
            return path
        raise error(f"{path}: is a folder; the {what} must be a file (or use the folder format for a folder of text files)")
    kind = _special_kind(st.st_mode)
    if kind is not None:
        raise error(
            f"{path}: is a {kind}, not a regular file; lmstudio reads the {what} from an ordinary file "
            f"(save the data to a file first, e.g. cat {path} > copy.txt)"
        )
    if st.st_size == 0 and _has_bytes(path):
        raise error(
            f"{path}: reports a size of 0 but holds data (a virtual file, as under /proc or /sys); "
            f"copy it to an ordinary file first (e.g. cat {path} > copy.txt)"
        )
    return path


def _has_bytes(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:  # a regular file: opening cannot block
            return bool(fh.read(1))
    except OSError:
        return False


def _open_error(path: Path, exc: OSError) -> CorpusError:
    if isinstance(exc, FileNotFoundError):
        return CorpusError(f"{path}: no such file or folder; check the path")
    if isinstance(exc, PermissionError):
        return CorpusError(f"{path}: permission denied; make the file readable (e.g. chmod +r) or copy it somewhere you can read")
    if isinstance(exc, IsADirectoryError):
        return CorpusError(f"{path}: is a folder; choose the folder format or a file inside it")
    return CorpusError(f"{path}: cannot be read ({exc.strerror or exc}); check the file")


def _read_head(path: Path, n: int) -> tuple[bytes, int]:
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            return fh.read(n), size
    except OSError as exc:
        raise _open_error(path, exc) from None


def looks_binary(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file without a UTF-16/32 BOM) is not text."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > CONTROL_SHARE_LIMIT


def _looks_utf16_without_bom(head: bytes) -> bool:
    # ASCII-range text in UTF-16 has a NUL in every other byte, all on the same side.
    even, odd = head[0::2], head[1::2]
    return len(head) >= 8 and (even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd)) \
        and not (even.count(0) > 0.9 * len(even) and odd.count(0) > 0.9 * len(odd))


def _utf8_looks_damaged(sample: bytes) -> bool:
    """A sample that fails UTF-8: is it damaged UTF-8 (mostly valid multi-byte text) or a legacy encoding?"""
    text = sample.decode("utf-8", errors="surrogateescape")
    escaped = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    valid_non_ascii = sum(1 for ch in text if ord(ch) > 0x7F) - escaped
    return valid_non_ascii > escaped


def _offset_message(path: Path, encoding: str, offset: int, byte: int | None) -> str:
    what = f" (byte 0x{byte:02x})" if byte is not None else ""
    return (
        f"{path}: not valid {encoding} at byte offset {offset}{what}; the file is damaged or mixes encodings. "
        f"Convert it to UTF-8 (e.g. iconv -f <encoding> -t utf-8) or remove the bad bytes"
    )


def inspect_text_file(path: Path) -> TextFile:
    """Check that ``path`` is a readable, non-empty text file and decide how to decode it.

    Raises :class:`CorpusError` for a missing, unreadable, empty, binary or undecodable file.
    """
    path = Path(path)
    if path.is_dir():
        raise CorpusError(f"{path}: is a folder; choose the folder format or a file inside it")
    sample, size = _read_head(path, SAMPLE_BYTES)
    if size == 0 or not sample:
        raise CorpusError(f"{path}: the file is empty; choose a file with text in it")
    whole = len(sample) >= size

    for bom, name, codec in _BOMS:
        if sample.startswith(bom):
            body = sample[len(bom):]
            if not body and whole:
                raise CorpusError(f"{path}: the file holds only a byte-order mark and no text; choose a file with text in it")
            _check_sample(path, body, codec, name, len(bom), whole)
            if codec.startswith("utf-8") and looks_binary(body[:BINARY_CHECK_BYTES]):
                raise CorpusError(f"{path}: looks like a binary file, not text; choose a plain-text file")
            note = f"{name.upper().replace('-SIG', '')} with a byte-order mark"
            return TextFile(path, size, name, codec, len(bom), note)

    if looks_binary(sample[:BINARY_CHECK_BYTES]):
        if _looks_utf16_without_bom(sample[:BINARY_CHECK_BYTES]):
            raise CorpusError(
                f"{path}: looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)"
            )
        raise CorpusError(
            f"{path}: looks like a binary file (NUL or control bytes in its first 64 KB), not text; "
            f"choose a plain-text file (or export this one as .txt)"
        )

    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(sample, final=whole)
        return TextFile(path, size, "utf-8", "utf-8", 0, "UTF-8" if whole else "UTF-8 (validated while reading)")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _utf8_looks_damaged(sample):
        raise CorpusError(_offset_message(path, "UTF-8", first_bad, sample[first_bad]))

    from charset_normalizer import from_bytes  # imported late: only legacy-encoded files need it

    best = from_bytes(sample).best()
    if best is None or best.encoding is None:
        raise CorpusError(
            f"{path}: not UTF-8 (invalid byte at offset {first_bad}) and no other encoding fits; "
            f"convert the file to UTF-8"
        )
    codec = codecs.lookup(best.encoding).name
    if codec == "utf-8":  # cannot really happen: the sample failed strict UTF-8 above
        raise CorpusError(_offset_message(path, "UTF-8", first_bad, sample[first_bad]))
    _check_sample(path, sample, codec, codec, 0, whole)
    confidence = max(0.0, 1.0 - float(best.chaos))
    note = f"detected {codec} (confidence {confidence:.2f}) by charset-normalizer; not UTF-8 at byte {first_bad}"
    return TextFile(path, size, codec, codec, 0, note)


def _check_sample(path: Path, body: bytes, codec: str, name: str, start: int, whole: bool) -> None:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        decoder.decode(body, final=whole)
    except UnicodeDecodeError as exc:
        raise CorpusError(_offset_message(path, name, start + exc.start, body[exc.start])) from None


def _pending_bytes(decoder: codecs.IncrementalDecoder) -> int:
    try:
        state = decoder.getstate()
    except AttributeError:  # a decoder without the optional getstate()
        return 0
    return len(state[0]) if isinstance(state[0], (bytes, bytearray)) else 0


def iter_file_chunks(tf: TextFile, chunk_bytes: int = CHUNK_BYTES,
                     on_bytes: Callable[[int], None] | None = None) -> Iterator[str]:
    """Decode ``tf`` strictly, chunk by chunk; raise :class:`CorpusError` with the byte offset on a bad byte."""
    decoder = codecs.getincrementaldecoder(tf.codec)("strict")
    try:
        fh = open(tf.path, "rb")
    except OSError as exc:
        raise _open_error(tf.path, exc) from None
    with fh:
        fh.seek(tf.bom_length)
        pos = tf.bom_length
        while True:
            try:
                chunk = fh.read(chunk_bytes)
            except OSError as exc:
                raise _open_error(tf.path, exc) from None
            pending = _pending_bytes(decoder)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                offset = pos - pending + exc.start
                bad = exc.object[exc.start] if exc.start < len(exc.object) else None
                raise CorpusError(_offset_message(tf.path, tf.encoding, offset, bad)) from None
            pos += len(chunk)
            if on_bytes is not None and chunk:
                on_bytes(len(chunk))
            if text:
                yield text
            if not chunk:
                return


def iter_file_lines(tf: TextFile, chunk_bytes: int = CHUNK_BYTES,
                    on_bytes: Callable[[int], None] | None = None) -> Iterator[str]:
    """Yield the lines of ``tf`` without their ending; CRLF and lone CR count as LF.

    Only ``\\n`` (after normalization) splits lines: form feeds, U+2028 and friends stay inside lines.
    A final line ending does not produce an extra empty line.
    """
    carry = ""
    for text in iter_file_chunks(tf, chunk_bytes, on_bytes):
        text = carry + text
        # A CR at the end of a chunk may be the first half of a CRLF: keep it for the next chunk.
        if text.endswith("\r"):
            text, carry_cr = text[:-1], "\r"
        else:
            carry_cr = ""
        parts = normalize_newlines(text).split("\n")
        carry = parts.pop() + carry_cr
        yield from parts
    if carry:
        carry = normalize_newlines(carry)
        yield from carry.split("\n")[:-1] if carry.endswith("\n") else carry.split("\n")


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def file_signature(path: Path) -> tuple[int, int]:
    """(size, mtime in ns) of ``path``; cheap identity for cache keys of large files."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns
