"""From a workspace config with ``data.task = "translate"`` to trainable pairs: read, clean, split, tokenize, encode.

The steps of :mod:`.prepare` for a language model, made pair-aware:

- pairs come from a parallel corpus (a TSV/CSV with source and target columns, or two line-aligned files),
  the bundled English–Spanish verses when no corpus is given, or a generated toy task; ``data.reverse``
  swaps the sides (es→en instead of en→es);
- cleaning applies to each side with the same settings; a pair is dropped when either side is dropped
  (length limits) or left empty, and deduplication looks at the pair, not at one side;
- the split deals whole pairs (lines or blocks of lines, seeded, as for a language model), so a sentence and
  its translation are always in the same split;
- one tokenizer trained on both sides of the training split (``tokenizer.shared``), or one per side;
- pairs whose source or target is longer than ``model.block_size`` tokens (EOS included) are left out and
  counted: cutting them would teach truncated translations.

The result is a cache entry, keyed by everything that made it and built under a temporary name by one
process at a time (as :func:`.prepare.prepare_cached`): ``report.json``, ``tokenizer/`` (the target's, or the
joint one), ``source_tokenizer/`` (one per side only), ``pairs/<split>/`` (:class:`.pairs.PairStore`) and
``texts/<split>.src`` / ``.tgt`` (the kept pairs as cleaned text, line-aligned with the store: the references
of BLEU and the sample translations).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..config import WorkspaceConfig
from ..data.cleaning import Cleaner
from ..data.corpus import Corpus
from ..data.segment import segmenter_for
from ..data.split_cache import KEY_LENGTH, data_key, open_corpus
from ..data.splits import SPLIT_NAMES, _assignments, _check
from ..errors import ConfigError, DataError
from ..fileio import atomic_open, atomic_write_text
from ..keys import digest, line_hash
from ..locks import FolderLock, describe_write_error, remove_tree_quietly
from ..paths import cache_root
from ..progress import ProgressCallback, report, stage
from ..tokenizers import Tokenizer, load_tokenizer, train_tokenizer
from .pairs import PairStore, encode_pairs

SOURCE_TOKENIZER_DIR = "source_tokenizer"
TOKENIZER_DIR = "tokenizer"
RATIO_BINS = (0.0, 0.5, 0.67, 0.8, 0.9, 1.0, 1.11, 1.25, 1.5, 2.0, float("inf"))  # target / source characters
PROGRESS_EVERY = 20_000


@dataclass
class PreparedPairs:
    """Everything a translation run needs, read back from a prepared folder."""

    directory: Path
    source_tokenizer: Tokenizer
    target_tokenizer: Tokenizer
    stores: dict[str, PairStore]
    report: dict[str, Any]

    @property
    def shared(self) -> bool:
        """One joint tokenizer for both sides."""
        return self.source_tokenizer is self.target_tokenizer

    def texts(self, split: str) -> list[tuple[str, str]]:
        """The kept pairs of ``split`` as cleaned text, in the store's order."""
        base = self.directory / "texts"
        sources = (base / f"{split}.src").read_text(encoding="utf-8").split("\n")[:-1]
        targets = (base / f"{split}.tgt").read_text(encoding="utf-8").split("\n")[:-1]
        if len(sources) != len(targets) or len(sources) != len(self.stores[split]):
            raise DataError(f"{base}: the texts of the {split} split do not match its pairs; prepare the data again")
        return list(zip(sources, targets))

    def chars_per_token(self, split: str = "val") -> float:
        """Target characters (one per EOS, as a language model counts a newline) per target token."""
        info = self.report["splits"].get(split, {})
        if not info.get("pairs"):
            info = self.report["splits"]["train"]
        return info["target_chars"] / max(1, info["target_tokens"])


def pair_cache_key(corpus: Corpus, config: WorkspaceConfig, tokenizers: tuple[Tokenizer, Tokenizer] | None) -> str:
    tok_part: Any = (
        [tokenizers[0].fingerprint(), tokenizers[1].fingerprint()] if tokenizers else asdict(config.tokenizer)
    )
    return digest("pairs", data_key(corpus, config.data), tok_part, config.model.block_size, length=KEY_LENGTH)


