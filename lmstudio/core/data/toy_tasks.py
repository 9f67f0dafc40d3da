"""Toy translation tasks: source -> target pairs made on the fly, for demos that train in under a minute.

A real corpus needs hours before an encoder-decoder translates anything; these tasks show the same
machinery (attention, teacher forcing, beam search, BLEU) learning in seconds, and each one isolates a
skill, so a failure says something:

- ``copy``: the string itself. The floor: an encoder-decoder that cannot copy cannot translate.
- ``reverse``: the string reversed. The classic test of attention (Sutskever et al. 2014 reversed the
  *source* to shorten dependencies): without attention the whole string must pass through one state.
- ``sort``: the characters sorted. The output depends on the whole input (counting), not on an alignment.
- ``dates``: a date written in one of several formats ("3 March 1998", "03/03/1998", "3.3.98", ...) ->
  ISO 8601 "1998-03-03". A small real translation: reordering, a vocabulary of month names, numbers
  rewritten; the well-known example of attention's alignments.

Pairs are deterministic given the seed (``random.Random(seed)``, independent of any global state), so a
demo, a test and a resumed run see the same data. Conventions of ``dates``, fixed so that every source has
one answer: slashes and dots are day first (European: 03/03/1998 is 3 March); two-digit years are 1950-2049
(``yy < 50`` is 20yy), which is the range every date is drawn from.

``write_toy_corpus`` writes a TSV (source<TAB>target, no header) that :class:`~.corpus.Corpus` opens as a
parallel corpus with :func:`toy_read_options` (columns 0 and 1, no header).
"""

from __future__ import annotations

import datetime as dt
import numbers
import random
from pathlib import Path

from ..config import TOY_TASKS
from ..errors import ConfigError, DataError
from ..fileio import atomic_write_text
from ..paths import cache_root
from .corpus import ReadOptions

__all__ = [
    "TOY_TASKS",
    "DATE_FORMATS",
    "ensure_toy_corpus",
    "toy_corpus_path",
    "toy_pairs",
    "toy_read_options",
    "write_toy_corpus",
]
MAX_PAIRS = 10_000_000  # a toy corpus is for demos; beyond this, a typo (n=1e9) would fill memory
FIRST_DATE = dt.date(1950, 1, 1)  # the range two-digit years can name without ambiguity (pivot 50)
LAST_DATE = dt.date(2049, 12, 31)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# Spelled out by hand rather than with strftime, whose %B and %a follow the process's locale.
DATE_FORMATS = {
    "d month yyyy": lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",  # 3 March 1998
    "yyyy-mm-dd": lambda d: d.isoformat(),  # 1998-03-03 (already ISO: the model must learn to copy)
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",  # 03/03/1998
    "month d, yyyy": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",  # March 3, 1998
    "d.m.yy": lambda d: f"{d.day}.{d.month}.{d.year % 100:02d}",  # 3.3.98
    "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",  # 03.03.1998
    "d mon yyyy": lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",  # 3 Mar 1998
    "mon d, yyyy": lambda d: f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}",  # Mar 3, 1998
    "dth of month yyyy": lambda d: f"{_ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}",  # 3rd of March 1998
    "weekday, d month yyyy": lambda d: f"{WEEKDAYS[d.weekday()]}, {d.day} {MONTHS[d.month - 1]} {d.year}",
    "yyyymmdd": lambda d: f"{d.year}{d.month:02d}{d.day:02d}",  # 19980303
}


def _whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check(task: str, n: int, min_len: int, max_len: int, alphabet: str) -> None:
    if task not in TOY_TASKS:
        raise ConfigError(f"toy task: unknown task {task!r}; use one of {', '.join(TOY_TASKS)}")
    if not _whole(n) or not 1 <= n <= MAX_PAIRS:
        raise ConfigError(f"toy task n: {n!r} pairs; give a whole number from 1 to {MAX_PAIRS:,}")
    if task == "dates":
        return  # lengths and alphabet do not apply: a date is as long as its format makes it
    if not _whole(min_len) or min_len < 1:
        raise ConfigError(f"toy task min_len: {min_len!r}; a string needs at least 1 character")
    if not _whole(max_len) or max_len < min_len:
        raise ConfigError(f"toy task max_len: {max_len!r} is below min_len {min_len}; make it at least min_len")
    if not alphabet or any(c in "\t\n\r" for c in alphabet):
        raise ConfigError(
            "toy task alphabet: give at least one character, and no tab or line break (they would break the TSV)"
        )


def toy_pairs(
    task: str, n: int, seed: int, min_len: int = 3, max_len: int = 12, alphabet: str = "abcdefghij"
) -> list[tuple[str, str]]:
    """``n`` (source, target) pairs of ``task``, the same for the same arguments.

    reverse/sort/copy draw strings of ``min_len`` to ``max_len`` characters (uniform length, then
    uniform characters) from ``alphabet``; dates draw a day uniformly from 1950-2049 and a format
    uniformly from :data:`DATE_FORMATS` (the lengths and alphabet are ignored).
    """
    _check(task, n, min_len, max_len, alphabet)
    rng = random.Random(seed)
    pairs: list[tuple[str, str]] = []
    if task == "dates":
        first, span = FIRST_DATE.toordinal(), LAST_DATE.toordinal() - FIRST_DATE.toordinal()
        formats = list(DATE_FORMATS.values())
        for _ in range(n):
            day = dt.date.fromordinal(first + rng.randint(0, span))
            pairs.append((rng.choice(formats)(day), day.isoformat()))
        return pairs
    chars = list(alphabet)
    for _ in range(n):
        source = "".join(rng.choices(chars, k=rng.randint(min_len, max_len)))
        if task == "reverse":
            target = source[::-1]
        elif task == "sort":
            target = "".join(sorted(source))
        else:
            target = source
        pairs.append((source, target))
    return pairs


def toy_read_options() -> ReadOptions:
    """How :class:`~.corpus.Corpus` reads what :func:`write_toy_corpus` wrote: a parallel table whose
    columns 0 (source) and 1 (target) are 0-based, without a header row."""
    return ReadOptions(format="parallel", source_column="0", target_column="1", header=False)


def write_toy_corpus(
    task: str, path: str | Path, n: int, seed: int, min_len: int = 3, max_len: int = 12, alphabet: str = "abcdefghij"
) -> Path:
    """Write ``toy_pairs(task, n, seed, ...)`` to ``path`` as UTF-8 TSV (source<TAB>target, one pair a line,
    no header), atomically; returns the path. Open it with ``Corpus.open(path, toy_read_options())``."""
    pairs = toy_pairs(task, n, seed, min_len, max_len, alphabet)
    path = Path(path)
    atomic_write_text(path, "".join(f"{s}\t{t}\n" for s, t in pairs))
    return path


def toy_corpus_path(task: str, n: int, seed: int) -> Path:
    """Where ``data.toy_task`` keeps its generated corpus: in the cache, named by what makes it."""
    return cache_root() / "toy" / f"{task}-{n}-{seed}.tsv"


def ensure_toy_corpus(task: str, n: int, seed: int) -> Path:
    """The generated corpus of ``task``: written once into the cache (atomically), then reused."""
    path = toy_corpus_path(task, n, seed)
    if path.is_file():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_toy_corpus(task, path, n, seed)
    except OSError as exc:
        raise DataError(
            f"{path}: the toy task's pairs cannot be written ({exc.strerror or exc}); "
            "set LMSTUDIO_CACHE to a writable folder"
        ) from None
