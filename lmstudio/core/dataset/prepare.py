"""From a workspace config to trainable data: read, clean, split, train the tokenizer, encode.

The same steps serve ``lmstudio prepare`` (into a folder the user names), ``lmstudio train`` and the
GUI (into a cache keyed by what produced it, so a second run on the same corpus and settings is instant).
Every folder is built under a temporary name and renamed into place at the end: an error or a cancel
leaves nothing half-written. ``prepare`` replaces only a folder it wrote itself (and refuses anything
else: a file, the corpus, a run, the user's files); one process at a time builds a given folder or
cache entry (an OS lock), and the next one to take that lock removes what a killed one left.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..config import TokenizerConfig, WorkspaceConfig
from ..data.cleaning import iter_clean
from ..data.corpus import Corpus
from ..data.health import data_health
from ..data.segment import segmenter_for
from ..data.split_cache import (
    KEY_LENGTH,
    corpus_path,
    data_key,
    open_corpus,
    splits_cached,
    splits_dir,
    write_corpus_splits,
)
from ..data.splits import SPLIT_NAMES, SplitInfo
from ..data.stats import compute_stats
from ..errors import ConfigError, DataError
from ..fileio import atomic_write_text
from ..keys import digest
from ..locks import FolderLock, describe_write_error, remove_tree_quietly
from ..paths import cache_root
from ..progress import ProgressCallback, report, stage
from ..tokenizers import Tokenizer, load_tokenizer, train_tokenizer, vocabulary_report
from .tokens import TokenStore


@dataclass
class Prepared:
    """Everything training needs, read back from a prepared folder."""

    directory: Path
    tokenizer: Tokenizer
    store: TokenStore
    split_chars: dict[str, int]

    def chars_per_token(self, split: str = "val") -> float:
        name = split if self.store.count(split) else "train"
        return self.split_chars.get(name, 0) / max(1, self.store.count(name))


PREPARED_ENTRIES = frozenset({"report.json", "tokenizer", "tokens", "splits"})  # what prepare writes, nothing else
_WRITE_ERRORS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EACCES, errno.EPERM, errno.EROFS}
_STALE = r"[a-z0-9_]{8}\.(partial|old)"


def is_prepared_folder(directory: Path) -> bool:
    """Whether ``directory`` is a folder ``prepare`` wrote: its entries and nothing else, with a readable report."""
    directory = Path(directory)
    try:
        names = {p.name for p in directory.iterdir()}
    except OSError:
        return False
    if not names <= PREPARED_ENTRIES or not {"report.json", "tokenizer", "tokens"} <= names:
        return False
    try:
        report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(report, dict) and isinstance(report.get("splits"), dict)


def check_prepare_target(out_dir: Path, corpus: Path | None = None) -> bool:
    """Refuse an ``--out`` that ``prepare`` must not replace; return whether it holds an earlier prepared folder.

    A missing or empty folder is fine; a folder ``prepare`` wrote is replaced (atomically, at the end);
    anything else (a file, the corpus, a run, a folder of the user's) is refused and left untouched.
    """
    out_dir = Path(out_dir)
    corpus_file = Path(corpus).resolve() if corpus is not None else None
    if out_dir.is_symlink():
        raise ConfigError(
            f"--out {out_dir}: is a link; give a new folder (prepare replaces --out and would not follow it)"
        )
    if out_dir.exists() and not out_dir.is_dir():
        what = "the corpus file itself" if corpus_file is not None and out_dir.resolve() == corpus_file else "a file"
        raise ConfigError(
            f"--out {out_dir}: is {what}, not a folder; give a new folder name for the prepared data, "
            f"such as {out_dir.with_name(out_dir.stem + '-prepared')}"
        )
    if corpus_file is not None and corpus_file.is_dir():
        resolved = out_dir.resolve()
        if resolved == corpus_file or corpus_file in resolved.parents:
            raise ConfigError(
                f"--out {out_dir}: is inside the corpus folder {corpus}, whose text files would then "
                "include the prepared splits; choose a folder outside it"
            )
    if not out_dir.is_dir():
        return False
    try:
        names = sorted(p.name for p in out_dir.iterdir())
    except OSError as exc:
        raise ConfigError(f"--out {out_dir}: cannot be read ({exc.strerror or exc}); choose another folder") from None
    if not names:
        return False
    if corpus_file is not None and out_dir.resolve() in corpus_file.parents and corpus_file.parent != out_dir.resolve():
        raise ConfigError(
            f"--out {out_dir}: holds the corpus {corpus}, which replacing it would delete; "
            "choose another folder for --out"
        )
    if is_prepared_folder(out_dir):
        return True
    if "config.json" in names and "checkpoints" in names or "config.json" in names and "tokenizer" in names:
        what = "an lmstudio training run"
    elif corpus_file is not None and corpus_file.parent == out_dir.resolve():
        what = f"the corpus {corpus_file.name} and {len(names) - 1} other item(s)"
    else:
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        what = f"files that `lmstudio prepare` did not write ({shown})"
    raise ConfigError(
        f"--out {out_dir}: holds {what}; nothing was changed. Give --out a new or empty folder "
        "(only a folder that prepare wrote is replaced)"
    )


def prepare(
    config: WorkspaceConfig,
    out_dir: Path,
    *,
    progress: ProgressCallback | None = None,
    tokenizer: Tokenizer | None = None,
    with_report: bool = True,
) -> Prepared:
    """Build a prepared folder at ``out_dir``: splits, tokenizer, token files, ``report.json``.

    ``tokenizer`` reuses an existing tokenizer (resuming a run) instead of training one.
    The folder appears only when complete. ``out_dir`` must be missing, empty, or a folder that
    ``prepare`` wrote, which is then replaced atomically; anything else is refused untouched.
    """
    out_dir = Path(os.path.abspath(out_dir))  # "." has no name to build a temporary one beside
    check_prepare_target(out_dir, corpus_path(config.data))
    lock = _out_lock(out_dir)
    if lock is False:
        raise DataError(
            f"--out {out_dir}: being prepared by another lmstudio process; "
            "wait for it to finish or choose another --out"
        )
    try:
        check_prepare_target(out_dir, corpus_path(config.data))  # again, now that no other process can change it
        if lock:  # without a lock another prepare's unfinished folder cannot be told from a dead one's
            _clean_stale(out_dir)
        return _build(config, out_dir, progress=progress, tokenizer=tokenizer, with_report=with_report)
    finally:
        if lock:
            lock.release()


def out_lock_path(out_dir: Path) -> Path:
    """The lock file of a user's ``--out`` folder, in the cache (nothing is added beside the user's folders)."""
    return cache_root() / "locks" / f"prepare-{digest(str(Path(out_dir).resolve()), length=KEY_LENGTH)}.lock"


def _out_lock(out_dir: Path) -> FolderLock | bool | None:
    """The lock of a user's ``--out`` (kept in the cache folder, so nothing is added beside the user's folders).

    ``False`` when another process holds it; ``None`` when no lock can be made there (no lock then).
    """
    try:
        path = out_lock_path(out_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        return FolderLock.try_acquire(path) or False
    except OSError:
        return None


def _stale_entries(out_dir: Path) -> list[Path]:
    pattern = re.compile(rf"^\.{re.escape(out_dir.name)}\.{_STALE}$")
    try:
        return [p for p in out_dir.parent.iterdir() if pattern.match(p.name) and p.is_dir() and not p.is_symlink()]
    except OSError:
        return []


def _clean_stale(out_dir: Path) -> None:
    """Remove what a killed ``prepare`` into ``out_dir`` left beside it (call only while holding its lock).

    A ``.old`` folder with no ``out_dir`` is the previous result of a replace cut between its two renames:
    it is put back, not deleted.
    """
    for entry in _stale_entries(out_dir):
        if entry.name.endswith(".old") and not out_dir.exists() and is_prepared_folder(entry):
            try:
                os.replace(entry, out_dir)
                continue
            except OSError:
                pass
        remove_tree_quietly(entry)


def _build(
    config: WorkspaceConfig,
    out_dir: Path,
    *,
    progress: ProgressCallback | None,
    tokenizer: Tokenizer | None,
    with_report: bool,
    splits: dict[str, SplitInfo] | None = None,
) -> Prepared:
    """Build ``out_dir``; ``splits`` are split files made already (the cache's), else they are written into
    the folder (``splits/``)."""
    corpus = open_corpus(config.data)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    except OSError as exc:
        raise DataError(describe_write_error(out_dir.parent, exc)) from None
    try:
        if splits is None:
            splits = write_corpus_splits(corpus, config.data, work / "splits", stage(progress, "splitting"))
        if tokenizer is None:
            tokenizer = train_tokenizer(
                config.tokenizer,
                splits["train"].path,
                progress=stage(progress, "training tokenizer"),
                segmenter=segmenter_for(config.data),
            )
        tokenizer.save(work / "tokenizer")
        store = TokenStore.build(
            tokenizer, {n: splits[n].path for n in SPLIT_NAMES}, work / "tokens", progress=stage(progress, "encoding")
        )
        summary: dict[str, Any] = {
            "corpus": str(corpus.path),
            "encoding": corpus.encoding,
            "encoding_note": corpus.encoding_note,
            "tokenizer": asdict(config.tokenizer),
            "data": {**asdict(config.data), "split_fractions": list(config.data.split_fractions)},  # train --prepared
            "vocab_size": tokenizer.vocab_size,
            "splits": {
                n: {"lines": splits[n].lines, "chars": splits[n].chars, "tokens": store.count(n)} for n in SPLIT_NAMES
            },
        }
        if with_report:
            segmenter = segmenter_for(config.data)
            stats = compute_stats(
                iter_clean(corpus.iter_lines(), config.data.cleaning, segmenter),
                progress=stage(progress, "statistics"),
                segmenter=segmenter,
            )
            summary["statistics"] = stats.to_dict()
            summary["vocabulary"] = vocabulary_report(  # counts from the token files: no second encoding pass
                tokenizer,
                splits["train"].path,
                splits["val"].path,
                progress=stage(progress, "vocabulary report"),
                train_ids=store.split("train"),
                val_ids=store.split("val"),
            )
            if config.data.task != "translate":  # pairs are checked by pair_prepare's own statistics
                summary["health"] = data_health(  # the split files just written: the assignment training reads
                    {n: splits[n].path for n in SPLIT_NAMES}, progress=stage(progress, "data health")
                ).to_dict()
        atomic_write_text(work / "report.json", json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
        del store  # its memmaps: Windows cannot rename a folder with open files
        _install(work, out_dir)
    except OSError as exc:
        remove_tree_quietly(work)
        if exc.errno not in _WRITE_ERRORS:
            raise
        raise DataError(describe_write_error(Path(exc.filename) if exc.filename else out_dir, exc)) from None
    except BaseException:
        remove_tree_quietly(work)
        raise
    return load_prepared(out_dir)


def _install(work: Path, out_dir: Path) -> None:
    """Put the finished ``work`` folder at ``out_dir``; an earlier one is moved aside first and removed last."""
    if not out_dir.exists():
        os.replace(work, out_dir)
        return
    aside = out_dir.with_name(f".{out_dir.name}.{secrets.token_hex(4)}.old")
    os.replace(out_dir, aside)  # an empty folder or one prepare wrote (checked under the lock)
    try:
        os.replace(work, out_dir)
    except BaseException:
        os.replace(aside, out_dir)
        raise
    remove_tree_quietly(aside)


def load_prepared(directory: Path) -> Prepared:
    directory = Path(directory)
    path = directory / "report.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        chars = {name: int(info["chars"]) for name, info in report["splits"].items()}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(
            f"{path}: unreadable or damaged ({type(exc).__name__}: {exc}); prepare the data again"
        ) from None
    return Prepared(directory, load_tokenizer(directory / "tokenizer"), TokenStore.open(directory / "tokens"), chars)


def cache_key(corpus: Corpus, config: WorkspaceConfig, tokenizer: Tokenizer | None = None) -> str:
    """The cache folder name of prepared data: what the corpus holds, the data settings, the tokenizer."""
    tok_part = tokenizer.fingerprint() if tokenizer is not None else asdict(config.tokenizer)
    return digest(data_key(corpus, config.data), tok_part, length=KEY_LENGTH)


def prepare_cached(
    config: WorkspaceConfig,
    *,
    progress: ProgressCallback | None = None,
    tokenizer: Tokenizer | None = None,
    root: Path | None = None,
) -> Prepared:
    """Like :func:`prepare`, into the cache, reusing a folder built earlier from the same inputs.

    The split files are :func:`splits_cached`'s (under ``root``, the cache root): the ones the window's
    Vocabulary tab trains its tokenizer on for the same data settings; the entry holds no copy of them.

    One process builds a key at a time (a lock per key); another one preparing the same key waits and
    then reuses the result. A damaged entry is rebuilt, under the lock only.
    """
    corpus = open_corpus(config.data)
    key = cache_key(corpus, config, tokenizer)
    root = Path(root or cache_root())
    splits = splits_cached(config.data, root, stage(progress, "splitting"), corpus=corpus)  # shared with the GUI
    directory = root / key
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = FolderLock.acquire_waiting(
            root / f".{key}.lock",
            lambda: report(progress, 0, None, "waiting for another lmstudio process preparing the same data"),
        )
    except OSError as exc:
        raise DataError(
            f"{root}: the prepared-data cache cannot be written ({exc.strerror or exc}); "
            "set LMSTUDIO_CACHE to a writable folder"
        ) from None
    try:
        _clean_stale(directory)
        if directory.is_dir() and (directory / "report.json").is_file():
            try:
                return load_prepared(directory)
            except Exception:  # a damaged cache entry is rebuilt, never trusted
                pass
        if directory.exists():  # damaged or incomplete: ours (the cache), and no one else is using it now
            if directory.is_dir() and not directory.is_symlink():
                remove_tree_quietly(directory)
            else:
                directory.unlink()
        return _build(config, directory, progress=progress, tokenizer=tokenizer, with_report=False, splits=splits)
    finally:
        lock.release()


__all__ = [
    "Prepared",
    "TokenizerConfig",
    "cache_root",
    "check_prepare_target",
    "corpus_path",
    "data_key",
    "out_lock_path",
    "splits_cached",
    "splits_dir",
    "is_prepared_folder",
    "load_prepared",
    "open_corpus",
    "prepare",
    "prepare_cached",
]