def prepare_pairs_cached(
    config: WorkspaceConfig,
    *,
    progress: ProgressCallback | None = None,
    tokenizers: tuple[Tokenizer, Tokenizer] | None = None,
    root: Path | None = None,
) -> PreparedPairs:
    """The prepared pairs of ``config`` from the cache, built first when missing or damaged.

    ``tokenizers`` (source, target) reuses a run's tokenizers (resuming) instead of training new ones.
    """
    if config.data.task != "translate":
        raise ConfigError("data.task: pairs are prepared for translate only")
    corpus = open_corpus(config.data)
    if not corpus.is_parallel:
        raise ConfigError(
            f"data.task translate: {corpus.path} is not a parallel corpus; read it with data.format parallel and "
            "source/target columns (a TSV or CSV), give data.target (a second file, line-aligned), or use a toy task"
        )
    key = pair_cache_key(corpus, config, tokenizers)
    root = Path(root or cache_root())
    directory = root / f"pairs-{key}"
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = FolderLock.acquire_waiting(
            root / f".pairs-{key}.lock",
            lambda: report(progress, 0, None, "waiting for another lmstudio process preparing the same pairs"),
        )
    except OSError as exc:
        raise DataError(
            f"{root}: the prepared-data cache cannot be written ({exc.strerror or exc}); "
            "set LMSTUDIO_CACHE to a writable folder"
        ) from None
    try:
        if (directory / "report.json").is_file():
            try:
                return load_prepared_pairs(directory)
            except Exception:  # a damaged cache entry is rebuilt, never trusted
                pass
        if directory.is_symlink() or directory.is_file():
            directory.unlink()
        elif directory.exists():
            remove_tree_quietly(directory)
        try:
            work = Path(tempfile.mkdtemp(prefix=f".pairs-{key}.", suffix=".partial", dir=root))
        except OSError as exc:
            raise DataError(describe_write_error(root, exc)) from None
        try:
            _build(config, corpus, work, tokenizers, progress)
            os.replace(work, directory)
        except OSError as exc:
            remove_tree_quietly(work)
            raise DataError(describe_write_error(Path(exc.filename) if exc.filename else root, exc)) from None
        except BaseException:
            remove_tree_quietly(work)
            raise
    finally:
        lock.release()
    return load_prepared_pairs(directory)


def load_prepared_pairs(directory: Path) -> PreparedPairs:
    directory = Path(directory)
    path = directory / "report.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        splits = summary["splits"]
        shared = bool(summary["shared"])
        if not isinstance(splits, dict):
            raise TypeError("splits is not an object")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise DataError(
            f"{path}: unreadable or damaged ({type(exc).__name__}: {exc}); prepare the data again"
        ) from None
    target = load_tokenizer(directory / TOKENIZER_DIR)
    source = target if shared else load_tokenizer(directory / SOURCE_TOKENIZER_DIR)
    stores = {name: PairStore.load(directory / "pairs" / name) for name in SPLIT_NAMES}
    return PreparedPairs(directory, source, target, stores, summary)


