"""Open one text file safely: refuse binaries, find the encoding, stream normalized lines.

This is the byte-level half of :mod:`lmstudio.core.data.corpus`. It never reads a whole file: the checks
look at the first 64 KB (binary) and the first 1 MB (encoding), and :func:`iter_file_lines` decodes in
1 MB chunks. Decoding is always strict, so an invalid byte becomes a :class:`CorpusError` naming its
byte offset instead of a silent U+FFFD that would end up in a vocabulary.

Encoding rules, in order:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. a first megabyte that is valid UTF-8 means UTF-8, and the rest is validated while streaming;
3. a sample that is mostly valid UTF-8 with some invalid bytes is a damaged UTF-8 file: error with offset;
4. otherwise the likeliest 8-bit encoding is chosen by which decoding reads as words a human wrote
   (:func:`guess_legacy_encoding`: cp1252 first, a Central-European, Cyrillic, Baltic, Turkish,
   Greek, Hebrew or Arabic code page only on clear evidence); charset-normalizer is asked only when
   none of those reads as words (Shift-JIS, GBK...). The
   choice, how sure it is (high / medium / low, and why) and the close alternatives are in
   ``TextFile.note``.

``encoding`` other than "auto" (``data.encoding``, ``--encoding``) skips detection; a byte that does
not decode in it is an error naming the file, the line and the byte offset.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError
from ..fileio import check_regular_file

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
    note: str  # human-readable: which encoding, why, and how sure
    confidence: str = "certain"  # "certain" (BOM, valid UTF-8, set by the user), else "high", "medium" or "low"
    explicit: bool = False  # the encoding was set by the user (data.encoding / --encoding), not detected


def _open_error(path: Path, exc: OSError) -> CorpusError:
    if isinstance(exc, FileNotFoundError):
        return CorpusError(f"{path}: no such file or folder; check the path")
    if isinstance(exc, PermissionError):
        return CorpusError(
            f"{path}: permission denied; make the file readable (e.g. chmod +r) or copy it somewhere you can read"
        )
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
    return (
        len(head) >= 8
        and (even.count(0) > 0.9 * len(even) or odd.count(0) > 0.9 * len(odd))
        and not (even.count(0) > 0.9 * len(even) and odd.count(0) > 0.9 * len(odd))
    )


def _utf8_looks_damaged(sample: bytes) -> bool:
    """A sample that fails UTF-8: is it damaged UTF-8 (mostly valid multi-byte text) or a legacy encoding?"""
    text = sample.decode("utf-8", errors="surrogateescape")
    escaped = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    valid_non_ascii = sum(1 for ch in text if ord(ch) > 0x7F) - escaped
    return valid_non_ascii > escaped


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _offset_message(
    path: Path, encoding: str, offset: int, byte: int | None, line: int | None = None, explicit: bool = False
) -> str:
    what = f" (byte 0x{byte:02x})" if byte is not None else ""
    where = f"line {line}, byte offset {offset}" if line is not None else f"byte offset {offset}"
    if explicit:
        fix = (
            f"the encoding {encoding} was set explicitly: set another one that fits the file "
            f"(e.g. cp1252, latin-1, utf-8) or 'auto' to detect it"
        )
    else:
        fix = (
            "convert it to UTF-8 (e.g. iconv -f <encoding> -t utf-8), remove the bad bytes, "
            "or set the encoding (--encoding, data.encoding) to the one the file was written in, e.g. cp1252"
        )
    return f"{path}: not valid {encoding} at {where}{what}; the file is damaged or mixes encodings. Fix: {fix}"


# ---- guessing a legacy (8-bit) encoding ------------------------------------------------------------
#
# charset-normalizer alone picked cp1250 "with confidence 1.00" for French and Portuguese sentences
# (crème -> črme). What decides here is which decoding gives words a human wrote: accented letters of
# one language's alphabet, no symbols glued inside words, one script per word. Candidates are tried
# most-used first, and a later one must read the text clearly better than cp1252 to be chosen.

_ALPHABETS = (  # letters beyond ASCII of languages written in these code pages (lower case)
    "àâæçéèêëîïôœùûüÿ",
    "áéíñóúü",
    "áâãàçéêíóôõú",
    "àèéìíîòóùú",
    "äöüß",
    "áéëèïóöü",
    "åäöé",
    "æøåé",
    "áðéíóúýþæö",
    "àçèéíïòóúü",
    "äöåõüšž",
    "áčďéěíňóřšťúůýž",
    "áäčďéíĺľňóôŕšťúýž",
    "ąćęłńóśźż",
    "áéíóöőúüű",
    "čćđšž",
    "ăâîșțşţ",
    "çğıöşüâî",
    "ąčęėįšųūž",
    "āčēģīķļņšūž",
    "çë",
)
_LATIN_ALPHABETS = [frozenset(a) for a in _ALPHABETS]
_VOWELS = frozenset("аеёиоуыэюяіїєαεηιουωάέήίόύώϊϋΐΰ")
LEGACY_ENCODINGS = {  # most used first: on equal evidence the earlier one wins
    "cp1252": "Western European",
    "cp1250": "Central European",
    "cp1251": "Cyrillic",
    "cp1257": "Baltic",
    "cp1254": "Turkish",
    "cp1253": "Greek",
    "cp1255": "Hebrew",
    "cp1256": "Arabic",
    "koi8_r": "Cyrillic (KOI8-R)",
}
_NON_ASCII_WORD = re.compile(rb"[^\s]*[\x80-\xff][^\s]*")
SCORED_WORDS = 4000  # words with non-ASCII bytes scored per candidate (enough to decide, cheap on 1 MB)
SWITCH_MARGIN = 2  # a candidate after cp1252 must score this much higher to be chosen


def _words(text: str) -> Iterator[str]:
    word: list[str] = []
    for ch in text:
        if ch.isspace() or ch.isdigit() or unicodedata.category(ch)[0] in "PZC" or (ch.isascii() and not ch.isalpha()):
            if word:
                yield "".join(word)
                word = []
        else:
            word.append(ch)
    if word:
        yield "".join(word)


_TONOS = frozenset("άέήίόύώ")


def _word_score(word: str, latin: list[str], greek: list[tuple[int, bool]]) -> int:
    """+n for a plausible word with n non-ASCII letters, -(n+1) for one no human writes."""
    extra = [c for c in word if not c.isascii()]
    if not extra:
        return 0
    n = len(extra)
    if not all(c.isalpha() for c in extra):  # a symbol (¹ ³ ¾ ˇ ¤) glued to letters
        return -n - 1 if len(word) > 1 else 0
    scripts = {unicodedata.name(c, "?").split(" ", 1)[0] for c in word}
    if len(scripts) > 1:  # Latin and Cyrillic letters in one word
        return -n - 1
    script = scripts.pop()
    lower = word.lower()
    if script == "LATIN":
        latin.extend(c for c in lower if not c.isascii())
        return n
    if script in ("GREEK", "CYRILLIC"):
        if (
            (script == "GREEK" and "ς" in lower[:-1])
            or (script == "CYRILLIC" and lower[0] in "ьъы")
            or (any(c.isupper() for c in word[1:]) and not word.isupper())
            or (len(word) >= 3 and sum(c in _VOWELS for c in lower) < 0.2 * len(word))
        ):
            return -n - 1
        if script == "GREEK" and len(word) >= 4 and not word.isupper():
            greek.append((n, any(c in _TONOS for c in lower)))
        return n
    if script in ("HEBREW", "ARABIC"):
        return n
    return 0


def _plausibility(text: str) -> int:
    latin: list[str] = []
    greek: list[tuple[int, bool]] = []  # (letters, has an accent) of longer lower-case Greek words
    score = sum(_word_score(w, latin, greek) for w in _words(text))
    if len(greek) >= 3 and sum(accented for _, accented in greek) < 0.25 * len(greek):
        score -= 2 * sum(n for n, _ in greek)  # modern Greek accents nearly every word of two syllables
    if latin:  # the accented letters should mostly belong to one language
        covered = max(sum(c in a for c in latin) for a in _LATIN_ALPHABETS)
        score -= 2 * (len(latin) - covered)
    return score


@dataclass(frozen=True)
class EncodingGuess:
    codec: str  # Python codec name
    confidence: str  # "high", "medium" or "low"
    reason: str  # what the confidence rests on, for the note
    alternatives: tuple[str, ...]  # other codecs that would read the non-ASCII bytes differently and nearly as well
    score: int = 0  # plausibility of the chosen reading (negative: no candidate reads as words)


def guess_legacy_encoding(sample: bytes) -> EncodingGuess | None:
    """The likeliest 8-bit encoding of ``sample`` (not UTF-8), or None when none of the usual ones fits."""
    words = b" ".join(_NON_ASCII_WORD.findall(sample)[:SCORED_WORDS])
    non_ascii = sum(1 for b in words if b >= 0x80)
    scored: list[tuple[int, str, str]] = []
    for codec in LEGACY_ENCODINGS:
        try:
            sample.decode(codec)
            text = words.decode(codec)
        except UnicodeDecodeError:
            continue
        if any("\x80" <= ch <= "\x9f" for ch in text):  # C1 controls: not text
            continue
        scored.append((_plausibility(text), codec, text))
    if not scored:
        return None
    best = scored[0]
    for cand in scored[1:]:
        needed = SWITCH_MARGIN if best[1] == "cp1252" else 1
        if cand[0] >= best[0] + needed:
            best = cand
    score, codec, text = best
    rivals = [c for c in scored if c[2] != text]
    runner_up = max((c[0] for c in rivals), default=None)
    close = [codecs.lookup(c[1]).name for c in rivals if c[0] >= score - max(2, score // 10)]
    if score < 0:
        confidence, reason = "low", "none of the usual encodings reads its accented letters as words"
    elif score == 0:
        confidence = "low"
        reason = (
            f"its {non_ascii} non-ASCII byte{'s are' if non_ascii != 1 else ' is'} punctuation or symbols, not letters"
        )
    elif non_ascii < 8 or (runner_up is not None and score - runner_up < 2):
        confidence = "low"
        reason = (
            f"only {non_ascii} non-ASCII byte{'s' if non_ascii != 1 else ''} to judge by"
            if non_ascii < 8
            else "another encoding reads the text about as well"
        )
    elif non_ascii < 40 or close:
        confidence, reason = "medium", f"{non_ascii} non-ASCII bytes read as plausible words"
    else:
        confidence, reason = "high", f"{non_ascii} non-ASCII bytes read as plausible words"
    return EncodingGuess(codecs.lookup(codec).name, confidence, reason, tuple(close), score)


def _legacy_note(guess: EncodingGuess, first_bad: int, line: int) -> str:
    family = next((v for k, v in LEGACY_ENCODINGS.items() if codecs.lookup(k).name == guess.codec), "")
    name = f"{guess.codec} ({family})" if family else guess.codec
    note = f"detected {name}, confidence {guess.confidence}: not UTF-8 (byte {first_bad}, line {line}); {guess.reason}"
    if guess.alternatives:
        note += f"; could also be {', '.join(guess.alternatives)}"
    if guess.confidence != "high":
        note += "; if accents look wrong, set the encoding"
    return note


def _ascii_compatible(codec: str) -> bool:
    return not codecs.lookup(codec).name.startswith(("utf-16", "utf-32"))


def _check_sample(
    path: Path, body: bytes, codec: str, name: str, start: int, whole: bool, explicit: bool = False
) -> None:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        decoder.decode(body, final=whole)
    except UnicodeDecodeError as exc:
        line = _line_of(body, exc.start) if _ascii_compatible(codec) else None
        bad = body[exc.start] if exc.start < len(body) else None
        raise CorpusError(_offset_message(path, name, start + exc.start, bad, line, explicit)) from None


def inspect_text_file(path: Path, encoding: str = "auto") -> TextFile:
    """Check that ``path`` is a readable, non-empty text file and decide how to decode it.

    ``encoding`` is "auto" (the rules in the module docstring) or a codec name the user chose; a file
    that does not decode with it is an error naming the line and byte. Raises :class:`CorpusError` for
    a missing, special (FIFO, device), unreadable, empty, binary or undecodable file.
    """
    path = check_regular_file(path, "corpus")
    sample, size = _read_head(path, SAMPLE_BYTES)
    if size == 0 or not sample:
        raise CorpusError(f"{path}: the file is empty; choose a file with text in it")
    whole = len(sample) >= size
    if encoding != "auto":
        return _inspect_explicit(path, sample, size, whole, encoding)

    for bom, name, codec in _BOMS:
        if sample.startswith(bom):
            body = sample[len(bom) :]
            if not body and whole:
                raise CorpusError(
                    f"{path}: the file holds only a byte-order mark and no text; choose a file with text in it"
                )
            _check_sample(path, body, codec, name, len(bom), whole)
            if codec.startswith("utf-8") and looks_binary(body[:BINARY_CHECK_BYTES]):
                raise CorpusError(f"{path}: looks like a binary file, not text; choose a plain-text file")
            note = f"{name.upper().replace('-SIG', '')} with a byte-order mark"
            return TextFile(path, size, name, codec, len(bom), note)

    if looks_binary(sample[:BINARY_CHECK_BYTES]):
        if _looks_utf16_without_bom(sample[:BINARY_CHECK_BYTES]):
            raise CorpusError(
                f"{path}: looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM), "
                f"or set the encoding to utf-16-le or utf-16-be"
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
        raise CorpusError(_offset_message(path, "UTF-8", first_bad, sample[first_bad], _line_of(sample, first_bad)))

    guess = guess_legacy_encoding(sample)
    if guess is None or guess.score < 0:  # no 8-bit candidate reads it: Shift-JIS, GBK, Hebrew, Arabic...
        guess = _charset_normalizer_guess(sample) or guess
    if guess is None:
        raise CorpusError(
            f"{path}: not UTF-8 (invalid byte at offset {first_bad}, line {_line_of(sample, first_bad)}) and no other "
            f"encoding fits; convert the file to UTF-8 or set the encoding it was written in"
        )
    _check_sample(path, sample, guess.codec, guess.codec, 0, whole)
    note = _legacy_note(guess, first_bad, _line_of(sample, first_bad))
    return TextFile(path, size, guess.codec, guess.codec, 0, note, guess.confidence)


def _inspect_explicit(path: Path, sample: bytes, size: int, whole: bool, encoding: str) -> TextFile:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise CorpusError(
            f"data.encoding: unknown encoding {encoding!r}; use auto or one such as utf-8, cp1252, latin-1"
        ) from None
    bom_length = 0
    if codec == "utf-8" and sample.startswith(codecs.BOM_UTF8):
        bom_length = len(codecs.BOM_UTF8)  # a UTF-8 BOM is not text, whatever the setting
    body = sample[bom_length:]
    if _ascii_compatible(codec) and b"\x00" in body[:BINARY_CHECK_BYTES]:
        raise CorpusError(
            f"{path}: holds NUL bytes, which no text in {codec} has; it is binary or UTF-16/32 "
            f"(then set the encoding to utf-16 or utf-32, or 'auto')"
        )
    if not body.strip() and whole:
        raise CorpusError(f"{path}: the file holds no text; choose a file with text in it")
    try:
        _check_sample(path, body, codec, codec, bom_length, whole, explicit=True)
    except CorpusError as exc:
        suggestion = _suggest_encoding(sample, codec)
        if suggestion is None:
            raise
        raise CorpusError(f"{exc}; detection says this file reads as {suggestion}") from None
    return TextFile(path, size, codec, codec, bom_length, f"{codec} (set in the settings)", "certain", explicit=True)


def _suggest_encoding(sample: bytes, failed: str) -> str | None:
    """What "auto" would choose for ``sample`` (when it is not the encoding that just failed)."""
    try:
        sample.decode("utf-8")
        found = "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3:  # a character cut by the end of the sample
            found = "utf-8"
        else:
            guess = guess_legacy_encoding(sample)
            found = f"{guess.codec} (confidence {guess.confidence})" if guess else None
    if found is None or found.split(" ")[0] == failed:
        return None
    return found


def _charset_normalizer_guess(sample: bytes) -> EncodingGuess | None:
    """Multi-byte legacy encodings (Shift-JIS, GBK, Big5, EUC-KR...) that no 8-bit candidate reads."""
    from charset_normalizer import from_bytes  # imported late: only rare files need it

    best = from_bytes(sample[: 256 * 1024]).best()
    if best is None or best.encoding is None or best.chaos > 0.2:
        return None
    codec = codecs.lookup(best.encoding).name
    if codec == "utf-8":
        return None
    confidence = "medium" if best.chaos < 0.05 and best.coherence > 0.3 else "low"
    language = f", language {best.language}" if best.language and best.language != "Unknown" else ""
    return EncodingGuess(codec, confidence, f"guessed by charset-normalizer{language}", ())


def _pending_bytes(decoder: codecs.IncrementalDecoder) -> int:
    try:
        state = decoder.getstate()
    except AttributeError:  # a decoder without the optional getstate()
        return 0
    return len(state[0]) if isinstance(state[0], (bytes, bytearray)) else 0


def iter_file_chunks(
    tf: TextFile, chunk_bytes: int = CHUNK_BYTES, on_bytes: Callable[[int], None] | None = None
) -> Iterator[str]:
    """Decode ``tf`` strictly, chunk by chunk; raise :class:`CorpusError` with the byte offset on a bad byte."""
    decoder = codecs.getincrementaldecoder(tf.codec)("strict")
    try:
        fh = open(tf.path, "rb")
    except OSError as exc:
        raise _open_error(tf.path, exc) from None
    with fh:
        fh.seek(tf.bom_length)
        pos = tf.bom_length
        newlines = 0
        count_lines = _ascii_compatible(tf.codec)
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
                line = newlines + exc.object.count(b"\n", 0, exc.start) + 1 if count_lines else None
                raise CorpusError(_offset_message(tf.path, tf.encoding, offset, bad, line, tf.explicit)) from None
            if count_lines and "\x00" in text:  # the binary check saw only the first 64 KB
                at = max(0, chunk.find(b"\x00"))
                line = newlines + chunk.count(b"\n", 0, at) + 1
                raise CorpusError(
                    f"{tf.path}: NUL byte at line {line}, byte offset {pos + at}: binary data inside the text; "
                    f"remove it (e.g. tr -d '\\000') or leave the file out"
                )
            if count_lines:
                newlines += chunk.count(b"\n")
            pos += len(chunk)
            if on_bytes is not None and chunk:
                on_bytes(len(chunk))
            if text:
                yield text
            if not chunk:
                return


def iter_file_lines(
    tf: TextFile, chunk_bytes: int = CHUNK_BYTES, on_bytes: Callable[[int], None] | None = None
) -> Iterator[str]:
    """Yield the lines of ``tf`` without their ending; CRLF and lone CR count as LF.

    Only ``\\n`` (after normalization) splits lines: form feeds, U+2028 and friends stay inside lines.
    A final line ending does not produce an extra empty line. A line longer than a chunk is gathered
    in pieces and joined once (a 50 MB single-line file costs one copy, not one per chunk).
    """
    pieces: list[str] = []  # the unfinished line so far
    pending_cr = False  # the previous chunk ended in CR: a LF starting this one belongs to it
    for text in iter_file_chunks(tf, chunk_bytes, on_bytes):
        if pending_cr:
            text = "\r" + text
        pending_cr = text.endswith("\r")
        if pending_cr:
            text = text[:-1]
        text = normalize_newlines(text)
        if "\n" not in text:
            if text:
                pieces.append(text)
            continue
        parts = text.split("\n")
        if pieces:
            pieces.append(parts[0])
            parts[0] = "".join(pieces)
            pieces = []
        last = parts.pop()
        if last:
            pieces.append(last)
        yield from parts
    if pending_cr:
        yield "".join(pieces)
    elif pieces:
        yield "".join(pieces)


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def file_signature(path: Path) -> tuple[int, int]:
    """(size, mtime in ns) of ``path``; cheap identity for cache keys of large files."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns
