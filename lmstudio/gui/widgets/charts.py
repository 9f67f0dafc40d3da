"""Chart theming for the whole window (:func:`chart_style`, :func:`style_plot`: the one place pyqtgraph
plots take their colours and fonts from the application palette and font), and small pyqtgraph charts
(histogram bars, a curve) built on it. The Train tab's charts, the heatmaps and the probability bars use
the same two functions."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPalette
from PySide6.QtWidgets import QApplication

from ..i18n import tr
from ..theme import accent

SMALL_SCALE = 0.85  # tick labels, axis titles and legends, against the application font
SMALL_MIN_POINTS = 7.0


@dataclass(frozen=True)
class ChartStyle:
    """The palette and fonts a chart takes from the application (light or dark, presenter mode's type)."""

    palette: QPalette
    font: QFont  # titles
    small: QFont  # tick labels, axis titles, legends

    @property
    def text(self) -> QColor:
        return self.palette.color(QPalette.ColorRole.Text)

    @property
    def background(self) -> QColor:
        return self.palette.color(QPalette.ColorRole.Base)

    @property
    def axis(self) -> QColor:
        return self.palette.color(QPalette.ColorRole.Mid)

    def small_size(self) -> str:
        return f"{self.small.pointSizeF():.0f}pt"


def chart_style() -> ChartStyle:
    """The application's palette and font now, and the smaller font of tick labels and axis titles."""
    app = QApplication.instance()
    palette = app.palette() if app else QPalette()
    font = QFont(app.font()) if app else QFont()
    small = QFont(font)
    small.setPointSizeF(max(SMALL_MIN_POINTS, font.pointSizeF() * SMALL_SCALE))
    return ChartStyle(palette, font, small)


def style_plot(
    plot: pg.PlotItem, style: ChartStyle, title: str | None = None, labels: Mapping[str, str] | None = None
) -> None:
    """Colour and size one plot's title, axes, tick labels and axis titles by ``style``. ``title`` None keeps
    the plot's title text; ``labels`` (axis name to text, for "left" and "bottom") None keeps each axis's
    label text and units."""
    color = style.text.name()
    plot.setTitle(
        plot.titleLabel.text if title is None else title, color=color, size=f"{style.font.pointSizeF():.0f}pt"
    )
    for name in ("bottom", "left"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(style.axis))
        axis.setTextPen(pg.mkPen(style.text))
        axis.setTickFont(style.small)
        css = {"color": color, "font-size": style.small_size()}
        if labels is None:
            axis.setLabel(axis.labelText or None, units=axis.labelUnits or None, **css)
        else:
            axis.setLabel(labels.get(name), **css)


class LogAxis(pg.AxisItem):
    """An axis whose log-scale tick labels never pile up: labels are kept most important first (powers of
    ten, then 2 and 5 times them, then the rest) and only where they leave room for those already kept."""

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph)
        strings = super().logTickStrings(values, scale, spacing)
        if len(values) < 2:
            return strings
        lo, hi = self.range
        vertical = self.orientation in ("left", "right")
        length = max(1.0, self.geometry().height() if vertical else self.geometry().width())
        metrics = QFontMetricsF(self.style.get("tickFont") or self.font())

        def rank(v: float) -> int:
            mantissa = 10 ** (v - math.floor(v + 1e-9))
            return 0 if abs(mantissa - 1) < 1e-3 else 1 if min(abs(mantissa - 2), abs(mantissa - 5)) < 1e-3 else 2

        kept: list[tuple[float, float]] = []  # (pixel position, half the label's extent)
        out: list[str | None] = [None] * len(values)  # None: pyqtgraph draws no label at that tick
        for i in sorted(range(len(values)), key=lambda i: rank(values[i])):
            half = (metrics.height() if vertical else metrics.horizontalAdvance(strings[i])) / 2 + 3
            at = (values[i] - lo) / max(1e-12, hi - lo) * length
            if all(abs(at - p) >= half + h for p, h in kept):
                kept.append((at, half))
                out[i] = strings[i]
        return out


