"""Word segmentation (分词): how text is cut into words for stop words, statistics and the word tokenizer.

Three segmenters (``data.segmenter``), each lossless (its segments concatenate back to the text):

- ``whitespace``: words are runs of letters and digits between spaces and punctuation. A Chinese clause,
  written without spaces, is one "word".
- ``jieba``: runs of Han characters are cut by jieba (precise mode, with its HMM for unknown words, and an
  optional user dictionary); everything else as ``chars`` does.
- ``chars``: each CJK character (Han, kana) is a word of its own; other text as ``whitespace`` does. The
  rule for Chinese or Japanese where no segmenter is installed.

Two views of the same cut: :meth:`Segmenter.split` gives (segment, is_word) pairs where words keep inner
apostrophes ("don't"), for stop words and statistics; :meth:`Segmenter.pieces` gives the word tokenizer's
pieces (words, single punctuation marks, each newline, runs of other whitespace), as ``WORD_PATTERN`` did.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..config import SEGMENTERS
from ..errors import ConfigError, CorpusError
from ..keys import digest

# CJK scripts written without spaces: kana, CJK extension A, unified ideographs, compatibility ideographs and
# the supplementary planes' ideographs. Hangul is written with spaces and is left to the word rule.
CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK = re.compile(f"[{CJK_CLASS}]")
HAN_RUN = re.compile(f"[{HAN_CLASS}]+")
# CJK characters and CJK punctuation (the ideographic marks and full-width punctuation, not full-width letters)
CJK_OR_MARK = re.compile(f"[{CJK_CLASS}\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")

# words for stop words and statistics: letters and digits with inner apostrophes (cleaning and stats use it too)
WORD = re.compile(r"\w+(?:['’]\w+)*")
_WORD_CHARS = re.compile(rf"[{CJK_CLASS}]|(?:(?![{CJK_CLASS}])\w)+(?:['’](?:(?![{CJK_CLASS}])\w)+)*")
# the word tokenizer's pieces: concatenating them gives the text back
WORD_PATTERN = re.compile(r"\w+|[^\w\s]|\n|[^\S\n]+")
_PIECE_CHARS = re.compile(rf"[{CJK_CLASS}]|(?:(?![{CJK_CLASS}])\w)+|[^\w\s]|\n|[^\S\n]+")


def cjk_share(text: str) -> float:
    """The share of CJK characters among the non-space characters of ``text`` (0 for empty text)."""
    letters = len(text) - sum(1 for c in text if c.isspace())
    return len(CJK.findall(text)) / letters if letters else 0.0


def _split(pattern: re.Pattern[str], text: str) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    at = 0
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append((text[at : m.start()], False))
        out.append((m.group(0), True))
        at = m.end()
    if at < len(text):
        out.append((text[at:], False))
    return out


class Segmenter:
    """Cuts text into words: ``whitespace`` or ``chars`` (regular expressions) or ``jieba`` (see the module)."""

    def __init__(self, name: str = "whitespace", user_dict: str = "") -> None:
        if name not in SEGMENTERS:
            raise ConfigError(f"data.segmenter: unknown segmenter {name!r}; use one of {', '.join(SEGMENTERS)}")
        self.name = name
        self.user_dict = user_dict  # the user dictionary's text (jieba), not its path: a saved tokenizer keeps it
        self._cut: Callable[[str], Any] | None = None

    def __repr__(self) -> str:
        extra = f", user dictionary of {len(self.user_dict.splitlines())} lines" if self.user_dict else ""
        return f"Segmenter({self.name}{extra})"

    def to_dict(self) -> dict[str, str]:
        out = {"name": self.name}
        if self.user_dict:
            out["user_dict"] = self.user_dict
        return out

    @classmethod
    def from_dict(cls, doc: Any) -> Segmenter:
        if doc is None:
            return cls()
        if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
            raise ConfigError("segmenter: expected {name, user_dict}")
        return cls(doc["name"], str(doc.get("user_dict", "")))

    # the views ------------------------------------------------------------------------------------------------
    def split(self, text: str) -> list[tuple[str, bool]]:
        """(segment, is_word) pairs that concatenate to ``text``; words keep inner apostrophes."""
        if self.name == "whitespace":
            return _split(WORD, text)
        if self.name == "chars" or not HAN_RUN.search(text):
            return _split(_WORD_CHARS, text)
        out: list[tuple[str, bool]] = []
        at = 0
        for m in HAN_RUN.finditer(text):
            if m.start() > at:
                out.extend(_split(_WORD_CHARS, text[at : m.start()]))
            out.extend((w, True) for w in self._jieba(m.group(0)))
            at = m.end()
        if at < len(text):
            out.extend(_split(_WORD_CHARS, text[at:]))
        return out

    def words(self, text: str) -> list[str]:
        """The words of ``text`` (no punctuation or whitespace)."""
        if self.name == "whitespace":
            return WORD.findall(text)
        if self.name == "chars" or not HAN_RUN.search(text):
            return _WORD_CHARS.findall(text)
        return [w for w, is_word in self.split(text) if is_word]

    def pieces(self, text: str) -> list[str]:
        """The word tokenizer's pieces of ``text``: words, punctuation marks, newlines, other whitespace runs."""
        if self.name == "whitespace":
            return WORD_PATTERN.findall(text)
        if self.name == "chars" or not HAN_RUN.search(text):
            return _PIECE_CHARS.findall(text)
        out: list[str] = []
        at = 0
        for m in HAN_RUN.finditer(text):
            if m.start() > at:
                out.extend(_PIECE_CHARS.findall(text[at : m.start()]))
            out.extend(self._jieba(m.group(0)))
            at = m.end()
        if at < len(text):
            out.extend(_PIECE_CHARS.findall(text[at:]))
        return out

    def count_words(self, text: str) -> int:
        """How many words ``text`` holds, for statistics: whitespace-separated tokens (as ``wc -w``) with each
        CJK character one word, for ``whitespace``; the segmenter's words otherwise."""
        if self.name == "whitespace":
            if not CJK.search(text):
                return len(text.split())
            return len(CJK_OR_MARK.sub(" ", text).split()) + len(CJK.findall(text))
        return len(self.words(text))

    def _jieba(self, run: str) -> list[str]:
        if self._cut is None:
            self._cut = jieba_cutter(self.user_dict)
        return list(self._cut(run))


