"""Work is never lost silently: a modified marker in the title, Save/Discard/Cancel before settings are lost,
and the last workspace and run reopened at start (a preference)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from lmstudio.gui import main_window as mw
from lmstudio.gui.main_window import ask_save_changes as REAL_ASK  # noqa: N812 (before conftest replaces it)

from .conftest import wait_for_open, wait_for_workers

Button = QMessageBox.StandardButton


def _answer(monkeypatch, button):
    """Let the real question run, with QMessageBox answering ``button``; returns the list of questions asked."""
    asked = []

    def question(parent, title, text, buttons, default):
        asked.append((title, text, buttons))
        return button

    monkeypatch.setattr(mw, "ask_save_changes", REAL_ASK)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def _change_a_setting(session):
    session.set_train_config(dataclasses.replace(session.config.train, steps=session.config.train.steps + 1))


@pytest.fixture
def fresh(qtbot, session):
    """A window as the application starts it: default corpus opened, nothing to save."""
    w = mw.MainWindow(session, probe_device=False)
    qtbot.addWidget(w)
    session.open_corpus(None)
    session.mark_saved()
    w.show()
    yield w
    wait_for_workers()  # the default corpus's statistics, still counting when a quick test ends (a busy machine)
    w.close()


def test_title_marks_unsaved_changes_and_saving_clears_the_mark(fresh, session, tmp_path):
    assert "[*]" in fresh.windowTitle() and not fresh.isWindowModified()
    _change_a_setting(session)
    assert fresh.isWindowModified() and session.is_modified()
    assert fresh._save_to(tmp_path / "ws.json")
    assert not fresh.isWindowModified()
    assert fresh.windowTitle().startswith("ws.json")


def test_changing_a_setting_back_is_not_a_change(fresh, session):
    steps = session.config.train.steps
    _change_a_setting(session)
    assert fresh.isWindowModified()
    session.set_train_config(dataclasses.replace(session.config.train, steps=steps))
    assert not fresh.isWindowModified()


def test_an_opened_workspace_is_not_modified(qtbot, fresh, session, tiny_corpus, tmp_path):
    """Opening a workspace (the tabs redraw from it) leaves nothing to save."""
    session.open_corpus(tiny_corpus)
    _change_a_setting(session)
    assert fresh._save_to(tmp_path / "ws.json")
    _change_a_setting(session)
    assert fresh.open_workspace(tmp_path / "ws.json", quiet=True)
    wait_for_open(qtbot, session)
    qtbot.waitUntil(lambda: session.workspace_path == tmp_path / "ws.json", timeout=15_000)
    qtbot.wait(50)  # let any deferred redraw of the tabs run
    assert not session.is_modified() and not fresh.isWindowModified()


def test_closing_with_changes_asks_and_cancel_keeps_the_window_open(qtbot, fresh, session, monkeypatch):
    _change_a_setting(session)
    asked = _answer(monkeypatch, Button.Cancel)
    assert not fresh.close()
    assert fresh.isVisible() and not fresh.is_closing()
    assert len(asked) == 1
    title, text, buttons = asked[0]
    assert buttons == Button.Save | Button.Discard | Button.Cancel
    _answer(monkeypatch, Button.Discard)
    assert fresh.close()


def test_closing_without_changes_asks_nothing(qtbot, fresh, monkeypatch):
    asked = _answer(monkeypatch, Button.Cancel)
    assert fresh.close()
    assert asked == []


def test_save_on_close_writes_the_workspace(qtbot, fresh, session, monkeypatch, tmp_path):
    assert fresh._save_to(tmp_path / "ws.json")
    _change_a_setting(session)
    _answer(monkeypatch, Button.Save)
    assert fresh.close()
    saved = json.loads((tmp_path / "ws.json").read_text(encoding="utf-8"))
    assert saved["train"]["steps"] == session.config.train.steps


def test_new_workspace_with_changes_asks_and_cancel_keeps_them(qtbot, fresh, session, monkeypatch):
    _change_a_setting(session)
    steps = session.config.train.steps
    asked = _answer(monkeypatch, Button.Cancel)
    fresh.new_workspace()
    assert len(asked) == 1 and session.config.train.steps == steps
    _answer(monkeypatch, Button.Discard)
    fresh.new_workspace()
    assert session.config.train.steps != steps and not fresh.isWindowModified()


def test_open_workspace_with_changes_asks_first(qtbot, fresh, session, monkeypatch, tmp_path):
    assert fresh._save_to(tmp_path / "ws.json")
    _change_a_setting(session)
    asked = _answer(monkeypatch, Button.Cancel)
    assert not fresh.open_workspace(tmp_path / "ws.json")
    assert len(asked) == 1 and session.is_modified()


def _restart(qtbot, tmp_path, name):
    from lmstudio.gui.session import Session

    session = Session(work_dir=tmp_path / name)
    w = mw.MainWindow(session, probe_device=False)
    qtbot.addWidget(w)
    session.open_corpus(None)
    session.mark_saved()
    w.show()
    w.restore_last_session()
    return w, session


def _fake_run(folder: Path) -> Path:
    folder.mkdir()
    (folder / "config.json").write_text("{}", encoding="utf-8")
    return folder


def test_restart_reopens_the_last_workspace_and_run(qtbot, fresh, session, tiny_corpus, tmp_path, monkeypatch):
    session.open_corpus(tiny_corpus)
    _change_a_setting(session)
    assert fresh._save_to(tmp_path / "ws.json")
    run = _fake_run(tmp_path / "run")
    monkeypatch.setattr(session, "run", run)  # a run trained in this session (no Playground load: no torch here)
    assert fresh.close()
    loads = []
    monkeypatch.setattr(
        "lmstudio.gui.tabs.playground.tab.PlaygroundTab.load_run", lambda self, d, which="best": loads.append(d)
    )
    w, again = _restart(qtbot, tmp_path, "second")
    try:
        qtbot.waitUntil(lambda: again.workspace_path == tmp_path / "ws.json", timeout=15_000)
        wait_for_open(qtbot, again)
        assert Path(again.corpus.path) == Path(tiny_corpus)
        assert again.config.train.steps == session.config.train.steps
        assert again.run == run and loads == [str(run)]
        assert not w.isWindowModified()
    finally:
        w.close()
        again.close()


def test_restart_with_the_files_gone_is_quiet(qtbot, fresh, session, tmp_path, monkeypatch):
    assert fresh._save_to(tmp_path / "ws.json")
    monkeypatch.setattr(session, "run", _fake_run(tmp_path / "run"))
    assert fresh.close()
    (tmp_path / "ws.json").unlink()
    (tmp_path / "run" / "config.json").unlink()
    errors = []
    monkeypatch.setattr(mw, "show_error", lambda *a, **k: errors.append(a))
    w, again = _restart(qtbot, tmp_path, "second")
    try:
        assert errors == []
        assert again.workspace_path is None and again.run is None
        message = w.statusBar().currentMessage()
        assert "ws.json" in message and "run" in message
    finally:
        w.close()
        again.close()


def test_restore_is_a_preference(qtbot, fresh, session, tmp_path):
    assert fresh.act_restore.isChecked() and fresh.act_restore.toolTip()
    assert fresh._save_to(tmp_path / "ws.json")
    fresh.act_restore.trigger()  # off
    assert fresh.close()
    w, again = _restart(qtbot, tmp_path, "second")
    try:
        assert not w.act_restore.isChecked()
        assert again.workspace_path is None
    finally:
        w.close()
        again.close()
