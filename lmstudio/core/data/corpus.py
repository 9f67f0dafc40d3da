"""Read a corpus: text, Markdown, folders, JSON Lines, CSV/TSV and parallel (translation) pairs.

:meth:`Corpus.open` validates without reading the whole corpus: missing, unreadable, empty,
whitespace-only, binary and undecodable inputs raise :class:`CorpusError` with a message naming the
file and the fix. Everything after that streams: :meth:`Corpus.iter_lines` decodes in 1 MB chunks,
so a corpus larger than memory works. Line endings are normalized (CRLF, CR -> LF); encodings are
handled by :mod:`lmstudio.core.data.textfiles` (strict decoding: an invalid byte is an error with its
offset, never a U+FFFD).

Cleaning (:mod:`.cleaning`), statistics (:mod:`.stats`), splits (:mod:`.splits`, :mod:`.split_cache`) and
format sniffing (:mod:`.formats`) are their own modules: import them from there.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path, PurePath

from ..config import DataConfig, _check_encoding
from ..errors import ConfigError, CorpusError
from ..keys import bytes_digest, hasher
from ..paths import resources_dir
from ..progress import ProgressCallback, report
from .formats import guess_format
from .tables import (
    HEADER_SAMPLE_ROWS,
    cell,
    detect_header,
    iter_jsonl_records,
    iter_jsonl_texts,
    iter_rows,
    jsonl_field,
    resolve_column,
)
from .textfiles import (
    TextFile,
    check_regular_file,
    file_signature,
    inspect_text_file,
    iter_file_chunks,
    iter_file_lines,
    normalize_newlines,
)

__all__ = [
    "ReadOptions",
    "Corpus",
    "bundled_corpora",
    "bundled_read_options",
    "resources_dir",
    "default_corpus_path",
    "corpus_fingerprint",
    "TANG_POEMS",
    "FORMATS",
]

FORMATS = ("auto", "text", "folder", "jsonl", "csv", "tsv", "parallel")
SAMPLE_CHARS = 4_000_000  # sample_lines draws from the lines within the first few MB
SAMPLE_LINE_CHARS = 10_000  # sample_lines cuts longer lines (previews only)
PAIR_CHECK_BYTES = 64 * 1024 * 1024  # two-file parallel corpora up to this size are checked for alignment at open
FINGERPRINT_CONTENT_BYTES = 4 * 1024 * 1024  # files up to this size are fingerprinted by content

TINY_SHAKESPEARE = "Tiny Shakespeare"
BIBLE_EN_ES = "English–Spanish (Bible, short verses)"
TANG_POEMS = "Tang poems (唐詩, Chinese)"


def bundled_corpora() -> dict[str, Path]:
    """The corpora shipped with lmstudio, by display name."""
    base = resources_dir() / "corpora"
    return {
        TINY_SHAKESPEARE: base / "tinyshakespeare.txt",
        BIBLE_EN_ES: base / "bible-web-rv1909.en-es.short.tsv",
        TANG_POEMS: base / "tang-poems.txt",
    }


def bundled_read_options(name: str) -> ReadOptions:
    """How to read a bundled corpus: the Bible TSV is parallel (column 1 English, 2 Spanish, no header)."""
    if name == BIBLE_EN_ES:
        return ReadOptions(format="parallel", source_column="1", target_column="2", header=False)
    return ReadOptions()


def parallel_columns_for_text(column: str, source: str, target: str) -> dict[str, str]:
    """The source/target columns of a parallel table whose text (what ``iter_lines`` reads, the source
    side) should be ``column``. Choosing the target column swaps the two, so the pairs stay pairs;
    "" goes back to the defaults (columns "1" and "2")."""
    column = column.strip()
    if not column:
        return {"source_column": "1", "target_column": "2"}
    if column == target.strip():
        return {"source_column": column, "target_column": source}
    return {"source_column": column, "target_column": target}


def default_corpus_path() -> Path:
    return bundled_corpora()[TINY_SHAKESPEARE]


@dataclass
class ReadOptions:
    format: str = "auto"  # auto, text, folder, jsonl, csv, tsv, parallel
    text_field: str = "text"  # jsonl: field holding the text ("a.b" reaches into nested objects)
    column: str = ""  # csv/tsv: column name or 0-based index; "" = a "text" column, else the longest one
    include: str = "*.txt"  # folder: glob pattern(s), recursive; several separated by ";" or ","; "!name" leaves out
    target: str = ""  # parallel from two line-aligned files: the target-language file
    source_column: str = "1"  # parallel table: source column (name or 0-based index)
    target_column: str = "2"  # parallel table: target column (name or 0-based index)
    header: bool | None = None  # csv/tsv/parallel table: first row is a header; None = detect
    encoding: str = "auto"  # every file of the corpus: "auto" (detect) or a codec name (cp1252, latin-1, ...)

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ConfigError(f"data.format: unknown corpus format {self.format!r}; use one of {', '.join(FORMATS)}")
        _check_encoding(self.encoding)

    @classmethod
    def from_config(cls, cfg: DataConfig) -> ReadOptions:
        return cls(
            format=cfg.format,
            text_field=cfg.text_field,
            column=cfg.column,
            include=cfg.include,
            target=cfg.target,
            source_column=cfg.source_column,
            target_column=cfg.target_column,
            encoding=cfg.encoding,
        )


def _split_lines(text: str) -> list[str]:
    return normalize_newlines(text).split("\n")


def _include_patterns(include: str) -> tuple[list[str], list[str]]:
    """(patterns to read, patterns to leave out): a pattern starting with "!" excludes files or folders."""
    patterns = [p.strip() for p in re.split(r"[;,]", include) if p.strip()]
    keep = [_relative_pattern(p) for p in patterns if not p.startswith("!")] or ["*"]
    drop = [_relative_pattern(p[1:]) for p in patterns if p.startswith("!") and _relative_pattern(p[1:])]
    return keep, drop


def _relative_pattern(pattern: str) -> str:
    """Patterns match the end of a path below the folder, at any depth (as rglob): "**/" and "./" add nothing."""
    pattern = pattern.strip().replace("\\", "/").rstrip("/")
    while pattern.startswith(("**/", "./")):
        pattern = pattern[3:] if pattern.startswith("**/") else pattern[2:]
    return pattern


def _exclude_hint(include: str, rel: str) -> str:
    kept = ";".join(p.strip() for p in re.split(r"[;,]", include) if p.strip()) or "*"
    return f'to leave it out, add !{rel} to the include patterns (--include "{kept};!{rel}", data.include)'


def _folder_files(root: Path, include: str) -> list[Path]:
    """Every regular file under ``root`` matching ``include``; hidden files and folders (.git) are skipped.

    A subfolder or file that cannot be read is an error naming it (never a silent gap in the corpus);
    the message says how to exclude it with a "!" pattern.
    """
    if not os.access(root, os.R_OK | os.X_OK):
        raise CorpusError(f"{root}: permission denied; make the folder readable or choose another")
    keep, drop = _include_patterns(include)

    def excluded(rel: PurePath) -> bool:
        return any(rel.match(d) for d in drop)

    found: list[Path] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            rel = folder.relative_to(root).as_posix()
            reason = "permission denied" if isinstance(exc, PermissionError) else (exc.strerror or str(exc))
            raise CorpusError(
                f"{root}: cannot read its subfolder {rel} ({reason}), so its files would be missing from the corpus; "
                f"make it readable, or {_exclude_hint(include, rel)}"
            ) from None
        for entry in entries:
            if entry.name.startswith("."):  # hidden files and folders (.git, .DS_Store) are never corpus text
                continue
            path = Path(entry.path)
            rel = PurePath(path.relative_to(root).as_posix())
            if excluded(rel):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()  # a symlinked file counts; a symlinked folder is not followed
            except OSError:
                is_dir = is_file = False
            if is_dir:
                pending.append(path)
            elif any(rel.match(p) for p in keep):
                if not is_file:
                    if entry.is_symlink() and not path.exists():
                        continue  # a dangling link is not a file of the corpus
                    try:
                        check_regular_file(path, f"corpus (folder {root})")
                    except CorpusError as exc:
                        raise CorpusError(f"{exc}; or {_exclude_hint(include, rel.as_posix())}") from None
                found.append(path)
    return sorted(found)


class Corpus:
    """A validated corpus source; iterate it with :meth:`iter_lines` (and :meth:`iter_pairs` if parallel)."""

    def __init__(self, path: Path, fmt: str, options: ReadOptions, text_files: list[TextFile]) -> None:
        self.path = path
        self.format = fmt
        self.options = options
        self.text_files = text_files
        self.files = [tf.path for tf in text_files]
        self.size_bytes = sum(tf.size for tf in text_files)
        self.is_parallel = fmt == "parallel"
        self.two_files = self.is_parallel and bool(options.target)
        # pairs from the source and target fields of JSON Lines records
        self.jsonl_pairs = self.is_parallel and not self.two_files and path.suffix.lower() in (".jsonl", ".ndjson")
        self.delimiter = "," if (fmt == "csv" or (fmt == "parallel" and path.suffix.lower() == ".csv")) else "\t"
        self.header: bool | None = None  # tables: whether the first row was taken as a header
        self.columns: dict[str, int] = {}  # tables: resolved 0-based columns ("text" or "source"/"target")
        encodings = sorted({tf.encoding for tf in text_files})
        self.encoding = encodings[0] if len(encodings) == 1 else "mixed"
        notes = sorted({tf.note for tf in text_files})
        if len(notes) == 1:
            self.encoding_note = notes[0] + (f" ({len(text_files)} files)" if len(text_files) > 1 else "")
        elif len(encodings) == 1:
            self.encoding_note = f"{encodings[0]} ({len(text_files)} files)"
        else:
            odd = [f"{tf.path.name}: {tf.note}" for tf in text_files if tf.encoding != "utf-8"]
            more = f"; and {len(odd) - 5} more" if len(odd) > 5 else ""
            self.encoding_note = "mixed encodings, UTF-8 except " + "; ".join(odd[:5]) + more

    # ---- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, options: ReadOptions | None = None) -> Corpus:
        """Open and validate ``path`` (an empty string means the bundled Tiny Shakespeare)."""
        options = options or ReadOptions()
        if isinstance(path, str) and not path.strip():
            path = default_corpus_path()
        path = check_regular_file(path, "corpus", allow_folder=True)  # before any open(): a FIFO would block
        fmt = guess_format(path, options.format, options.target)
        if fmt == "folder":
            if not path.is_dir():
                raise CorpusError(f"{path}: is a file, not a folder; choose the text format or its folder")
            files = _folder_files(path, options.include)
            if not files:
                raise CorpusError(
                    f"{path}: no files matching {options.include!r} in this folder or below; change the include pattern"
                )
            nonempty = [f for f in files if f.stat().st_size > 0]
            if not nonempty:
                raise CorpusError(f"{path}: all {len(files)} files matching {options.include!r} are empty")
            text_files = []
            for f in nonempty:
                try:
                    text_files.append(inspect_text_file(f, options.encoding))
                except CorpusError as exc:
                    rel = f.relative_to(path).as_posix()
                    raise CorpusError(f"{exc} (or {_exclude_hint(options.include, rel)}, in folder {path})") from None
        else:
            if path.is_dir():
                raise CorpusError(f"{path}: is a folder; use the folder format (or auto) to read the files inside it")
            text_files = [inspect_text_file(path, options.encoding)]
            if fmt == "parallel" and options.target:
                target = check_regular_file(options.target, "target file of the parallel corpus")
                text_files.append(inspect_text_file(target, options.encoding))
        corpus = cls(path, fmt, options, text_files)
        corpus._prepare_tables()
        corpus._check_has_text()
        return corpus

    def _prepare_tables(self) -> None:
        if self.jsonl_pairs:
            for setting, name in (("source", self.options.source_column), ("target", self.options.target_column)):
                if not name.strip() or name.strip().isdigit():
                    raise CorpusError(
                        f"{self.path}: a JSON Lines corpus names its fields: give the {setting} column as the "
                        f"field name (for example en and es), not {name!r}"
                    )
            return
        if self.format not in ("csv", "tsv") and not (self.is_parallel and not self.two_files):
            return
        tf = self.text_files[0]
        rows_iter = iter_rows(tf, self.delimiter)
        rows = [row for _, row in islice(rows_iter, HEADER_SAMPLE_ROWS)]
        rows_iter.close()
        specs = (
            {"text": self.options.column}
            if not self.is_parallel
            else {"source": self.options.source_column, "target": self.options.target_column}
        )
        header = self.options.header
        if header is None:
            named = [s.strip() for s in specs.values() if s.strip() and not s.strip().isdigit()]
            header = detect_header(rows) or bool(rows and named and all(n in rows[0] for n in named))
        self.header = header
        if self.is_parallel and rows and max(len(r) for r in rows) < 2:
            sep = "commas" if self.delimiter == "," else "tabs"
            raise CorpusError(
                f"{tf.path}: has a single column, so it cannot be a parallel corpus; give source and target "
                f"columns separated by {sep}, or choose a target file with the matching lines"
            )
        names = [c.strip() for c in rows[0]] if header and rows else None
        data_rows = rows[1:] if header else rows
        for role, spec in specs.items():
            setting = {"text": "column", "source": "source column", "target": "target column"}[role]
            self.columns[role] = resolve_column(spec, names, data_rows, tf.path, setting)

    def _check_has_text(self) -> None:
        if self.two_files and self.size_bytes <= PAIR_CHECK_BYTES:
            has_text = False
            for source, target in self.iter_pairs():  # a full pass: it checks the alignment
                has_text = has_text or bool(source.strip() or target.strip())
            if not has_text:
                raise CorpusError(f"{self.path}: the parallel corpus holds only whitespace; choose files with text")
            return
        if self.format in ("text", "folder"):  # by chunks: a 50 MB single line is not gathered to find a letter
            if any(not chunk.isspace() for tf in self.text_files for chunk in iter_file_chunks(tf)):
                return
        else:
            for line in self.iter_lines():
                if line.strip():
                    return
        what = {
            "jsonl": f"no text in field {self.options.text_field!r}",
            "csv": "no text in the chosen column",
            "tsv": "no text in the chosen column",
        }.get(self.format, "only whitespace")
        raise CorpusError(f"{self.path}: the corpus holds {what}; choose a file with text in it")

    # ---- reading -------------------------------------------------------------------------------

    def _byte_reporter(self, progress: ProgressCallback | None) -> Callable[[int], None] | None:
        if progress is None:
            return None
        done = [0]

        def on_bytes(n: int) -> None:
            done[0] += n
            report(progress, done[0], self.size_bytes, "Reading corpus")

        return on_bytes

    def _iter_table(self, on_bytes) -> Iterator[tuple[int, list[str]]]:
        rows = iter_rows(self.text_files[0], self.delimiter, on_bytes)
        if self.header:
            next(rows, None)
        return rows

    def iter_lines(self, progress: ProgressCallback | None = None) -> Iterator[str]:
        """Stream the corpus's lines (no trailing newline). Parallel corpora yield the source side;
        jsonl/csv/tsv yield the chosen field or column, one line per line of it."""
        on_bytes = self._byte_reporter(progress)
        if self.is_parallel:
            for source, _ in self.iter_pairs(progress):
                yield from _split_lines(source)
        elif self.format in ("text", "folder"):
            for tf in self.text_files:
                yield from iter_file_lines(tf, on_bytes=on_bytes)
        elif self.format == "jsonl":
            for tf in self.text_files:
                for text in iter_jsonl_texts(tf, self.options.text_field, on_bytes):
                    yield from _split_lines(text)
        else:
            col = self.columns["text"]
            for line_no, row in self._iter_table(on_bytes):
                yield from _split_lines(cell(row, col, self.path, line_no, "column"))

    def iter_pairs(self, progress: ProgressCallback | None = None) -> Iterator[tuple[str, str]]:
        """Stream (source, target) pairs of a parallel corpus."""
        if not self.is_parallel:
            raise CorpusError(f"{self.path}: not a parallel corpus; open it with format 'parallel' to read pairs")
        on_bytes = self._byte_reporter(progress)
        if self.jsonl_pairs:
            tf, src_field, tgt_field = self.text_files[0], self.options.source_column, self.options.target_column
            for n, record in iter_jsonl_records(tf, src_field, on_bytes):
                source = jsonl_field(record, src_field, tf.path, n, "source column")
                target = jsonl_field(record, tgt_field, tf.path, n, "target column")
                yield source or "", target or ""
            return
        if not self.two_files:
            src, tgt = self.columns["source"], self.columns["target"]
            for line_no, row in self._iter_table(on_bytes):
                yield (
                    cell(row, src, self.path, line_no, "source column"),
                    cell(row, tgt, self.path, line_no, "target column"),
                )
            return
        a, b = self.text_files
        targets = iter_file_lines(b, on_bytes=on_bytes)
        n = 0
        for source in iter_file_lines(a, on_bytes=on_bytes):
            target = next(targets, None)
            if target is None:
                raise CorpusError(_mismatch(b.path, a.path, n))
            n += 1
            yield source, target
        if next(targets, None) is not None:
            raise CorpusError(_mismatch(a.path, b.path, n))

    def head_text(self, max_chars: int = 100_000) -> str:
        """The first ``max_chars`` characters of the corpus's lines joined by newlines (a quick preview)."""
        parts: list[str] = []
        total = 0
        if self.format in ("text", "folder"):  # by chunks: stop reading once enough, even inside one huge line
            for tf in self.text_files:
                chunks: list[str] = []
                for chunk in iter_file_chunks(tf):
                    chunks.append(chunk)
                    total += len(chunk)
                    if total >= max_chars + 1:
                        break
                text = normalize_newlines("".join(chunks))
                parts.append(text[:-1] if text.endswith("\n") else text)
                if total >= max_chars + 1:
                    break
            return "\n".join(parts)[:max_chars]
        for line in self.iter_lines():
            parts.append(line)
            total += len(line) + 1
            if total >= max_chars:
                break
        return "\n".join(parts)[:max_chars]

    def sample_lines(self, n: int = 20, seed: int = 0, max_chars: int = SAMPLE_LINE_CHARS) -> list[str]:
        """``n`` non-blank lines drawn at random (reservoir) from the first few MB, in corpus order.

        Lines longer than ``max_chars`` are cut there (a 50 MB single-line corpus must not reach a
        preview widget whole); previews show them as they start.
        """
        rng = random.Random(seed)
        reservoir: list[tuple[int, str]] = []
        seen = chars = 0
        for i, line in enumerate(self.iter_lines()):
            if chars >= SAMPLE_CHARS:
                break
            chars += len(line) + 1
            if not line.strip():
                continue
            seen += 1
            if len(reservoir) < n:
                reservoir.append((i, line))
            else:
                j = rng.randrange(seen)
                if j < n:
                    reservoir[j] = (i, line)
        return [line[:max_chars] for _, line in sorted(reservoir)]

    def __repr__(self) -> str:
        return (
            f"Corpus({str(self.path)!r}, format={self.format!r}, encoding={self.encoding!r}, {self.size_bytes} bytes)"
        )


