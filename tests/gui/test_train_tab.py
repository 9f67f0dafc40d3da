"""The Train tab: a full run, pause/resume/stop, LR change, charts, worker errors, closing while training."""

from __future__ import annotations

import numpy as np
import pytest

from lmstudio.core.config import ModelConfig, TrainConfig
from tests.helpers import TINY_TRAIN

from .conftest import pause_step_and_set_lr, wait_for_workers


@pytest.fixture(autouse=True)
def _runs_dir(tmp_path, monkeypatch):
    """Runs go to a temporary folder; closing the window never blocks on the "stop training?" question."""
    from lmstudio.gui.tabs import train_tab as module

    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setattr(module, "ask_stop_training", lambda parent: True)
    yield
    wait_for_workers()


@pytest.fixture
def train_tab(window):
    s = window.session
    s.set_model_config(ModelConfig(arch="transformer", block_size=16, n_layer=1, n_head=2, d_model=32))
    s.set_train_config(TrainConfig(**TINY_TRAIN))
    tab = window.tab_widgets[3]
    window.tabs.setCurrentWidget(tab)
    assert tab.start_button.isEnabled(), tab.blocking_reasons()
    return tab


def _set_steps(tab, steps):
    tab.form.editors["steps"].setValue(steps)


def test_full_training_to_completion(qtbot, train_tab, window):
    tab = train_tab
    with qtbot.waitSignal(window.session.sig_run_changed, timeout=60_000):
        tab.start()
        assert tab.state == "preparing" and not tab.start_button.isEnabled()
    assert tab.state == "idle" and tab.start_button.isEnabled()
    assert tab.last_finished.status == "finished" and tab.last_finished.step == 30
    run = tab.charts.run
    assert len(run.steps) == 30 and len(run.evals) == 4  # steps 0, 10, 20, 30
    assert np.all(np.isfinite(run.steps.column("loss")))
    assert run.samples, "a sample at every evaluation"
    tab.charts.refresh()
    assert len(tab.charts.curves["loss"].getData()[0]) == 30
    assert len(tab.charts.curves["val"].getData()[0]) == 4
    run_dir = window.session.run
    assert (run_dir / "metrics.csv").is_file() and (run_dir / "checkpoints").is_dir()
    assert "finished" in tab.log.toPlainText()
    assert tab.info.unigram_entropy < np.log(tab.info.vocab_size)
    # clicking the loss chart at step 12 shows the sample of the nearest evaluation (step 10)
    tab.show_sample_at(12)
    assert "step 10" in tab.sample_title.text()
    # Watch it learn: the probes of every evaluation, the newest shown
    view = tab.probe_view
    assert [p["step"] for p in view.probes] == [0, 10, 20, 30] and view.shown_step() == 30
    assert tab.bottom_tabs.isTabEnabled(1)
    assert view.chips.token_count() == len(view.probes[-1]["tokens"]) - 1  # the first token has no context


def test_pause_step_resume_stop_and_lr_change(qtbot, train_tab):
    tab = train_tab
    _set_steps(tab, 100_000)
    tab.start()
    qtbot.waitUntil(lambda: tab.state == "running" and len(tab.charts.run.steps) >= 3, timeout=60_000)
    pause_step_and_set_lr(qtbot, tab)
    assert tab.charts.run.steps.column("lr")[-1] <= 5e-4 + 1e-12
    tab.charts.refresh()
    assert len(tab.charts.lr_lines) == 2, "the LR change is marked on the loss and LR charts"
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=20_000)
    assert tab.last_finished.status == "stopped"
    assert "checkpoint" in tab.log.toPlainText()
    assert tab.start_button.isEnabled()


def test_resume_run_from_folder(qtbot, train_tab, window):
    tab = train_tab
    _set_steps(tab, 10)
    with qtbot.waitSignal(window.session.sig_run_changed, timeout=60_000):
        tab.start()
    run_dir = window.session.run
    tab.resume_run(run_dir, steps=20)  # beyond the run's own 10 steps: extended to 20, a deliberate choice
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=60_000)
    assert tab.last_finished.status == "finished" and tab.last_finished.step == 20
    assert tab.charts.run.steps.column("step")[0] == 1, "history before the checkpoint is shown"
    assert [p["step"] for p in tab.probe_view.probes] == [0, 10, 20], "the probes before the checkpoint too"
    # overlay the finished run on the charts
    tab.tools.set_overlay_paths([run_dir])
    tab.charts.refresh()
    assert tab.charts.overlay_curves


def test_worker_exception_shows_dialog_and_reenables_start(qtbot, train_tab, monkeypatch):
    from lmstudio.gui.tabs import train_tab as module

    shown = []
    monkeypatch.setattr(module, "show_error", lambda parent, title, message: shown.append((title, message)))

    def broken(*args, **kwargs):
        raise RuntimeError("boom in the worker")

    monkeypatch.setattr("lmstudio.gui.train_worker.run_training", broken)
    tab = train_tab
    tab.start()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=20_000)
    assert shown and "boom in the worker" in shown[0][1]
    assert tab.start_button.isEnabled()


def test_block_size_too_large_is_an_error_dialog(qtbot, train_tab, monkeypatch):
    from lmstudio.gui.tabs import train_tab as module

    shown = []
    monkeypatch.setattr(module, "show_error", lambda parent, title, message: shown.append(message))
    tab = train_tab
    tab.session.set_model_issues([])  # pretend the Model tab's estimate let it through
    tab.form.editors["model.block_size"].setValue(4000)
    tab.session.set_model_issues([])
    tab._update_buttons()
    tab.start()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=30_000)
    assert shown and "block size" in shown[0].lower()


