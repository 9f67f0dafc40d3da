"""The functions the window runs on worker threads: the application layer's (:mod:`lmstudio.app`), named
here so that the tabs look them up in one place (and tests can replace one)."""

from __future__ import annotations

from ..app.corpus import (  # noqa: F401  (re-exported for the tabs)
    PREVIEW_CHARS,
    CorpusPreview,
    cleaned_lines,
    corpus_stats,
    load_corpus,
    train_vocabulary,
)
from ..app.device import describe_compute_device  # noqa: F401
