"""The Runs tab: two tiny runs in a runs folder -> a sortable table with the differing setting, an overlay of
their curves, rename/tags/delete through the app layer, and one generation per run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

LRS = {"run-a": 3e-3, "run-b": 1e-4}


@pytest.fixture(scope="module")
def trained_runs(tmp_path_factory, tiny_corpus) -> Path:
    """Two 6-step runs differing only in learning rate (trained once per module)."""
    from lmstudio.core.training.launch import new_trainer
    from tests.helpers import tiny_workspace

    root = tmp_path_factory.mktemp("trained-runs")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))
        for name, lr in LRS.items():
            config = tiny_workspace(tiny_corpus, steps=6, eval_interval=3, eval_iters=1, lr=lr, min_lr=lr / 10)
            for _ in new_trainer(config, root / name).run():
                pass
    return root


@pytest.fixture
def tab(qtbot, session, trained_runs, tmp_path, monkeypatch):
    """A shown Runs tab on a private copy of the two runs (tests rename and delete them)."""
    from lmstudio.gui.tabs.runs_tab import RunsTab

    root = tmp_path / "runs"
    shutil.copytree(trained_runs, root)
    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(root))
    t = RunsTab(session)
    qtbot.addWidget(t)
    t.resize(1280, 720)
    t.show()  # showEvent scans the folder
    wait_scanned(qtbot, t)
    yield t
    t.shutdown()
    qtbot.waitUntil(lambda: not t.is_scanning() and not t.is_generating(), timeout=20_000)


def wait_scanned(qtbot, t) -> None:
    qtbot.waitUntil(lambda: not t.is_scanning(), timeout=10_000)


def column_of(t, key: str) -> int:
    model = t.page.model
    return next(c for c in range(model.columnCount()) if model.column_key(c) == key)


def test_table_sorts_highlights_differences_and_overlays(qtbot, tab):
    assert tab.page.proxy.rowCount() == 2
    assert {r.name for r in tab.rows()} == set(LRS)
    assert tab.pages.tabText(0) == "Runs"

    loss = column_of(tab, "best_val_loss")
    tab.page.table.sortByColumn(loss, Qt.SortOrder.AscendingOrder)
    ascending = [r.best_val_loss for r in tab.rows()]
    assert ascending == sorted(ascending)
    tab.page.table.sortByColumn(loss, Qt.SortOrder.DescendingOrder)
    assert [r.best_val_loss for r in tab.rows()] == sorted(ascending, reverse=True)
    shown = tab.page.proxy.index(0, loss).data()
    assert float(shown) == pytest.approx(tab.rows()[0].best_val_loss, abs=1e-4)  # a number, formatted

    # fewer than two selected: the settings that differ among all runs, highlighted
    assert "train.lr" in tab.page.model.setting_keys
    lr_column = column_of(tab, "train.lr")
    assert tab.page.model.headerData(lr_column, Qt.Orientation.Horizontal) == "train.lr"
    assert tab.page.proxy.index(0, lr_column).data(Qt.ItemDataRole.BackgroundRole) is not None

    tab.select_paths([r.path for r in tab.rows()])
    assert len(tab.selected_rows()) == 2
    assert "train.lr" in tab.page.model.setting_keys
    assert len(tab.page.curves) == 2  # one validation-loss curve per selected run
    tab.page.x_axis.setCurrentIndex(1)  # tokens seen: redrawn, still two
    assert len(tab.page.curves) == 2
    assert tab.page.playground_button.isEnabled() is False  # one run at a time

    seen = []
    tab.sig_open_in_playground.connect(seen.append)
    tab.select_paths([tab.rows()[0].path])
    tab.open_in_playground()
    assert seen == [str(tab.rows()[0].path)]


def test_rename_tags_and_delete(qtbot, tab, monkeypatch):
    first = next(r for r in tab.rows() if r.name == "run-a")
    tab.select_paths([first.path])
    new_path = tab.rename_selected("renamed-a")
    assert new_path is not None and new_path.name == "renamed-a"
    wait_scanned(qtbot, tab)
    assert {r.name for r in tab.rows()} == {"renamed-a", "run-b"}
    assert [r.name for r in tab.selected_rows()] == ["renamed-a"]  # the renamed run stays selected

    assert tab.tag_selected("talk, baseline, talk")
    wait_scanned(qtbot, tab)
    row = next(r for r in tab.rows() if r.name == "renamed-a")
    assert row.tags == ["talk", "baseline"]
    i = next(i for i, r in enumerate(tab.rows()) if r.name == "renamed-a")
    assert tab.page.proxy.index(i, column_of(tab, "tags")).data() == "talk, baseline"

    asked = []

    def answer(reply):
        def question(parent, title, text, *args):
            asked.append(text)
            return reply

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert tab.delete_selected() == 0
    assert new_path.is_dir() and str(new_path) in asked[0]  # asks, naming the folder
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    assert tab.delete_selected() == 1
    wait_scanned(qtbot, tab)
    assert not new_path.exists()
    assert [r.name for r in tab.rows()] == ["run-b"]


def test_generations_side_by_side(qtbot, tab):
    tab.select_paths([r.path for r in tab.rows()])
    tab.page.length.setValue(6)
    tab.page.views.setCurrentIndex(1)
    tab.generate()
    assert tab.is_generating() and not tab.page.generate_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.is_generating(), timeout=20_000)
    texts = tab.generated_texts()
    assert len(texts) == 2 and all(texts)
    assert [Path(r["run"]).name for r in tab.results] == [r.name for r in tab.selected_rows()]
    assert "seed 1234" in tab.page.generate_note.text()
