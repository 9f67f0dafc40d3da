"""From a workspace config to trainable data: read, clean, split, train the tokenizer, encode.

The same steps serve ``lmstudio prepare`` (into a folder the user names), ``lmstudio train`` and the
GUI (into a cache keyed by what produced it, so a second run on the same corpus and settings is instant).
Every folder is built under a temporary name and renamed into place at the end: an error or a cancel
leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .config import DataConfig, TokenizerConfig, WorkspaceConfig
from .corpus import Corpus, ReadOptions, compute_stats, corpus_fingerprint, default_corpus_path, iter_clean, write_splits
from .errors import CorpusError
from .fileio import atomic_write_text
from .progress import ProgressCallback
from .tokenizer import Tokenizer, load_tokenizer, train_tokenizer, vocabulary_report
from .tokens import TokenStore

SPLITS = ("train", "val", "test")


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


def cache_root() -> Path:
    """Where prepared data is cached: ``$LMSTUDIO_CACHE``, else the platform's user cache folder."""
    if os.environ.get("LMSTUDIO_CACHE"):
        return Path(os.environ["LMSTUDIO_CACHE"])
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "lmstudio" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "lmstudio"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "lmstudio"


def corpus_path(data: DataConfig) -> Path:
    return Path(data.corpus) if data.corpus else default_corpus_path()


def open_corpus(data: DataConfig) -> Corpus:
    return Corpus.open(corpus_path(data), ReadOptions.from_config(data))


def _digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, default=str).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:20]


def data_key(corpus: Corpus, data: DataConfig) -> str:
    settings = asdict(data)
    settings.pop("corpus")
    return _digest(corpus_fingerprint(corpus), settings)


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
    The folder appears only when complete; an existing ``out_dir`` is replaced only then.
    """
    out_dir = Path(out_dir)
    corpus = open_corpus(config.data)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    try:
        lines = iter_clean(corpus.iter_lines(), config.data.cleaning)
        splits = write_splits(
            lines, work / "splits", fractions=config.data.split_fractions, mode=config.data.split_mode,
            block_lines=config.data.block_lines, seed=config.data.seed, progress=_stage(progress, "splitting"),
        )
        if splits["train"].chars == 0:
            raise CorpusError(f"{corpus.path}: nothing left to train on after cleaning; relax the cleaning options")
        if tokenizer is None:
            tokenizer = train_tokenizer(config.tokenizer, splits["train"].path, progress=_stage(progress, "training tokenizer"))
        tokenizer.save(work / "tokenizer")
        store = TokenStore.build(tokenizer, {n: splits[n].path for n in SPLITS}, work / "tokens", progress=_stage(progress, "encoding"))
        summary: dict[str, Any] = {
            "corpus": str(corpus.path),
            "encoding": corpus.encoding,
            "encoding_note": corpus.encoding_note,
            "tokenizer": asdict(config.tokenizer),
            "vocab_size": tokenizer.vocab_size,
            "splits": {n: {"lines": splits[n].lines, "chars": splits[n].chars, "tokens": store.count(n)} for n in SPLITS},
        }
        if with_report:
            stats = compute_stats(iter_clean(corpus.iter_lines(), config.data.cleaning), progress=_stage(progress, "statistics"))
            summary["statistics"] = stats.to_dict()
            summary["vocabulary"] = vocabulary_report(  # counts from the token files: no second encoding pass
                tokenizer, splits["train"].path, splits["val"].path, progress=_stage(progress, "vocabulary report"),
                train_ids=store.split("train"), val_ids=store.split("val"),
            )
        atomic_write_text(work / "report.json", json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return load_prepared(out_dir)


def load_prepared(directory: Path) -> Prepared:
    directory = Path(directory)
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    chars = {name: info["chars"] for name, info in report["splits"].items()}
    return Prepared(directory, load_tokenizer(directory / "tokenizer"), TokenStore.open(directory / "tokens"), chars)


def prepare_cached(
    config: WorkspaceConfig,
    *,
    progress: ProgressCallback | None = None,
    tokenizer: Tokenizer | None = None,
    root: Path | None = None,
) -> Prepared:
    """Like :func:`prepare`, into the cache, reusing a folder built earlier from the same inputs."""
    corpus = open_corpus(config.data)
    tok_part = tokenizer.fingerprint() if tokenizer is not None else asdict(config.tokenizer)
    key = _digest(data_key(corpus, config.data), tok_part)
    directory = (root or cache_root()) / key
    if (directory / "report.json").is_file():
        try:
            return load_prepared(directory)
        except Exception:  # a damaged cache entry is rebuilt, never trusted
            shutil.rmtree(directory, ignore_errors=True)
    return prepare(config, directory, progress=progress, tokenizer=tokenizer, with_report=False)


def _stage(progress: ProgressCallback | None, name: str) -> ProgressCallback | None:
    if progress is None:
        return None
    return lambda done, total, message="": progress(done, total, f"{name}: {message}" if message else name)


__all__ = ["Prepared", "SPLITS", "TokenizerConfig", "cache_root", "load_prepared", "open_corpus", "prepare", "prepare_cached"]
