"""The window fits small screens and a projector: every tab at 1280x720, and presenter mode at 1920x1080,
with a run loaded, and the window never resizes itself (switching tabs, loading a run, clicking the loss
chart, toggling presenter mode)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from tests.helpers import tiny_workspace

TITLE_BAR = 40  # room a window manager's title bar and a panel take from the screen's height


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, tiny_corpus):
    from lmstudio.core.training.launch import new_trainer

    out = tmp_path_factory.mktemp("runs") / ("a-run-folder-with-a-long-name-" * 4 + "screens")  # long paths must elide
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))
        for _ in new_trainer(tiny_workspace(tiny_corpus, steps=20), out).run():
            pass
    return out


def _inside_scroll_viewport(widget: QWidget, window: QWidget) -> bool:
    """Scrolled content may lie beyond its viewport by design (the viewport clips it)."""
    w = widget.parentWidget()
    while w is not None and w is not window:
        parent = w.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and w is parent.viewport():
            return True
        w = parent
    return False


def problems(window, width: int, height: int) -> list[str]:
    """What does not fit a ``width`` x ``height`` screen: the window's minimum size, widgets outside the
    window or their parent, side panels clipped sideways."""
    from lmstudio.gui.widgets.common import SidePanelScroll

    QApplication.processEvents()
    found = []
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    if hint.width() > width or hint.height() > height - TITLE_BAR:
        found.append(f"minimum size {hint.width()}x{hint.height()} does not fit {width}x{height - TITLE_BAR}")
    whole = window.rect()
    for child in window.findChildren(QWidget):
        if not child.isVisible() or child.window() is not window or _inside_scroll_viewport(child, window):
            continue
        rect = QRect(child.mapTo(window, QPoint(0, 0)), child.size())
        if not whole.contains(rect):
            found.append(f"{type(child).__name__} {rect} lies outside the window {whole}")
        parent = child.parentWidget()
        if parent is not None and parent is not window and not parent.rect().contains(child.geometry()):
            found.append(
                f"{type(child).__name__} {child.geometry()} is clipped by its {type(parent).__name__} {parent.rect()}"
            )
    for area in window.findChildren(SidePanelScroll):
        if area.isVisible() and area.widget().width() > area.viewport().width():
            found.append(
                f"side panel {type(area.widget()).__name__} clipped: "
                f"{area.widget().width()} > {area.viewport().width()}"
            )
    return found


def check_every_tab(qtbot, window, width: int, height: int) -> None:
    from PySide6.QtWidgets import QTabWidget

    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        inner = [t for t in window.tab_widgets[index].findChildren(QTabWidget)]  # Explore/Compare, Generate/Score/…
        for pages in inner or [None]:
            for page in range(pages.count()) if pages is not None else [None]:
                if page is not None:
                    pages.setCurrentIndex(page)
                qtbot.wait(20)
                where = window.tabs.tabText(index) + (f" / {pages.tabText(page)}" if page is not None else "")
                found = problems(window, width, height)
                assert not found, f"{where} at {width}x{height}: {found}"
                assert window.size() == QSize(width, height), f"{where} resized the window"
            if pages is not None:
                pages.setCurrentIndex(0)


@pytest.mark.slow
def test_every_tab_fits_1280x720_and_presenter_mode_1920x1080(qtbot, window, tiny_run):
    from lmstudio.app.train_metrics import RunMetrics
    from lmstudio.core.runs.checkpoint import read_samples
    from lmstudio.core.training.metrics_log import read_metrics_rows

    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    train_tab, playground = window.tab_widgets[names.index("Train")], window.tab_widgets[names.index("Playground")]
    window.resize(1280, 720)
    check_every_tab(qtbot, window, 1280, 720)

    # a run loaded in the Playground and shown on the Train tab's charts, then a click on the loss chart
    window.tabs.setCurrentWidget(playground)
    playground.load_run(str(tiny_run))
    qtbot.waitUntil(lambda: playground.loaded is not None and not playground.is_busy(), timeout=20_000)
    run = RunMetrics.from_rows(read_metrics_rows(tiny_run / "metrics.csv"), tiny_run.name)
    for sample in read_samples(tiny_run):
        run.add_sample(int(sample["step"]), sample["text"])
    window.tabs.setCurrentWidget(train_tab)
    train_tab.charts.reset(run, 60, 3.0, 10_000)
    train_tab.charts.refresh()
    train_tab.show_sample_at(10)
    assert "clicked on the chart" in train_tab.sample_title.text()
    check_every_tab(qtbot, window, 1280, 720)

    window.resize(1920, 1080)
    qtbot.wait(20)
    try:
        window.act_presenter.trigger()
        assert QApplication.instance().font().pointSize() >= 16
        check_every_tab(qtbot, window, 1920, 1080)
    finally:
        if window.act_presenter.isChecked():
            window.act_presenter.trigger()
    check_every_tab(qtbot, window, 1920, 1080)
    window.resize(1280, 720)  # back to a small screen: leaving presenter mode gave the room back
    qtbot.wait(20)
    check_every_tab(qtbot, window, 1280, 720)

    # presenter mode on a small screen may grow the window for its large type; leaving it gives the size back
    window.act_presenter.trigger()
    qtbot.wait(20)
    window.act_presenter.trigger()
    qtbot.wait(20)
    assert window.size() == QSize(1280, 720)


def test_charts_say_no_data_yet_and_draw_bits_per_char_between_evaluations(qtbot, tiny_run):
    import numpy as np

    from lmstudio.app.train_metrics import RunMetrics
    from lmstudio.core.training.metrics_log import read_metrics_rows
    from lmstudio.gui.widgets.train_charts import TrainCharts

    charts = TrainCharts()
    qtbot.addWidget(charts)
    assert all(note.empty for note in charts.empty_notes.values())  # "no data yet", axes hidden
    run = RunMetrics.from_rows(read_metrics_rows(tiny_run / "metrics.csv"), tiny_run.name)
    charts.reset(run)
    charts.refresh()
    assert not any(note.empty for note in charts.empty_notes.values())
    line = charts.curves["bpc_train"]
    assert len(line.xData) == len(run.steps)  # a point per step, not only the evaluations
    bpc, val = run.evals.column("bits_per_char"), run.evals.column("val_loss")
    ratio = bpc[-1] / val[-1]
    assert np.allclose(line.yData / ratio, charts.curves["loss"].yData)
