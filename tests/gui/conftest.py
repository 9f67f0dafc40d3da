"""GUI test fixtures: offscreen Qt, private settings, a main window on a tiny corpus, and a check that no
test leaves a worker thread running."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_settings(tmp_path_factory, monkeypatch):
    """QSettings go to a temporary INI file, never to the user's real configuration."""
    monkeypatch.setenv("LMSTUDIO_SETTINGS_DIR", str(tmp_path_factory.mktemp("settings")))


@pytest.fixture(autouse=True)
def _discard_unsaved_settings_on_close(monkeypatch):
    """Closing a window whose settings a test changed would ask Save/Discard/Cancel in a modal box: discard.
    tests/gui/test_workspace_state.py answers the real question itself."""
    from PySide6.QtWidgets import QMessageBox

    from lmstudio.gui import main_window

    monkeypatch.setattr(main_window, "ask_save_changes", lambda parent, name: QMessageBox.StandardButton.Discard)


@pytest.fixture(autouse=True)
def _no_thread_left_running(qapp):
    """Fail any test that leaves a worker QThread running (then stop it so later tests are unaffected)."""
    yield
    from lmstudio.gui.workers import active_workers, shutdown_all

    running = [h.name for h in active_workers() if h.is_running()]
    if running:
        shutdown_all(10_000)
        pytest.fail(f"test left worker thread(s) running: {', '.join(running)}")


@pytest.fixture
def session(tmp_path):
    from lmstudio.gui.session import Session

    s = Session(work_dir=tmp_path / "work")
    yield s
    s.close()


def wait_for_workers(timeout_s: float = 15.0) -> None:
    """Other tabs react to a finished run (the Playground loads it): let their jobs end."""
    import time

    from PySide6.QtWidgets import QApplication

    from lmstudio.gui.workers import active_workers

    deadline = time.monotonic() + timeout_s
    while any(h.is_running() for h in active_workers()) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def pause_step_and_set_lr(qtbot, tab, lr: float = 5e-4) -> int:
    """Drive a running Train tab as a user would: Pause (no steps arrive), Step (exactly one), Set LR, Resume
    (steps again, the change recorded). Returns the step count at the pause. Shared by the thread and child
    process tests, which must behave the same."""
    import pytest

    tab.pause()
    assert tab.resume_button.isEnabled() and tab.step_button.isEnabled() and not tab.pause_button.isEnabled()
    qtbot.wait(500)  # let steps already under way arrive
    n = len(tab.charts.run.steps)
    qtbot.wait(300)
    assert len(tab.charts.run.steps) == n, "no steps while paused"
    tab.step_once()
    qtbot.waitUntil(lambda: len(tab.charts.run.steps) == n + 1, timeout=10_000)
    tab.lr_edit.setValue(lr)
    tab.apply_lr()
    tab.resume()
    qtbot.waitUntil(lambda: bool(tab.charts.run.lr_changes) and len(tab.charts.run.steps) > n + 3, timeout=20_000)
    assert tab.charts.run.lr_changes[0][3] == pytest.approx(lr)
    return n


def wait_for_stats(qtbot, session, timeout=15_000):
    qtbot.waitUntil(lambda: session.stats is not None, timeout=timeout)


def wait_for_open(qtbot, session, timeout=15_000):
    """Corpora and workspaces open on a worker: wait until the open in flight (if any) has ended."""
    qtbot.waitUntil(lambda: not session.is_opening(), timeout=timeout)


@pytest.fixture
def window(qtbot, session, tiny_corpus):
    """The main window (no device probe: it imports torch) with the tiny corpus loaded and counted."""
    from lmstudio.gui.main_window import MainWindow

    w = MainWindow(session, probe_device=False)
    qtbot.addWidget(w)
    assert session.open_corpus(tiny_corpus)
    w.show()
    wait_for_stats(qtbot, session)
    yield w
    w.close()


@pytest.fixture
def data_tab(window):
    return window.tab_widgets[0]


@pytest.fixture
def vocab_tab(window):
    return window.tab_widgets[1]


# -- tiny runs trained once per test module (Playground and behaviour tests) -------------------------------
def train_tiny_run(tmp_path_factory, corpus, name, **model):
    from lmstudio.core.config import ModelConfig
    from lmstudio.core.training.launch import new_trainer
    from tests.helpers import tiny_workspace

    out = tmp_path_factory.mktemp("runs") / name
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))
        config = tiny_workspace(corpus, checkpoint_interval=10)
        if model:
            config.model = ModelConfig(**model)
        for _ in new_trainer(config, out).run():
            pass
    return out


@pytest.fixture(scope="module")
def transformer_run(tmp_path_factory, tiny_corpus):
    return train_tiny_run(tmp_path_factory, tiny_corpus, "transformer")


@pytest.fixture(scope="module")
def lstm_run(tmp_path_factory, tiny_corpus):
    return train_tiny_run(tmp_path_factory, tiny_corpus, "lstm", arch="lstm", block_size=16, n_layer=1, d_model=32)
