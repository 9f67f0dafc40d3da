"""The embedding map view ("Inside the model"): a checkpoint's token embeddings as a labelled 2-D scatter.

Each point is one token, placed by :mod:`lmstudio.core.inference.embedding_map` (PCA of the embedding table),
coloured by how often the token occurs in the training split (log scale, with a colour bar) and labelled by its
text: the most frequent tokens only when the vocabulary is large, so the picture stays readable and fast at
V = 5,000. Hover a point for its text, id and frequency; click one (or find it with the search box) to list its
nearest neighbours beside the map and ring them on it. Given the frames of a whole run (``show_frames``), a
slider and Play animate the tokens moving, checkpoint after checkpoint, in fixed axes: clusters of digits,
vowels and punctuation form as training proceeds.

A view only: the tab computes (on a worker) and hands plain arrays to :meth:`EmbeddingMapView.show_map` or
:meth:`EmbeddingMapView.show_frames`; nearest neighbours come from the callable it passes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import QT_TR_NOOP, tr
from ...theme import accent, is_dark
from ...widgets.charts import EmptyNote, chart_style, style_plot
from ...widgets.token_chips import visible

MAX_LABELS = 200  # labelled tokens (the most frequent) when the vocabulary is larger: readable and fast at 5,000
NEIGHBOURS = 10  # how many nearest neighbours the side list shows
COLORMAP = "viridis"  # the heatmaps' map: reads on light and dark backgrounds, and in grey
TICK_MS = 40  # animation frame interval (25 frames a second)
FRAME_MS = 700  # time the animation takes from one checkpoint to the next
POINT_SIZE = 7
BAR_TITLE = QT_TR_NOOP("log₁₀ count in the training split")
LABEL_CHARS = 12  # a label longer than this (a long BPE piece) is cut with "…"

NeighboursFn = Callable[[int], Sequence[tuple[int, float]]]


def label_text(label: str) -> str:
    """A token's text as its point's label: whitespace made visible, "∅" for an empty piece, long ones cut."""
    text = visible(label) or "∅"
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def labelled_ids(points: np.ndarray, freqs: np.ndarray | None, limit: int = MAX_LABELS) -> np.ndarray:
    """The ids whose points carry a label: all when there are at most ``limit``; else the ``limit`` most
    frequent, or, without frequencies, the ``limit`` farthest from the centre (the most distinctive ones)."""
    count = len(points)
    if count <= limit:
        return np.arange(count)
    if freqs is not None:
        score = np.asarray(freqs, dtype=np.float64)
    else:
        score = np.linalg.norm(points - points.mean(axis=0), axis=1)
    return np.sort(np.argsort(-score, kind="stable")[:limit])


class EmbeddingMapView(QWidget):
    """A token embedding map: scatter, labels, colour bar, neighbours list, search, checkpoint animation.

    ``show_map(points, labels, freqs, neighbours_fn)`` draws one checkpoint; ``show_frames(frames, labels,
    freqs)`` draws a run's checkpoints (each with ``.step`` and ``.points``) and enables the slider and Play.
    ``sig_token_selected(id)`` is emitted when a token is chosen (click, search, neighbour list).
    """

    sig_token_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frame_ms = FRAME_MS
        self._points = np.zeros((0, 2), dtype=np.float32)  # what is drawn now (V, 2)
        self._frames: list[Any] = []
        self._position = 0.0  # the animation's place: frame index, fractional between two frames
        self._labels: list[str] = []
        self._freqs: np.ndarray | None = None
        self._levels = (0.0, 1.0)
        self._neighbours_fn: NeighboursFn | None = None
        self._selected: int | None = None
        self._neighbour_ids: list[int] = []
        self._label_items: dict[int, pg.TextItem] = {}  # id -> its label, in priority order (most frequent first)
        self._label_sizes = np.zeros((0, 2))  # each label's width and height in pixels, in the same order
        self._order = np.zeros(0, dtype=np.int64)  # draw order: the most frequent on top
        self._brushes: list[Any] = []
        self._setting_slider = False
        self._moving = False  # only positions changed since the last full draw (animation ticks)
        self._explained: Sequence[float] | None = None

        # ---- the map
        self.plot = pg.PlotWidget(enableMenu=False)
        self.plot.setToolTip(
            tr(
                "Each point is a token, placed by the two main directions of the embedding table (PCA): tokens the "
                "model treats alike sit close together. Hover a point for its text, id and frequency; click it for "
                "its nearest neighbours. Drag to pan, wheel to zoom."
            )
        )
        self.plot.setMenuEnabled(False)
        self.plot.getPlotItem().hideButtons()
        self.plot.setMinimumHeight(320)
        item = self.plot.getPlotItem()
        item.setAspectLocked(True)  # distances on screen mean distances in the projection
        self.scatter = pg.ScatterPlotItem(
            size=POINT_SIZE, pxMode=True, hoverable=True, tip=self._tip, hoverSize=POINT_SIZE + 5
        )
        self.scatter.sigClicked.connect(self._on_clicked)
        item.addItem(self.scatter)
        self.rings = pg.ScatterPlotItem(size=POINT_SIZE + 9, pxMode=True, brush=None)  # selected + neighbours
        self.rings.setZValue(5)
        item.addItem(self.rings)
        self.selected_label = pg.TextItem("", anchor=(0.5, 1.25))  # the chosen token's text, always shown
        self.selected_label.setZValue(6)
        self.selected_label.setVisible(False)
        item.addItem(self.selected_label, ignoreBounds=True)
        item.getViewBox().sigRangeChanged.connect(lambda *_: self._place_labels())
        item.getViewBox().sigResized.connect(lambda *_: self._place_labels())
        self.empty_note = EmptyNote(item)
        self.empty_note.set_empty(True)
        self.colormap = pg.colormap.get(COLORMAP)
        self.bar = pg.ColorBarItem(
            values=(0.0, 1.0), colorMap=self.colormap, interactive=False, width=12, label=tr(BAR_TITLE)
        )
        item.layout.addItem(self.bar, 2, 5)  # right of the plot, as ColorBarItem.setImageItem(insert_in=...) does
        item.layout.setColumnFixedWidth(4, 5)
        self.bar.setToolTip(tr("Colour: how often each token occurs in the training split (log₁₀ of the count)"))

        # ---- search and view controls above the map
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Find a token…"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(
            tr(
                "Type a token's text (exactly, or its beginning) and press Enter: the map rings it and lists its "
                "nearest neighbours. Spaces and newlines are shown as · and ↵."
            )
        )
        self.search.returnPressed.connect(self._on_search)
        self.completer = QCompleter([], self.search)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.completer.activated.connect(lambda text: self.find_token(text, select=True))
        self.search.setCompleter(self.completer)
        self.reset_button = QPushButton(tr("Fit view"))
        self.reset_button.setToolTip(tr("Zoom back out so every token is in view"))
        self.reset_button.clicked.connect(self.fit_view)
        self.summary = QLabel("")
        self.summary.setObjectName("hint")
        self.summary.setToolTip(tr("What the map shows: tokens, the variance the two axes hold, what colours mean"))
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.reset_button)

        # ---- the checkpoint animation below it
        self.play_button = QPushButton(tr("▶ Play"))
        self.play_button.setCheckable(True)
        self.play_button.setToolTip(
            tr(
                "Animate the map through the run's checkpoints, oldest to newest, in the same axes: watch groups of "
                "similar tokens form as training proceeds (from the start again when at the end)"
            )
        )
        self.play_button.toggled.connect(self._on_play_toggled)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setToolTip(tr("The checkpoint shown: drag to move through training (pauses the animation)"))
        self.slider.valueChanged.connect(self._on_slider)
        self.step_label = QLabel("")
        self.step_label.setToolTip(tr("The training step of the checkpoint shown, and which checkpoint it is"))
        widest = tr("step {step} · {index} / {count}").format(step="000,000", index="00", count="00")
        self.step_label.setMinimumWidth(self.step_label.fontMetrics().horizontalAdvance(widest))
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.animation_row = QWidget()
        row = QHBoxLayout(self.animation_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.step_label)
        self.animation_row.setVisible(False)

        # ---- nearest neighbours beside it
        self.neighbours_title = QLabel(tr("Nearest neighbours"))
        self.neighbours_title.setToolTip(tr("The tokens whose embeddings point most nearly the same way (cosine)"))
        self.neighbours_title.setWordWrap(True)
        self.neighbours = QTreeWidget()
        self.neighbours.setColumnCount(2)
        self.neighbours.setHeaderLabels([tr("Token"), tr("Cosine")])
        self.neighbours.setRootIsDecorated(False)
        self.neighbours.setUniformRowHeights(True)
        self.neighbours.header().setStretchLastSection(False)
        self.neighbours.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.neighbours.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.neighbours.setToolTip(
            tr(
                "The selected token's nearest neighbours by cosine similarity of their embeddings (1 = same "
                "direction); click one to select it in turn"
            )
        )
        self.neighbours.itemClicked.connect(self._on_neighbour_clicked)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.neighbours_title)
        side_layout.addWidget(self.neighbours, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.plot, 1)
        left_layout.addWidget(self.animation_row)
        left_layout.addWidget(self.summary)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        side.setMinimumWidth(
            self.fontMetrics().horizontalAdvance(tr("Nearest neighbours of “{token}”").format(token="mmmm")) + 16
        )
        splitter.setSizes([4 * side.minimumWidth(), side.minimumWidth()])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._restyle()

    # ------------------------------------------------------------ data in

    def show_map(
        self,
        points: np.ndarray,
        labels: Sequence[str],
        freqs: np.ndarray | None,
        neighbours_fn: NeighboursFn | None,
        *,
        explained: Sequence[float] | None = None,
    ) -> None:
        """Draw one checkpoint's map: ``points`` ``(V, 2)``, each id's text, its training-split count (``None``:
        unknown, one colour for all) and ``neighbours_fn(id) -> [(id, similarity), ...]`` for the side list.
        ``explained``: the variance share of each axis (PCA), shown in the axis titles."""
        self._stop()
        self._frames = []
        self.animation_row.setVisible(False)
        self._set_data(np.asarray(points, dtype=np.float32), labels, freqs, neighbours_fn, explained)

    def show_frames(
        self,
        frames: Sequence[Any],
        labels: Sequence[str],
        freqs: np.ndarray | None,
        neighbours_fn: NeighboursFn | None = None,
        *,
        explained: Sequence[float] | None = None,
    ) -> None:
        """Draw a run's checkpoints projected in one basis (``embedding_map.run_trajectory``'s frames, each with
        ``.step`` and ``.points``), showing the last; the slider and Play move through them."""
        self._stop()
        self._frames = list(frames)
        if not self._frames:
            self.show_map(np.zeros((0, 2)), [], None, None)
            return
        shapes = {np.asarray(f.points).shape for f in self._frames}
        if len(shapes) != 1:
            raise ValueError(f"frames of different shapes {sorted(shapes)}: project one run's checkpoints")
        self._position = float(len(self._frames) - 1)
        self._set_data(np.asarray(self._frames[-1].points, dtype=np.float32), labels, freqs, neighbours_fn, explained)
        self._setting_slider = True
        self.slider.setRange(0, len(self._frames) - 1)
        self.slider.setValue(len(self._frames) - 1)
        self._setting_slider = False
        self.animation_row.setVisible(len(self._frames) > 1)
        self._update_step_label()

    def _set_data(self, points, labels, freqs, neighbours_fn, explained) -> None:
        if len(labels) != len(points):
            raise ValueError(f"{len(labels)} labels for {len(points)} points: give one label per token")
        if freqs is not None and len(freqs) != len(points):
            raise ValueError(f"{len(freqs)} frequencies for {len(points)} points: give one count per token")
        self._points = points
        self._labels = list(labels)
        self._freqs = None if freqs is None else np.asarray(freqs, dtype=np.int64)
        self._neighbours_fn = neighbours_fn
        self._explained = explained
        self._selected, self._neighbour_ids = None, []
        self.neighbours.clear()
        self.neighbours_title.setText(tr("Nearest neighbours: click a token"))
        self.completer.model().setStringList(sorted({visible(t) for t in self._labels if t}))
        self._order = (
            np.argsort(self._freqs, kind="stable") if self._freqs is not None else np.arange(len(points))
        )  # the most frequent drawn last, on top
        for text_item in self._label_items.values():
            self.plot.getPlotItem().removeItem(text_item)
        self._label_items = {}
        chosen = labelled_ids(points, self._freqs)
        if self._freqs is not None:  # the most frequent first: they win where labels would overlap
            chosen = chosen[np.argsort(-self._freqs[chosen], kind="stable")]
        for i in chosen:
            text_item = pg.TextItem(label_text(self._labels[i]), anchor=(0.5, 1.15))
            text_item.setZValue(3)
            self.plot.getPlotItem().addItem(text_item, ignoreBounds=True)
            self._label_items[int(i)] = text_item
        self._restyle()
        self._draw()
        self.fit_view()
        self.empty_note.set_empty(len(points) == 0)
        self._update_summary()

    # ------------------------------------------------------------ drawing

    def _make_brushes(self) -> None:
        n = len(self._points)
        if self._freqs is None or n == 0:
            color = QColor(accent(self.palette()))
            color.setAlpha(200)
            self._brushes = [pg.mkBrush(color)] * n
            self._levels = (0.0, 1.0)
            return
        values = np.log10(1.0 + self._freqs.astype(np.float64))
        top = float(values.max()) or 1.0
        self._levels = (0.0, top)
        rgba = self.colormap.map(values / top, mode=pg.ColorMap.BYTE)  # (V, 4) uint8
        cache: dict[tuple[int, ...], Any] = {}
        self._brushes = []
        for row in rgba[self._order]:
            key = (int(row[0]), int(row[1]), int(row[2]))
            if key not in cache:
                cache[key] = pg.mkBrush(*key, 230)
            self._brushes.append(cache[key])

    def _draw(self) -> None:
        """Put the points, labels and rings where ``self._points`` says (called on every animation tick)."""
        points = self._points
        if len(points) == 0:
            self.scatter.setData([])
            self.rings.setData([])
            return
        ordered = points[self._order]
        if not self._move_points(ordered):
            self.scatter.setData(
                x=ordered[:, 0], y=ordered[:, 1], data=self._order, brush=self._brushes, pen=self._point_pen
            )
        self._place_labels()
        self._draw_rings()

    def _move_points(self, ordered: np.ndarray) -> bool:
        """Move the drawn points to ``ordered`` in place, keeping their colours; ``False`` when they must be
        drawn anew (another count of points, or a pyqtgraph without the record array used here).

        ``setData`` rebuilds every spot's brush and symbol (36 ms for 5,000 tokens, over an animation tick's
        40 ms); only the coordinates change from frame to frame, so they are written into the item's record
        array and the item told its geometry changed, as ``addPoints`` does."""
        data = getattr(self.scatter, "data", None)
        names = getattr(getattr(data, "dtype", None), "names", None) or ()
        if not self._moving or "x" not in names or "y" not in names or len(data) != len(ordered):
            return False
        data["x"] = ordered[:, 0]
        data["y"] = ordered[:, 1]
        self.scatter.prepareGeometryChange()
        self.scatter.informViewBoundsChanged()
        self.scatter.bounds = [None, None]
        self.scatter.invalidate()
        return True

    def _place_labels(self) -> None:
        """Show the labels that fit: in priority order, each one whose box (in pixels, above its point) overlaps
        no label already shown and lies in view; the rest are hidden. Zooming in makes room for more."""
        if not self._label_items or len(self._points) == 0:
            return
        vb = self.plot.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        width, height = vb.width(), vb.height()
        if width <= 0 or height <= 0 or x1 <= x0 or y1 <= y0:
            return
        ids = np.fromiter(self._label_items, dtype=np.int64, count=len(self._label_items))
        pts = self._points[ids]
        px = (pts[:, 0] - x0) / (x1 - x0) * width
        py = (y1 - pts[:, 1]) / (y1 - y0) * height
        sizes = self._label_sizes if len(self._label_sizes) == len(ids) else np.full((len(ids), 2), (40.0, 14.0))
        cell = (float(sizes[:, 0].max()), float(sizes[:, 1].max()))
        grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
        for k, (i, text_item) in enumerate(self._label_items.items()):
            w, h = sizes[k]
            box = (px[k] - w / 2, py[k] - 1.15 * h, px[k] + w / 2, py[k] - 0.15 * h)
            inside = box[2] > 0 and box[0] < width and box[3] > 0 and box[1] < height
            cx, cy = int(px[k] // cell[0]), int(py[k] // cell[1])
            near = [r for dx in (-1, 0, 1) for dy in (-1, 0, 1) for r in grid.get((cx + dx, cy + dy), ())]
            free = (
                bool(inside)
                and i != self._selected
                and all(box[2] <= r[0] or box[0] >= r[2] or box[3] <= r[1] or box[1] >= r[3] for r in near)
            )
            if free:
                grid.setdefault((cx, cy), []).append(box)
                text_item.setPos(float(self._points[i, 0]), float(self._points[i, 1]))
            if text_item.isVisible() != free:
                text_item.setVisible(free)

    def _measure_labels(self, font) -> None:
        metrics = QFontMetricsF(font)
        self._label_sizes = np.array(
            [(metrics.horizontalAdvance(t.toPlainText()) + 6, metrics.height()) for t in self._label_items.values()]
        ).reshape(-1, 2)

    def _draw_rings(self) -> None:
        if self._selected is None or len(self._points) == 0:
            self.rings.setData([])
            self.selected_label.setVisible(False)
            return
        chosen = self._label_items.get(self._selected)
        if chosen is not None:
            chosen.setVisible(False)  # the highlighted label stands in for it (_place_labels skips it too)
        self.selected_label.setText(label_text(self._labels[self._selected]))
        self.selected_label.setPos(float(self._points[self._selected, 0]), float(self._points[self._selected, 1]))
        self.selected_label.setVisible(True)
        ids = [self._selected, *self._neighbour_ids]
        pens = [self._selected_pen] + [self._neighbour_pen] * len(self._neighbour_ids)
        self.rings.setData(pos=self._points[ids], pen=pens, brush=None, data=ids)

    def fit_view(self) -> None:
        """Show every token, at every checkpoint of the animation (after panning or zooming): the axes stay
        fixed while the tokens move."""
        if len(self._points) == 0:
            return
        tables = [np.asarray(f.points) for f in self._frames] or [self._points]
        low = np.min([t.min(axis=0) for t in tables], axis=0).astype(np.float64)  # float32 overflows pyqtgraph's
        high = np.max([t.max(axis=0) for t in tables], axis=0).astype(np.float64)  # range limits (a warning)
        pad = np.maximum((high - low) * 0.06, 1e-3)
        (x0, y0), (x1, y1) = (low - pad).tolist(), (high + pad).tolist()
        self.plot.getPlotItem().getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _update_summary(self) -> None:
        n = len(self._points)
        if n == 0:
            self.summary.setText("")
            return
        parts = [tr("{n} tokens").format(n=f"{n:,}")]
        if len(self._label_items) < n:
            count = f"{len(self._label_items):,}"
            if self._freqs is not None:
                parts.append(tr("labels on the {count} most frequent (zoom in to read more)").format(count=count))
            else:
                parts.append(tr("labels on the {count} most distinctive (zoom in to read more)").format(count=count))
        if self._freqs is not None:
            parts.append(tr("colour: log₁₀ of each token's count in the training split"))
        else:
            parts.append(tr("one colour for all: the run's prepared training data is not available to count tokens"))
        self.summary.setText(" · ".join(parts))
        x_title, y_title = "PC 1", "PC 2"
        if self._explained is not None and len(self._explained) >= 2:
            share = tr("{axis} ({percent} % of variance)")
            x_title = share.format(axis=x_title, percent=f"{100 * self._explained[0]:.0f}")
            y_title = share.format(axis=y_title, percent=f"{100 * self._explained[1]:.0f}")
        self._axis_titles = {"bottom": x_title, "left": y_title}
        style_plot(self.plot.getPlotItem(), chart_style(), tr("Token embeddings"), self._axis_titles)
        self.bar.setVisible(self._freqs is not None)

    def _tip(self, x: float, y: float, data: Any) -> str:
        return self.tooltip_for(int(data))

    def tooltip_for(self, token_id: int) -> str:
        """The hover text of a token's point: its text, id and training-split count."""
        text = visible(self._labels[token_id]) or "∅"
        if self._freqs is not None:
            count = tr("frequency {count}").format(count=f"{int(self._freqs[token_id]):,}")
        else:
            count = tr("frequency unknown")
        return tr("“{token}”  ·  id {id}  ·  {frequency}").format(token=text, id=token_id, frequency=count)

    # ------------------------------------------------------------ selection and search

    def select_token(self, token_id: int) -> None:
        """Ring ``token_id`` on the map and list its nearest neighbours beside it."""
        if not 0 <= token_id < len(self._points):
            return
        self._selected = int(token_id)
        self.neighbours.clear()
        found = list(self._neighbours_fn(token_id))[:NEIGHBOURS] if self._neighbours_fn else []
        self._neighbour_ids = [int(i) for i, _ in found]
        text = visible(self._labels[token_id]) or "∅"
        if self._neighbours_fn is None:
            self.neighbours_title.setText(
                tr("“{token}” (id {id}): neighbours unavailable for this map").format(token=text, id=token_id)
            )
        else:
            self.neighbours_title.setText(
                tr("Nearest neighbours of “{token}” (id {id})").format(token=text, id=token_id)
            )
        for i, similarity in found:
            item = QTreeWidgetItem([visible(self._labels[i]) or "∅", f"{similarity:+.3f}"])
            item.setData(0, Qt.ItemDataRole.UserRole, int(i))
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = tr("{token}  ·  cosine similarity {similarity}; click to select it").format(
                token=self.tooltip_for(int(i)), similarity=f"{similarity:+.3f}"
            )
            item.setToolTip(0, tip)
            item.setToolTip(1, tip)
            self.neighbours.addTopLevelItem(item)
        self._place_labels()  # the previous choice's label may be shown again
        self._draw_rings()
        self.sig_token_selected.emit(self._selected)

    def find_token(self, text: str, select: bool = True) -> int | None:
        """The id of the token whose text is ``text`` (as typed, or with whitespace shown as · ↵), else the
        most frequent one beginning with it; selected when ``select``. ``None`` when no token matches."""
        if not text or not self._labels:
            return None
        shown = [visible(t) for t in self._labels]
        exact = [i for i, t in enumerate(self._labels) if t == text or shown[i] == text]
        candidates = exact or [i for i, t in enumerate(shown) if t.startswith(text) or self._labels[i].startswith(text)]
        if not candidates:
            return None
        if self._freqs is not None:
            found = max(candidates, key=lambda i: (int(self._freqs[i]), -i))
        else:
            found = min(candidates, key=lambda i: (len(shown[i]), i))
        if select:
            self.select_token(found)
        return found

    def _on_search(self) -> None:
        text = self.search.text()
        found = self.find_token(text)
        if text and found is None:
            self.neighbours.clear()
            self.neighbours_title.setText(tr("No token “{text}” in this vocabulary").format(text=text))

    def _on_clicked(self, _item, points, _event) -> None:
        if len(points):
            self.select_token(int(points[0].data()))

    def _on_neighbour_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        # selecting refills the list, deleting the clicked item: not while the list is still delivering its click
        token_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        QTimer.singleShot(0, self, lambda: self.select_token(token_id))

    # ------------------------------------------------------------ animation

    @property
    def frame_index(self) -> int:
        """The checkpoint shown (the last one passed while animating)."""
        return int(math.floor(self._position + 1e-9))

    @property
    def frame_count(self) -> int:
        return len(self._frames)

    def set_frame(self, index: int) -> None:
        """Show checkpoint ``index`` of the frames (pauses the animation)."""
        if not self._frames:
            return
        self._stop()
        self._go_to(float(max(0, min(index, len(self._frames) - 1))))

    def play(self) -> None:
        """Animate from the checkpoint shown (from the first when at the last one)."""
        if len(self._frames) > 1:
            self.play_button.setChecked(True)

    def pause(self) -> None:
        self._stop()

    def _stop(self) -> None:
        self.timer.stop()
        if self.play_button.isChecked():
            self.play_button.blockSignals(True)
            self.play_button.setChecked(False)
            self.play_button.blockSignals(False)
        self.play_button.setText(tr("▶ Play"))

    def _on_play_toggled(self, on: bool) -> None:
        if not on or len(self._frames) < 2:
            self._stop()
            return
        if self._position >= len(self._frames) - 1:
            self._go_to(0.0)
        self.play_button.setText(tr("⏸ Pause"))
        self.timer.start()

    def _tick(self) -> None:
        last = len(self._frames) - 1
        self._go_to(min(float(last), self._position + TICK_MS / max(1, self.frame_ms)))
        if self._position >= last:
            self._stop()

    def _go_to(self, position: float) -> None:
        """Draw the map at ``position``: a checkpoint, or between two (linear interpolation), for smooth motion."""
        self._position = position
        low = self.frame_index
        high = min(low + 1, len(self._frames) - 1)
        frac = position - low
        start = np.asarray(self._frames[low].points, dtype=np.float32)
        if frac > 1e-6 and high != low:
            end = np.asarray(self._frames[high].points, dtype=np.float32)
            self._points = start + (end - start) * np.float32(frac)
        else:
            self._points = start
        self._moving = True
        try:
            self._draw()
        finally:
            self._moving = False
        self._setting_slider = True
        self.slider.setValue(low)
        self._setting_slider = False
        self._update_step_label()

    def _on_slider(self, value: int) -> None:
        if not self._setting_slider and self._frames:
            self.set_frame(value)

    def _update_step_label(self) -> None:
        if not self._frames:
            self.step_label.setText("")
            return
        frame = self._frames[self.frame_index]
        self.step_label.setText(
            tr("step {step} · {index} / {count}").format(
                step=f"{int(frame.step):,}", index=self.frame_index + 1, count=len(self._frames)
            )
        )

    # ------------------------------------------------------------ theme

    def refresh_theme(self) -> None:
        self._restyle()
        if len(self._points):
            self._draw()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and hasattr(self, "bar"):
            self.refresh_theme()
        super().changeEvent(event)

    def _restyle(self) -> None:
        """Colours and fonts from the application palette (light, dark, presenter mode)."""
        style = chart_style()
        palette = style.palette
        self.plot.setBackground(style.background)
        titles = getattr(self, "_axis_titles", {"bottom": "PC 1", "left": "PC 2"})
        style_plot(self.plot.getPlotItem(), style, tr("Token embeddings"), titles)
        dark = is_dark(palette)
        outline = QColor(palette.color(QPalette.ColorRole.Base))
        outline.setAlpha(160)
        self._point_pen = pg.mkPen(outline, width=0.6)
        self._selected_pen = pg.mkPen(accent(palette), width=2.5)
        self._neighbour_pen = pg.mkPen(QColor("#ff9f1c" if dark else "#d9480f"), width=2)
        self.rings.setBrush(None)
        text_color = palette.color(QPalette.ColorRole.Text)
        bold = QFont(style.font)
        bold.setBold(True)
        self.selected_label.setFont(bold)
        self.selected_label.setColor(accent(palette))
        backdrop = QColor(palette.color(QPalette.ColorRole.Base))
        backdrop.setAlpha(210)
        self.selected_label.fill = pg.mkBrush(backdrop)  # readable over the points it sits on
        for text_item in self._label_items.values():
            text_item.setColor(text_color)
            text_item.setFont(style.small)
        self._measure_labels(style.small)
        for name in ("left", "right", "top", "bottom"):  # the bar's frame, its scale (right), its title (left)
            self.bar.getAxis(name).setPen(pg.mkPen(style.axis))
        self.bar.axis.setTextPen(pg.mkPen(style.text))
        self.bar.axis.setTickFont(style.small)
        self.bar.getAxis("left").setLabel(tr(BAR_TITLE), color=style.text.name(), **{"font-size": style.small_size()})
        self.empty_note.set_empty(len(self._points) == 0, palette)
        self._make_brushes()
        self.bar.setLevels(self._levels)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return QSize(900, 560)


__all__ = ["EmbeddingMapView", "labelled_ids", "label_text"]
