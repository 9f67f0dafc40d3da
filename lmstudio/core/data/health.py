"""Data health before training: duplicates, near-duplicates, train/validation leakage, script mix, markup.

A validation loss is only worth what the validation text is: lines that also occur in the training text (or
share a long stretch with it) flatter it, duplicated lines weigh some text more than the rest, and lines of
another script or of markup and numbers teach the model something other than the corpus's language. This
module measures those, over the cleaned corpus and the split assignment that training uses (the same seeded
deck as :func:`lmstudio.core.data.splits.write_splits`, or the split files themselves), and maps each finding
to the existing setting that fixes it.

Memory stays bounded on any corpus: exact lines are tracked by 64-bit hash up to ``MAX_DISTINCT`` distinct
lines, near-duplicates (MinHash over character 5-grams, LSH banding, verified exactly) are searched among the
first ``NEAR_MAX_LINES`` lines, and the training n-gram set keeps a hash-sampled subset once it reaches
``MAX_NGRAMS`` (the report says when a figure was sampled or capped). Two passes: everything, then the
validation and test lines against what training holds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CorpusError
from ..keys import line_hash
from ..progress import ProgressCallback, report
from .splits import SPLIT_NAMES, _assignments, _check

EXAMPLES = 5  # examples kept per finding
EXAMPLE_CHARS = 120  # an example's text is cut to this
SHINGLE = 5  # characters per shingle of the near-duplicate search
PERMUTATIONS = 64  # MinHash signature length
BANDS = 16  # LSH bands (PERMUTATIONS / BANDS rows each)
ESTIMATE_FLOOR = 0.7  # share of equal MinHash values below which a candidate pair is not verified (0.8 - 2 sd)
NEAR_THRESHOLD = 0.8  # Jaccard similarity of shingle sets that makes two lines near-duplicates
NEAR_MIN_CHARS = 30  # shorter lines are left to the exact check (a few shingles make any two lines "similar")
NEAR_MAX_CHARS = 2_000  # a line is compared on its first characters
NEAR_MAX_LINES = 200_000  # lines searched for near-duplicates (the rest of a large corpus is not)
BUCKET_MAX = 8  # lines kept per LSH bucket: a bucket of many similar lines stays linear
NGRAM_CHARS = 50  # a shared stretch this long between validation/test and train counts as leakage
MAX_DISTINCT = 2_000_000  # distinct lines tracked by hash for the exact checks
MAX_NGRAMS = 4_000_000  # training n-gram hashes kept; beyond, a hash-sampled subset (1 in 2, 4, ...)
DOMINATED = 0.5  # a line is "dominated" by markup, numbers or a script when above this share
PROGRESS_EVERY = 20_000  # lines between progress reports

REPEAT_TEXTS = 20_000  # repeated lines whose text is kept for the examples

_PRIME = 4_294_967_291  # the largest prime below 2**32: a signature fits in 32 bits
_rng = np.random.default_rng(20240518)  # fixed: the same signatures in every run
_A = _rng.integers(1, 1 << 31, size=(PERMUTATIONS, 1), dtype=np.uint64)
_B = _rng.integers(0, 1 << 32, size=(PERMUTATIONS, 1), dtype=np.uint64)

_TAG = re.compile(r"<[^<>\n]{0,200}>|&[a-zA-Z]{2,8};|&#\d{1,6};")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_BRACKETS = re.compile(r"[{}\[\]|=\\]")
_DIGITS = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_SUSPECT = re.compile(r"[<>{}\[\]|=\\&\d]|www\.|://")
_ASCII_LETTERS = re.compile(r"[A-Za-z]")

# (first, last, script) of the letters counted, by code point
_SCRIPT_RANGES = (
    (0x0041, 0x024F, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0900, 0x0DFF, "Indic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x10A0, 0x10FF, "Georgian"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x3040, 0x30FF, "Kana"),
    (0x3400, 0x4DBF, "CJK"),
    (0x4E00, 0x9FFF, "CJK"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xF900, 0xFAFF, "CJK"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0xFF21, 0xFF5A, "Latin"),
    (0x20000, 0x2FA1F, "CJK"),
)


@dataclass
class Fix:
    """A change of an existing setting that removes (or reduces) a finding."""

    setting: str  # e.g. "data.cleaning.dedupe"
    value: Any


@dataclass
class Example:
    line: int  # 1-based: of the cleaned corpus, or of the split file when the splits were given
    split: str  # "train", "val" or "test"
    text: str  # cut to EXAMPLE_CHARS
    count: int = 0  # exact duplicates: how often the line occurs
    other_line: int = 0  # near-duplicates: the earlier line it resembles
    other_split: str = ""
    other_text: str = ""
    similarity: float = 0.0  # near-duplicates: exact Jaccard similarity of the two lines' 5-gram sets


@dataclass
class Finding:
    kind: str  # "duplicates", "near_duplicates", "leak_lines", "leak_ngrams", "other_script", "markup", "numbers"
    count: int  # lines concerned
    share: float  # of the lines the check covers (count / total)
    total: int  # lines the check covers
    examples: list[Example] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    note: str = ""  # what the fix does not cover, or where the figure is sampled


@dataclass
class HealthReport:
    lines: int = 0  # cleaned lines read
    split_lines: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    scripts: dict[str, float] = field(default_factory=dict)  # share of letters by script, largest first
    main_script: str = ""
    leakage: dict[str, dict[str, float]] = field(default_factory=dict)  # per split: lines, in_train, ngram, shares
    notes: list[str] = field(default_factory=list)  # where a figure is capped or sampled

    def finding(self, kind: str) -> Finding | None:
        return next((f for f in self.findings if f.kind == kind), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cut(text: str) -> str:
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def _hash(text: str) -> int:
    """A stable 64-bit hash (the same in every process, unlike ``hash``): the one deduplication uses."""
    return line_hash(text)


def script_of(ch: str) -> str:
    """The script of a letter (see ``_SCRIPT_RANGES``), "Other" for letters of none of them."""
    cp = ord(ch)
    for first, last, name in _SCRIPT_RANGES:
        if first <= cp <= last:
            return name
    return "Other"


def letter_scripts(line: str) -> Counter:
    """Letters of ``line`` counted by script."""
    if line.isascii():
        n = len(_ASCII_LETTERS.findall(line))
        return Counter({"Latin": n}) if n else Counter()
    return Counter(script_of(c) for c in line if c.isalpha())


def markup_share(line: str) -> tuple[float, float]:
    """(share of markup and URLs, share of digits) among the line's non-space characters."""
    if not _SUSPECT.search(line):  # most lines of prose: nothing to measure
        return 0.0, 0.0
    visible = len(_SPACE.sub("", line))
    if visible == 0:
        return 0.0, 0.0
    markup = sum(len(m) for m in _TAG.findall(line)) + sum(len(m) for m in _URL.findall(line))
    rest = _URL.sub("", _TAG.sub("", line))
    markup += len(_BRACKETS.findall(rest))
    return min(1.0, markup / visible), len(_DIGITS.findall(line)) / visible


