"""One chart theme: the Train tab's charts, the small charts, the heatmaps and the probability bars take their
colours and fonts from charts.chart_style() through charts.style_plot()."""

from __future__ import annotations

import pytest


@pytest.fixture
def themed(qapp):
    from PySide6.QtGui import QFont, QPalette

    from lmstudio.gui.theme import apply_theme

    theme, presenter = qapp.property("lmstudio_theme"), qapp.property("lmstudio_presenter")
    palette, font, sheet = QPalette(qapp.palette()), QFont(qapp.font()), qapp.styleSheet()
    apply_theme(qapp, "dark", True)  # presenter mode: large type, high contrast
    yield qapp
    if theme is not None:  # as the window left it
        apply_theme(qapp, theme, bool(presenter))
    else:  # as Qt started
        for cls in ("QCheckBox", "QRadioButton"):
            qapp.setPalette(palette, cls)
        qapp.setPalette(palette)
        qapp.setFont(font)
        qapp.setStyleSheet(sheet)
        qapp.setProperty("lmstudio_theme", None)
        qapp.setProperty("lmstudio_presenter", None)


def _plots(qtbot):
    from lmstudio.gui.widgets.charts import CurveChart, HistogramChart
    from lmstudio.gui.widgets.heatmap import Heatmap
    from lmstudio.gui.widgets.prob_view import BarsChart
    from lmstudio.gui.widgets.train_charts import TrainCharts

    train = TrainCharts()
    small = [
        HistogramChart("Lengths", "characters", "pieces", "tip"),
        CurveChart("Coverage", "rank", "share", "tip", log_x=True),
        Heatmap("Attention", "key", "query", "tip"),
        BarsChart("Alternatives", "%", "tip"),
    ]
    for widget in (train, *small):
        qtbot.addWidget(widget)
    views = [(train.graphics, list(train.plots.values()))] + [(w, [w.getPlotItem()]) for w in small]
    return train, views


def test_every_chart_follows_the_one_chart_style(qtbot, themed):
    from lmstudio.gui.widgets.charts import chart_style

    train, views = _plots(qtbot)
    train.refresh_theme()  # as apply_theme does once the new font is set
    style = chart_style()
    assert style.small.pointSizeF() < style.font.pointSizeF()
    for view, plots in views:
        assert view.backgroundBrush().color() == style.background
        for plot in plots:
            assert plot.titleLabel.opts["color"] == style.text.name()
            assert plot.titleLabel.opts["size"] == f"{style.font.pointSizeF():.0f}pt"
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                assert axis.style["tickFont"].pointSizeF() == pytest.approx(style.small.pointSizeF())
                assert axis.textPen().color() == style.text
                assert axis.pen().color() == style.axis
                assert axis.labelStyle["font-size"] == style.small_size()
    # the Train tab's axis titles keep their text through a restyle
    assert train.plots["ppl"].getAxis("left").labelText == "exp(loss)"
