"""The charts of a sweep's results: parallel coordinates (settings → final validation loss, one polyline per run)
and a scatter of one value against another (any setting against any metric; a data-scale sweep's loss against
the corpus fraction on a log axis, the knee marked).

Both take plain values (the dict of :func:`lmstudio.app.experiments.sweep.sweep_results`), never a run folder, so
they redraw from the GUI thread without reading files. Categorical settings (architecture, tokenizer kind) are
spaced evenly with their labels; a numeric axis spanning more than a factor of 20 (learning rates) is spaced on a
log scale so 1e-4 and 1e-3 do not sit on top of each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from ..i18n import tr
from ..theme import accent
from .charts import LogAxis, _ThemedPlot

LOG_SPAN = 20.0  # a positive numeric axis whose max/min exceeds this is spaced on a log scale
COLORMAP = "viridis"  # low loss dark blue, high loss yellow: readable on light and dark backgrounds


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def value_label(value: Any) -> str:
    """A setting's value as a short label: 0.003 → "0.003", 3e-05 → "3e-05", True → "on"."""
    if isinstance(value, bool):
        return tr("on") if value else tr("off")
    if value is None:
        return tr("none")
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class AxisScale:
    """Maps one axis's values to 0..1: categories evenly in first-seen order, numbers linearly or on a log scale."""

    def __init__(self, values: Sequence[Any]) -> None:
        present = [v for v in values if v is not None]
        self.categorical = not present or any(not _finite(v) for v in present)
        if self.categorical:
            self.categories: list[Any] = []
            for v in values:
                if v not in self.categories:
                    self.categories.append(v)
            self.low = self.high = 0.0
            self.log = False
            return
        numbers = [float(v) for v in present]
        self.low, self.high = min(numbers), max(numbers)
        self.log = self.low > 0 and self.high / self.low > LOG_SPAN

    def position(self, value: Any) -> float:
        if self.categorical:
            n = len(self.categories)
            return 0.5 if n <= 1 else self.categories.index(value) / (n - 1)
        if not _finite(value):
            return 0.5
        lo, hi, v = self.low, self.high, float(value)
        if self.log:
            lo, hi, v = math.log10(lo), math.log10(hi), math.log10(max(v, self.low))
        return 0.5 if hi == lo else (v - lo) / (hi - lo)

    def ticks(self) -> list[tuple[float, str]]:
        """Labelled positions along the axis: every category, or the bottom, middle and top of a numeric one."""
        if self.categorical:
            return [(self.position(c), value_label(c)) for c in self.categories]
        if self.high == self.low:
            return [(0.5, value_label(self.low))]
        if self.log:
            mid = 10 ** ((math.log10(self.low) + math.log10(self.high)) / 2)
        else:
            mid = (self.low + self.high) / 2
        return [(0.0, value_label(self.low)), (0.5, value_label(mid)), (1.0, value_label(self.high))]


