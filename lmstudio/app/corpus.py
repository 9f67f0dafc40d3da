"""What the Data and Vocabulary tabs compute, as plain functions: plain data in, plain data out, no Qt.

Each composes core calls (open, sniff, clean, split, train, report) and reports progress through the
core's callback convention; the window runs them on worker threads, tests call them directly. The split
files come from the core's cache (:func:`lmstudio.core.data.split_cache.splits_cached`), under the same
key ``prepare_cached`` uses: a corpus is split once for the Vocabulary tab and for training.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.config import DataConfig, TokenizerConfig
from ..core.data import formats
from ..core.data.cleaning import iter_clean
from ..core.data.corpus import Corpus, ReadOptions, corpus_fingerprint
from ..core.data.health import HealthReport, data_health
from ..core.data.segment import segmenter_for
from ..core.data.split_cache import corpus_path, open_corpus, splits_cached
from ..core.data.stats import compute_stats
from ..core.errors import ConfigError
from ..core.fileio import check_regular_file
from ..core.progress import ProgressCallback, report

PREVIEW_CHARS = 100_000  # characters of the corpus shown in the Data tab's preview
PREVIEW_LINES = 14  # sample lines of the cleaning preview
PREVIEW_LINE_CHARS = 2_000  # a sample line is cut to this for the cleaning preview (a 50 MB line would stall the table)


def phase(progress: ProgressCallback | None, start: float, span: float, label: str) -> ProgressCallback | None:
    """Map a sub-task's progress onto [start, start + span] of a 0..1 overall scale."""
    if progress is None:
        return None

    def callback(done: float, total: float | None = None, message: str = "") -> bool | None:
        frac = min(1.0, done / total) if total else 0.0
        return progress(start + span * frac, 1.0, f"{label}: {message}" if message else label)

    return callback


@dataclass
class CorpusPreview:
    """What the Data tab shows of a freshly opened corpus, read once on the worker that opened it."""

    head: str = ""  # the first PREVIEW_CHARS characters as read (before cleaning)
    sample_lines: list[str] = field(default_factory=list)  # lines for the cleaning preview
    kind: str = ""  # "jsonl", "csv", "tsv" or "" when there is no field or column to choose
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of the field/column chooser


