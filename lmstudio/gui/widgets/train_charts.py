"""The Train tab's live charts: loss, perplexity, bits per character, learning rate, gradient norm and
tokens per second (and, for a translation run, BLEU, chrF and exact match) in one pyqtgraph scene, redrawn
from a timer with ``setData`` (peak downsampling, clip to view). Log scale, x axis by step / tokens / time /
epoch, EMA smoothing with the raw curve kept faint, reference lines (uniform guess ln V, unigram entropy),
the overfitting marker, LR-change lines, a crosshair read-out, overlays of earlier runs, and export to PNG
and CSV.

A redraw costs the GUI thread little, so it can run every 0.25 s while training without slowing the
trainer (which needs the GIL between its torch ops): only curves with new points get ``setData``, and the
view ranges are ours, not pyqtgraph's auto-range. They follow the data with headroom and snap to a grid
(:func:`follow_range`), so an axis, whose tick text is most of a paint, is laid out and drawn again only
when the data leaves its range, not at every new step.
"""

from __future__ import annotations

import math
import time
from collections import deque
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ...app.train_metrics import (
    BPC_NA_REASON,
    IncrementalEma,
    RunMetrics,
    format_bpc,
    format_mfu,
    overfit_start,
)
from ...core.inference.metrics import bits_per_char, perplexity
from ..i18n import QT_TR_NOOP, tr
from .charts import EmptyNote, LogAxis, chart_style, style_plot

# the texts are marked for translation here and translated where shown (the translator comes after imports)
X_AXES = (
    ("step", QT_TR_NOOP("Step")),
    ("tokens", QT_TR_NOOP("Tokens seen")),
    ("elapsed", QT_TR_NOOP("Time (s)")),
    ("epoch", QT_TR_NOOP("Epoch")),
)
PLOTS = (  # key, title, y label
    ("loss", QT_TR_NOOP("Loss"), QT_TR_NOOP("nats / token")),
    ("ppl", QT_TR_NOOP("Perplexity"), QT_TR_NOOP("exp(loss)")),
    ("bpc", QT_TR_NOOP("Bits per character"), QT_TR_NOOP("bits")),
    ("lr", QT_TR_NOOP("Learning rate"), QT_TR_NOOP("lr")),
    ("grad", QT_TR_NOOP("Gradient norm"), QT_TR_NOOP("‖g‖ before clipping")),
    ("tps", QT_TR_NOOP("Throughput"), QT_TR_NOOP("tokens / s")),
)
TRANSLATION_PLOTS = (  # a translation run's row: built when the first one appears, so a language model's pays nothing
    ("bleu", "BLEU", QT_TR_NOOP("score (0-100)")),
    ("chrf", "chrF", QT_TR_NOOP("score (0-100)")),
    ("exact", QT_TR_NOOP("Exact match"), QT_TR_NOOP("% of pairs")),
)
TRANSLATION_KEYS = frozenset(key for key, *_ in TRANSLATION_PLOTS)
TRAIN, VAL, EXTRA = QColor("#2f6fde"), QColor("#e8590c"), QColor("#2b9348")
BLEU, CHRF = QColor("#c2255c"), QColor("#1098ad")
OVERLAY_COLORS = ("#8e44ad", "#16a085", "#c0392b", "#7f8c8d", "#d4a017")
REDRAW_MS = 250  # the normal redraw interval; slower only when a redraw is expensive (see TrainCharts._on_timer)
MAX_REDRAW_MS = 1500
# Share of wall time the GUI thread may be busy (CPU time) while charts redraw. What of it holds the GIL
# costs training time (the training thread needs the GIL between its torch ops); the rest runs beside it
# on another core. A redraw costs about 10-20 ms of GUI CPU on a 2-core machine (60 ms before the ranges
# stepped and unchanged curves were skipped), about half of it Qt compositing the scene without the GIL
# (ChartCanvas), so every 0.25 s fits this budget; the interval grows only when the GUI is busier than
# this (a slow machine, a huge window, 100k points).
GUI_BUSY_BUDGET = 0.10
BUSY_SMOOTHING = 0.3  # weight of the latest tick in the busy share the interval follows


def next_interval(busy: float) -> int:
    """The redraw interval for a GUI thread ``busy`` (its smoothed share of wall time): the normal one while
    the GUI stays within its budget, longer in proportion beyond it, up to MAX_REDRAW_MS. A function of the
    busy share alone, not of the last interval, so one stall cannot wind it up for seconds."""
    return int(min(MAX_REDRAW_MS, max(REDRAW_MS, REDRAW_MS * busy / GUI_BUSY_BUDGET)))


CURVE_PLOT = {  # curve key -> the plot it is drawn in
    "loss_raw": "loss",
    "loss": "loss",
    "val": "loss",
    "ppl_train": "ppl",
    "ppl": "ppl",
    "bpc_train": "bpc",
    "bpc": "bpc",
    "lr": "lr",
    "grad_raw": "grad",
    "grad": "grad",
    "tps": "tps",
    "bleu": "bleu",
    "chrf": "chrf",
    "exact": "exact",
}
_NICE = (1.0, 2.0, 2.5, 5.0, 10.0)


