"""Line cleaning: the preprocessing step of the pipeline, one option at a time, previewable.

The steps run in a fixed order, each only when its :class:`CleaningConfig` option is on:
NFKC -> strip control characters -> lowercase -> collapse whitespace -> remove stop words ->
minimum/maximum length -> drop duplicates. Dedupe comes last so that lines differing only in what the
earlier steps removed count as duplicates. Blank lines are never treated as duplicates: they separate
paragraphs and speeches; ``min_line_chars=1`` drops them.

Deduplication is streaming: it keeps an 8-byte BLAKE2b digest per distinct line (about 70 bytes of
memory each in a Python set), never the lines themselves.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

from ..config import STOPWORD_LISTS as STOPWORD_LANGUAGES
from ..config import CleaningConfig
from ..errors import ConfigError, CorpusError
from ..keys import line_hash
from ..paths import resources_dir
from .segment import WORD, Segmenter

_HSPACE = re.compile(r"[^\S\n]+")  # whitespace other than newline (lines have none anyway)
_SPACE_BEFORE_CLOSE = re.compile(r" ([,.;:!?)\]}»”])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[{«“¿¡]) ")


def _is_control(ch: str) -> bool:
    # Cc is C0/C1 controls; Cf (format: zero-width space, BOM, bidi marks) is invisible and
    # breaks tokenization in the same way, so it goes too. Tab stays: it is layout, like a space.
    return ch != "\t" and unicodedata.category(ch) in ("Cc", "Cf")


class _ControlTable(dict):
    """A ``str.translate`` table filled on demand: control characters map to None, others to themselves."""

    def __missing__(self, code: int) -> int | None:
        value = None if _is_control(chr(code)) else code
        self[code] = value
        return value


_CONTROL_TABLE = _ControlTable()


def strip_control(line: str) -> str:
    """Remove control and invisible format characters except tab."""
    if line.isprintable():  # fast path: printable text has no Cc/Cf characters
        return line
    return line.translate(_CONTROL_TABLE)


def collapse_whitespace(line: str) -> str:
    """Runs of spaces, tabs and other whitespace become one space; the ends are stripped."""
    return _HSPACE.sub(" ", line).strip()


@cache
def load_stopwords(lang: str) -> frozenset[str]:
    """The bundled stop-word list for ``lang`` ("en", "es" or "zh"), lower-case, from resources/stopwords/."""
    if lang not in STOPWORD_LANGUAGES:
        raise ConfigError(f"cleaning.stopwords: unknown list {lang!r}; use one of {', '.join(STOPWORD_LANGUAGES)}")
    path = resources_dir() / "stopwords" / f"{lang}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the stop-word list ({exc}); reinstall lmstudio") from None
    words = set()
    for raw in text.splitlines():
        word = raw.strip()
        if word and not word.startswith("#"):
            words.add(unicodedata.normalize("NFC", word.lower().replace("’", "'")))
    return frozenset(words)


def remove_stopwords(line: str, stopwords: frozenset[str], segmenter: Segmenter | None = None) -> str:
    """Drop the words of ``stopwords`` (case-insensitive), keeping punctuation and other words; words are
    those ``segmenter`` cuts (whitespace by default; jieba or chars for Chinese: "我们在学习。" -> "学习。").

    Spaces left behind are collapsed, and a space no longer has a word between it and punctuation
    ("the cat (and the dog)." -> "cat (dog).").
    """

    def keep(word: str) -> str:
        return "" if word.lower().replace("’", "'") in stopwords else word

    if segmenter is None or segmenter.name == "whitespace":
        out = WORD.sub(lambda m: keep(m.group(0)), line)
    else:
        out = "".join(keep(text) if is_word else text for text, is_word in segmenter.split(line))
    if out == line:
        return line
    out = collapse_whitespace(out)
    out = _SPACE_BEFORE_CLOSE.sub(r"\1", out)
    return _SPACE_AFTER_OPEN.sub(r"\1", out)


class Cleaner:
    """Applies a :class:`CleaningConfig` to lines; holds the dedupe state between calls."""

    def __init__(self, cfg: CleaningConfig | None = None, segmenter: Segmenter | None = None) -> None:
        self.cfg = cfg if cfg is not None else CleaningConfig()
        self.segmenter = segmenter  # cuts words for stop-word removal (data.segmenter); None = whitespace
        self._stopwords = load_stopwords(self.cfg.stopwords) if self.cfg.stopwords else None
        self._seen: set[int] = set()

    def reset(self) -> None:
        """Forget the lines seen so far (start a new pass for deduplication)."""
        self._seen.clear()

    @property
    def seen_count(self) -> int:
        """Distinct non-blank lines remembered by deduplication."""
        return len(self._seen)

    def transform(self, line: str) -> str:
        """The text transformations only (no dropping, no dedupe state)."""
        cfg = self.cfg
        if cfg.nfkc:
            line = unicodedata.normalize("NFKC", line)
        if cfg.strip_control:
            line = strip_control(line)
        if cfg.lowercase:
            line = line.lower()
        if cfg.collapse_whitespace:
            line = collapse_whitespace(line)
        if self._stopwords is not None:
            line = remove_stopwords(line, self._stopwords, self.segmenter)
        return line

    def clean(self, line: str) -> str | None:
        """The cleaned line, or ``None`` when the line is dropped (length limits, duplicate)."""
        cfg = self.cfg
        line = self.transform(line)
        n = len(line)
        if n < cfg.min_line_chars or (cfg.max_line_chars and n > cfg.max_line_chars):
            return None
        if cfg.dedupe and line.strip():
            key = line_hash(line)
            if key in self._seen:
                return None
            self._seen.add(key)
        return line

    def preview(self, lines: Iterable[str]) -> list[tuple[str, str | None]]:
        """Before/after pairs for ``lines``, with dedupe state of its own (this cleaner's is untouched)."""
        fresh = Cleaner.__new__(Cleaner)
        fresh.cfg, fresh.segmenter, fresh._stopwords, fresh._seen = self.cfg, self.segmenter, self._stopwords, set()
        return [(line, fresh.clean(line)) for line in lines]

    def iter_clean(self, lines: Iterable[str]) -> Iterator[str]:
        """The kept, cleaned lines of ``lines``."""
        if self.cfg.is_identity:
            yield from lines
            return
        for line in lines:
            out = self.clean(line)
            if out is not None:
                yield out


def iter_clean(lines: Iterable[str], cfg: CleaningConfig, segmenter: Segmenter | None = None) -> Iterator[str]:
    """Clean ``lines`` with a fresh :class:`Cleaner`; dropped lines are left out."""
    return Cleaner(cfg, segmenter).iter_clean(lines)


def clean_text(text: str, cfg: CleaningConfig, segmenter: Segmenter | None = None) -> str:
    """Typed or sampled text cleaned as the corpus was: the text transformations of ``cfg`` line by line
    (NFKC, control characters, lower-case, whitespace, stop words), so a prompt, a text to score or to
    segment meets the vocabulary the model was trained on. No line is dropped: length limits and
    deduplication choose corpus lines, they do not apply to a text the user wrote."""
    if not cleaning_summary(cfg):
        return text
    cleaner = Cleaner(cfg, segmenter)
    return "\n".join(cleaner.transform(line) for line in text.split("\n"))


def clean_sample_lines(lines: Iterable[str], cfg: CleaningConfig, segmenter: Segmenter | None = None) -> list[str]:
    """Corpus lines as training sees them: cleaned, with the lines cleaning drops left out."""
    return list(Cleaner(cfg, segmenter).iter_clean(lines))


def cleaning_summary(cfg: CleaningConfig) -> str:
    """The transformations :func:`clean_text` applies, in words ("lower-case, NFKC"); "" for none."""
    parts = [
        name
        for on, name in (
            (cfg.nfkc, "NFKC"),
            (cfg.strip_control, "control characters removed"),
            (cfg.lowercase, "lower-case"),
            (cfg.collapse_whitespace, "whitespace collapsed"),
        )
        if on
    ]
    if cfg.stopwords:
        parts.append(f"{cfg.stopwords} stop words removed")
    return ", ".join(parts)