def _build(
    config: WorkspaceConfig,
    corpus: Corpus,
    work: Path,
    tokenizers: tuple[Tokenizer, Tokenizer] | None,
    progress: ProgressCallback | None,
) -> None:
    data = config.data
    counts = _write_text_splits(corpus, config, work / "split", stage(progress, "splitting pairs"))
    if counts["train"]["pairs"] == 0:
        raise DataError(
            f"{corpus.path}: no pair is left for training after cleaning (every pair had an empty side or was "
            "dropped by the length limits); relax the cleaning options"
        )
    shared = config.tokenizer.shared
    segmenter = segmenter_for(data)
    if tokenizers is not None:
        source_tok, target_tok = tokenizers
        shared = source_tok is target_tok or source_tok.fingerprint() == target_tok.fingerprint()
        if shared:
            source_tok = target_tok
    elif shared:
        joint = work / "split" / "tokenizer-text.txt"
        with open(joint, "w", encoding="utf-8", newline="\n") as out:
            for side in ("src", "tgt"):
                with open(work / "split" / f"train.{side}", encoding="utf-8") as fh:
                    for line in fh:
                        out.write(line)
        target_tok = source_tok = train_tokenizer(
            config.tokenizer, joint, progress=stage(progress, "training the joint tokenizer"), segmenter=segmenter
        )
        joint.unlink()
    else:
        source_tok = train_tokenizer(
            config.tokenizer,
            work / "split" / "train.src",
            progress=stage(progress, "training the source tokenizer"),
            segmenter=segmenter,
        )
        target_tok = train_tokenizer(
            config.tokenizer,
            work / "split" / "train.tgt",
            progress=stage(progress, "training the target tokenizer"),
            segmenter=segmenter,
        )
    target_tok.save(work / TOKENIZER_DIR)
    if not shared:
        source_tok.save(work / SOURCE_TOKENIZER_DIR)
    limit = config.model.block_size
    (work / "texts").mkdir()
    splits: dict[str, dict[str, Any]] = {}
    lengths: dict[str, np.ndarray] = {}
    for name in SPLIT_NAMES:
        report(progress, SPLIT_NAMES.index(name), len(SPLIT_NAMES), f"encoding the {name} pairs")
        kept: list[tuple[str, str]] = []
        pairs = list(_read_split(work / "split", name))
        store, too_long = encode_pairs(
            pairs, source_tok, target_tok, limit, limit, on_kept=lambda s, t, out=kept: out.append((s, t))
        )
        store.save(work / "pairs" / name)
        with (
            atomic_open(work / "texts" / f"{name}.src", "w") as src_fh,
            atomic_open(work / "texts" / f"{name}.tgt", "w") as tgt_fh,
        ):
            for s, t in kept:
                src_fh.write(s + "\n")
                tgt_fh.write(t + "\n")
        splits[name] = {
            "pairs": len(store),
            "too_long": too_long,
            "source_tokens": int(store.src_lengths.sum()),
            "target_tokens": int(store.tgt_lengths.sum()),
            "source_chars": sum(len(s) + 1 for s, _ in kept),
            "target_chars": sum(len(t) + 1 for _, t in kept),
        }
        if name == "train":
            lengths = {"source": store.src_lengths, "target": store.tgt_lengths}
    remove_tree_quietly(work / "split")
    if splits["train"]["pairs"] == 0:
        raise DataError(
            f"{corpus.path}: every training pair is longer than model.block_size ({limit} tokens with EOS) on one "
            "side; raise the block size, or use a tokenizer with longer pieces (bpe, unigram, word)"
        )
    summary = {
        "corpus": str(corpus.path),
        "task": "translate",
        "direction": "target → source" if data.reverse else "source → target",
        "shared": shared,
        "tokenizer": asdict(config.tokenizer),
        "data": {**asdict(data), "split_fractions": list(data.split_fractions)},
        "block_size": limit,
        "source_vocab_size": source_tok.vocab_size,
        "target_vocab_size": target_tok.vocab_size,
        "cleaning_dropped": counts["dropped"],
        "splits": splits,
        "train_lengths": {
            side: {"mean": float(v.mean()) if len(v) else 0.0, "max": int(v.max()) if len(v) else 0}
            for side, v in lengths.items()
        },
    }
    atomic_write_text(work / "report.json", json.dumps(summary, indent=1, ensure_ascii=False) + "\n")


def iter_corpus_pairs(
    corpus: Corpus, reverse: bool, progress: ProgressCallback | None = None
) -> Iterator[tuple[str, str]]:
    """The corpus's (source, target) pairs in the chosen direction; a line break inside a cell becomes a space."""
    for source, target in corpus.iter_pairs(progress):
        source, target = " ".join(source.splitlines()), " ".join(target.splitlines())
        yield (target, source) if reverse else (source, target)