def _mismatch(shorter: Path, longer: Path, n: int) -> str:
    return (
        f"{longer} and {shorter} are not line-aligned: {shorter.name} has {n} lines but {longer.name} has more; "
        f"a parallel corpus needs one target line for every source line"
    )


_FINGERPRINTS: dict[tuple, str] = {}  # recent corpora: (path, options, file signatures) -> fingerprint
_FINGERPRINTS_KEPT = 32
RACY_NS = 3_000_000_000  # files modified this recently are hashed again every time (as git's "racy" files)
_FINGERPRINTS_LOCK = threading.Lock()


def corpus_fingerprint(corpus: Corpus) -> str:
    """A sha256 hex key for caches: changes when the corpus's text or its reading options change.

    Files up to 4 MB contribute their name (relative to the corpus) and a hash of their bytes, so a
    copy or a touch keeps the key and any edit changes it. Larger files contribute their absolute
    path, size and modification time (ns) instead, so that keying a huge corpus costs no full read.
    The key of a corpus whose files have the same sizes and modification times as the last time is
    remembered (a few recent corpora; not for files modified in the last seconds), so asking again costs
    a ``stat`` per file, not a read: the window asks on its GUI thread.
    """
    opts = asdict(corpus.options)
    for ignored in ("include", "target"):  # their effect is the list of files below
        opts.pop(ignored)
    if opts.get("encoding") == "auto":  # keeps the keys of caches written before the setting existed
        opts.pop("encoding")
    head = json.dumps({"format": corpus.format, "options": opts}, sort_keys=True)
    signatures = [(path, *file_signature(path)) for path in corpus.files]
    memo_key = (str(corpus.path), head, tuple((str(path), size, mtime) for path, size, mtime in signatures))
    with _FINGERPRINTS_LOCK:
        known = _FINGERPRINTS.get(memo_key)
    if known is not None:
        return known
    h = hasher(head.encode())
    root = corpus.path if corpus.path.is_dir() else corpus.path.parent
    for path, size, mtime_ns in signatures:
        try:
            name = path.relative_to(root).as_posix()
        except ValueError:
            name = path.name
        if size <= FINGERPRINT_CONTENT_BYTES:
            h.update(f"content\0{name}\0{size}\0".encode())
            h.update(bytes_digest(path.read_bytes()))
        else:
            h.update(f"stat\0{path.resolve()}\0{size}\0{mtime_ns}\0".encode())
    fingerprint = h.hexdigest()
    if any(mtime_ns > time.time_ns() - RACY_NS for _, _, mtime_ns in signatures):
        return fingerprint  # changed moments ago: a same-size edit within the clock's tick would keep the time
    with _FINGERPRINTS_LOCK:
        while len(_FINGERPRINTS) >= _FINGERPRINTS_KEPT:
            del _FINGERPRINTS[next(iter(_FINGERPRINTS))]
        _FINGERPRINTS[memo_key] = fingerprint
    return fingerprint