class ParallelCoordsChart(_ThemedPlot):
    """One vertical axis per swept setting plus the metric (last); one polyline per run coloured by the metric
    (low dark, high bright), the best run drawn on top, thick, in the accent colour."""

    def __init__(self, parent=None) -> None:
        self._axes: list[str] = []
        self._runs: list[dict] = []
        self._metric = "final_val_loss"
        self._metric_label = ""
        self._best = ""
        self._items: list[Any] = []
        self.lines: list[pg.PlotDataItem] = []  # one per drawn run, in the order of the results
        super().__init__(
            tr("Settings → final validation loss"),
            "",
            "",
            tr(
                "One vertical axis per swept setting and the final validation loss on the right; one line per run, "
                "coloured by its loss (dark = low); the best run is the thick highlighted line"
            ),
            parent,
        )
        self.getPlotItem().hideAxis("left")
        self.setMinimumHeight(200)

    def set_results(
        self,
        axes: Sequence[str],
        runs: Sequence[dict],
        best: str = "",
        metric: str = "final_val_loss",
        metric_label: str = "",
    ) -> None:
        """``runs``: the results' runs (each with ``settings`` and the metric); ``best``: the best run's name."""
        self._axes, self._runs, self._best = list(axes), list(runs), best or ""
        self._metric, self._metric_label = metric, metric_label or tr("validation loss")
        self._draw(QApplication.instance().palette())

    def clear_data(self) -> None:
        self.set_results([], [])

    def line_count(self) -> int:
        return len(self.lines)

    def _restyle_data(self, palette: QPalette) -> None:
        if hasattr(self, "_runs"):
            self._draw(palette)

    def _draw(self, palette: QPalette) -> None:
        plot = self.getPlotItem()
        for item in self._items:
            plot.removeItem(item)
        self._items, self.lines = [], []
        runs = [r for r in self._runs if _finite(r.get(self._metric))]
        self.empty_note.set_empty(not runs or not self._axes, palette)
        plot.hideAxis("left")  # each axis carries its own scale; the plot's 0-1 means nothing
        if not runs or not self._axes:
            return
        columns = [[r.get("settings", {}).get(key) for r in runs] for key in self._axes]
        columns.append([float(r[self._metric]) for r in runs])
        scales = [AxisScale(c) for c in columns]
        text, mid = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Mid)
        style_small = self.getPlotItem().getAxis("bottom").style.get("tickFont")
        for i, scale in enumerate(scales):
            self._add(pg.PlotDataItem([i, i], [0, 1], pen=pg.mkPen(mid, width=1)))
            for y, label in scale.ticks():
                item = pg.TextItem(label, color=text, anchor=(0, 0.5))
                if style_small is not None:
                    item.setFont(style_small)
                item.setPos(i + 0.03, y)
                self._add(item)
        names = [key.rpartition(".")[2] for key in self._axes] + [self._metric_label]
        plot.getAxis("bottom").setTicks([[(i, name) for i, name in enumerate(names)]])
        losses = columns[-1]
        lo, hi = min(losses), max(losses)
        cmap = pg.colormap.get(COLORMAP)
        presenter = bool(QApplication.instance().property("lmstudio_presenter"))
        best_line = None
        for j, (r, loss) in enumerate(zip(runs, losses)):
            ys = [scale.position(col[j]) for scale, col in zip(scales, columns)]
            is_best = bool(self._best) and r.get("name") == self._best
            if is_best:
                pen = pg.mkPen(accent(palette), width=5 if presenter else 4)
            else:
                color = QColor(cmap.map(0.5 if hi == lo else 0.85 * (loss - lo) / (hi - lo), mode="qcolor"))
                pen = pg.mkPen(color, width=3 if presenter else 2)
            line = pg.PlotDataItem(
                list(range(len(scales))), ys, pen=pen, symbol="o", symbolSize=5, symbolBrush=pen.color(), symbolPen=None
            )
            line.setToolTip(f"{r.get('name', '')}: {loss:.4f}")
            self._add(line)
            self.lines.append(line)
            if is_best:
                best_line = line
        if best_line is not None:
            best_line.setZValue(10)
        plot.setXRange(-0.2, len(scales) - 0.5, padding=0)
        plot.setYRange(-0.08, 1.08, padding=0)

    def _add(self, item: Any) -> None:
        self.getPlotItem().addItem(item)
        self._items.append(item)