def test_closing_during_training_stops_and_joins(qtbot, train_tab, window, monkeypatch):
    from lmstudio.gui.tabs import train_tab as module
    from lmstudio.gui.workers import active_workers

    monkeypatch.setattr(module, "ask_stop_training", lambda parent: True)
    tab = train_tab
    _set_steps(tab, 100_000)
    tab.start()
    qtbot.waitUntil(lambda: len(tab.charts.run.steps) >= 2, timeout=60_000)
    tab.pause()
    job = tab.job
    window.close()
    assert not job.is_running()
    assert not [h for h in active_workers() if h.is_running()]
    assert list((job.run_dir / "checkpoints").glob("step-*")), "stop saved a checkpoint"


def test_closing_can_be_refused(qtbot, train_tab, window, monkeypatch):
    from lmstudio.gui.tabs import train_tab as module

    monkeypatch.setattr(module, "ask_stop_training", lambda parent: False)
    tab = train_tab
    _set_steps(tab, 100_000)
    tab.start()
    qtbot.waitUntil(lambda: tab.state == "running", timeout=60_000)
    assert not window.close()
    assert tab.is_training()
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=20_000)


def test_settings_are_saved_in_the_workspace(train_tab, window, tmp_path):
    tab = train_tab
    tab.form.editors["batch_size"].setValue(7)
    tab.form.editors["schedule"].setCurrentText("linear")
    tab.form.editors["model.dropout"].setValue(0.1)
    assert window.session.config.train.batch_size == 7
    assert window.session.config.train.schedule == "linear"
    assert window.session.model_config.dropout == pytest.approx(0.1)
    window.session.save_workspace(tmp_path / "ws.json")
    assert '"batch_size": 7' in (tmp_path / "ws.json").read_text()
    tab.form.editors["min_lr"].setValue(0.5)  # above lr: invalid, blocks Start with the reason shown
    assert not tab.start_button.isEnabled() and "Minimum LR" in tab.form_hint.text()  # the form's label


def test_a_replay_plays_the_curves_samples_and_probes_of_the_live_run(qtbot, train_tab, window, monkeypatch):
    """Replay (demo insurance): a finished run played again from its files, at any speed, draws the same series
    as when it trained live; Step and Stop drive it; nothing asks before the window closes."""
    tab = train_tab
    _set_steps(tab, 40)
    with qtbot.waitSignal(window.session.sig_run_changed, timeout=60_000):
        tab.start()
    run_dir = window.session.run
    tab.charts.refresh()
    live = {k: [np.asarray(a).copy() for a in tab.charts.curves[k].getData()] for k in ("loss", "val")}
    live_samples, live_probes = list(tab.charts.run.samples), [p["probs"] for p in tab.probe_view.probes]

    tab.replay_run(run_dir, speed=1e6)  # all of it in the first ticks
    assert tab.state in ("preparing", "running") and not tab.is_training()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=20_000)
    assert tab.last_finished.status == "finished" and tab.last_finished.step == 40
    tab.charts.refresh()
    for key, (x, y) in live.items():
        rx, ry = tab.charts.curves[key].getData()
        assert np.array_equal(rx, x) and np.allclose(ry, y, rtol=1e-5, equal_nan=True), key
    assert tab.charts.run.samples == live_samples
    replayed = np.array([p["probs"] for p in tab.probe_view.probes], dtype=float)
    assert np.allclose(replayed, np.array(live_probes, dtype=float), rtol=1e-6, equal_nan=True)
    assert tab.info.device == "replay"

    # slowly, paused: Step hands out one training step at a time, Stop jumps to the end
    tab.replay_run(run_dir, speed=1.0)
    qtbot.waitUntil(lambda: tab.state == "running", timeout=5_000)
    tab.pause()
    n = len(tab.charts.run.steps)
    tab.job.step_once()
    assert len(tab.charts.run.steps) == n + 1
    assert not tab.lr_button.isEnabled()  # a replay shows the run's learning rates
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=5_000)
    assert len(tab.charts.run.steps) == 40


def test_a_sample_that_repeats_the_corpus_is_shaded_and_says_so(train_tab):
    tab = train_tab
    memo = {"label": "seen in train", "covered": 0.5, "spans": [[0, 6, "train", 1], [10, 14, "val", None]]}
    tab.charts.run.add_sample(40, "ROMEO: what, ho!", memo)
    tab._show_sample(40, "ROMEO: what, ho!", "latest")
    assert tab.sample_title.text().endswith("· seen in train (50% of its tokens verbatim)")
    shaded = tab.sample.extraSelections()
    assert [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in shaded] == [(0, 6), (10, 14)]
    assert "“ROMEO:”: training text, corpus line 1" in tab.sample.toolTip()
    # a click in a shaded span says which corpus line it repeats, read from the corpus
    from lmstudio.gui.tabs.train_tab import corpus_line

    config = tab.session.workspace_config()
    config.data.corpus = str(tab.session.corpus.path)  # the corpus the window opened (the tiny test corpus)
    tab.info = type("Info", (), {"config": config})()
    cursor = tab.sample.textCursor()
    cursor.setPosition(2)
    tab.sample.setTextCursor(cursor)
    expected = corpus_line(tab.info.config.data.corpus, 1)
    assert expected == "First Citizen:" and tab.last_source_line == (1, expected)
    tab.info = None
    tab.charts.run.add_sample(50, "fresh", {"label": "new", "covered": 0.0, "spans": []})
    tab._show_sample(50, "fresh", "latest")
    assert tab.sample_title.text().endswith("· new") and not tab.sample.extraSelections()
