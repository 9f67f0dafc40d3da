"""Corpus statistics computed in one streaming pass over lines.

Counts are of the text as the split files hold it: every line followed by one ``"\\n"``. So ``chars``
and ``bytes`` (UTF-8) include one newline per line, and ``"\\n"`` is among the unique characters, as
it is in a character-level vocabulary. Words are those of the segmenter (``data.segmenter``, see
``segment.py``): with ``whitespace``, ``words`` counts whitespace-separated tokens (like ``wc -w``) and
each CJK character as one word (Chinese has no spaces: a clause would otherwise count as one word);
``top_words`` counts lower-cased word tokens (letters, digits and inner apostrophes), so "The" and
"the," are one word there. ``word_rule`` says which rule counted. The line-length histogram is built
from the exact count of each length, so it needs no second pass.

Memory: a counter per distinct character and per distinct word. Past ``MAX_DISTINCT_WORDS`` distinct
words the rarest are pruned, which keeps the most frequent words right in any natural text (their
counts may then be slightly low).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..progress import ProgressCallback, report
from .segment import CJK, CJK_OR_MARK, WORD, Segmenter

MAX_DISTINCT_WORDS = 1_000_000
HIST_BINS = 40
PROGRESS_EVERY = 20_000  # lines between progress reports (at most)
BATCH_CHARS = 1 << 20  # characters counted per batch

CJK_CORPUS_SHARE = 0.3  # a corpus whose non-space characters are at least this share CJK is called CJK


def word_rule(segmenter: Segmenter | None, cjk_chars: int) -> str:
    """How ``words`` and ``top_words`` were counted, in words (for the Data tab and report.json)."""
    name = segmenter.name if segmenter is not None else "whitespace"
    if name == "whitespace":
        if cjk_chars:
            return "whitespace-separated, each CJK character one word (no segmenter set)"
        return "whitespace-separated"
    return f"as the {name} segmenter cuts them"


@dataclass
class CorpusStats:
    bytes: int = 0  # UTF-8 bytes, one "\n" per line included
    chars: int = 0  # characters, one "\n" per line included
    lines: int = 0
    words: int = 0  # whitespace-separated tokens, CJK characters one each (see word_rule)
    unique_chars: int = 0  # distinct characters ("\n" included when there is a line)
    top_chars: list[tuple[str, int]] = field(default_factory=list)  # most frequent first
    top_words: list[tuple[str, int]] = field(default_factory=list)  # lower-cased words, most frequent first
    line_length_hist: tuple[list[int], list[float]] = ([], [])  # (counts, edges): len(edges) == len(counts) + 1
    empty_lines: int = 0  # lines that are empty or whitespace only
    max_line_chars: int = 0  # longest line, newline excluded
    mean_line_chars: float = 0.0  # newline excluded
    cjk_chars: int = 0  # characters of CJK scripts (Han, kana)
    word_rule: str = "whitespace-separated"  # how words were counted

    @property
    def cjk_share(self) -> float:
        """The share of CJK characters among the characters that are not whitespace."""
        spaces = sum(n for c, n in self.top_chars if c.isspace())  # top_chars holds the frequent ones: close
        letters = self.chars - spaces
        return self.cjk_chars / letters if letters > 0 else 0.0

    @property
    def is_cjk(self) -> bool:
        return self.cjk_share >= CJK_CORPUS_SHARE

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (lists, not tuples)."""
        out = asdict(self)
        out["top_chars"] = [[c, n] for c, n in self.top_chars]
        out["top_words"] = [[w, n] for w, n in self.top_words]
        counts, edges = self.line_length_hist
        out["line_length_hist"] = {"counts": list(counts), "edges": list(edges)}
        return out


