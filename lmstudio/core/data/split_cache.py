"""Split files cached by what produced them: the corpus's content, its reading options, cleaning and the
split settings. One key for everyone: the window's Vocabulary tab trains its tokenizer on these files, and
``prepare_cached`` encodes these same files, so a corpus is split once for both.

An entry is ``<cache root>/splits/<key>/`` holding ``train.txt``, ``val.txt``, ``test.txt`` and
``splits.json`` (lines and characters per split). It is built under a temporary name and renamed into
place when complete, by one process at a time (a lock per key); a damaged entry is rebuilt.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from ..config import DataConfig
from ..errors import CorpusError, DataError
from ..fileio import atomic_write_text
from ..keys import digest
from ..locks import FolderLock, describe_write_error, remove_tree_quietly
from ..paths import cache_root
from ..progress import ProgressCallback, report
from .cleaning import iter_clean
from .corpus import (
    BIBLE_EN_ES,
    Corpus,
    ReadOptions,
    bundled_corpora,
    bundled_read_options,
    corpus_fingerprint,
    default_corpus_path,
)
from .segment import read_user_dict, segmenter_for
from .splits import SPLIT_NAMES, SplitInfo, write_splits

KEY_LENGTH = 20  # hex digits of a cache key (80 bits)
MANIFEST = "splits.json"
SPLITS_FOLDER = "splits"  # under the cache root


def corpus_path(data: DataConfig) -> Path:
    """The corpus of ``data``: its path; for "" the bundled Tiny Shakespeare (a language model) or the bundled
    English–Spanish pairs (translate); for a toy task the generated file in the cache."""
    if data.task == "translate" and data.toy_task:
        from .toy_tasks import toy_corpus_path

        return toy_corpus_path(data.toy_task, data.toy_pairs, data.seed)
    if data.corpus:
        return Path(data.corpus)
    return bundled_corpora()[BIBLE_EN_ES] if data.task == "translate" else default_corpus_path()


def open_corpus(data: DataConfig) -> Corpus:
    """Open (and validate) the corpus of ``data`` with its reading options (a toy task's file is written first)."""
    if data.task == "translate" and data.toy_task:
        from .toy_tasks import ensure_toy_corpus, toy_read_options

        return Corpus.open(ensure_toy_corpus(data.toy_task, data.toy_pairs, data.seed), toy_read_options())
    if data.task == "translate" and not data.corpus:
        return Corpus.open(corpus_path(data), bundled_read_options(BIBLE_EN_ES))
    options = ReadOptions.from_config(data)
    if data.task == "translate" and options.format == "auto":  # pairs: a table's two columns, or two files
        options = replace(options, format="parallel")
    return Corpus.open(corpus_path(data), options)


def data_key(corpus: Corpus, data: DataConfig) -> str:
    """The key of everything split files depend on: the corpus's content and all data settings."""
    settings = asdict(data)
    settings.pop("corpus")
    if data.segmenter == "whitespace":  # the default: keys of caches made before segmenters existed still match
        del settings["segmenter"], settings["user_dict"]
    elif data.user_dict:  # the dictionary's words, not its path, decide the cut
        settings["user_dict"] = digest(read_user_dict(data.user_dict))
    if data.train_fraction == 1.0:  # the default: keys of caches made before the setting existed still match
        del settings["train_fraction"]
    return digest(corpus_fingerprint(corpus), settings, length=KEY_LENGTH)


def splits_root(root: Path | None = None) -> Path:
    """The folder of cached splits under the cache root ``root`` (default: the user's cache)."""
    return Path(root or cache_root()) / SPLITS_FOLDER


def splits_dir(data: DataConfig, root: Path | None = None, *, corpus: Corpus | None = None) -> Path:
    """Where :func:`splits_cached` keeps the split files of ``data`` (built or not)."""
    return splits_root(root) / data_key(corpus if corpus is not None else open_corpus(data), data)


def read_splits(directory: Path) -> dict[str, SplitInfo] | None:
    """The splits of a complete cache entry, or None when it is missing or damaged."""
    directory = Path(directory)
    try:
        counts = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        infos = {
            n: SplitInfo(directory / f"{n}.txt", int(counts[n]["lines"]), int(counts[n]["chars"])) for n in SPLIT_NAMES
        }
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return infos if all(info.path.is_file() for info in infos.values()) else None


def check_trainable(splits: dict[str, SplitInfo], corpus: Corpus) -> None:
    """Refuse splits that leave nothing to train on (everything cleaned away)."""
    if splits["train"].chars == 0:
        raise CorpusError(f"{corpus.path}: nothing left to train on after cleaning; relax the cleaning options")


def write_corpus_splits(
    corpus: Corpus, data: DataConfig, out_dir: Path, progress: ProgressCallback | None = None
) -> dict[str, SplitInfo]:
    """Read, clean and split ``corpus`` into ``out_dir`` with the settings of ``data`` (no cache).

    ``progress`` follows the bytes read, so its total is known.
    """
    lines = iter_clean(corpus.iter_lines(progress=progress), data.cleaning, segmenter_for(data))
    splits = write_splits(
        lines,
        out_dir,
        fractions=data.split_fractions,
        mode=data.split_mode,
        block_lines=data.block_lines,
        seed=data.seed,
        train_fraction=data.train_fraction,
    )
    check_trainable(splits, corpus)
    return splits


def splits_cached(
    data: DataConfig,
    root: Path | None = None,
    progress: ProgressCallback | None = None,
    *,
    corpus: Corpus | None = None,
) -> dict[str, SplitInfo]:
    """The train/val/test files of ``data``, split once per key and reused after (see the module doc).

    ``root`` is the cache root (default: the user's cache, ``$LMSTUDIO_CACHE``); ``corpus`` an already
    opened corpus of ``data``. Raises :class:`CorpusError` when nothing is left to train on.
    """
    corpus = corpus if corpus is not None else open_corpus(data)
    key = data_key(corpus, data)
    folder = splits_root(root)
    directory = folder / key
    found = read_splits(directory)
    if found is not None:
        return found
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FolderLock.acquire_waiting(
            folder / f".{key}.lock",
            lambda: report(progress, 0, None, "waiting for another lmstudio process splitting the same corpus"),
        )
    except OSError as exc:
        raise DataError(
            f"{folder}: the cache of split files cannot be written ({exc.strerror or exc}); "
            "set LMSTUDIO_CACHE to a writable folder"
        ) from None
    try:
        found = read_splits(directory)  # another process may have built it while we waited
        if found is not None:
            return found
        _remove_leftovers(folder, key)
        if directory.is_symlink() or directory.is_file():
            directory.unlink()
        elif directory.exists():  # damaged: ours (the cache), and no one else is using it now
            remove_tree_quietly(directory)
        work = Path(tempfile.mkdtemp(prefix=f".{key}.", suffix=".partial", dir=folder))
        try:
            splits = write_corpus_splits(corpus, data, work, progress)
            counts = {n: {"lines": splits[n].lines, "chars": splits[n].chars} for n in SPLIT_NAMES}
            atomic_write_text(work / MANIFEST, json.dumps(counts, indent=1) + "\n")
            os.replace(work, directory)
        except OSError as exc:
            remove_tree_quietly(work)
            raise DataError(describe_write_error(Path(exc.filename) if exc.filename else folder, exc)) from None
        except BaseException:
            remove_tree_quietly(work)
            raise
    finally:
        lock.release()
    return {n: SplitInfo(directory / f"{n}.txt", info.lines, info.chars) for n, info in splits.items()}


def _remove_leftovers(folder: Path, key: str) -> None:
    """Remove what a killed build of ``key`` left (call only while holding its lock)."""
    pattern = re.compile(rf"^\.{re.escape(key)}\.[a-z0-9_]{{8}}\.partial$")
    try:
        entries = [p for p in folder.iterdir() if pattern.match(p.name)]
    except OSError:
        return
    for entry in entries:
        remove_tree_quietly(entry)
