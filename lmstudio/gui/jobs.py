"""The functions the GUI runs on worker threads: plain data in, plain data out, no Qt.

Each composes core calls (open, clean, split, train, report) and reports progress through the core's
callback convention; they are testable without a display.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.config import DataConfig, TokenizerConfig
from ..core.data import corpus as core_corpus
from ..core.progress import ProgressCallback, report

SPLIT_NAMES = ("train", "val", "test")


def phase(progress: ProgressCallback | None, start: float, span: float, label: str) -> ProgressCallback | None:
    """Map a sub-task's progress onto [start, start + span] of a 0..1 overall scale."""
    if progress is None:
        return None

    def callback(done: float, total: float | None = None, message: str = "") -> bool | None:
        frac = min(1.0, done / total) if total else 0.0
        return progress(start + span * frac, 1.0, f"{label}: {message}" if message else label)

    return callback


PREVIEW_CHARS = 100_000  # characters of the corpus shown in the Data tab's preview
PREVIEW_LINES = 14  # sample lines of the cleaning preview
PREVIEW_LINE_CHARS = 2_000  # a sample line is cut to this for the cleaning preview (a 50 MB line would stall the table)


@dataclass
class CorpusPreview:
    """What the Data tab shows of a freshly opened corpus, read once on the worker that opened it."""

    head: str = ""  # the first PREVIEW_CHARS characters as read (before cleaning)
    sample_lines: list[str] = field(default_factory=list)  # lines for the cleaning preview
    kind: str = ""  # "jsonl", "csv", "tsv" or "" when there is no field or column to choose
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of the field/column chooser


def refuse_special_file(path: Path) -> None:
    """Refuse a FIFO, device, socket or /proc-style file before anything opens it (``open()`` on a FIFO
    blocks for ever, which on a worker would also block closing the window)."""
    from ..core.data import textfiles

    textfiles.check_regular_file(path, "corpus", allow_folder=True)


def open_corpus(data: DataConfig) -> core_corpus.Corpus:
    path = Path(data.corpus) if data.corpus else core_corpus.default_corpus_path()
    refuse_special_file(path)
    return core_corpus.Corpus.open(path, core_corpus.ReadOptions.from_config(data))


def load_corpus(
    data: DataConfig, sniff_field: bool = False, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Open ``data.corpus`` and read what the Data tab shows of it: everything slow about opening a file
    (validation, the encoding, the preview, the sample lines, the field choices) in one call for a worker.

    With ``sniff_field`` a .jsonl file's text field is chosen from its first records. Any CorpusError
    (a bad record, a bad byte in the previewed part) fails the whole open, so the previous corpus stays.
    Returns {"data": the DataConfig used, "corpus": Corpus, "preview": CorpusPreview}.
    """
    from . import formats

    path = Path(data.corpus) if data.corpus else core_corpus.default_corpus_path()
    data = dataclasses.replace(data, corpus=str(path))
    report(progress, 0, None, f"Opening {path.name}")
    refuse_special_file(path)
    kind = formats.kind_of(path) if path.is_file() else ""
    if kind == "jsonl" and sniff_field:
        data = dataclasses.replace(data, text_field=formats.default_jsonl_field(formats.jsonl_fields(path)))
    corpus = core_corpus.Corpus.open(path, core_corpus.ReadOptions.from_config(data))
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
    lines = open_corpus(data).iter_lines(progress=progress)
    return lines if data.cleaning.is_identity else core_corpus.iter_clean(lines, data.cleaning)


def corpus_stats(data: DataConfig, key: str, progress: ProgressCallback | None = None) -> tuple[str, Any]:
    """Statistics of the cleaned corpus; returns (key, CorpusStats) so stale results can be recognised."""
    stats = core_corpus.compute_stats(cleaned_lines(data, progress))
    return key, stats


def ensure_splits(data: DataConfig, out_dir: Path, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Write train/val/test files into ``out_dir`` unless a previous run already completed them."""
    out_dir = Path(out_dir)
    done_marker = out_dir / ".complete"
    if done_marker.exists():
        return {name: out_dir / f"{name}.txt" for name in SPLIT_NAMES}
    infos = core_corpus.write_splits(
        cleaned_lines(data, progress),
        out_dir,
        fractions=tuple(data.split_fractions),
        mode=data.split_mode,
        block_lines=data.block_lines,
        seed=data.seed,
    )
    done_marker.write_text("")
    return {name: Path(info.path) for name, info in infos.items()}


def train_tokenizer(
    data: DataConfig, cfg: TokenizerConfig, split_dir: Path, out_dir: Path, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Splits (if needed) → train → save → vocabulary report. Returns the folder and the report."""
    from ..core import (
        tokenizers as core_tokenizer,  # sentencepiece loads only when first needed
    )

    t0 = time.perf_counter()
    report(progress, 0, 1, "preparing splits")
    paths = ensure_splits(data, split_dir, phase(progress, 0.0, 0.25, "splitting"))
    t1 = time.perf_counter()
    tok = core_tokenizer.train_tokenizer(cfg, paths["train"], progress=phase(progress, 0.25, 0.5, "training"))
    t2 = time.perf_counter()
    out_dir = Path(out_dir)
    tok.save(out_dir)
    val = paths["val"] if paths["val"].exists() and paths["val"].stat().st_size > 0 else None
    rep = core_tokenizer.vocabulary_report(tok, paths["train"], val, progress=phase(progress, 0.75, 0.25, "measuring"))
    report(progress, 1, 1, "done")
    return {
        "directory": str(out_dir),
        "report": rep,
        "config": cfg,
        "train_path": str(paths["train"]),
        "val_path": str(val) if val else "",
        "seconds_split": t1 - t0,
        "seconds_train": t2 - t1,
        "seconds_total": time.perf_counter() - t0,
    }


def describe_compute_device(progress: ProgressCallback | None = None) -> dict:
    """The status bar's device, as plain data: ``type`` (cuda, mps, cpu), ``text`` (GPU name, Apple MPS) and
    ``cores``; the window adds the threads training will use (imports torch: run off the GUI thread)."""
    import os

    from ..core.devices import describe_device, resolve_device

    device = resolve_device("auto")
    return {"type": device.type, "text": describe_device(device), "cores": os.cpu_count() or 1}