# jieba ------------------------------------------------------------------------------------------------------------
_JIEBA_LOCK = threading.Lock()
_JIEBA: dict[str, Callable[[str], Any]] = {}


def jieba_available() -> bool:
    try:
        import jieba  # noqa: F401
    except ImportError:
        return False
    return True


def jieba_cutter(user_dict: str = "") -> Callable[[str], Any]:
    """jieba's precise-mode cut with ``user_dict`` (a dictionary's text) loaded; one tokenizer per dictionary,
    kept for the process. Its main dictionary loads on first use (about a second, cached by jieba on disk)."""
    key = digest(user_dict)
    with _JIEBA_LOCK:
        cut = _JIEBA.get(key)
        if cut is not None:
            return cut
        try:
            import jieba
        except ImportError:
            raise ConfigError(
                "data.segmenter jieba: the jieba package is not installed; install it (pip install jieba) or "
                "choose the chars segmenter, which cuts Chinese into characters"
            ) from None
        logging.getLogger("jieba").setLevel(logging.WARNING)  # "Building prefix dict ..." on every first use
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        if user_dict:
            import io

            data = io.BytesIO(user_dict.encode("utf-8"))
            data.name = "user dictionary"
            try:
                tokenizer.load_userdict(data)
            except (ValueError, TypeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"data.user_dict: the user dictionary is not one jieba reads ({exc})") from None

        def cut(text: str) -> Any:
            return tokenizer.cut(text, cut_all=False, HMM=True)

        _JIEBA[key] = cut
        return cut


def read_user_dict(path: str) -> str:
    """The text of a jieba user dictionary file (``data.user_dict``); CorpusError naming it when unreadable."""
    if not path:
        return ""
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CorpusError(f"{p}: no such user dictionary (data.user_dict); check the path or clear it") from None
    except UnicodeDecodeError:
        raise CorpusError(f"{p}: the user dictionary is not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise CorpusError(f"{p}: cannot read the user dictionary ({exc.strerror or exc})") from None
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if fields and len(fields) > 1 and not fields[1].isdigit():
            raise CorpusError(
                f"{p}, line {number}: {line.strip()!r} is not 'word [frequency] [tag]' (the frequency must be a "
                "whole number); fix the line"
            )
    return text


def segmenter_for(data: Any, tokenizer: Any = None) -> Segmenter:
    """The segmenter a :class:`DataConfig` asks for, with its user dictionary read.

    With a run's ``tokenizer``: a word tokenizer's own segmenter (saved with it, user dictionary included);
    for other kinds, a user dictionary that can no longer be read is left out (the run's text is cut by
    jieba's own dictionary) rather than refusing to clean a prompt."""
    own = getattr(tokenizer, "segmenter", None)
    if isinstance(own, Segmenter):
        return own
    name = getattr(data, "segmenter", "whitespace")
    if name != "jieba":
        return Segmenter(name)
    try:
        return Segmenter(name, read_user_dict(getattr(data, "user_dict", "")))
    except CorpusError:
        if tokenizer is None:
            raise
        return Segmenter(name)