def shingles(line: str) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the line's character 5-grams, lower-cased with runs of spaces made one
    (hashed in numpy: a Python object per shingle would make the search the slowest part of the report)."""
    text = _SPACE.sub(" ", line.lower()).strip()[:NEAR_MAX_CHARS]
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - len(codes), dtype=np.uint64)])
    width = len(codes) - SHINGLE + 1
    h = np.zeros(width, dtype=np.uint64)
    for k in range(SHINGLE):  # a polynomial hash of the five code points, kept to 32 bits
        h = (h * np.uint64(1_000_003) + codes[k : k + width]) & np.uint64(0xFFFFFFFF)
    return np.unique(h)


def minhash(sh: np.ndarray) -> np.ndarray:
    """A PERMUTATIONS-long MinHash signature of shingle hashes: min over shingles of (a*h + b) mod p."""
    if not len(sh):
        return np.full(PERMUTATIONS, _PRIME, dtype=np.uint64)
    return ((_A * sh[None, :] + _B) % np.uint64(_PRIME)).min(axis=1)  # a < 2**31, h < 2**32: no overflow


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted distinct hash arrays (as :func:`shingles` returns)."""
    common = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - common
    return common / union if union else 1.0


LineSource = Callable[[], Iterable[str]] | Sequence[str]


