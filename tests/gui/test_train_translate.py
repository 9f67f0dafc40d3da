"""The Train tab for translation runs: BLEU, chrF and exact-match curves, the table of sample translations, the
Translation settings group, a reopened run's history; a language model's tab builds none of it."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from tests.conftest import TRANSLATION_RUN_SETTINGS

from .conftest import wait_for_workers


@pytest.fixture(autouse=True)
def _runs_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path / "runs"))
    yield
    wait_for_workers()


def _tab(qtbot, session):
    from lmstudio.gui.tabs.train_tab import TrainTab

    tab = TrainTab(session)
    qtbot.addWidget(tab)
    tab.resize(1400, 900)
    tab.show()
    return tab


def test_a_reopened_translation_run_charts_its_scores_and_its_last_translations(
    qtbot, session, translation_run, tmp_path
):
    """What resuming shows before the first new step: BLEU/chrF/exact match from metrics.csv, the latest
    translations parsed back from samples.jsonl; the exported CSV keeps the scores."""
    from lmstudio.app.train_metrics import RunMetrics
    from lmstudio.app.training import RunInfo
    from lmstudio.core.config import WorkspaceConfig
    from lmstudio.core.training.metrics_log import read_metrics_rows

    config = WorkspaceConfig.from_dict(json.loads((translation_run / "config.json").read_text(encoding="utf-8")))
    tab = _tab(qtbot, session)
    info = RunInfo(
        run_dir=str(translation_run),
        config=config,
        vocab_size=config.model.vocab_size,
        train_tokens=1000,
        tokens_per_step=64,
        start_step=150,  # resumed from the end: the history up to it is read back
        unigram_entropy=2.0,
        threads=1,
        device="cpu",
        parameters=1000,
    )
    tab.on_events([info])
    run = tab.charts.run
    assert run.translations.column("step").tolist() == [0.0, 75.0, 150.0]
    assert run.translations.column("chrf")[-1] > run.translations.column("chrf")[0]  # BLEU: 0 on one-word lines
    assert np.all((run.translations.column("exact_match") >= 0) & (run.translations.column("exact_match") <= 1))
    assert tab.charts.translation_shown and tab.translation_view and not tab.sample.isVisible()
    assert tab.translations.rowCount() == 8 and "step 150" in tab.sample_title.text()
    source, reference = tab.translations.item(0, 0).text(), tab.translations.item(0, 1).text()
    assert reference == source[::-1], "the reverse task: the reference is the source reversed"
    tab.charts.refresh()
    assert len(tab.charts.curves["bleu"].getData()[0]) == 3 and len(tab.charts.curves["exact"].getData()[0]) == 3
    out = tmp_path / "exported.csv"
    tab.charts.export_csv(out)
    again = RunMetrics.from_rows(read_metrics_rows(out))
    assert again.translations.column("chrf").tolist() == pytest.approx(run.translations.column("chrf").tolist())


def test_training_a_toy_reverse_run_from_the_tab(qtbot, session):
    from lmstudio.core.config import DataConfig, ModelConfig, TokenizerConfig, TrainConfig

    settings = copy.deepcopy(TRANSLATION_RUN_SETTINGS)
    session.config.data = DataConfig(**settings["data"])
    session.config.tokenizer = TokenizerConfig(**settings["tokenizer"])
    session.set_model_config(ModelConfig(**settings["model"]))
    session.set_train_config(
        TrainConfig(
            **{
                **settings["train"],
                "steps": 20,
                "eval_interval": 10,
                "bleu_pairs": 16,
                "batch_size": 16,
                "eval_iters": 2,
            }
        )
    )
    tab = _tab(qtbot, session)
    session.sig_corpus_changed.emit()  # what the Data tab's task switch sends
    box = tab.form.boxes["Translation"]
    assert box.isVisible() and tab.form.editors["teacher_forcing"].isEnabled()
    assert not tab.form.editors["sample_tokens"].isEnabled(), "a translation run writes no prompt sample"
    assert tab.form.editors["bleu_pairs"].value() == 16
    with qtbot.waitSignal(session.sig_run_changed, timeout=60_000):
        tab.start()
    assert tab.last_finished.status == "finished", tab.last_finished.message
    run = tab.charts.run
    assert run.translations.column("step").tolist() == [0.0, 10.0, 20.0]  # evaluated at 0, every 10, at the end
    assert run.signature.startswith("nrefs:1")
    tab.charts.refresh()
    for curve in ("bleu", "chrf", "exact"):
        assert len(tab.charts.curves[curve].getData()[0]) == 3
    assert run.signature in tab.charts.plots["bleu"].toolTip()
    assert tab.translations.rowCount() == 8 and tab.translations.columnCount() == 3
    assert all(tab.translations.item(r, 0).text() for r in range(8)), "every row has its source"
    assert "step 20" in tab.sample_title.text()
    assert "BLEU" in tab.log.toPlainText()
    assert "BLEU" in tab.charts.describe_at(10)
    tab.show_sample_at(9)  # a click on a chart near step 10: that evaluation's translations
    assert "step 10" in tab.sample_title.text()


def test_a_language_model_tab_builds_no_translation_views(qtbot, session):
    tab = _tab(qtbot, session)
    charts = tab.charts
    assert not charts._translation_plots and tab.translations is None
    assert not tab.form.boxes["Translation"].isVisible()
    keys = set(charts.plots)
    charts.set_translation(True)  # a translation run, then a language model's again
    assert set(charts.plots) == keys | {"bleu", "chrf", "exact"}
    charts.set_translation(False)
    assert set(charts.plots) == keys and charts.graphics.ci.layout.count() == 6
    charts.refresh()