def nice_step(size: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``size`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(size))
    return next(m * power for m in _NICE if m * power >= size * (1 - 1e-9))


def follow_range(
    current: tuple[float, float] | None,
    lo: float,
    hi: float,
    *,
    pad_lo: float = 0.1,
    pad_hi: float = 0.1,
    fill: float = 0.5,
) -> tuple[float, float] | None:
    """The view range that shows data spanning ``lo``..``hi``: ``current`` as long as the data lies inside
    it and fills at least ``fill`` of it, else a new one, padded by ``pad_lo``/``pad_hi`` of the data's span
    and snapped outward to a grid of about an eighth of it. A range that changes only when the data leaves
    it spares the axes a new layout and text at every redraw. None when there is no finite data."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        return current
    if current is not None:
        c0, c1 = current
        if c0 <= lo and hi <= c1 and hi - lo >= fill * (c1 - c0):
            return current
    span = hi - lo
    if span <= 0:
        span = abs(hi) * 0.1 or 1.0
    grid = nice_step(span / 8)
    a = math.floor((lo - pad_lo * span) / grid + 1e-9) * grid
    b = math.ceil((hi + pad_hi * span) / grid - 1e-9) * grid
    return (a, b) if b > a else (a, a + grid)


def extent(values: np.ndarray, log: bool = False) -> tuple[float, float]:
    """(min, max) of the finite values (of their log10 over the positive ones with ``log``); NaNs when none."""
    v = values[np.isfinite(values)]
    if log:
        v = v[v > 0]
    if not len(v):
        return math.nan, math.nan
    lo, hi = float(v.min()), float(v.max())
    return (math.log10(lo), math.log10(hi)) if log else (lo, hi)


def _union(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    if not math.isfinite(a[0]):
        return b
    if not math.isfinite(b[0]):
        return a
    return min(a[0], b[0]), max(a[1], b[1])


def loss_title() -> str:
    """The loss chart's title with the key in it: a legend inside the plot always covers some of the curves."""
    loss, train, validation = tr("Loss"), tr("train"), tr("validation")
    return (
        f"{loss}  <span style='font-size:9pt; color:{TRAIN.name()}'>━ {train}</span>"
        f"  <span style='font-size:9pt; color:{VAL.name()}'>●─ {validation}</span>"
    )


TRANSLATION_TIPS = {  # shown through tr()
    "bleu": QT_TR_NOOP(
        "Corpus BLEU (sacreBLEU, 0-100) of greedy translations of the first validation pairs (Train settings: "
        "BLEU pairs), at each evaluation. Word n-grams: a one-word line (the toy tasks) scores 0 until it is exact"
    ),
    "chrf": QT_TR_NOOP(
        "Corpus chrF (sacreBLEU, 0-100) of the same translations: character n-grams, partial credit for "
        "nearly right words"
    ),
    "exact": QT_TR_NOOP(
        "Share of those translations equal to their reference, character for character: the toy tasks' accuracy"
    ),
}


def signature_note(signature: str) -> str:
    """The short form of a sacreBLEU signature for a chart title: "sacreBLEU 2.6.0 · tok 13a" (the whole
    signature is in the tooltip); "" for none."""
    parts = dict(p.split(":", 1) for p in signature.split("|") if ":" in p)
    if not parts:
        return ""
    bits = [f"sacreBLEU {parts['version']}" if "version" in parts else "sacreBLEU"]
    if "tok" in parts:
        bits.append(f"tok {parts['tok']}")
    return " · ".join(bits)


def _faint(color: QColor, alpha: int = 70) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


class ChartCanvas(pg.GraphicsLayoutWidget):
    """The charts' view, painted by Qt's own ``QGraphicsView.paintEvent``, not pyqtgraph's Python override.

    PySide holds the GIL for the whole of a C++ call made from Python, so pyqtgraph's override (Python:
    ``prepareForPaint()``, then the C++ paint) held it through all of a paint, about half of which is Qt
    compositing the scene; the training thread waited for the GIL that long at every redraw. With Qt's
    own paintEvent the event loop paints without the GIL, taking it only inside the items' Python
    ``paint()``. What the override did before each paint (the view boxes' transforms, the text items'
    scale) is done by :meth:`prepare`: after a refresh, and soon after any range change or resize."""

    paintEvent = QGraphicsView.paintEvent  # noqa: N815 (Qt's name): a C++ method is no Python override

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_soon = QTimer(self)
        self._prepare_soon.setSingleShot(True)
        self._prepare_soon.setInterval(0)
        self._prepare_soon.timeout.connect(self.prepare)

    def watch(self, plot: pg.PlotItem) -> None:
        """Prepare the scene again whenever ``plot``'s range or size changes (mouse, resize, links)."""
        plot.vb.sigRangeChanged.connect(self._prepare_soon.start)
        plot.vb.sigResized.connect(self._prepare_soon.start)

    def prepare(self) -> None:
        self.scene().prepareForPaint()


class TrainCharts(QWidget):
    sig_step_clicked = Signal(float)  # a click on the loss chart, as a training step (the time-lapse)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run = RunMetrics()
        self.overlays: list[RunMetrics] = []
        self.train_tokens = 0  # tokens of the train split: one epoch
        self.vocab_size = 0
        self.unigram = math.nan
        self.dirty = False
        self._overlays_dirty = False
        self.overfit_step: float | None = None
        self.redraws = 0
        self.redraw_times: deque[float] = deque(maxlen=10_000)  # perf_counter of each refresh (the benchmark)
        self._version = 0  # bumped when every curve must be set again (new run, x axis, log scale, smoothing)
        self._drawn_steps: tuple[int, int] | None = None  # (version, points) the step curves last got
        self._drawn_evals: tuple[int, int] | None = None
        self._drawn_translations: tuple[int, int] | None = None
        self._translation_plots: dict[str, pg.PlotItem] = {}  # built by set_translation(True) the first time
        self.translation_shown = False
        self._signature_shown = ""
        self._smooth = np.zeros(0)  # the smoothed train loss last drawn (the bits/char estimate uses it)
        self._extents: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}  # curve: x and y extent
        self._overlay_extents: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {}  # plot: extents
        self._ranges: dict[str, tuple[float, float] | None] = {}  # "x" and each plot's y: the range we set
        self._follow_x = True  # False once the user pans or zooms (until the view changes)
        self._follow_y: dict[str, bool] = {}
        self._smooth_weight = 0.9
        self._ema_loss = IncrementalEma(self._smooth_weight)
        self._ema_grad = IncrementalEma(self._smooth_weight)

        self.graphics = ChartCanvas()
        self.graphics.setToolTip(
            tr("Live training curves. Click the loss chart to see the sample written at that step.")
        )
        self._bpc_title = tr(dict((k, t) for k, t, _ in PLOTS)["bpc"])
        self._bpc_tooltip = tr(
            "Bits per character on the validation split (dots); the line is the smoothed training loss "
            "converted with the validation split's characters per token: an estimate between evaluations"
        )
        self._bpc_withheld = False
        self.plots: dict[str, pg.PlotItem] = {}
        for i, (key, title, ylabel) in enumerate(PLOTS):
            plot = self.graphics.addPlot(
                row=i // 3,
                col=i % 3,
                title=loss_title() if key == "loss" else tr(title),
                axisItems={"left": LogAxis("left")},  # log-scale labels never pile up
                enableMenu=False,
            )
            plot.setLabel("left", tr(ylabel))
            plot.setDownsampling(auto=True, mode="peak")
            plot.setClipToView(True)
            plot.disableAutoRange()  # the ranges follow the data in steps (follow_range), set by refresh
            plot.vb.sigRangeChangedManually.connect(lambda mask, key=key: self._on_manual_range(key, mask))
            self.graphics.watch(plot)
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            for item in (plot.getAxis("left"), plot.getAxis("bottom"), plot.titleLabel):
                # text is the costly part of a paint: axes whose range did not change reuse a pixmap
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.plots[key] = plot
        self._follow_y = {key: True for key in self.plots}
        self.empty_notes = {key: EmptyNote(plot) for key, plot in self.plots.items()}
        self.plots["bpc"].setToolTip(self._bpc_tooltip)
        loss = self.plots["loss"]
        self.curves = {
            "loss_raw": loss.plot(pen=pg.mkPen(_faint(TRAIN), width=1)),
            "loss": loss.plot(pen=pg.mkPen(TRAIN, width=2), name="train"),
            "val": loss.plot(pen=pg.mkPen(VAL, width=2), symbol="o", symbolSize=5, symbolBrush=VAL, name="validation"),
            "ppl_train": self.plots["ppl"].plot(pen=pg.mkPen(TRAIN, width=2)),
            "ppl": self.plots["ppl"].plot(pen=pg.mkPen(VAL, width=2), symbol="o", symbolSize=5, symbolBrush=VAL),
            "bpc_train": self.plots["bpc"].plot(pen=pg.mkPen(TRAIN, width=2)),  # estimate from the train loss
            "bpc": self.plots["bpc"].plot(pen=pg.mkPen(VAL, width=2), symbol="o", symbolSize=5, symbolBrush=VAL),
            "lr": self.plots["lr"].plot(pen=pg.mkPen(EXTRA, width=2)),
            "grad_raw": self.plots["grad"].plot(pen=pg.mkPen(_faint(EXTRA), width=1)),
            "grad": self.plots["grad"].plot(pen=pg.mkPen(EXTRA, width=2)),
            "tps": self.plots["tps"].plot(pen=pg.mkPen(TRAIN, width=2)),
        }
        dash = dict(style=Qt.PenStyle.DashLine, width=1)
        self.ref_uniform = pg.InfiniteLine(
            angle=0,
            movable=False,
            pen=pg.mkPen("#888888", **dash),
            label=tr("uniform ln V"),
            labelOpts={"position": 0.8, "color": "#888888"},
        )
        self.ref_unigram = pg.InfiniteLine(
            angle=0,
            movable=False,
            pen=pg.mkPen("#aa7700", **dash),
            label=tr("unigram entropy"),
            labelOpts={"position": 0.55, "color": "#aa7700"},
        )
        self.overfit_line = pg.InfiniteLine(
            angle=90,
            movable=False,
            pen=pg.mkPen("#c0392b", width=2),
            label=tr("val rising"),
            labelOpts={"position": 0.9, "color": "#c0392b"},
        )
        for item in (self.ref_uniform, self.ref_unigram, self.overfit_line):
            item.hide()
            loss.addItem(item, ignoreBounds=True)
        self.lr_lines: list[pg.InfiniteLine] = []
        self.overlay_curves: list[pg.PlotDataItem] = []
        self.cross = {k: pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#999999", width=1)) for k in self.plots}
        for key, line in self.cross.items():
            line.hide()
            self.plots[key].addItem(line, ignoreBounds=True)
        first = self.plots["loss"]
        for plot in self.plots.values():
            if plot is not first:
                plot.setXLink(first)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.graphics.scene().sigMouseClicked.connect(self._on_mouse_clicked)

        # controls --------------------------------------------------------------------------------
        self.x_axis = QComboBox()
        for key, name in X_AXES:
            self.x_axis.addItem(tr(name), key)
        self.x_axis.setToolTip(
            tr("What the horizontal axis counts: optimizer steps, tokens seen, training time or epochs")
        )
        self.log_scale = QCheckBox(tr("Log scale"))
        self.log_scale.setToolTip(tr("Logarithmic vertical axes: late, small improvements stay visible"))
        self.smoothing = QSlider(Qt.Orientation.Horizontal)
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(int(self._smooth_weight * 100))
        self.smoothing.setMaximumWidth(160)
        self.smoothing.setToolTip(
            tr(
                "Smoothing of the training curves: a bias-corrected exponential moving average "
                "(0 = raw). The raw curve stays faint behind it."
            )
        )
        self.smoothing_label = QLabel()
        self.smoothing_label.setToolTip(self.smoothing.toolTip())
        self.readout = QLabel(" ")
        self.readout.setObjectName("hint")
        self.readout.setToolTip(tr("Values under the mouse pointer"))
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.x_axis.currentIndexChanged.connect(self._on_view_changed)
        self.log_scale.toggled.connect(self._on_view_changed)
        self.smoothing.valueChanged.connect(self._on_smoothing)
        self._on_smoothing(self.smoothing.value())
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        smoothing_caption = QLabel(tr("Smoothing"))
        for w in (
            QLabel(tr("X axis")),
            self.x_axis,
            self.log_scale,
            smoothing_caption,
            self.smoothing,
            self.smoothing_label,
        ):
            if w is self.log_scale or w is smoothing_caption:
                bar.addSpacing(12)
            bar.addWidget(w)
        bar.addStretch(1)
        self.toolbar = bar
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.readout)
        self._restyle()
        for note in self.empty_notes.values():
            note.set_empty(True)
        self._disposed = False
        self.timer = QTimer(self)
        self._restart_pace()  # the GUI thread's busy share, smoothed (see _on_timer), and the interval
        self.timer.timeout.connect(self._on_timer)
        self.timer.start()

    def dispose(self) -> None:
        """Empty the charts' scene while every item in it is alive (the window is closing for good).

        Left to Qt's teardown, the scene's items are destroyed in an order where a pyqtgraph item's Python
        override (an InfiniteLine's ``boundingRect``) can be called after its wrapper was invalidated, which
        aborts the process ("Internal C++ object already deleted", then a segmentation fault): a test run hit
        it. pyqtgraph's own ``GraphicsView.close`` clears the scene first; after it the charts draw nothing.
        """
        if self._disposed:
            return
        self._disposed = True
        self.timer.stop()
        self.lr_lines.clear()
        if self._translation_plots and not self.translation_shown:  # out of the scene: clear them with it
            self.set_translation(True)
        self.graphics.close()

    # data --------------------------------------------------------------------------------------------
    def reset(
        self, run: RunMetrics | None = None, vocab_size: int = 0, unigram: float = math.nan, train_tokens: int = 0
    ) -> None:
        self.run = run or RunMetrics()
        self.vocab_size, self.unigram, self.train_tokens = vocab_size, unigram, train_tokens
        self._ema_loss = IncrementalEma(self._smooth_weight)
        self._ema_grad = IncrementalEma(self._smooth_weight)
        for plot, line in self.lr_lines:
            plot.removeItem(line)
        self.lr_lines.clear()
        self._overlays_dirty = True
        self._refollow()
        self._restart_pace()
        self.mark_dirty()

    def _restart_pace(self) -> None:
        """A new run starts at the normal pace: what kept the GUI busy before it (the Start click, the form,
        preparing) says nothing about the redraws to come, and grown intervals take seconds to shrink."""
        self._last_tick = (time.perf_counter(), time.thread_time())
        self._busy = 0.0
        self.timer.setInterval(REDRAW_MS)

    def set_translation(self, shown: bool) -> None:
        """Show the BLEU/chrF and exact-match row (a translation run) or not (a language model's charts exactly
        as they were). The row's plots are built the first time; hidden, they leave the scene and the layout."""
        if shown == self.translation_shown or getattr(self, "_disposed", False):
            return
        if shown and not self._translation_plots:
            self._build_translation_plots()
        self.translation_shown = shown
        layout = self.graphics.ci
        for key, plot in self._translation_plots.items():
            if shown:
                # one plot a column, under the others: x-linked views line up only where their widths match
                layout.addItem(plot, row=2, col=[k for k, *_ in TRANSLATION_PLOTS].index(key))
                self.plots[key] = plot
                self._follow_y[key] = True
            else:
                layout.removeItem(plot)
                del self.plots[key]
                self._ranges.pop(key, None)
        if not shown:
            for curve in ("bleu", "chrf", "exact"):
                self._extents.pop(curve, None)
            self._overlay_extents = {k: v for k, v in self._overlay_extents.items() if k not in TRANSLATION_KEYS}
        self._overlays_dirty = True
        self._drawn_translations = None
        self._label_bottom_axes()
        self.mark_dirty()

    def _build_translation_plots(self) -> None:
        for key, title, ylabel in TRANSLATION_PLOTS:
            plot = pg.PlotItem(title=tr(title), enableMenu=False)
            plot.setLabel("left", tr(ylabel))
            plot.setClipToView(True)
            plot.disableAutoRange()
            plot.vb.sigRangeChangedManually.connect(lambda mask, key=key: self._on_manual_range(key, mask))
            self.graphics.watch(plot)
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setMenuEnabled(False)
            plot.hideButtons()
            plot.setLogMode(x=False, y=False)  # scores 0-100, never on the log scale: 0 is a score
            for item in (plot.getAxis("left"), plot.getAxis("bottom"), plot.titleLabel):
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.setXLink(self.plots["loss"])
            plot.setToolTip(tr(TRANSLATION_TIPS[key]))
            plot.getAxis("left").enableAutoSIPrefix(False)
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#999999", width=1))
            line.hide()
            plot.addItem(line, ignoreBounds=True)
            self.cross[key] = line
            self.empty_notes[key] = EmptyNote(plot)
            self._translation_plots[key] = plot
        for key, color in (("bleu", BLEU), ("chrf", CHRF), ("exact", EXTRA)):
            self.curves[key] = self._translation_plots[key].plot(
                pen=pg.mkPen(color, width=2), symbol="o", symbolSize=5, symbolBrush=color
            )
        self._restyle()

    def _label_bottom_axes(self) -> None:
        """The x axis is named under the bottom row only: the translation row when it is shown."""
        name = self.x_axis.currentText()
        bottom = TRANSLATION_KEYS if self.translation_shown else {"lr", "grad", "tps"}
        for key, plot in {**self.plots, **self._translation_plots}.items():
            plot.setLabel("bottom", name if key in bottom else "")

    def set_overlays(self, runs: list[RunMetrics]) -> None:
        self.overlays = list(runs)
        self._overlays_dirty = True
        self.mark_dirty()

    def mark_dirty(self) -> None:
        self.dirty = True

    def invalidate(self) -> None:
        """Every curve is set again at the next refresh, not only those with new points (the ranges stay)."""
        self._version += 1
        self.mark_dirty()

    def point_count(self) -> int:
        return len(self.run.steps)

    # drawing -----------------------------------------------------------------------------------------
    def _on_timer(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        busy = (cpu - self._last_tick[1]) / max(1e-6, wall - self._last_tick[0])
        self._last_tick = (wall, cpu)
        # smoothed over about three ticks, one stall (the GUI blocked for a moment) counted as at most 4x the
        # budget: a sustained busy GUI slows the redraws, not one costly redraw (an axis laid out again)
        sample = min(busy, 4 * GUI_BUSY_BUDGET)
        self._busy = BUSY_SMOOTHING * sample + (1 - BUSY_SMOOTHING) * self._busy
        self.timer.setInterval(next_interval(self._busy))
        if self.dirty and self.isVisible():
            self.refresh()

    def x_key(self) -> str:
        return self.x_axis.currentData()

    def _x(self, run: RunMetrics, series) -> np.ndarray:
        key = self.x_key()
        if key == "epoch":
            return series.column("tokens") / max(1, self.train_tokens)
        return series.column(key)

    def refresh(self) -> None:
        """Push new points into the curves that have them and let the ranges follow (called by the timer
        when new points arrived). Curves without new points are left alone: ``setData`` re-lays out a curve
        (and a scatter's symbols) even for the same data."""
        if self._disposed:
            return
        self.dirty = False
        self.redraws += 1
        self.redraw_times.append(time.perf_counter())
        run = self.run
        steps_key, evals_key = (self._version, len(run.steps)), (self._version, len(run.evals))
        new_steps, new_evals = steps_key != self._drawn_steps, evals_key != self._drawn_evals
        self._drawn_steps, self._drawn_evals = steps_key, evals_key
        xs = self._x(run, run.steps)
        if new_steps:
            loss = run.steps.column("loss")
            self._smooth = smooth = self._ema_loss.update(loss)
            grad = run.steps.column("grad_norm")
            x_extent = extent(xs)
            self._set("loss_raw", xs, loss, x_extent)
            self._set("loss", xs, smooth, x_extent)
            self._set("ppl_train", xs, perplexity(smooth), x_extent)
            self._set("lr", xs, run.steps.column("lr"), x_extent)
            self._set("grad_raw", xs, grad, x_extent)
            self._set("grad", xs, self._ema_grad.update(grad), x_extent)
            self._set("tps", xs, run.steps.column("tokens_per_sec"), x_extent)
        bpc = run.evals.column("bits_per_char")
        val = run.evals.column("val_loss")
        if new_evals:
            xe = self._x(run, run.evals)
            self._set("val", xe, val)
            self._set("ppl", xe, run.evals.column("val_perplexity"))
            self._set("bpc", xe, bpc)
            withheld = len(bpc) > 0 and not np.isfinite(bpc).any()
            if withheld != self._bpc_withheld:
                self._bpc_withheld = withheld
                plot = self.plots["bpc"]
                plot.setTitle(tr("Bits per character: n/a") if withheld else self._bpc_title)
                plot.setToolTip(
                    tr("Not shown: {reason}; compare this run by loss and perplexity instead").format(
                        reason=tr(BPC_NA_REASON)
                    )
                    if withheld
                    else self._bpc_tooltip
                )
        if new_steps or new_evals:
            # between evaluations (250 steps by default) the line follows the train loss, converted with the
            # characters per token that the latest evaluation's bits/char and val loss imply
            usable = np.isfinite(bpc) & np.isfinite(val) & (val > 0) & (bpc > 0)
            if usable.any() and len(xs):
                chars_per_token = bits_per_char(val[usable][-1], 1.0) / bpc[usable][-1]
                self._set("bpc_train", xs, bits_per_char(self._smooth, chars_per_token))
            else:
                self._set("bpc_train", xs[:0], xs[:0])
            self._draw_reference_lines()
        if len(run.translations) and not self.translation_shown:
            self.set_translation(True)
        if self.translation_shown:
            self._draw_translations(run)
        self._draw_lr_lines()
        if self._overlays_dirty:
            self._draw_overlays()
        self._follow_ranges()
        empty = not len(run.steps) and not self.overlays
        for key, note in self.empty_notes.items():
            want = empty and not (key in ("loss", "ppl", "bpc") and len(run.evals))
            if key in TRANSLATION_KEYS:
                want = not len(run.translations) and not any(len(r.translations) for r in self.overlays)
            if want != note.empty:
                note.set_empty(want)
        self.graphics.prepare()  # what pyqtgraph's paintEvent did first (see ChartCanvas)

    def _set(self, key: str, x: np.ndarray, y: np.ndarray, x_extent: tuple[float, float] | None = None) -> None:
        self.curves[key].setData(x, y)
        log = self.log_scale.isChecked() and CURVE_PLOT[key] not in TRANSLATION_KEYS
        self._extents[key] = (x_extent or extent(x), extent(y, log))

    def _draw_translations(self, run: RunMetrics) -> None:
        key = (self._version, len(run.translations))
        if key == self._drawn_translations:
            return
        self._drawn_translations = key
        scores = run.translations
        x = self._x(run, scores)
        self._set("bleu", x, scores.column("bleu"))
        self._set("chrf", x, scores.column("chrf"))
        self._set("exact", x, 100 * scores.column("exact_match"))
        if run.signature != self._signature_shown:
            self._signature_shown = run.signature
            plot = self._translation_plots["bleu"]
            short = signature_note(run.signature)
            plot.setTitle("BLEU" + (f"  <span style='font-size:8pt'>{short}</span>" if short else ""))
            tip = tr(TRANSLATION_TIPS["bleu"])
            if run.signature:
                tip = tr("{tip}.\nsacreBLEU signature: {signature}").format(tip=tip, signature=run.signature)
            plot.setToolTip(tip)
            self._restyle_plot(plot)

    def _restyle_plot(self, plot: pg.PlotItem) -> None:
        style_plot(plot, chart_style())

    def _follow_ranges(self) -> None:
        """Set each plot's view range from its curves' extents, where the user has not panned or zoomed it."""
        xs: tuple[float, float] = (math.nan, math.nan)
        ys = {key: (math.nan, math.nan) for key in self.plots}
        for key, (x, y) in self._extents.items():
            xs, plot = _union(xs, x), CURVE_PLOT[key]
            ys[plot] = _union(ys[plot], y)
        for plot, (x, y) in self._overlay_extents.items():
            xs, ys[plot] = _union(xs, x), _union(ys[plot], y)
        if self._follow_x:
            # room to grow on the right: the x axis (six of them, linked) changes every 30-40 % of growth, not
            # at every step; the curve fills 84 % of the width on average
            x_range = follow_range(self._ranges.get("x"), *xs, pad_lo=0.0, pad_hi=0.3, fill=0.5)
            if x_range is not None and x_range != self._ranges.get("x"):
                self._ranges["x"] = x_range
                self.plots["loss"].setXRange(*x_range, padding=0)  # the other plots are linked to it
        for key, plot in self.plots.items():
            if not self._follow_y[key]:
                continue
            lo, hi = ys[key]
            if key in TRANSLATION_KEYS and math.isfinite(lo):  # scores: from 0, and 0 all along is no tiny range
                lo, hi = min(lo, 0.0), max(hi, 10.0)
            y_range = follow_range(self._ranges.get(key), lo, hi)
            if y_range is not None and y_range != self._ranges.get(key):
                self._ranges[key] = y_range
                plot.setYRange(*y_range, padding=0)

    def _on_manual_range(self, key: str, mask) -> None:
        """The user panned or zoomed a plot: its ranges stay where the user put them (until the view changes)."""
        x_moved, y_moved = (bool(mask[0]), bool(mask[1])) if mask is not None else (True, True)
        self._follow_x = self._follow_x and not x_moved
        self._follow_y[key] = self._follow_y[key] and not y_moved

    def _refollow(self) -> None:
        """All ranges follow the data again, from scratch (a new run, x axis or scale)."""
        self._version += 1
        self._extents.clear()
        self._ranges.clear()
        self._follow_x = True
        self._follow_y = {key: True for key in self.plots}

    def _ypos(self, value: float) -> float:
        return math.log10(value) if self.log_scale.isChecked() else value

    def _draw_reference_lines(self) -> None:
        for line, value in (
            (self.ref_uniform, math.log(self.vocab_size) if self.vocab_size > 1 else math.nan),
            (self.ref_unigram, self.unigram),
        ):
            line.setVisible(bool(value == value and value > 0))
            if value == value and value > 0:
                line.setPos(self._ypos(value))
        ev = self.run.evals
        step = overfit_start(ev.column("step"), ev.column("train_loss"), ev.column("val_loss"))
        self.overfit_line.setVisible(step is not None)
        if step is not None:
            i = int(np.argmin(np.abs(ev.column("step") - step)))
            self.overfit_line.setPos(self._x(self.run, ev)[i])
        self.overfit_step = step

    def _draw_lr_lines(self) -> None:
        key = self.x_key()
        while len(self.lr_lines) < len(self.run.lr_changes) * 2:
            line = pg.InfiniteLine(
                angle=90, movable=False, pen=pg.mkPen("#d4a017", width=1.5, style=Qt.PenStyle.DotLine)
            )
            plot = self.plots["loss" if len(self.lr_lines) % 2 == 0 else "lr"]
            plot.addItem(line, ignoreBounds=True)
            self.lr_lines.append((plot, line))
        for i, (step, tokens, elapsed, lr) in enumerate(self.run.lr_changes):
            x = {"step": step, "tokens": tokens, "elapsed": elapsed, "epoch": tokens / max(1, self.train_tokens)}[key]
            for _, line in self.lr_lines[2 * i : 2 * i + 2]:
                line.setPos(x)
                line.setToolTip(tr("learning rate set to {lr} at step {step}").format(lr=f"{lr:g}", step=step))

    def _draw_overlays(self) -> None:
        self._overlays_dirty = False
        self._overlay_extents = {}
        log = self.log_scale.isChecked()
        for plot, curve in self.overlay_curves:
            plot.removeItem(curve)
        self.overlay_curves = []
        for i, run in enumerate(self.overlays):
            color = QColor(OVERLAY_COLORS[i % len(OVERLAY_COLORS)])
            pen = pg.mkPen(color, width=1.5, style=Qt.PenStyle.DashLine)
            xs, xe = self._x(run, run.steps), self._x(run, run.evals)
            pairs = (
                ("loss", xe, run.evals.column("val_loss")),
                ("loss", xs, _smoothed(run.steps.column("loss"), self._smooth_weight)),
                ("ppl", xe, run.evals.column("val_perplexity")),
                ("bpc", xe, run.evals.column("bits_per_char")),
                ("lr", xs, run.steps.column("lr")),
            )
            if self.translation_shown and len(run.translations):
                xt = self._x(run, run.translations)
                pairs += (
                    ("bleu", xt, run.translations.column("bleu")),
                    ("chrf", xt, run.translations.column("chrf")),
                    ("exact", xt, 100 * run.translations.column("exact_match")),
                )
            for key, x, y in pairs:
                old = self._overlay_extents.get(key, ((math.nan, math.nan), (math.nan, math.nan)))
                y_extent = extent(y, log and key not in TRANSLATION_KEYS)
                self._overlay_extents[key] = (_union(old[0], extent(x)), _union(old[1], y_extent))
                item = self.plots[key].plot(x, y, pen=pen)
                item.setToolTip(run.name)
                self.overlay_curves.append((self.plots[key], item))
        dashed = tr("(dashed: {runs})").format(runs=", ".join(r.name for r in self.overlays))
        self.plots["loss"].setTitle(
            loss_title() + (f"  <span style='font-size:8pt'>{dashed}</span>" if self.overlays else "")
        )

    # interaction -------------------------------------------------------------------------------------
    def _on_view_changed(self) -> None:
        log = self.log_scale.isChecked()
        for key, plot in self.plots.items():
            plot.setLogMode(x=False, y=log and key not in TRANSLATION_KEYS)
        self._label_bottom_axes()
        self._overlays_dirty = True
        self._refollow()
        self.refresh()

    def _on_smoothing(self, value: int) -> None:
        self._smooth_weight = value / 100
        self.smoothing_label.setText(f"{self._smooth_weight:.2f}")
        self._ema_loss = IncrementalEma(self._smooth_weight)
        self._ema_grad = IncrementalEma(self._smooth_weight)
        self._overlays_dirty = True
        self.invalidate()

    def _plot_at(self, scene_pos) -> tuple[str, float] | None:
        for key, plot in self.plots.items():
            if plot.sceneBoundingRect().contains(scene_pos):
                return key, plot.vb.mapSceneToView(scene_pos).x()
        return None

    def _on_mouse_moved(self, pos) -> None:
        hit = self._plot_at(pos)
        for line in self.cross.values():
            line.setVisible(hit is not None)
        if hit is None or not len(self.run.steps):
            return
        x = hit[1]
        for line in self.cross.values():
            line.setPos(x)
        self.readout.setText(self.describe_at(x))

    def describe_at(self, x: float) -> str:
        """The values of the nearest step (and the nearest evaluation) at horizontal position ``x``."""
        run = self.run
        parts = []
        if len(run.steps):
            i = int(np.argmin(np.abs(self._x(run, run.steps) - x)))
            col = {
                k: run.steps.column(k)[i]
                for k in ("step", "tokens", "elapsed", "loss", "lr", "grad_norm", "tokens_per_sec", "mfu")
            }
            mfu = format_mfu(col["mfu"])
            parts.append(
                tr(
                    "step {step} · tokens {tokens} · {seconds} s · train loss {loss} · lr {lr} · "
                    "grad norm {grad_norm} · {tokens_per_sec} tok/s"
                ).format(
                    step=f"{col['step']:.0f}",
                    tokens=f"{col['tokens']:,.0f}",
                    seconds=f"{col['elapsed']:.1f}",
                    loss=f"{col['loss']:.4f}",
                    lr=f"{col['lr']:.3g}",
                    grad_norm=f"{col['grad_norm']:.3g}",
                    tokens_per_sec=f"{col['tokens_per_sec']:,.0f}",
                )
                + (f" · {mfu}" if mfu else "")
            )
        if len(run.evals):
            j = int(np.argmin(np.abs(self._x(run, run.evals) - x)))
            e = {k: run.evals.column(k)[j] for k in ("step", "val_loss", "val_perplexity", "bits_per_char")}
            parts.append(
                tr("eval @ {step}: val loss {loss} · ppl {perplexity} · {bpc} bits/char").format(
                    step=f"{e['step']:.0f}",
                    loss=f"{e['val_loss']:.4f}",
                    perplexity=f"{e['val_perplexity']:.2f}",
                    bpc=format_bpc(e["bits_per_char"]),
                )
            )
        scores = run.translations
        if len(scores):
            j = int(np.argmin(np.abs(self._x(run, scores) - x)))
            t = {k: scores.column(k)[j] for k in ("bleu", "chrf", "exact_match")}
            parts.append(
                tr("BLEU {bleu} · chrF {chrf} · exact {exact}%").format(
                    bleu=f"{t['bleu']:.1f}", chrf=f"{t['chrf']:.1f}", exact=f"{100 * t['exact_match']:.0f}"
                )
            )
        return "   |   ".join(parts)

    def step_at(self, x: float) -> float | None:
        run = self.run
        series = run.evals if len(run.evals) else run.steps
        if not len(series):
            return None
        i = int(np.argmin(np.abs(self._x(run, series) - x)))
        return float(series.column("step")[i])

    def _on_mouse_clicked(self, event) -> None:
        hit = self._plot_at(event.scenePos())
        if hit is not None and hit[0] in ("loss", "ppl", "bpc", *TRANSLATION_KEYS):
            step = self.step_at(hit[1])
            if step is not None:
                self.sig_step_clicked.emit(step)

    # export ------------------------------------------------------------------------------------------
    def export_png(self, path: Path) -> None:
        from pyqtgraph.exporters import ImageExporter

        self.refresh()
        exporter = ImageExporter(self.graphics.scene())
        exporter.parameters()["width"] = max(800, self.graphics.width() * 2)
        exporter.export(str(path))

    def export_csv(self, path: Path) -> None:
        self.run.write_csv(Path(path))

    # theme -------------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and hasattr(self, "plots"):
            self._restyle()
        super().changeEvent(event)

    def refresh_theme(self) -> None:
        """Called by apply_theme once the new font is set (palette events arrive before it)."""
        self._restyle()

    def _restyle(self) -> None:
        if getattr(self, "_disposed", False):
            return
        style = chart_style()  # the one chart theme (charts.py): palette colours, presenter mode's large type
        self.graphics.setBackground(style.background)
        metrics = QFontMetrics(style.small)
        left_width = metrics.horizontalAdvance("40000.0") + metrics.height() + 8  # tick labels beside the axis title
        for plot in {**self.plots, **self._translation_plots}.values():
            style_plot(plot, style)
            plot.getAxis("left").setWidth(left_width)
            plot.getAxis("bottom").setHeight(None)
        palette = style.palette
        for note in self.empty_notes.values():
            if note.empty is not None:
                note.set_empty(note.empty, palette)


def _smoothed(values: np.ndarray, weight: float) -> np.ndarray:
    from ...app.train_metrics import ema

    return ema(values, weight)
