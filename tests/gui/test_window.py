"""The window: tabs, menus, shortcuts, themes, workspace files, device probe, tooltips, settings isolation."""

from __future__ import annotations

import json
import os

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
)

from lmstudio.core.config import WorkspaceConfig

from .conftest import wait_for_open, wait_for_stats


def test_tabs_in_pipeline_order_and_ctrl_number_switches(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Data", "Vocabulary", "Model", "Train", "Compress", "Playground", "Runs"]  # pipeline order
    assert [a.shortcut().toString() for a in window.tab_actions] == [f"Ctrl+{i + 1}" for i in range(len(titles))]
    window.tab_actions[1].trigger()
    assert window.tabs.currentIndex() == 1
    window.tab_actions[0].trigger()
    assert window.tabs.currentIndex() == 0


def test_menus_and_standard_shortcuts(window):
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "View", "Help"]
    assert window.act_open.shortcut().toString() == "Ctrl+O"
    assert window.act_save.shortcut().toString() == "Ctrl+S"
    dialog = window.show_shortcuts()
    rows = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "Ctrl+1" in rows and "Ctrl+Shift+O" in rows and "Ctrl+Return" in rows
    dialog.close()


def test_workspace_round_trip(qtbot, window, session, tmp_path, tiny_corpus):
    data_tab, vocab_tab = window.tab_widgets[:2]
    data_tab.cleaning_panel.checks["collapse_whitespace"].setChecked(True)
    data_tab.split_panel.train.setValue(80)
    data_tab.split_panel.val.setValue(10)
    data_tab.split_panel._commit()
    vocab_tab.kind.setCurrentIndex(vocab_tab.kind.findData("bpe"))
    session.set_tokenizer_config(vocab_tab.config())
    path = tmp_path / "ws.json"
    assert window._save_to(path)
    saved = WorkspaceConfig.load(path)
    assert saved.data.corpus == str(tiny_corpus)
    assert saved.data.cleaning.collapse_whitespace and saved.data.split_fractions == (0.8, 0.1, 0.1)
    assert saved.tokenizer.kind == "bpe"
    assert "ws.json" in window.windowTitle()

    window.new_workspace()
    assert session.cleaning.is_identity and session.tokenizer_config.kind == "char"
    assert session.corpus_name() == "Tiny Shakespeare"
    assert not data_tab.cleaning_panel.checks["collapse_whitespace"].isChecked()

    assert window.open_workspace(path)
    wait_for_open(qtbot, session)
    assert session.corpus.path == tiny_corpus
    assert data_tab.cleaning_panel.checks["collapse_whitespace"].isChecked()
    assert abs(data_tab.split_panel.train.value() - 80) < 1e-9
    assert vocab_tab.kind.currentData() == "bpe"
    assert window.prefs.recent("workspace")[0] == str(path.resolve())
    wait_for_stats(qtbot, session)


def test_bad_workspace_shows_an_error_and_changes_nothing(qtbot, window, session, tmp_path, tiny_corpus):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"data": {"split_fractions": [0.5, 0.1]}}))
    assert not window.open_workspace(bad)
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and "split_fractions" in boxes[0].text()
    boxes[0].close()
    assert session.corpus.path == tiny_corpus


def test_workspace_with_a_missing_corpus_changes_nothing(qtbot, window, session, tmp_path, tiny_corpus):
    path = tmp_path / "gone.json"
    cfg = WorkspaceConfig()
    cfg.data.corpus = str(tmp_path / "gone.txt")
    cfg.data.cleaning.lowercase = True
    cfg.save(path)
    window.open_workspace(path)  # all or nothing: its corpus cannot be opened, so none of it applies
    wait_for_open(qtbot, session)
    assert session.corpus.path == tiny_corpus
    assert session.data_config.corpus == str(tiny_corpus)
    assert not session.cleaning.lowercase
    assert session.workspace_path is None
    qtbot.waitUntil(
        lambda: any(b.isVisible() and "gone.txt" in b.text() for b in window.findChildren(QMessageBox)), timeout=5000
    )
    wait_for_stats(qtbot, session)


def test_theme_and_presenter_mode(qtbot, window):
    app = QApplication.instance()
    try:
        # presenter mode ticked first (setChecked does not trigger), so one theme application shows both: each
        # application restyles every widget of the application, seconds late in a long test run
        window.act_presenter.setChecked(True)
        window.act_dark.trigger()
        assert app.palette().window().color().lightness() < 100
        assert app.font().pointSize() >= 16
        assert window.prefs.theme == "dark" and window.prefs.presenter
    finally:
        window.act_dark.setChecked(False)
        window.act_presenter.setChecked(False)
        window._on_theme_toggled()
    assert app.palette().window().color().lightness() > 200


def test_settings_stay_in_the_test_folder(window):
    from lmstudio.gui.settings import open_settings

    assert open_settings().fileName().startswith(os.environ["LMSTUDIO_SETTINGS_DIR"])


def test_status_bar_shows_the_compute_device(qtbot, session):
    from lmstudio.gui.main_window import MainWindow

    w = MainWindow(session, probe_device=False)
    qtbot.addWidget(w)
    w.probe_device()
    with qtbot.waitSignal(w._device_job.sig_finished, timeout=30_000):
        pass
    text = w.device_label.text()
    assert text.startswith("Device: ") and ("CPU" in text or "CUDA" in text or "MPS" in text)
    w.close()


def test_every_control_has_a_tooltip(window):
    missing = []
    for cls in (QPushButton, QCheckBox, QComboBox, QAbstractSpinBox, QLineEdit, QPlainTextEdit):
        for w in window.findChildren(cls):
            if isinstance(w, QLineEdit) and isinstance(w.parent(), (QAbstractSpinBox, QComboBox)):
                continue
            if w.window() is not window or w.objectName().startswith("qt_"):
                continue
            if not w.toolTip():
                missing.append(f"{type(w).__name__} {w.text() if hasattr(w, 'text') else ''!s}")
    assert not missing, missing