def load_corpus(
    data: DataConfig, sniff_field: bool = False, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Open ``data.corpus`` and read what the Data tab shows of it: everything slow about opening a file
    (validation, the encoding, the preview, the sample lines, the field choices) in one call for a worker.

    With ``sniff_field`` a .jsonl file's text field is chosen from its first records. Any CorpusError
    (a bad record, a bad byte in the previewed part) fails the whole open, so the previous corpus stays.
    Returns {"data": the DataConfig used, "corpus": Corpus, "preview": CorpusPreview}.
    """
    toy = data.task == "translate" and data.toy_task
    if toy:  # generated once into the cache: a saved workspace with a toy task reopens
        from ..core.data.toy_tasks import ensure_toy_corpus

        ensure_toy_corpus(data.toy_task, data.toy_pairs, data.seed)
    path = corpus_path(data)
    data = dataclasses.replace(data, corpus=str(path))
    report(progress, 0, None, f"Opening {path.name}")
    check_regular_file(path, "corpus", allow_folder=True)  # a FIFO would block the sniffing's open() for ever
    kind = formats.kind_of(path) if path.is_file() else ""
    if kind == "jsonl" and sniff_field:
        data = dataclasses.replace(data, text_field=formats.default_jsonl_field(formats.jsonl_fields(path)))
    if toy:
        from ..core.data.toy_tasks import toy_read_options

        corpus = Corpus.open(path, toy_read_options())
    else:
        corpus = Corpus.open(path, ReadOptions.from_config(data))
    report(progress, 1, 3, f"Reading the start of {path.name}")
    head = corpus.head_text(PREVIEW_CHARS)
    report(progress, 2, 3, f"Sampling lines of {path.name}")
    samples = [line[:PREVIEW_LINE_CHARS] for line in corpus.sample_lines(PREVIEW_LINES, seed=0)]
    if kind == "jsonl":
        current = data.text_field
        fields = formats.jsonl_fields(path) or [current]
        choices = [(name, name) for name in dict.fromkeys([*fields, current])]
    elif kind in ("csv", "tsv"):
        choices = [("", "(automatic)"), *formats.table_columns(path)]
    else:
        choices = []
    report(progress, 3, 3, f"Opened {path.name}")
    return {"data": data, "corpus": corpus, "preview": CorpusPreview(head, samples, kind, choices)}


def cleaned_lines(data: DataConfig, progress: ProgressCallback | None = None):
    """The corpus's lines after cleaning; ``progress`` follows the bytes read (so its total is known)."""
    return iter_clean(open_corpus(data).iter_lines(progress=progress), data.cleaning, segmenter_for(data))


def corpus_stats(data: DataConfig, key: str, progress: ProgressCallback | None = None) -> tuple[str, Any]:
    """Statistics of the cleaned corpus; returns (key, CorpusStats) so stale results can be recognised.

    Also computes the corpus's content key on this worker (the core remembers it), so that the window
    asking for the split folder later (:meth:`Session.split_dir`) reads no file on its own thread.
    """
    corpus = open_corpus(data)
    segmenter = segmenter_for(data)
    stats = compute_stats(
        iter_clean(corpus.iter_lines(progress=progress), data.cleaning, segmenter), segmenter=segmenter
    )
    corpus_fingerprint(corpus)
    return key, stats


def train_vocabulary(
    data: DataConfig,
    cfg: TokenizerConfig,
    out_dir: Path,
    progress: ProgressCallback | None = None,
    *,
    cache_root: Path | None = None,
) -> dict[str, Any]:
    """Split (the core's cached splits) → train → save → vocabulary report.

    Returns the tokenizer's folder, its report, the split files it trained on and the time of each step.
    """
    from ..core import tokenizers as core_tokenizers  # sentencepiece loads only when first needed

    t0 = time.perf_counter()
    report(progress, 0, 1, "preparing splits")
    splits = splits_cached(data, cache_root, phase(progress, 0.0, 0.25, "splitting"))
    train_path, val_path = splits["train"].path, splits["val"].path
    t1 = time.perf_counter()
    tok = core_tokenizers.train_tokenizer(
        cfg, train_path, progress=phase(progress, 0.25, 0.5, "training"), segmenter=segmenter_for(data)
    )
    t2 = time.perf_counter()
    out_dir = Path(out_dir)
    tok.save(out_dir)
    val = val_path if splits["val"].chars > 0 else None
    rep = core_tokenizers.vocabulary_report(tok, train_path, val, progress=phase(progress, 0.75, 0.25, "measuring"))
    report(progress, 1, 1, "done")
    return {
        "directory": str(out_dir),
        "report": rep,
        "config": cfg,
        "train_path": str(train_path),
        "val_path": str(val) if val else "",
        "split_dir": str(train_path.parent),
        "seconds_split": t1 - t0,
        "seconds_train": t2 - t1,
        "seconds_total": time.perf_counter() - t0,
    }


def corpus_health(data: DataConfig, key: str, progress: ProgressCallback | None = None) -> tuple[str, HealthReport]:
    """The data health report of the cleaned corpus under the split settings of ``data`` (the lines dealt as
    training deals them, without writing split files); returns (key, HealthReport) so that a stale result can be
    recognised. Reads the corpus twice: the first pass is the first half of ``progress``, the second the rest."""
    if data.task == "translate":
        raise ConfigError("data health checks a language-model corpus; for translation see the pair statistics")
    passes = iter((phase(progress, 0.0, 0.5, "checking"), phase(progress, 0.5, 0.5, "checking for leakage")))

    def lines():  # each pass reads the corpus afresh, its progress following the bytes read
        return cleaned_lines(data, next(passes, None))

    health = data_health(
        lines,
        fractions=data.split_fractions,
        mode=data.split_mode,
        block_lines=data.block_lines,
        seed=data.seed,
    )
    return key, health
