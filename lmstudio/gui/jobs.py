"""The functions the window runs on worker threads: the application layer's (:mod:`lmstudio.app`), named
here so that the tabs look them up in one place (and tests can replace one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..app.corpus import (  # noqa: F401  (re-exported for the tabs)
    PREVIEW_CHARS,
    CorpusPreview,
    cleaned_lines,
    corpus_stats,
    load_corpus,
    train_vocabulary,
)
from ..app.device import describe_compute_device  # noqa: F401
from ..core.config import DataConfig, TokenizerConfig
from ..core.progress import ProgressCallback


def train_tokenizer(
    data: DataConfig, cfg: TokenizerConfig, split_dir: Path, out_dir: Path, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """The Vocabulary tab's call: :func:`lmstudio.app.corpus.train_vocabulary`. ``split_dir`` is
    ``Session.split_dir()``, the core's cached split folder of ``data``, where the splits land anyway: it
    chooses nothing (kept until the tab calls ``train_vocabulary``)."""
    return train_vocabulary(data, cfg, out_dir, progress)