class EmptyNote:
    """Says "no data yet" in the middle of an empty plot and hides its axes meanwhile (an empty plot's
    axes, 0 to 1, mean nothing)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.plot = plot
        self.text = pg.TextItem(tr("no data yet"), anchor=(0.5, 0.5))
        plot.addItem(self.text, ignoreBounds=True)
        self.empty: bool | None = None

    def set_empty(self, empty: bool, palette: QPalette | None = None) -> None:
        app = QApplication.instance()
        palette = palette or (app.palette() if app else QPalette())
        self.text.setColor(palette.color(QPalette.ColorRole.PlaceholderText))
        if app is not None:
            self.text.setFont(app.font())
        if empty:
            (x0, x1), (y0, y1) = self.plot.vb.viewRange()
            self.text.setPos((x0 + x1) / 2, (y0 + y1) / 2)
        if empty != self.empty:
            self.empty = empty
            self.text.setVisible(empty)
            for name in ("left", "bottom"):
                self.plot.showAxis(name, not empty)


class _ThemedPlot(pg.PlotWidget):
    """A PlotWidget whose background, axes and title track the palette (restyled on PaletteChange)."""

    def __init__(self, title: str, x_label: str, y_label: str, tooltip: str, parent=None) -> None:
        super().__init__(parent, enableMenu=False)  # no context menu built only to be switched off (0.2 s a window)
        self._title, self._x_label, self._y_label = title, x_label, y_label
        self.setToolTip(tooltip)
        self.setMenuEnabled(False)
        self.getPlotItem().hideButtons()
        self.setMouseEnabled(x=False, y=False)
        self.setMinimumHeight(160)
        self.empty_note = EmptyNote(self.getPlotItem())
        self._restyle()
        if self.empty_note.empty is None:  # nothing drawn yet
            self.empty_note.set_empty(True)

    def changeEvent(self, event: QEvent) -> None:
        if (
            getattr(self, "plotItem", None) is not None
            and hasattr(self, "_y_label")
            and event.type()
            in (QEvent.Type.PaletteChange, QEvent.Type.FontChange, QEvent.Type.ApplicationPaletteChange)
        ):
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        style = chart_style()
        palette = style.palette
        self.setBackground(style.background)
        self._title_font = QFont(style.font)
        self._title_font.setPointSizeF(round(style.font.pointSizeF()))
        style_plot(self.getPlotItem(), style, self._title, {"bottom": self._x_label, "left": self._y_label})
        self._fit_title()
        self._restyle_data(palette)
        note = getattr(self, "empty_note", None)
        if note is not None and note.empty is not None:
            note.set_empty(note.empty, palette)

    def _restyle_data(self, palette: QPalette) -> None:
        pass

    def _fit_title(self) -> None:
        """A title wider than the chart ends in "…" rather than being cut at both ends."""
        font = getattr(self, "_title_font", None)
        if font is None or self.getPlotItem() is None:  # closing: GraphicsView.close() drops the plot first
            return
        text = QFontMetrics(font).elidedText(self._title, Qt.TextElideMode.ElideRight, max(40, self.width() - 24))
        label = self.getPlotItem().titleLabel
        if text != label.text:
            label.setText(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().resizeEvent(event)
        self._fit_title()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        # small: a chart takes the room its layout has left (it expands), and a panel holding it does not
        # scroll just because a chart would like more
        return QSize(240, max(self.minimumHeight(), 120))


class HistogramChart(_ThemedPlot):
    """Bars over bin edges: ``set_histogram(counts, edges)`` with len(edges) == len(counts) + 1."""

    def __init__(self, title: str, x_label: str, y_label: str, tooltip: str, parent=None) -> None:
        self._bars: pg.BarGraphItem | None = None
        self._data: tuple[list[float], list[float]] = ([], [])
        super().__init__(title, x_label, y_label, tooltip, parent)

    def set_histogram(self, counts: Sequence[float], edges: Sequence[float]) -> None:
        self._data = (list(map(float, counts)), list(map(float, edges)))
        self._draw(QApplication.instance().palette())

    def clear_data(self) -> None:
        self._data = ([], [])
        self._draw(QApplication.instance().palette())

    def bar_count(self) -> int:
        return len(self._data[0])

    def _restyle_data(self, palette: QPalette) -> None:
        self._draw(palette)

    def _draw(self, palette: QPalette) -> None:
        if self._bars is not None:
            self.removeItem(self._bars)
            self._bars = None
        counts, edges = self._data
        empty = not counts or len(edges) != len(counts) + 1
        self.empty_note.set_empty(empty, palette)
        if empty:
            return
        x0 = edges[:-1]
        widths = [b - a for a, b in zip(edges[:-1], edges[1:])]
        color = accent(palette)
        fill = QColor(color)
        fill.setAlpha(190)
        self._bars = pg.BarGraphItem(x0=x0, width=widths, height=counts, brush=fill, pen=pg.mkPen(color.darker(130)))
        self.addItem(self._bars)
        self.getPlotItem().enableAutoRange()


class CurveChart(_ThemedPlot):
    """One curve, optionally with a log x axis (coverage against rank)."""

    def __init__(self, title: str, x_label: str, y_label: str, tooltip: str, log_x: bool = False, parent=None) -> None:
        self._curve: pg.PlotDataItem | None = None
        super().__init__(title, x_label, y_label, tooltip, parent)
        if log_x:
            self.getPlotItem().setAxisItems({"bottom": LogAxis("bottom")})
            self._restyle()
        self.getPlotItem().setLogMode(x=log_x, y=False)
        self.getPlotItem().showGrid(x=True, y=True, alpha=0.25)
        self._curve = self.plot([], [])
        self._restyle_data(QApplication.instance().palette())
        self.empty_note.set_empty(True)

    def set_curve(self, x: Sequence[float], y: Sequence[float]) -> None:
        self._curve.setData(list(x), list(y))
        self.getPlotItem().enableAutoRange()
        self.empty_note.set_empty(len(x) == 0)

    def point_count(self) -> int:
        xs, _ = self._curve.getData()
        return 0 if xs is None else len(xs)

    def _restyle_data(self, palette: QPalette) -> None:
        if self._curve is not None:
            presenter = bool(QApplication.instance().property("lmstudio_presenter"))
            self._curve.setPen(pg.mkPen(accent(palette), width=4 if presenter else 2))
