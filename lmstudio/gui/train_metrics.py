"""Moved to :mod:`lmstudio.app.train_metrics` (numbers, not drawing). These names stay importable here for
the modules that still read them from the GUI package (the Playground's inside view, the run tools and
tests/gui/test_screens.py); import them from the app layer instead."""

from ..app.train_metrics import (  # noqa: F401
    BPC_NA_REASON,
    EVAL_FIELDS,
    STEP_FIELDS,
    IncrementalEma,
    RunMetrics,
    Series,
    ema,
    format_bpc,
    overfit_start,
    unigram_entropy,
)