def _labelled_lines(
    source: LineSource | Mapping[str, Path | str],
    fractions: Sequence[float],
    mode: str,
    block_lines: int,
    seed: int,
    only: tuple[str, ...] = SPLIT_NAMES,
) -> Iterator[tuple[str, int, str]]:
    """(split, 1-based line number, line): of split files, or of corpus lines dealt as ``write_splits`` deals them."""
    if isinstance(source, Mapping):
        for name in only:
            path = Path(source[name])
            try:
                with path.open(encoding="utf-8") as f:
                    for number, line in enumerate(f, 1):
                        yield name, number, line.rstrip("\n")
            except (OSError, UnicodeDecodeError) as exc:
                raise CorpusError(f"{path}: cannot be read for the data health report ({exc}); prepare again") from None
        return
    lines = source() if callable(source) else source
    unit = block_lines if mode == "blocks" else 1
    deck = _assignments(_check(fractions, mode, block_lines), seed)
    current = 0
    for i, line in enumerate(lines):
        if i % unit == 0:
            current = next(deck)
        name = SPLIT_NAMES[current]
        if name in only:
            yield name, i + 1, line


class _NearIndex:
    """LSH index of MinHash signatures. A candidate pair must first agree on ESTIMATE_FLOOR of the signature
    (cheap, vectorised), then is verified on the exact shingle sets."""

    def __init__(self) -> None:
        self.buckets: list[dict[bytes, list[int]]] = [{} for _ in range(BANDS)]
        self.items: list[tuple[int, str, str]] = []  # (line number, split, text) by index
        self.signatures: list[np.ndarray] = []
        self.found = 0
        self.examples: list[Example] = []

    @property
    def searched(self) -> int:
        return len(self.items)

    def add(self, number: int, split: str, line: str) -> None:
        sh = shingles(line)
        sig = minhash(sh)
        rows = PERMUTATIONS // BANDS
        keys = [sig[b * rows : (b + 1) * rows].tobytes() for b in range(BANDS)]
        candidates = sorted({other for band, key in enumerate(keys) for other in self.buckets[band].get(key, ())})
        best: tuple[float, int] | None = None
        if candidates:
            estimates = (np.stack([self.signatures[c] for c in candidates]) == sig).mean(axis=1)
            for other, estimate in zip(candidates, estimates, strict=True):
                if estimate < ESTIMATE_FLOOR:
                    continue
                sim = jaccard(sh, shingles(self.items[other][2]))
                if sim >= NEAR_THRESHOLD and (best is None or sim > best[0]):
                    best = (sim, other)
        if best is not None:
            self.found += 1
            if len(self.examples) < EXAMPLES:
                other_number, other_split, other_text = self.items[best[1]]
                self.examples.append(
                    Example(
                        number,
                        split,
                        _cut(line),
                        other_line=other_number,
                        other_split=other_split,
                        other_text=_cut(other_text),
                        similarity=round(best[0], 3),
                    )
                )
        index = len(self.items)
        self.items.append((number, split, line[:NEAR_MAX_CHARS]))
        self.signatures.append(sig.astype(np.uint32))
        for band, key in enumerate(keys):
            bucket = self.buckets[band].setdefault(key, [])
            if len(bucket) < BUCKET_MAX:
                bucket.append(index)


