"""The memorization check: where a sample repeats the training (or validation) text verbatim.

A sample "repeats" a split wherever a run of at least ``k`` of its token ids appears in that split's token
file. To find such runs fast on a corpus larger than memory, each split gets a k-gram index on disk:

* every window of ``k`` consecutive ids of the split is hashed (a polynomial hash of the ids, mixed with
  the splitmix64 finalizer so that its top bits are uniform), and the ``(hash, position)`` pairs are sorted
  by hash, then position, into ``{split}.hashes.npy`` (uint64) and ``{split}.positions.npy``;
* the sort is done in bounded memory: the windows are hashed ``chunk_tokens`` at a time and scattered into
  buckets by the top bits of their hash (one file each), then each bucket is sorted on its own and
  appended; buckets in hash order make the whole array sorted. Any chunk size gives the same files;
* ``{split}.lines.npy`` holds the token offset at which each line of the split starts (found from the
  newline token: every built-in tokenizer encodes ``"\\n"`` as a token of its own), and
  ``{split}.corpus_lines.npy`` which line of the corpus (1-based, as :meth:`Corpus.iter_lines` reads it:
  a text file's line number) each of those lines is, recovered by replaying the cleaning and the seeded
  split assignment. Either is left out when it cannot be recovered exactly (then spans carry no line).

A query hashes the sample's windows the same way, looks each hash up with a binary search in the
memory-mapped arrays, and checks every candidate against the split's real token ids: a hash collision
can cost time, never a false span. Files are written under temporary names and renamed into place;
:func:`index_for` builds a whole index folder under a temporary name beside its final one.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..data.split_cache import KEY_LENGTH
from ..errors import DataError
from ..fileio import atomic_path, atomic_write_text
from ..keys import digest
from ..locks import FolderLock, describe_write_error, remove_tree_quietly
from ..paths import cache_root
from ..progress import ProgressCallback, report
from .tokens import META_FILE as TOKENS_META_FILE
from .tokens import TokenStore

# Why 8 and 32: a span must be long enough that repeating it means the model copied the text rather than
# wrote a common phrase. 8 word or BPE tokens are about 6 words ("I will not be the first to"): rarely a
# coincidence in English, and short enough to catch a copied line of verse. 32 characters are about as many
# words, so character tokenizers get k = 32. Callers may choose any k >= 1 (an index is built per k).
DEFAULT_K = 8
CHAR_K = 32
INDEX_META = "index.json"
FORMAT_VERSION = 1
INDEXED_SPLITS = ("train", "val")  # what the verdict speaks of: seen in train, seen in validation
CHUNK_TOKENS = 1 << 22  # windows hashed and sorted at a time: ~4M windows, ~100 MB of working arrays
MAX_BUCKETS = 1024  # bucket files of one build (each sorted in memory on its own)
MAX_CANDIDATES = 256  # occurrences of a span's first k-gram tried when placing the whole span
_BASE = np.uint64(0x100000001B3)  # odd multiplier of the polynomial hash (the FNV prime)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)  # splitmix64 finalizer constants
_MIX2 = np.uint64(0x94D049BB133111EB)
_LABELS = {"train": "seen in train", "val": "seen in validation"}
_PARTIAL = re.compile(r"^\.memorization-k\d+\.[a-z0-9_]{8}\.partial$")


def default_k(tokenizer_kind: str) -> int:
    """The default span length for a tokenizer kind: :data:`CHAR_K` for characters, else :data:`DEFAULT_K`."""
    return CHAR_K if tokenizer_kind == "char" else DEFAULT_K


@dataclass(frozen=True)
class Span:
    """Tokens ``start:end`` of a sample (``end - start >= k``) whose every k-gram occurs in ``split``.

    ``position``: the split's token offset where the whole span occurs verbatim (the first such place among
    the first :data:`MAX_CANDIDATES` occurrences of its first k-gram), else the first occurrence of its
    first k-gram (the span is then stitched from several places of the split). ``line``: the corpus line
    (1-based) holding ``position``, when known; ``split_line``: the line (1-based) of the split's text file.
    """

    start: int
    end: int
    split: str
    position: int
    line: int | None = None
    split_line: int | None = None

    @property
    def length(self) -> int:
        return self.end - self.start


class Verdict(NamedTuple):
    """What a sample is: ``label`` ("new", "seen in train" or "seen in validation") and ``covered``, the
    share (0..1) of its tokens inside some span."""

    label: str
    covered: float


def verdict(spans: Sequence[Span], n_tokens: int) -> Verdict:
    """The verdict on a sample of ``n_tokens`` tokens with ``spans``: train wins when both splits are seen.

    ``covered`` counts each token once, however many spans (of either split) hold it.
    """
    splits = {s.split for s in spans}
    label = _LABELS["train"] if "train" in splits else _LABELS["val"] if "val" in splits else "new"
    if label == "new" or n_tokens <= 0:
        return Verdict(label, 0.0)
    marked = np.zeros(n_tokens, dtype=bool)
    for s in spans:
        if s.split in _LABELS:
            marked[max(0, s.start) : min(n_tokens, s.end)] = True
    return Verdict(label, float(marked.mean()))


# ---- hashing --------------------------------------------------------------------------------------------
def window_hashes(ids: np.ndarray, k: int, hash_bits: int = 64) -> np.ndarray:
    """The hash of every window of ``k`` ids of ``ids`` (``len(ids) - k + 1`` of them), in ``hash_bits`` bits.

    A fewer-bit hash is the top bits of the 64-bit one (the tests force collisions with a tiny space).
    """
    n = len(ids) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    x = np.asarray(ids).astype(np.uint64) + np.uint64(1)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):  # k vectorised passes: h = h * B + id (wrapping mod 2**64)
        h *= _BASE
        h += x[j : j + n]
    h ^= h >> np.uint64(30)
    h *= _MIX1
    h ^= h >> np.uint64(27)
    h *= _MIX2
    h ^= h >> np.uint64(31)
    if hash_bits < 64:
        h >>= np.uint64(64 - hash_bits)
    return h


def sort_pairs(hashes: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, positions)`` sorted by hash, then position: one canonical order whatever the chunking.

    An unstable sort (several times faster than a stable one on 64-bit keys), then the few runs of equal
    hashes (a repeated k-gram, or a collision) are put in position order.
    """
    order = np.argsort(hashes)
    h, p = hashes[order], positions[order]
    same = h[1:] == h[:-1]
    if same.any():
        tied = np.zeros(len(h), dtype=bool)
        tied[1:] |= same
        tied[:-1] |= same
        idx = np.flatnonzero(tied)
        p[idx] = p[idx][np.lexsort((p[idx], h[idx]))]
    return h, p


