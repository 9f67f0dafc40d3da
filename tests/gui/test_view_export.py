"""Export of views (issue 16, "For talks"): PNG at presenter scale, SVG with real text, token chips as HTML with
hover tooltips, the right-click menu, and File ▸ Export view listing the current tab's views."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QContextMenuEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QVBoxLayout, QWidget

from lmstudio.core.errors import LMStudioError
from lmstudio.gui.widgets.charts import CurveChart
from lmstudio.gui.widgets.heatmap import Heatmap
from lmstudio.gui.widgets.token_chips import TokenChips, describe
from lmstudio.gui.widgets.view_export import (
    ExportViewDialog,
    context_menu,
    export_html,
    export_png,
    export_svg,
    exportable_views,
    install_context_menu,
    view_name,
)

TOKENS = [
    {"text": "Hello", "id": 1, "raw_prob": 0.6, "logprob": -0.51, "rank": 1},
    {"text": " <b>&", "id": 2, "raw_prob": 0.01, "logprob": -4.6, "rank": 40},
    {"text": "\n", "id": 3, "tooltip": 'a "newline" & more'},
]


def shown_in_holder(qtbot, widget: QWidget, width: int, height: int) -> QWidget:  # returns the holder: keep it
    """``widget`` on screen inside a plain holder: closing a shown pyqtgraph chart itself at teardown trips over
    its own resize handler, closing the holder does not."""
    holder = QWidget()
    qtbot.addWidget(holder)
    QVBoxLayout(holder).addWidget(widget)
    holder.resize(width, height)
    holder.show()
    qtbot.waitExposed(holder)
    return holder


@pytest.fixture
def chart(qtbot):
    c = CurveChart("Loss over steps", "step", "loss", "A test curve")
    c.set_curve([1, 2, 3], [3.0, 2.0, 1.5])
    holder = shown_in_holder(qtbot, c, 340, 220)
    yield c
    holder.close()


@pytest.fixture
def chips(qtbot):
    w = TokenChips("test chips")
    qtbot.addWidget(w)
    w.resize(300, 60)
    w.set_tokens(TOKENS, prefix="Prompt:")
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_png_of_a_chart_is_scale_times_its_size(chart, tmp_path, scale):
    path = export_png(chart, tmp_path / "chart.png", scale)
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (round(chart.width() * scale), round(chart.height() * scale))


def test_png_of_chips_at_presenter_scale(chips, tmp_path):
    image = QImage(str(export_png(chips, tmp_path / "chips.png")))  # default: 2×
    assert (image.width(), image.height()) == (chips.width() * 2, chips.height() * 2)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 5)}
    assert len(colours) > 3, "the chips were drawn, not a blank image"


def test_svg_of_a_chart_is_valid_and_holds_its_title(chart, tmp_path):
    path = export_svg(chart, tmp_path / "chart.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    texts = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))
    assert "Loss over steps" in texts


def test_html_of_chips_escapes_text_and_keeps_tooltips(chips, tmp_path):
    page = export_html(chips, tmp_path / "chips.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Prompt:" in page
    assert "Hello" in page
    assert "·&lt;b&gt;&amp;" in page and "<b>" not in page  # the token's text, whitespace made visible, escaped
    for token in TOKENS:
        assert f'title="{html.escape(describe(token), quote=True)}"' in page
    assert page.count('class="chip"') == len(TOKENS)


def test_write_failure_names_the_file(chart, tmp_path):
    with pytest.raises(LMStudioError, match="folder"):
        export_png(chart, tmp_path)  # a folder, not a file
    (tmp_path / "blocker").write_text("a file where a folder would be")
    with pytest.raises(LMStudioError, match="blocker.*choose another folder"):
        export_svg(chart, tmp_path / "blocker" / "x.svg")


def test_context_menu_actions_and_save(chips, chart, tmp_path, monkeypatch):
    assert [a.text() for a in context_menu(chart).actions()] == ["Save as PNG…", "Save as SVG…"]
    menu = context_menu(chips)
    assert [a.text() for a in menu.actions()] == ["Save as PNG…", "Save as SVG…", "Save as HTML…"]
    assert all(a.toolTip() for a in menu.actions())
    target = tmp_path / "typed"  # no suffix typed: the format's is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    menu.actions()[2].trigger()
    assert "Hello" in (tmp_path / "typed.html").read_text(encoding="utf-8")


def test_installed_menu_pops_up_on_right_click(chips, monkeypatch):
    shown: list[list[str]] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, pos, *a: shown.append([x.text() for x in self.actions()]))
    install_context_menu(chips)
    install_context_menu(chips)  # twice: one menu
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5), chips.mapToGlobal(QPoint(5, 5)))
    QApplication.sendEvent(chips, event)
    assert shown == [["Save as PNG…", "Save as SVG…", "Save as HTML…"]]


def test_views_are_found_and_named(qtbot):
    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    a, b = CurveChart("Coverage", "rank", "share", "tip"), Heatmap("Attention", "key", "query", "tip")
    hidden = TokenChips("hidden")
    for w in (a, b, TokenChips("shown"), hidden):
        layout.addWidget(w)
    hidden.hide()
    views = exportable_views(root)
    assert views[:2] == [a, b] and len(views) == 3
    assert [view_name(v) for v in views] == ["Coverage", "Heatmap: Attention", "Token chips"]


def test_file_export_view_and_right_click_in_the_window(window, qtbot, tmp_path, monkeypatch):
    """File ▸ Export view lists the Train tab's charts and exports them; a right click on them offers the menu."""
    action = window.act_export_view
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions() and action.statusTip()
    shortcuts = [a.shortcut() for a in window.actions() if a is not action and not a.shortcut().isEmpty()]
    assert action.shortcut() not in shortcuts
    window.tabs.setCurrentIndex(3)  # Train
    action.trigger()
    dialog = window.export_view_dialog
    assert isinstance(dialog, ExportViewDialog) and dialog.isVisible()
    assert "Training charts (all)" in dialog.names()
    dialog.select("Training charts (all)", "png", 1.0)
    assert dialog.scale_box.isEnabled()
    assert [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())] == ["png", "svg"]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "train.png"), ""))
    path = dialog.export_chosen()
    charts = dict(dialog.views)["Training charts (all)"]
    image = QImage(str(path))
    assert (image.width(), image.height()) == (charts.width(), charts.height())
    dialog.select("Training charts (all)", "svg")
    assert not dialog.scale_box.isEnabled()
    dialog.close()

    shown: list[list[str]] = []
    monkeypatch.setattr(QMenu, "popup", lambda self, pos, *a: shown.append([x.text() for x in self.actions()]))
    target = charts.graphics.viewport()  # what a right click on the charts lands on
    monkeypatch.setattr(QApplication, "widgetAt", staticmethod(lambda *a: target))
    centre = target.rect().center()
    QApplication.sendEvent(
        target, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, centre, target.mapToGlobal(centre))
    )
    assert shown == [["Save as PNG…", "Save as SVG…"]]
