"""Perplexity, bits per character and the metrics columns: defined once in the core, used by the trainer,
the CLI and the GUI's charts."""

from __future__ import annotations

import csv
import math

import numpy as np

from lmstudio.core.inference.metrics import PERPLEXITY_OVERFLOW, bits_per_char, perplexity
from lmstudio.core.training.metrics_log import COLUMNS


def test_perplexity_overflow_rule_is_the_same_for_a_float_and_an_array():
    losses = [0.0, 1.5, 50.0, 120.0, PERPLEXITY_OVERFLOW - 1, PERPLEXITY_OVERFLOW, 800.0]
    scalar = [perplexity(x) for x in losses]
    array = perplexity(np.array(losses))
    assert isinstance(array, np.ndarray)
    assert scalar[:5] == [math.exp(x) for x in losses[:5]]
    assert scalar[5:] == [math.inf, math.inf]
    np.testing.assert_array_equal(array, np.array(scalar))


def test_perplexity_of_nan_is_nan_not_inf():
    assert math.isnan(perplexity(math.nan))
    assert np.isnan(perplexity(np.array([math.nan, 1.0])))[0]


def test_bits_per_char_total_and_rate_forms_agree():
    total, tokens, chars = 1234.5, 1000, 4100
    assert math.isclose(bits_per_char(total, chars), total / chars / math.log(2))
    assert math.isclose(bits_per_char(total / tokens, chars / tokens), bits_per_char(total, chars))
    # fewer characters than tokens (byte fallback on rare characters): no clamp to 1 character per token
    assert math.isclose(bits_per_char(2.0, 0.5), 2.0 / 0.5 / math.log(2))
    assert bits_per_char(3.0, 0) == 3.0 / math.log(2)
    np.testing.assert_allclose(bits_per_char(np.array([1.0, 2.0]), 2.0), np.array([1.0, 2.0]) / 2 / math.log(2))


def test_gui_metrics_export_uses_the_core_columns(tmp_path):
    from lmstudio.app.train_metrics import RunMetrics
    from lmstudio.core.training.events import EvalEvent, StepEvent

    run = RunMetrics("r")
    run.add_step(StepEvent(1, 64, 0.1, 3.0, 1e-3, 0.5, 640.0))
    run.add_eval(EvalEvent(1, 64, 0.2, 2.9, 3.1, perplexity(3.1), bits_per_char(3.1, 3.0), True))
    path = tmp_path / "m.csv"
    run.write_csv(path)
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert tuple(header) == COLUMNS


def test_trainer_reports_perplexity_and_bits_per_char_from_the_core_functions(tiny_corpus, tmp_path):
    from lmstudio.core.training.events import EvalEvent
    from lmstudio.core.training.launch import new_trainer
    from tests.helpers import tiny_workspace

    trainer = new_trainer(tiny_workspace(tiny_corpus, sample_tokens=0), tmp_path / "run")
    evals = [e for e in trainer.run() if isinstance(e, EvalEvent)]
    assert evals
    for e in evals:
        assert e.val_perplexity == perplexity(e.val_loss)
        assert math.isclose(e.bits_per_char, bits_per_char(e.val_loss, trainer.chars_per_token))