def _position_dtype(n: int) -> np.dtype:
    return np.dtype(np.uint32 if n < 1 << 32 else np.uint64)


# ---- building ------------------------------------------------------------------------------------------
def build_ngram_index(
    tokens: np.ndarray,
    k: int,
    out_dir: Path,
    *,
    split: str = "train",
    chunk_tokens: int = CHUNK_TOKENS,
    hash_bits: int = 64,
    line_starts: np.ndarray | None = None,
    corpus_lines: np.ndarray | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    """Index the k-grams of one split's ``tokens`` into ``out_dir`` (see the module doc); return ``out_dir``.

    ``tokens`` may be a memmap larger than memory: it is read ``chunk_tokens`` windows at a time, and no
    array longer than one bucket is held. ``line_starts`` (token offset of each line of the split) and
    ``corpus_lines`` (the corpus line number of each) are stored with it when given. ``out_dir/index.json``
    records the split (its token count, ``k``, ``hash_bits``); every file appears only when complete.
    """
    if k < 1:
        raise DataError(f"memorization span length k={k}: must be at least 1 token; use e.g. {DEFAULT_K}")
    if not 1 <= hash_bits <= 64:
        raise DataError(f"memorization hash_bits={hash_bits}: must be 1 to 64")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = _read_meta(out_dir) if (out_dir / INDEX_META).is_file() else None
    if meta is not None and (meta["k"] != k or meta["hash_bits"] != hash_bits):
        raise DataError(
            f"{out_dir}: holds an index with k={meta['k']}, hash_bits={meta['hash_bits']}; "
            f"build k={k} into another folder"
        )
    n = len(tokens)
    m = max(0, n - k + 1)
    chunk_tokens = max(1, int(chunk_tokens))
    pos_dtype = _position_dtype(n)
    if m <= chunk_tokens:  # one chunk: sort in memory
        h, p = sort_pairs(window_hashes(np.asarray(tokens), k, hash_bits), np.arange(m, dtype=pos_dtype))
        _save(out_dir / f"{split}.hashes.npy", h)
        _save(out_dir / f"{split}.positions.npy", p)
    else:
        _build_bucketed(tokens, k, out_dir, split, m, chunk_tokens, hash_bits, pos_dtype, progress)
    for name, values in (("lines", line_starts), ("corpus_lines", corpus_lines)):
        path = out_dir / f"{split}.{name}.npy"
        if values is not None:
            _save(path, np.asarray(values, dtype=np.int64))
        else:
            path.unlink(missing_ok=True)
    meta = meta or {"format_version": FORMAT_VERSION, "k": k, "hash_bits": hash_bits, "splits": {}}
    meta["splits"][split] = {
        "tokens": n,
        "lines": None if line_starts is None else len(line_starts),
        "corpus_lines": corpus_lines is not None,
    }
    atomic_write_text(out_dir / INDEX_META, json.dumps(meta, indent=1) + "\n")
    return out_dir


def _save(path: Path, array: np.ndarray) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.save(fh, array, allow_pickle=False)


def _build_bucketed(
    tokens: np.ndarray,
    k: int,
    out_dir: Path,
    split: str,
    m: int,
    chunk_tokens: int,
    hash_bits: int,
    pos_dtype: np.dtype,
    progress: ProgressCallback | None,
) -> None:
    """Hash chunk by chunk into bucket files by the top hash bits, then sort each bucket into the outputs."""
    want = min(MAX_BUCKETS, -(-m // chunk_tokens))
    bits = min(hash_bits, max(1, (want - 1).bit_length()))
    shift = np.uint64(hash_bits - bits)
    n_buckets = 1 << bits
    work = Path(tempfile.mkdtemp(prefix=f".{split}.", suffix=".buckets", dir=out_dir))
    try:
        sizes = np.zeros(n_buckets, dtype=np.int64)
        for start in range(0, m, chunk_tokens):
            stop = min(m, start + chunk_tokens)
            h = window_hashes(np.asarray(tokens[start : stop + k - 1]), k, hash_bits)
            pos = np.arange(start, stop, dtype=pos_dtype)
            b = (h >> shift).astype(np.uint16)  # MAX_BUCKETS <= 2**16: a radix sort
            order = np.argsort(b, kind="stable")  # positions stay ascending within a bucket
            h, pos, b = h[order], pos[order], b[order]
            cuts = np.searchsorted(b, np.arange(n_buckets + 1))
            for i in np.flatnonzero(np.diff(cuts)):
                lo, hi = cuts[i], cuts[i + 1]
                with open(work / f"{i}.h", "ab") as fh:
                    h[lo:hi].tofile(fh)
                with open(work / f"{i}.p", "ab") as fh:
                    pos[lo:hi].tofile(fh)
                sizes[i] += hi - lo
            report(progress, stop, 2 * m, f"hashing {split} k-grams")
        with atomic_path(out_dir / f"{split}.hashes.npy") as th, atomic_path(out_dir / f"{split}.positions.npy") as tp:
            hashes = np.lib.format.open_memmap(th, mode="w+", dtype=np.uint64, shape=(m,))
            positions = np.lib.format.open_memmap(tp, mode="w+", dtype=pos_dtype, shape=(m,))
            at = 0
            for i in np.flatnonzero(sizes):
                h = np.fromfile(work / f"{i}.h", dtype=np.uint64)
                p = np.fromfile(work / f"{i}.p", dtype=pos_dtype)
                h, p = sort_pairs(h, p)
                hashes[at : at + len(h)] = h
                positions[at : at + len(h)] = p
                at += len(h)
                (work / f"{i}.h").unlink()
                (work / f"{i}.p").unlink()
                report(progress, m + at, 2 * m, f"sorting {split} k-grams")
            hashes.flush()
            positions.flush()
            del hashes, positions  # close the maps before the files are renamed (Windows)
    finally:
        remove_tree_quietly(work)


def line_starts_from_tokens(
    tokens: np.ndarray, newline_id: int, expected_lines: int, chunk_tokens: int = CHUNK_TOKENS
) -> np.ndarray | None:
    """The token offset at which each line of a split starts, from its newline tokens; ``None`` when the
    count of newlines is not ``expected_lines`` (a tokenizer that merges a newline into other tokens)."""
    found: list[np.ndarray] = []
    count = 0
    for start in range(0, len(tokens), chunk_tokens):
        hits = np.flatnonzero(np.asarray(tokens[start : start + chunk_tokens]) == newline_id) + start
        count += len(hits)
        if count > expected_lines:
            return None
        found.append(hits)
    if count != expected_lines:
        return None
    ends = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return np.concatenate([[0], ends[:-1] + 1]).astype(np.int64) if expected_lines else ends.astype(np.int64)


def corpus_line_numbers(report_data: dict[str, Any], lines: Mapping[str, int], chars: Mapping[str, int]):
    """For each split, the corpus line number (1-based) of each of its lines, by replaying how the split
    files were made (read, clean, deal lines with the seeded RNG); ``None`` when it cannot be replayed
    exactly (the corpus changed or is gone: the replayed counts of lines and characters must match)."""
    from ..config import WorkspaceConfig
    from ..data.cleaning import Cleaner
    from ..data.segment import segmenter_for
    from ..data.split_cache import open_corpus
    from ..data.splits import SPLIT_NAMES, _assignments, _check

    try:
        data = WorkspaceConfig.from_dict({"data": report_data}, source="report.json").data
        if data.task != "lm":
            return None
        corpus = open_corpus(data)
        cleaner = Cleaner(data.cleaning, segmenter_for(data))
        identity = data.cleaning.is_identity
        deck = _assignments(_check(data.split_fractions, data.split_mode, data.block_lines), data.seed)
        unit = data.block_lines if data.split_mode == "blocks" else 1
        numbers, lengths = array("q"), array("q")  # of the kept lines: compact, no Python int objects
        for number, line in enumerate(corpus.iter_lines(), start=1):
            out = line if identity else cleaner.clean(line)
            if out is not None:
                numbers.append(number)
                lengths.append(len(out) + 1)
        kept = len(numbers)
        units = np.fromiter(islice(deck, -(-kept // unit)), dtype=np.int8)
        where = np.repeat(units, unit)[:kept]  # the split of each kept line, as write_splits dealt them
        kept_numbers, kept_lengths = np.frombuffer(numbers, dtype=np.int64), np.frombuffer(lengths, dtype=np.int64)
    except Exception:  # any failure only loses the line numbers, never the index
        return None
    result = {}
    for i, name in enumerate(SPLIT_NAMES):
        mine = where == i
        result[name] = kept_numbers[mine]
        if len(result[name]) != lines.get(name, -1) or int(kept_lengths[mine].sum()) != chars.get(name, -1):
            return None
    return result


# ---- querying ------------------------------------------------------------------------------------------
class MemorizationIndex:
    """An index folder opened for queries: :meth:`find_spans` of a sample's ids in each indexed split."""

    def __init__(self, directory: Path, meta: dict[str, Any], tokens: Mapping[str, np.ndarray]) -> None:
        self.directory = Path(directory)
        self.k: int = int(meta["k"])
        self.hash_bits: int = int(meta["hash_bits"])
        self.splits: list[str] = [s for s in meta["splits"] if s in tokens]
        self._tokens = tokens
        self._hashes: dict[str, np.ndarray] = {}
        self._positions: dict[str, np.ndarray] = {}
        self._lines: dict[str, np.ndarray | None] = {}
        self._corpus_lines: dict[str, np.ndarray | None] = {}
        for s in self.splits:
            self._hashes[s] = _load(self.directory / f"{s}.hashes.npy")
            self._positions[s] = _load(self.directory / f"{s}.positions.npy")
            self._lines[s] = _load(self.directory / f"{s}.lines.npy", optional=True)
            self._corpus_lines[s] = _load(self.directory / f"{s}.corpus_lines.npy", optional=True)
            windows = max(0, len(tokens[s]) - self.k + 1)
            if len(self._hashes[s]) != windows or len(self._positions[s]) != windows:
                raise DataError(
                    f"{self.directory}: the {s} index holds {len(self._hashes[s])} k-grams, not {windows}; "
                    "delete this folder to build it again"
                )

    @classmethod
    def open(cls, directory: Path, tokens: TokenStore | Mapping[str, np.ndarray] | None = None) -> MemorizationIndex:
        """Open an index folder; ``tokens`` are the indexed splits' ids (a store or arrays by split name),
        by default the token store the index records. DataError when it is missing, damaged or stale."""
        directory = Path(directory)
        meta = _read_meta(directory)
        if tokens is None:
            where = meta.get("token_store")
            if not where:
                raise DataError(f"{directory / INDEX_META}: records no token store; pass the split's tokens")
            tokens = TokenStore.open(Path(where) if Path(where).is_absolute() else directory / where)
        arrays: dict[str, np.ndarray] = {}
        for s, info in meta["splits"].items():
            if isinstance(tokens, TokenStore):
                if s not in tokens.counts:
                    continue
                arrays[s] = tokens.split(s)
            elif s in tokens:
                arrays[s] = np.asarray(tokens[s])
            else:
                continue
            if len(arrays[s]) != info["tokens"]:
                raise DataError(
                    f"{directory}: indexes {info['tokens']} {s} tokens but the split has {len(arrays[s])}; "
                    "the index is stale: delete this folder and build it again"
                )
        return cls(directory, meta, arrays)

    def find_spans(self, ids: Sequence[int], splits: Sequence[str] | None = None) -> list[Span]:
        """Maximal runs of ``ids`` (at least ``k`` long) whose every k-gram occurs in a split, verified
        against the split's tokens; sorted by start, train before validation."""
        ids = np.asarray(ids, dtype=np.int64).ravel()
        k = self.k
        if len(ids) < k:
            return []
        q = window_hashes(ids, k, self.hash_bits)
        windows = np.lib.stride_tricks.sliding_window_view(ids, k)
        spans: list[Span] = []
        for split in splits if splits is not None else self.splits:
            if split not in self._hashes:
                continue
            first = self._first_occurrences(split, q, windows)
            for a, b in _runs(first >= 0):
                position = self._place(split, ids[a : b + k], int(q[a]), int(first[a]))
                line, split_line = self.line_of(split, position)
                spans.append(Span(int(a), int(b + k), split, position, line, split_line))
        order = {s: i for i, s in enumerate(self.splits)}
        return sorted(spans, key=lambda s: (s.start, order.get(s.split, len(order))))

    def _candidates(self, split: str, h: int) -> np.ndarray:
        hashes = self._hashes[split]
        lo, hi = np.searchsorted(hashes, np.uint64(h), "left"), np.searchsorted(hashes, np.uint64(h), "right")
        return self._positions[split][lo:hi]

    def _first_occurrences(self, split: str, q: np.ndarray, windows: np.ndarray) -> np.ndarray:
        """For each window, its first position in the split, or -1 (every candidate checked exactly)."""
        hashes, positions, tokens, k = self._hashes[split], self._positions[split], self._tokens[split], self.k
        first = np.full(len(q), -1, dtype=np.int64)
        if len(hashes) == 0:
            return first
        lo = np.searchsorted(hashes, q, "left")
        hi = np.searchsorted(hashes, q, "right")
        hit = np.flatnonzero(hi > lo)
        if len(hit) == 0:
            return first
        p = positions[lo[hit]].astype(np.int64)  # the lowest position of each hash: usually the k-gram itself
        same = (np.asarray(tokens[p[:, None] + np.arange(k)]) == windows[hit]).all(axis=1)
        first[hit[same]] = p[same]
        for i in hit[~same]:  # a collision: try the hash's other positions in order
            for pos in positions[lo[i] + 1 : hi[i]]:
                pos = int(pos)
                if np.array_equal(tokens[pos : pos + k], windows[i]):
                    first[i] = pos
                    break
        return first

    def _place(self, split: str, span_ids: np.ndarray, h: int, fallback: int) -> int:
        """Where the whole span occurs verbatim (see :class:`Span`), else ``fallback``."""
        tokens, n = self._tokens[split], len(span_ids)
        if n == self.k:
            return fallback
        tried = 0
        for pos in self._candidates(split, h):
            pos = int(pos)
            if pos < fallback:
                continue
            if np.array_equal(tokens[pos : pos + n], span_ids):
                return pos
            tried += 1
            if tried >= MAX_CANDIDATES:
                break
        return fallback

    def line_of(self, split: str, position: int) -> tuple[int | None, int | None]:
        """(corpus line, line of the split file), both 1-based, of a token position; None where unknown."""
        starts = self._lines.get(split)
        if starts is None or len(starts) == 0:
            return None, None
        split_line = int(np.searchsorted(starts, position, "right"))  # 1-based: lines starting at or before
        corpus = self._corpus_lines.get(split)
        return (int(corpus[split_line - 1]) if corpus is not None else None), split_line


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True in ``mask`` as (first, last) indices, inclusive."""
    if not mask.any():
        return []
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def _load(path: Path, optional: bool = False) -> np.ndarray | None:
    """A saved array, memory-mapped (an empty one is read: numpy cannot map it); DataError when damaged."""
    if optional and not path.is_file():
        return None
    try:
        try:
            return np.load(path, mmap_mode="r", allow_pickle=False)
        except ValueError:
            return np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise DataError(
            f"{path}: missing or damaged ({reason}); delete the memorization index folder to build it again"
        ) from None


def _read_meta(directory: Path) -> dict[str, Any]:
    path = Path(directory) / INDEX_META
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        if meta.get("format_version", 0) > FORMAT_VERSION:
            raise ValueError(f"format_version {meta['format_version']} is newer than this lmstudio reads")
        int(meta["k"]), int(meta["hash_bits"])
        for info in meta["splits"].values():
            int(info["tokens"])
    except FileNotFoundError:
        raise DataError(f"{path}: no memorization index here; build it with index_for()") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"{path}: damaged ({exc}); delete the memorization index folder to rebuild it") from None
    return meta


# ---- the index of a prepared folder --------------------------------------------------------------------
def index_dir_for(prepared_dir: Path, k: int) -> tuple[Path, Path]:
    """(index folder, lock file) of a prepared folder's k-gram index.

    A cache entry (``prepare_cached``'s, with its ``.{key}.lock`` beside it) holds it as ``memorization-k{k}/``
    under the entry's own lock. A folder the user prepared (``--out``) must keep only what ``prepare`` wrote,
    so its index goes to the cache, keyed by the folder and its token files' identity.
    """
    prepared_dir = Path(prepared_dir).resolve()
    entry_lock = prepared_dir.parent / f".{prepared_dir.name}.lock"
    if entry_lock.is_file() or prepared_dir.parent == cache_root().resolve():  # (Windows removes a free lock file)
        return prepared_dir / f"memorization-k{k}", entry_lock
    meta = prepared_dir / "tokens" / TOKENS_META_FILE
    try:
        stamp = meta.stat().st_mtime_ns
    except OSError:
        stamp = 0
    key = digest(str(prepared_dir), stamp, length=KEY_LENGTH)
    folder = cache_root() / "memorization" / key
    return folder / f"memorization-k{k}", folder.parent / f".{key}.lock"


def index_for(
    source: Any,
    k: int | None = None,
    *,
    splits: Sequence[str] = INDEXED_SPLITS,
    progress: ProgressCallback | None = None,
    chunk_tokens: int = CHUNK_TOKENS,
) -> MemorizationIndex:
    """The k-gram index of a prepared folder (a ``Prepared`` or its path), built if missing, then opened.

    ``k`` defaults to :func:`default_k` of the store's tokenizer. One process builds an index at a time
    (the cache entry's lock, which ``prepare_cached`` also takes); the folder appears only when complete, and
    a killed build's leftovers are removed by the next one.
    """
    from .prepare import Prepared, load_prepared

    prepared = source if isinstance(source, Prepared) else load_prepared(Path(source))
    store = prepared.store
    k = int(k) if k is not None else default_k(str(store.meta.get("tokenizer_kind", "")))
    directory, lock_path = index_dir_for(prepared.directory, k)
    try:
        return MemorizationIndex.open(directory, store)
    except DataError:
        pass
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FolderLock.acquire_waiting(
            lock_path, lambda: report(progress, 0, None, "waiting for another lmstudio process using this data")
        )
    except OSError as exc:
        raise DataError(describe_write_error(lock_path.parent, exc)) from None
    try:
        try:
            return MemorizationIndex.open(directory, store)  # built by another process while we waited
        except DataError:
            pass
        try:
            directory.parent.mkdir(parents=True, exist_ok=True)
            for entry in directory.parent.iterdir():  # what a killed build left (we hold the lock)
                if _PARTIAL.match(entry.name):
                    remove_tree_quietly(entry)
            if directory.exists():  # damaged or stale
                remove_tree_quietly(directory)
            work = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".partial", dir=directory.parent))
        except OSError as exc:
            raise DataError(describe_write_error(directory.parent, exc)) from None
        try:
            _build_all(prepared, k, work, splits, progress, chunk_tokens)
            os.replace(work, directory)
        except OSError as exc:
            remove_tree_quietly(work)
            raise DataError(describe_write_error(Path(exc.filename) if exc.filename else work, exc)) from None
        except BaseException:
            remove_tree_quietly(work)
            raise
    finally:
        lock.release()
    return MemorizationIndex.open(directory, store)


def _build_all(prepared: Any, k: int, work: Path, splits: Sequence[str], progress, chunk_tokens: int) -> None:
    store = prepared.store
    try:
        rep = json.loads((prepared.directory / "report.json").read_text(encoding="utf-8"))
        lines = {n: int(v["lines"]) for n, v in rep["splits"].items()}
        chars = {n: int(v["chars"]) for n, v in rep["splits"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        rep, lines, chars = {}, {}, {}
    newline = prepared.tokenizer.encode("\n")
    corpus_lines = None
    if isinstance(rep.get("data"), dict) and lines:
        report(progress, 0, None, "finding corpus lines")
        corpus_lines = corpus_line_numbers(rep["data"], lines, chars)
    for split in splits:
        if split not in store.counts:
            continue
        tokens = store.split(split)
        starts = None
        if len(newline) == 1 and split in lines:
            starts = line_starts_from_tokens(tokens, newline[0], lines[split], chunk_tokens)
        numbers = corpus_lines.get(split) if corpus_lines is not None and starts is not None else None
        build_ngram_index(
            tokens,
            k,
            work,
            split=split,
            chunk_tokens=chunk_tokens,
            line_starts=starts,
            corpus_lines=numbers,
            progress=progress,
        )
    meta = _read_meta(work)
    tokens_dir = store.directory.resolve()
    if tokens_dir.parent == work.parent.resolve():  # a cache entry: "../tokens" survives moving the cache
        meta["token_store"] = os.path.relpath(tokens_dir, work.resolve())
    else:
        meta["token_store"] = str(tokens_dir)
    atomic_write_text(work / INDEX_META, json.dumps(meta, indent=1) + "\n")