def clean_pairs(
    pairs: Iterator[tuple[str, str]], config: WorkspaceConfig, dropped: dict[str, int]
) -> Iterator[tuple[str, str]]:
    """Clean both sides with the data's cleaning settings; count what is dropped into ``dropped``
    (``"empty"``: a side empty after cleaning; ``"cleaning"``: the length limits; ``"duplicate"``)."""
    cfg = config.data.cleaning
    per_side = replace(cfg, dedupe=False)  # a repeated source with another translation is no duplicate
    segmenter = segmenter_for(config.data)
    sources, targets = Cleaner(per_side, segmenter), Cleaner(per_side, segmenter)
    seen: set[int] = set()
    for source, target in pairs:
        s, t = sources.clean(source), targets.clean(target)
        if s is None or t is None:
            dropped["cleaning"] = dropped.get("cleaning", 0) + 1
            continue
        if not s.strip() or not t.strip():
            dropped["empty"] = dropped.get("empty", 0) + 1
            continue
        if cfg.dedupe:
            key = line_hash(s + "\t" + t)
            if key in seen:
                dropped["duplicate"] = dropped.get("duplicate", 0) + 1
                continue
            seen.add(key)
        yield s, t


def _write_text_splits(
    corpus: Corpus, config: WorkspaceConfig, out: Path, progress: ProgressCallback | None
) -> dict[str, Any]:
    data = config.data
    fractions = _check(data.split_fractions, data.split_mode, data.block_lines)
    unit = data.block_lines if data.split_mode == "blocks" else 1
    deck = _assignments(fractions, data.seed)
    out.mkdir(parents=True)
    dropped: dict[str, int] = {}
    counts: dict[str, Any] = {name: {"pairs": 0} for name in SPLIT_NAMES}
    with ExitStack() as stack:
        files = [
            (
                stack.enter_context(open(out / f"{name}.src", "w", encoding="utf-8", newline="\n")),
                stack.enter_context(open(out / f"{name}.tgt", "w", encoding="utf-8", newline="\n")),
            )
            for name in SPLIT_NAMES
        ]
        current = 0
        pairs = clean_pairs(iter_corpus_pairs(corpus, data.reverse, progress), config, dropped)
        for i, (source, target) in enumerate(pairs):
            if i % unit == 0:
                current = next(deck)
            files[current][0].write(source + "\n")
            files[current][1].write(target + "\n")
            counts[SPLIT_NAMES[current]]["pairs"] += 1
    counts["dropped"] = dropped
    return counts


def _read_split(folder: Path, name: str) -> Iterator[tuple[str, str]]:
    with open(folder / f"{name}.src", encoding="utf-8") as src, open(folder / f"{name}.tgt", encoding="utf-8") as tgt:
        for s, t in zip(src, tgt):
            yield s.rstrip("\n"), t.rstrip("\n")


def pair_statistics(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Lengths of a sample of pairs, for the Data tab: characters and words per side, and the histogram of the
    target/source length ratio in characters (bins :data:`RATIO_BINS`)."""
    if not pairs:
        return {"pairs": 0}
    src_chars = np.array([len(s) for s, _ in pairs], dtype=np.float64)
    tgt_chars = np.array([len(t) for _, t in pairs], dtype=np.float64)
    ratio = tgt_chars / np.maximum(src_chars, 1)
    counts, _ = np.histogram(ratio, bins=np.array(RATIO_BINS[:-1] + (1e9,)))
    return {
        "pairs": len(pairs),
        "source_chars": {"mean": float(src_chars.mean()), "max": int(src_chars.max())},
        "target_chars": {"mean": float(tgt_chars.mean()), "max": int(tgt_chars.max())},
        "source_words": float(np.mean([len(s.split()) for s, _ in pairs])),
        "target_words": float(np.mean([len(t.split()) for _, t in pairs])),
        "ratio_bins": list(RATIO_BINS),
        "ratio_counts": counts.tolist(),
        "ratio_median": float(np.median(ratio)),
    }


__all__ = [
    "PreparedPairs",
    "clean_pairs",
    "iter_corpus_pairs",
    "load_prepared_pairs",
    "pair_cache_key",
    "pair_statistics",
    "prepare_pairs_cached",
]
