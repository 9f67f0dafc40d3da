"""The functions the window runs on worker threads: the application layer's (:mod:`lmstudio.app`), named
here so that the tabs look them up in one place (and tests can replace one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..app.corpus import (  # noqa: F401  (re-exported for the tabs)
    PREVIEW_CHARS,
    CorpusPreview,
    cleaned_lines,
    corpus_health,
    corpus_stats,
    load_corpus,
    train_vocabulary,
)
from ..app.device import describe_compute_device  # noqa: F401
from ..core.config import DataConfig, WorkspaceConfig
from ..core.data import formats
from ..core.data.split_cache import open_corpus
from ..core.data.toy_tasks import ensure_toy_corpus
from ..core.dataset.pair_prepare import clean_pairs, iter_corpus_pairs, pair_statistics
from ..core.errors import ConfigError
from ..core.progress import ProgressCallback, report
from .i18n import tr

# translation: the Data tab's pair preview and pair statistics
PAIR_PREVIEW_ROWS = 50  # pairs shown side by side in the Data tab
TABLES = ("csv", "tsv")  # the kinds of file read as pairs by their columns
PAIR_STATS_LIMIT = 200_000  # pairs measured for the length statistics (the dropped counts cover every pair)


def toy_corpus(task: str, n: int, seed: int, progress: ProgressCallback | None = None) -> str:
    """Write a toy task's pairs into the cache (once) so that the corpus can be opened: returns its path."""
    report(progress, 0, None, tr("Generating {n} {task} pairs").format(n=f"{n:,}", task=task))
    return str(ensure_toy_corpus(task, n, seed))


def pair_preview(data: DataConfig, key: str, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """The cleaned pairs of ``data`` in its direction (what training reads): the first PAIR_PREVIEW_ROWS for
    the side-by-side preview, :func:`pair_statistics` of the first PAIR_STATS_LIMIT, and how many pairs the
    cleaning dropped, by reason. Reads the whole corpus once; a CorpusError (a ragged row) fails it."""
    single = data.format != "parallel" and not data.target and formats.kind_of(Path(data.corpus)) not in TABLES
    corpus = None if (single and data.corpus and not data.toy_task) else open_corpus(data)
    if corpus is None or not corpus.is_parallel:
        raise ConfigError(
            tr(
                "{name} holds no pairs: choose its target file (a second file, line-aligned with "
                "it), open a .tsv/.csv with source and target columns, or pick a toy task"
            ).format(name=Path(data.corpus).name)
        )
    dropped: dict[str, int] = {}
    rows: list[tuple[str, str]] = []
    sample: list[tuple[str, str]] = []
    kept = 0
    config = WorkspaceConfig(data=data)
    for source, target in clean_pairs(iter_corpus_pairs(corpus, data.reverse, progress), config, dropped):
        kept += 1
        if len(rows) < PAIR_PREVIEW_ROWS:
            rows.append((source, target))
        if len(sample) < PAIR_STATS_LIMIT:
            sample.append((source, target))
    return {
        "key": key,
        "rows": rows,
        "stats": pair_statistics(sample),
        "dropped": dropped,
        "kept": kept,
        "measured": len(sample),
    }