class _NgramSet:
    """Hashes of the training text's NGRAM_CHARS-character stretches; sampled (1 in 2**k by hash) past MAX_NGRAMS."""

    def __init__(self) -> None:
        self.hashes: set[int] = set()
        self.shift = 0  # keep hashes whose low ``shift`` bits are zero

    def _grams(self, line: str) -> Iterator[int]:
        mask = (1 << self.shift) - 1
        for i in range(len(line) - NGRAM_CHARS + 1):
            h = hash(line[i : i + NGRAM_CHARS])  # one process: the set is built and read in the same run
            if h & mask == 0:
                yield h

    def add(self, line: str) -> None:
        if len(line) < NGRAM_CHARS:
            return
        self.hashes.update(self._grams(line))
        while len(self.hashes) > MAX_NGRAMS:
            self.shift += 1
            mask = (1 << self.shift) - 1
            self.hashes = {h for h in self.hashes if h & mask == 0}

    def shares(self, line: str) -> bool:
        return len(line) >= NGRAM_CHARS and any(h in self.hashes for h in self._grams(line))


def data_health(
    source: LineSource | Mapping[str, Path | str],
    *,
    fractions: Sequence[float] = (0.9, 0.05, 0.05),
    mode: str = "lines",
    block_lines: int = 100,
    seed: int = 1337,
    progress: ProgressCallback | None = None,
) -> HealthReport:
    """Measure the health of a cleaned corpus and its splits.

    ``source`` is either the cleaned corpus's lines (a sequence, or a function returning a fresh iterator: the
    lines are read twice), dealt into train/val/test with ``fractions``, ``mode``, ``block_lines`` and ``seed``
    exactly as :func:`write_splits` deals them; or ``{"train": path, "val": path, "test": path}``, split files
    already written (their line numbers are then per file). ``progress`` gets (lines, None, message).
    """
    if not isinstance(source, Mapping) and not callable(source) and iter(source) is source:
        raise TypeError("data_health reads the lines twice: pass a sequence or a function returning an iterator")
    rep = HealthReport(split_lines={name: 0 for name in SPLIT_NAMES})
    first_seen: dict[int, tuple[int, str]] = {}  # line hash -> (first line number, split)
    repeats: Counter = Counter()  # line hash -> extra occurrences
    repeat_text: dict[int, tuple[int, str, str]] = {}
    train_lines: set[int] = set()
    train_grams = _NgramSet()
    near = _NearIndex()
    capped = False
    script_letters: Counter = Counter()
    dominant_lines: Counter = Counter()  # script -> lines whose letters are mostly of it
    script_examples: dict[str, list[Example]] = {}
    markup_ex: list[Example] = []
    number_ex: list[Example] = []
    markup_n = number_n = 0
    length_flagged: Counter = Counter()  # line length -> markup/number lines of it (capped at 200)
    length_all: Counter = Counter()

    n = 0
    for split, number, line in _labelled_lines(source, fractions, mode, block_lines, seed):
        n += 1
        rep.split_lines[split] += 1
        if n % PROGRESS_EVERY == 0:
            report(progress, n, None, "Checking the data's health")
        stripped = line.strip()
        if not stripped:
            continue
        key = _hash(line)
        if split == "train" and (len(train_lines) < MAX_DISTINCT or key in train_lines):
            train_lines.add(key)
        if split == "train":
            train_grams.add(line)
        earlier = first_seen.get(key)
        if earlier is not None:
            repeats[key] += 1
            if key not in repeat_text and len(repeat_text) < REPEAT_TEXTS:
                repeat_text[key] = (earlier[0], earlier[1], line)
        else:
            if len(first_seen) < MAX_DISTINCT:
                first_seen[key] = (number, split)
            else:
                capped = True
            if len(stripped) >= NEAR_MIN_CHARS and near.searched < NEAR_MAX_LINES:
                near.add(number, split, line)
        # script mix
        letters = letter_scripts(line)
        if letters:
            script_letters.update(letters)
            script, count = letters.most_common(1)[0]
            if count > DOMINATED * sum(letters.values()) and count >= 3:
                dominant_lines[script] += 1
                examples = script_examples.setdefault(script, [])
                if len(examples) < EXAMPLES:
                    examples.append(Example(number, split, _cut(line)))
        # markup and numbers
        markup, digits = markup_share(line)
        length = min(len(line), 200)
        length_all[length] += 1
        if markup > DOMINATED:
            markup_n += 1
            length_flagged[length] += 1
            if len(markup_ex) < EXAMPLES:
                markup_ex.append(Example(number, split, _cut(line)))
        elif digits > DOMINATED:
            number_n += 1
            length_flagged[length] += 1
            if len(number_ex) < EXAMPLES:
                number_ex.append(Example(number, split, _cut(line)))
    rep.lines = n
    if n == 0:
        raise CorpusError("the corpus has no lines left after cleaning: nothing to check")

    # exact duplicates
    dup_total = sum(repeats.values())
    top = repeats.most_common(EXAMPLES)
    dup_examples = [
        Example(repeat_text[k][0], repeat_text[k][1], _cut(repeat_text[k][2]), count=c + 1)
        for k, c in top
        if k in repeat_text
    ]
    rep.findings.append(
        Finding(
            "duplicates",
            dup_total,
            dup_total / n,
            n,
            dup_examples,
            [Fix("data.cleaning.dedupe", True)],
            f"counted among the first {MAX_DISTINCT:,} distinct lines" if capped else "",
        )
    )
    rep.findings.append(
        Finding(
            "near_duplicates",
            near.found,
            near.found / max(1, near.searched),
            near.searched,
            near.examples,
            [],
            "dedupe drops exact copies only: near-duplicates (a changed word, other punctuation) stay; "
            "edit them out of the corpus"
            + (f"; searched among the first {NEAR_MAX_LINES:,} lines" if near.searched >= NEAR_MAX_LINES else ""),
        )
    )

    # leakage: validation and test lines against the training text
    report(progress, n, None, "Checking validation and test lines against train")
    leak_ex: list[Example] = []
    gram_ex: list[Example] = []
    leak_n = gram_n = held = 0
    per_split = {name: {"lines": 0, "in_train": 0, "ngram": 0} for name in ("val", "test")}
    for split, number, line in _labelled_lines(source, fractions, mode, block_lines, seed, only=("val", "test")):
        if not line.strip():  # a blank line says nothing: the shares are of lines with text
            continue
        held += 1
        stats = per_split[split]
        stats["lines"] += 1
        in_train = _hash(line) in train_lines
        shares = train_grams.shares(line)
        if in_train:
            leak_n += 1
            stats["in_train"] += 1
            if len(leak_ex) < EXAMPLES:
                leak_ex.append(Example(number, split, _cut(line)))
        if shares:
            gram_n += 1
            stats["ngram"] += 1
            if len(gram_ex) < EXAMPLES:
                gram_ex.append(Example(number, split, _cut(line)))
    for name, stats in per_split.items():
        rows = max(1, stats["lines"])
        rep.leakage[name] = {
            **stats,
            "in_train_share": stats["in_train"] / rows,
            "ngram_share": stats["ngram"] / rows,
        }
    sampled = (
        f"; training {NGRAM_CHARS}-character stretches sampled 1 in {1 << train_grams.shift}"
        if train_grams.shift
        else ""
    )
    rep.findings.append(
        Finding(
            "leak_lines",
            leak_n,
            leak_n / max(1, held),
            held,
            leak_ex,
            [Fix("data.cleaning.dedupe", True), Fix("data.split_mode", "blocks")],
            "validation/test lines that also occur in train flatter the validation loss",
        )
    )
    rep.findings.append(
        Finding(
            "leak_ngrams",
            gram_n,
            gram_n / max(1, held),
            held,
            gram_ex,
            [Fix("data.split_mode", "blocks")],
            f"validation/test lines sharing a {NGRAM_CHARS}-character stretch with train" + sampled,
        )
    )

    # script mix
    letters_total = sum(script_letters.values())
    if letters_total:
        rep.scripts = {s: c / letters_total for s, c in script_letters.most_common()}
        rep.main_script = script_letters.most_common(1)[0][0]
    others = [s for s in dominant_lines if s != rep.main_script]
    other_n = sum(dominant_lines[s] for s in others)
    other_ex = [e for s in sorted(others, key=lambda s: -dominant_lines[s]) for e in script_examples[s]][:EXAMPLES]
    mix = ", ".join(f"{s} {share:.1%}" for s, share in list(rep.scripts.items())[:4])
    rep.findings.append(
        Finding(
            "other_script",
            other_n,
            other_n / n,
            n,
            other_ex,
            [],
            f"letters by script: {mix}" if mix else "no letters",
        )
    )

    # markup and numbers
    fix = _min_length_fix(length_flagged, length_all)
    for kind, count, examples in (("markup", markup_n, markup_ex), ("numbers", number_n, number_ex)):
        rep.findings.append(
            Finding(
                kind,
                count,
                count / n,
                n,
                examples,
                [fix] if fix is not None and count else [],
                "" if fix is not None else "no line length drops them without dropping text: clean the source",
            )
        )
    if capped:
        rep.notes.append(f"exact checks cover the first {MAX_DISTINCT:,} distinct lines")
    if train_grams.shift:
        rep.notes.append(sampled.lstrip("; "))
    report(progress, n, n, "Data health checked")
    return rep