def histogram_from_counts(length_counts: dict[int, int], bins: int = HIST_BINS) -> tuple[list[int], list[float]]:
    """Bin exact ``{length: count}`` data into at most ``bins`` equal-width integer bins.

    Bins are ``[edge_i, edge_i+1)``, with the last bin closed so the longest line is inside it.
    """
    if not length_counts:
        return [], []
    lo, hi = min(length_counts), max(length_counts)
    width = max(1, math.ceil((hi - lo + 1) / bins))
    n_bins = max(1, math.ceil((hi - lo + 1) / width))
    counts = [0] * n_bins
    for length, count in length_counts.items():
        counts[min((length - lo) // width, n_bins - 1)] += count
    edges = [float(lo + i * width) for i in range(n_bins + 1)]
    return counts, edges


def _prune(words: Counter) -> None:
    # Drop the rarer half of the distinct words; the frequent ones survive with exact counts
    # accumulated so far, which is what a top-N list needs.
    keep = len(words) // 2
    threshold = sorted(words.values(), reverse=True)[keep]
    for word in [w for w, n in words.items() if n <= threshold]:
        del words[word]


def _slices(text: str, size: int) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, each cut after whitespace where there is any.

    Cutting after whitespace keeps every word whole, so word counts are those of the whole text.
    """
    start = 0
    while len(text) - start > size:
        end = start + size
        cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end), text.rfind("\t", start, end))
        end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end
    yield text[start:]


def compute_stats(
    lines: Iterable[str],
    top_n: int = 50,
    progress: ProgressCallback | None = None,
    segmenter: Segmenter | None = None,
) -> CorpusStats:
    """Statistics of ``lines`` in one streaming pass; ``progress`` gets (lines, None, message). Words are
    cut by ``segmenter`` (whitespace when None)."""
    plain = segmenter is None or segmenter.name == "whitespace"
    chars: Counter[str] = Counter()
    words: Counter[str] = Counter()
    lengths: Counter[int] = Counter()
    totals = {"lines": 0, "words": 0, "bytes": 0, "empty": 0, "cjk": 0}

    def count(text: str) -> None:
        # numpy counts code points ~20x faster than Counter(text); "surrogatepass" keeps lone surrogates.
        codes, counts = np.unique(
            np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32), return_counts=True
        )
        for code, n in zip(codes.tolist(), counts.tolist()):
            chars[chr(code)] += n
        totals["bytes"] += len(text.encode("utf-8", "surrogatepass"))
        cjk = len(CJK.findall(text)) if codes.size and codes[-1] >= 0x3040 else 0
        totals["cjk"] += cjk
        if plain:
            if cjk:  # no spaces between CJK words: each character counts as one (and is a top word); CJK
                rest = CJK_OR_MARK.sub(" ", text)  # punctuation (，。！) is no word, as "," is none in English
                totals["words"] += len(rest.split()) + cjk
                words.update(WORD.findall(rest.lower()))
                words.update(CJK.findall(text))
            else:
                totals["words"] += len(text.split())
                words.update(WORD.findall(text.lower()))
        else:
            found = segmenter.words(text.lower())
            totals["words"] += len(found)
            words.update(found)
        if len(words) > MAX_DISTINCT_WORDS:
            _prune(words)

    def flush(batch: list[str]) -> None:
        # Counting a joined batch keeps the per-character work in C; "\n" cannot join two words.
        text = "\n".join(batch) + "\n"
        lengths.update(map(len, batch))
        totals["empty"] += sum(1 for line in batch if not line or line.isspace())
        # A huge line (a 50 MB one-line corpus) is counted in slices cut at whitespace, so no single
        # call holds the interpreter for seconds and Cancel is honoured between slices.
        for piece in _slices(text, BATCH_CHARS):
            count(piece)
            if len(text) > BATCH_CHARS:
                report(progress, totals["lines"], None, "Counting")

    batch: list[str] = []
    batch_chars = 0
    for line in lines:
        batch.append(line)
        batch_chars += len(line)
        totals["lines"] += 1
        if batch_chars >= BATCH_CHARS or len(batch) >= PROGRESS_EVERY:
            flush(batch)
            batch, batch_chars = [], 0
            report(progress, totals["lines"], None, "Counting")
    if batch:
        flush(batch)
    n_lines = totals["lines"]
    n_chars = sum(chars.values())
    report(progress, n_lines, n_lines, "Counted")
    return CorpusStats(
        bytes=totals["bytes"],
        chars=n_chars,
        lines=n_lines,
        words=totals["words"],
        unique_chars=len(chars),
        top_chars=chars.most_common(top_n),
        top_words=words.most_common(top_n),
        line_length_hist=histogram_from_counts(lengths),
        empty_lines=totals["empty"],
        max_line_chars=max(lengths) if lengths else 0,
        mean_line_chars=(n_chars - n_lines) / n_lines if n_lines else 0.0,
        cjk_chars=totals["cjk"],
        word_rule=word_rule(segmenter, totals["cjk"]),
    )