class ScatterChart(_ThemedPlot):
    """Points of one value against another, the best marked; a categorical x is spaced evenly with its labels.
    ``log_x`` (the data-scale chart) draws the x axis on a log scale and joins the points; ``knee`` marks the
    x where more of it stopped helping."""

    def __init__(self, title: str, x_label: str, y_label: str, tooltip: str, log_x: bool = False, parent=None) -> None:
        self._points: tuple[list[Any], list[float], list[str]] = ([], [], [])
        self._best = -1
        self._knee: float | None = None
        self._items: list[Any] = []
        self._log_x = log_x
        super().__init__(title, x_label, y_label, tooltip, parent)
        if log_x:
            self.getPlotItem().setAxisItems({"bottom": LogAxis("bottom")})
            self._restyle()
        if log_x:  # the data are given as log10(x) (every item alike); the axis labels them as powers of ten
            self.getPlotItem().getAxis("bottom").setLogMode(True)
        self.getPlotItem().showGrid(x=True, y=True, alpha=0.25)

    def set_labels(self, x_label: str, y_label: str) -> None:
        self._x_label, self._y_label = x_label, y_label
        self._restyle()

    def set_points(
        self,
        xs: Sequence[Any],
        ys: Sequence[float],
        names: Sequence[str] = (),
        best: int = -1,
        knee: float | None = None,
    ) -> None:
        """``best``: the index of the best point (-1: none); ``knee``: an x to mark with a vertical line."""
        keep = [i for i, y in enumerate(ys) if _finite(y) and (not self._log_x or (_finite(xs[i]) and xs[i] > 0))]
        names = list(names) or [""] * len(ys)
        self._points = ([xs[i] for i in keep], [float(ys[i]) for i in keep], [names[i] for i in keep])
        self._best = keep.index(best) if best in keep else -1
        self._knee = knee
        self._draw(QApplication.instance().palette())

    def point_count(self) -> int:
        return len(self._points[1])

    def _restyle_data(self, palette: QPalette) -> None:
        if hasattr(self, "_points"):
            self._draw(palette)

    def _draw(self, palette: QPalette) -> None:
        plot = self.getPlotItem()
        for item in self._items:
            plot.removeItem(item)
        self._items = []
        xs, ys, names = self._points
        self.empty_note.set_empty(not ys, palette)
        bottom = plot.getAxis("bottom")
        if not ys:
            bottom.setTicks(None)
            return
        scale = AxisScale(xs)
        if scale.categorical:
            n = max(1, len(scale.categories) - 1)
            px = [scale.position(x) * n for x in xs]
            bottom.setTicks([[(scale.position(c) * n, value_label(c)) for c in scale.categories]])
        else:
            px = [math.log10(float(x)) if self._log_x else float(x) for x in xs]
            bottom.setTicks(None)
        color = accent(palette)
        if self._log_x:  # the data-scale curve: points in order of x, joined
            order = sorted(range(len(px)), key=lambda i: px[i])
            self._add(pg.PlotDataItem([px[i] for i in order], [ys[i] for i in order], pen=pg.mkPen(color, width=2)))
        dots = pg.ScatterPlotItem(
            px,
            ys,
            size=9,
            brush=pg.mkBrush(color),
            pen=pg.mkPen(color.darker(140)),
            data=names,
            hoverable=True,
            tip=lambda x, y, data: f"{data}: {y:.4f}",
        )
        self._add(dots)
        if 0 <= self._best < len(ys):
            star = pg.ScatterPlotItem(
                [px[self._best]],
                [ys[self._best]],
                size=20,
                symbol="star",
                brush=pg.mkBrush(QColor(230, 160, 0)),
                pen=pg.mkPen(palette.color(QPalette.ColorRole.Text)),
            )
            star.setZValue(10)
            self._add(star)
        if self._knee is not None and _finite(self._knee) and (not self._log_x or self._knee > 0):
            at = math.log10(self._knee) if self._log_x else self._knee
            red = QColor(220, 60, 60)
            pen = pg.mkPen(red, width=2, style=Qt.PenStyle.DashLine)
            line = pg.InfiniteLine(at, angle=90, pen=pen, label=tr("knee"), labelOpts={"color": red, "position": 0.9})
            self._add(line)
        plot.enableAutoRange()

    def _add(self, item: Any) -> None:
        self.getPlotItem().addItem(item)
        self._items.append(item)