def _min_length_fix(flagged: Counter, every: Counter) -> Fix | None:
    """``cleaning.min_line_chars`` that drops at least 80% of the markup/number lines and at most 1% of the rest."""
    total_flagged = sum(flagged.values())
    if not total_flagged:
        return None
    other = {length: every[length] - flagged.get(length, 0) for length in every}
    total_other = max(1, sum(other.values()))
    dropped_flagged = dropped_other = 0
    for m in range(1, 81):
        dropped_flagged += flagged.get(m - 1, 0)
        dropped_other += other.get(m - 1, 0)
        if dropped_other > 0.01 * total_other:
            return None
        if dropped_flagged >= 0.8 * total_flagged:
            return Fix("data.cleaning.min_line_chars", m)
    return None


def health_summary_lines(health: Mapping[str, Any] | None) -> list[str]:
    """Three to five lines for ``lmstudio prepare``'s summary, from ``report.json``'s "health"."""
    if not health:
        return []
    found = {f["kind"]: f for f in health.get("findings", [])}

    def part(kind: str) -> str:
        f = found.get(kind)
        return f"{f['count']:,} ({f['share']:.1%})" if f else "–"

    lines = [
        f"duplicates  {part('duplicates')} exact, {part('near_duplicates')} near"
        + ("  → data.cleaning.dedupe" if found.get("duplicates", {}).get("count") else ""),
    ]
    leak = health.get("leakage", {}).get("val")
    if leak:
        lines.append(
            f"leakage     val lines in train {leak['in_train']:,} ({leak['in_train_share']:.1%}), "
            f"sharing {NGRAM_CHARS} chars {leak['ngram']:,} ({leak['ngram_share']:.1%})"
            + ("  → data.split_mode blocks" if leak["ngram"] or leak["in_train"] else "")
        )
    scripts = health.get("scripts", {})
    if scripts:
        mix = ", ".join(f"{s} {v:.1%}" for s, v in list(scripts.items())[:3])
        lines.append(f"scripts     {mix}; {part('other_script')} lines of another script")
    lines.append(f"markup      {part('markup')} markup lines, {part('numbers')} number lines")
    return lines


__all__ = [
    "Example",
    "Finding",
    "Fix",
    "HealthReport",
    "data_health",
    "health_summary_lines",
    "jaccard",
    "letter_scripts",
    "markup_share",
    "minhash",
    "shingles",
]
