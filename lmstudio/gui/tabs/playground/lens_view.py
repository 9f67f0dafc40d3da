"""Inside the model, three views for the Playground (issue 16): the logit lens grid, every attention head at once,
and the knock-out switches. Views only: the tab runs :func:`lmstudio.core.inference.lens.logit_lens` and
:func:`~lmstudio.core.inference.lens.attention_grid` on a worker and hands the results to ``show_*``; the knock-out
panel emits the :class:`~lmstudio.core.inference.lens.KnockOut` the user set, which the tab applies to its jobs.

- :class:`LogitLensView`: layers × tokens, each cell the top next token of that layer, coloured by the probability
  it gives to the model's final prediction (the token chips' probability colours), token text along the top,
  layer names down the side, a tooltip per cell. A table model draws only the visible cells: 256 tokens × 13
  layers stay instant.
- :class:`AttentionGridView`: one small map per layer and head (BertViz's model view); hovering one enlarges it,
  with token text on both axes, clicking keeps it enlarged.
- :class:`KnockoutPanel`: a check box per layer and per head (checked: running), a Reset button.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ....core.inference.lens import KnockOut, LensResult
from ...i18n import tr
from ...theme import is_dark
from ...widgets.heatmap import Heatmap
from ...widgets.token_chips import ColorLegend, legend_row, probability_color, visible

CELL_CHARS = 6  # a lens cell is this many average characters wide; longer tokens end in "…" (the tooltip has all)
THUMB = 64  # side of one head's small map, in pixels
THUMB_GAP = 6
THUMB_PIXELS = 128  # a head's map is max-pooled to at most this many rows and columns before it is drawn small


def _quoted(text: str) -> str:
    return f"“{visible(text) or '∅'}”"


# -- the logit lens --------------------------------------------------------------------------------------------
class LensTableModel(QAbstractTableModel):
    """The lens as a table: row = layer read (as in the result: the embeddings first, the output last), column =
    position; display text, background colour and tooltip computed when a cell is drawn."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.result: LensResult | None = None
        self.tokens: list[str] = []
        self._texts: list[list[str]] = []  # visible top-token text per cell
        self._names: dict[int, str] = {}  # token id -> its text
        self.dark = False

    def set_lens(self, result: LensResult, tokens: Sequence[str], vocab_text: Callable[[int], str]) -> None:
        self.beginResetModel()
        self.result = result
        self.tokens = list(tokens)
        ids = np.unique(result.top_ids)
        self._names = {int(i): vocab_text(int(i)) for i in ids}
        self._texts = [[visible(self._names[int(i)]) or "∅" for i in row] for row in result.top_ids]
        self.endResetModel()

    def set_dark(self, dark: bool) -> None:
        if dark != self.dark:
            self.dark = dark
            if self.rowCount() and self.columnCount():
                self.dataChanged.emit(
                    self.index(0, 0),
                    self.index(self.rowCount() - 1, self.columnCount() - 1),
                    [Qt.ItemDataRole.BackgroundRole],
                )

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt)
        return 0 if self.result is None or parent.isValid() else self.result.top_ids.shape[0]

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 (Qt)
        return 0 if self.result is None or parent.isValid() else self.result.top_ids.shape[1]

    def cell_text(self, row: int, col: int) -> str:
        """The top token's text at (row, col), whitespace made visible."""
        return self._texts[row][col]

    def cell_color(self, row: int, col: int) -> QColor:
        return probability_color(float(self.result.final_probs[row, col]), self.dark)

    def cell_tooltip(self, row: int, col: int) -> str:
        r = self.result
        top, final = int(r.top_ids[row, col]), int(r.top_ids[-1, col])
        token = _quoted(self.tokens[col]) if col < len(self.tokens) else tr("token {index}").format(index=col + 1)
        lines = [
            tr("{layer}, after {token} (token {index} of {total})").format(
                layer=r.layer_names[row], token=token, index=col + 1, total=r.top_ids.shape[1]
            ),
            tr("top prediction {token}: {probability}").format(
                token=_quoted(self._names[top]), probability=f"{r.top_probs[row, col]:.1%}"
            ),
        ]
        if row == r.top_ids.shape[0] - 1:
            lines.append(tr("this is the model's own output"))
        else:
            lines.append(
                tr("the model's final prediction {token}: {here} here, {output} at the output").format(
                    token=_quoted(self._names[final]),
                    here=f"{r.final_probs[row, col]:.1%}",
                    output=f"{r.final_probs[-1, col]:.1%}",
                )
            )
        return "\n".join(lines)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if self.result is None or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[row][col]
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.cell_color(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.cell_tooltip(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if self.result is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            text = self.tokens[section] if section < len(self.tokens) else str(section + 1)
            if role == Qt.ItemDataRole.DisplayRole:
                return visible(text) or "∅"
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr("Input token {index}: {token}; each row below predicts the token after it").format(
                    index=section + 1, token=_quoted(text)
                )
        else:
            name = self.result.layer_names[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return name
            if role == Qt.ItemDataRole.ToolTipRole:
                if name == "embed":
                    return tr("The embeddings alone, read through the final norm and the output head (no layer run)")
                if section == self.result.top_ids.shape[0] - 1:
                    return tr(
                        "The residual stream after {layer}, read through the final norm and the output head: the "
                        "model's own output"
                    ).format(layer=name)
                return tr("The residual stream after {layer}, read through the final norm and the output head").format(
                    layer=name
                )
        return None


class _LensTable(QTableView):
    """The lens grid: no corner "select all" button (nothing here is selected; QTableView shows it again at every
    layout, so it is hidden after each)."""

    def updateGeometries(self) -> None:
        super().updateGeometries()
        for button in self.findChildren(QAbstractButton):
            button.hide()


class LogitLensView(QWidget):
    """The logit lens: what each layer would predict next if it were the last, per position (see the module)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = LensTableModel(self)
        self.table = _LensTable()
        self.table.setModel(self.grid)
        self.table.setToolTip(
            tr(
                "Each row: the next token that layer would predict if it were the last; colour: the probability it "
                "gives to the model's final prediction (green: already sure). Hover a cell for the numbers"
            )
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setShowGrid(True)
        self.table.setMinimumHeight(120)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setHighlightSections(False)
        self.table.horizontalHeader().setToolTip(tr("The input tokens, in order"))
        self.table.verticalHeader().setToolTip(tr("The layers read, from the embeddings (top) to the output (bottom)"))
        self.legend = ColorLegend()
        self.legend.set_mode("probability")
        self.legend.setToolTip(tr("Cell colour: the probability that layer gives to the model's final prediction"))
        self.note = QLabel(tr("Press Look inside to read every layer's prediction."))
        self.note.setWordWrap(True)
        self.note.setToolTip(tr("What the grid shows, and how early the model's answers form"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(legend_row(self.legend, tr("P(final prediction)")))
        layout.addWidget(self.table, 1)
        self._size_sections()

    def show_lens(self, result: LensResult, tokens: Sequence[str], vocab_text: Callable[[int], str]) -> None:
        """Draw ``result`` over ``tokens`` (the input tokens' texts, one per column); ``vocab_text(id)`` gives a
        token id's text for the cells."""
        self.grid.set_dark(is_dark(self.palette()))
        self.grid.set_lens(result, tokens, vocab_text)
        self._size_sections()
        self.note.setText(self._summary(result))

    @staticmethod
    def _summary(result: LensResult) -> str:
        rows, T = result.top_ids.shape
        # per position, the first row from which every later row already has the final prediction on top
        settled = (result.top_ids == result.top_ids[-1]).astype(np.int8)
        first = rows - np.argmin(settled[::-1], axis=0)  # the bottom run of 1s starts here...
        first[settled.all(axis=0)] = 0  # ...or at the top when the whole column agrees
        half = int(np.sort(first)[math.ceil(T / 2) - 1])  # the row by which at least half the positions settle
        return tr(
            "{rows} rows × {tokens} tokens. Each cell: the next token that row would predict if the model stopped "
            "there. At half of the positions or more, the final prediction is on top from “{layer}” on."
        ).format(rows=rows, tokens=T, layer=result.layer_names[half])

    def _size_sections(self) -> None:
        fm = QFontMetrics(self.table.font())
        self.table.horizontalHeader().setDefaultSectionSize(fm.averageCharWidth() * CELL_CHARS + 10)
        self.table.verticalHeader().setDefaultSectionSize(fm.height() + 8)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and hasattr(self, "grid"):
            self.grid.set_dark(is_dark(self.palette()))
        elif event.type() == QEvent.Type.FontChange and hasattr(self, "table"):
            self._size_sections()
        super().changeEvent(event)


# -- attention, every layer and head ---------------------------------------------------------------------------
def _pooled(values: np.ndarray, size: int) -> np.ndarray:
    """A (T, T) map max-pooled to at most (size, size): a sharp attention to one token stays visible small."""
    n = values.shape[0]
    if n <= size:
        return values
    k = math.ceil(n / size)
    m = math.ceil(n / k)
    padded = np.zeros((m * k, m * k), dtype=values.dtype)
    padded[:n, :n] = values
    return padded.reshape(m, k, m, k).max(axis=(1, 3))


def top_level(values: np.ndarray) -> float:
    """The weight drawn brightest in a (T, T) causal map: its largest below the first row. The first token can only
    read itself (weight 1 in every head), so counting it would scale every map alike and hide its pattern."""
    rows = values[1:] if values.shape[0] > 1 else values
    return max(1e-6, float(rows.max())) if rows.size else 1.0


class AttentionThumbnails(QWidget):
    """Small multiples: one map per layer (row) and head (column), each scaled by :func:`top_level`. Hovering a map
    emits ``sig_hovered(layer, head)`` ((-1, -1) on leaving), clicking it ``sig_clicked``."""

    sig_hovered = Signal(int, int)
    sig_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setToolTip(tr("One map per layer (row) and head (column); hover one to enlarge it, click to keep it"))
        self.images: list[list[QImage]] = []
        self.knockout = KnockOut()
        self.selected: tuple[int, int] | None = None
        self._hover: tuple[int, int] | None = None
        self._lut = pg.colormap.get("viridis").getLookupTable(nPts=256)  # (256, 3) uint8

    def set_weights(self, weights: np.ndarray) -> None:
        self.images = [[self._image(w) for w in layer] for layer in weights]
        self._hover = None
        self.updateGeometry()
        self.adjustSize()
        self.update()

    def _image(self, values: np.ndarray) -> QImage:
        values = np.asarray(values, dtype=np.float32)
        small = _pooled(values, THUMB_PIXELS)
        index = (np.clip(small * (255.0 / top_level(values)), 0.0, 255.0)).astype(np.uint8)
        rgb = np.ascontiguousarray(self._lut[index])  # (t, t, 3)
        h, w = rgb.shape[:2]
        return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()  # copy: own the pixels

    def set_knocked_out(self, knockout: KnockOut) -> None:
        self.knockout = knockout
        self.update()

    def count(self) -> int:
        """How many small maps are drawn (layers × heads)."""
        return sum(len(layer) for layer in self.images)

    def _margins(self) -> tuple[int, int]:
        fm = QFontMetrics(self.font())
        return fm.horizontalAdvance("L99") + 8, fm.height() + 4

    def cell_rect(self, layer: int, head: int) -> QRect:
        left, top = self._margins()
        return QRect(left + head * (THUMB + THUMB_GAP), top + layer * (THUMB + THUMB_GAP), THUMB, THUMB)

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        left, top = self._margins()
        x, y = pos.x() - left, pos.y() - top
        if x < 0 or y < 0:
            return None
        head, layer = x // (THUMB + THUMB_GAP), y // (THUMB + THUMB_GAP)
        inside = x % (THUMB + THUMB_GAP) < THUMB and y % (THUMB + THUMB_GAP) < THUMB
        if inside and layer < len(self.images) and head < len(self.images[layer]):
            return int(layer), int(head)
        return None

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        left, top = self._margins()
        layers = len(self.images)
        heads = max((len(row) for row in self.images), default=0)
        return QSize(left + heads * (THUMB + THUMB_GAP) + 2, top + layers * (THUMB + THUMB_GAP) + 2)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt)
        return self.sizeHint()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if not self.images:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.TextFlag.TextWordWrap, tr("No attention yet."))
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        text = palette.color(QPalette.ColorRole.Text)
        left, top = self._margins()
        painter.setPen(text)
        for head in range(len(self.images[0])):
            r = self.cell_rect(0, head)
            painter.drawText(QRect(r.left(), 0, THUMB, top), Qt.AlignmentFlag.AlignCenter, f"H{head + 1}")
        off_pen = QPen(palette.color(QPalette.ColorRole.BrightText), 2)
        focus = QPen(palette.color(QPalette.ColorRole.Highlight), 3)
        for layer, row in enumerate(self.images):
            r0 = self.cell_rect(layer, 0)
            painter.setPen(text)
            painter.drawText(QRect(0, r0.top(), left - 4, THUMB), Qt.AlignmentFlag.AlignCenter, f"L{layer + 1}")
            for head, image in enumerate(row):
                r = self.cell_rect(layer, head)
                if not r.intersects(event.rect()):
                    continue
                painter.drawImage(r, image)
                if layer in self.knockout.layers or (layer, head) in self.knockout.heads:
                    painter.setPen(off_pen)
                    painter.drawLine(r.topLeft(), r.bottomRight())
                    painter.drawLine(r.bottomLeft(), r.topRight())
                if (layer, head) in (self._hover, self.selected):
                    painter.setPen(focus)
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRect(r.adjusted(-1, -1, 1, 1))

    def tooltip_at(self, pos: QPoint) -> str:
        cell = self.cell_at(pos)
        if cell is None:
            return ""
        layer, head = cell
        off = layer in self.knockout.layers or cell in self.knockout.heads
        if off:
            return tr("Layer {layer}, head {head} (switched off): hover to enlarge, click").format(
                layer=layer + 1, head=head + 1
            )
        return tr("Layer {layer}, head {head}: hover to enlarge, click").format(layer=layer + 1, head=head + 1)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
                return True
        return super().event(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt)
        cell = self.cell_at(event.position().toPoint())
        if cell != self._hover:
            self._hover = cell
            self.update()
            self.sig_hovered.emit(*(cell or (-1, -1)))
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt)
        cell = self.cell_at(event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.selected = cell
            self.update()
            self.sig_clicked.emit(*cell)
        super().mousePressEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 (Qt)
        if self._hover is not None:
            self._hover = None
            self.update()
            self.sig_hovered.emit(-1, -1)
        super().leaveEvent(event)


class HeadHeatmap(Heatmap):
    """The enlarged head: the shared heatmap, whose title names the layer and head shown."""

    def set_title(self, title: str) -> None:
        self._title = title
        self._fit_title()  # the label keeps its colour and size: only the text changes


class AttentionGridView(QWidget):
    """Every layer × head of the current text at once; one of them enlarged with token text on both axes."""

    sig_head_clicked = Signal(int, int)  # (layer, head), 0-based: the head the user pinned

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.weights = np.zeros((0, 0, 0, 0), dtype=np.float32)
        self.tokens: list[str] = []
        self.shown: tuple[int, int] | None = None
        self.thumbnails = AttentionThumbnails()
        self.thumbnails.sig_hovered.connect(self._on_hover)
        self.thumbnails.sig_clicked.connect(self._on_click)
        self.area = area = QScrollArea()
        area.setWidget(self.thumbnails)
        area.setWidgetResizable(False)
        area.setToolTip(tr("Every layer and head; scroll for more"))
        self.enlarged = HeadHeatmap(
            tr("Attention"),
            tr("key: the token attended to"),
            tr("query: the token attending"),
            tr(
                "The head under the mouse (or the one clicked): row i, how much token i reads each earlier token "
                "(each row sums to 1)"
            ),
        )
        self.note = QLabel(tr("Press Look inside to see every attention head of the model at once."))
        self.note.setWordWrap(True)
        self.note.setToolTip(tr("What the small maps show"))
        self.split = QSplitter()
        self.split.setToolTip(tr("Drag the handle to share the room between the small maps and the enlarged one"))
        self.split.addWidget(area)
        self.split.addWidget(self.enlarged)
        self.split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.split, 1)

    def show_attention(self, weights: np.ndarray, tokens: Sequence[str]) -> None:
        """Draw ``weights`` (layers, heads, T, T), as :func:`~lmstudio.core.inference.lens.attention_grid` returns,
        over ``tokens`` (the T tokens' texts, for the enlarged map's axes)."""
        weights = np.asarray(weights, dtype=np.float32)
        if weights.ndim != 4 or weights.shape[2] != weights.shape[3]:
            raise ValueError(f"attention weights must be (layers, heads, T, T), not {weights.shape}")
        self.weights, self.tokens = weights, list(tokens)
        self.thumbnails.set_weights(weights)
        # the small maps get the width they need, up to half of the view; the enlarged map the rest
        total = max(self.split.width(), 400)
        frame = 2 * self.area.frameWidth() + self.area.verticalScrollBar().sizeHint().width()
        want = min(self.thumbnails.sizeHint().width() + frame, total // 2)
        self.split.setSizes([want, total - want])
        L, H, T = weights.shape[:3]
        self.note.setText(
            tr(
                "{layers} layers × {heads} heads over {tokens} tokens, each map scaled to its own largest weight "
                "(bright: attended). Hover a map to enlarge it; click to keep it. Diagonals read the token itself, "
                "vertical stripes one token everyone reads, a shifted diagonal the previous token."
            ).format(layers=L, heads=H, tokens=T)
        )
        pinned = self.thumbnails.selected
        if pinned is None or pinned[0] >= L or pinned[1] >= H:
            self.thumbnails.selected = pinned = (0, 0) if L and H else None
        if pinned is not None:
            self.show_head(*pinned)

    def set_knocked_out(self, knockout: KnockOut) -> None:
        """Cross out the heads and layers ``knockout`` switches off."""
        self.thumbnails.set_knocked_out(knockout)

    def show_head(self, layer: int, head: int) -> None:
        """Enlarge one head's map, token text on both axes."""
        values = self.weights[layer, head]
        self.shown = (layer, head)
        self.enlarged.set_title(tr("Layer {layer}, head {head}").format(layer=layer + 1, head=head + 1))
        self.enlarged.set_matrix(values, self.tokens, self.tokens, levels=(0.0, top_level(values)))

    def _on_hover(self, layer: int, head: int) -> None:
        if layer >= 0:
            self.show_head(layer, head)
        elif self.thumbnails.selected is not None:  # the mouse left: back to the pinned head
            self.show_head(*self.thumbnails.selected)

    def _on_click(self, layer: int, head: int) -> None:
        self.show_head(layer, head)
        self.sig_head_clicked.emit(layer, head)


# -- knock-outs --------------------------------------------------------------------------------------------------
class KnockoutPanel(QWidget):
    """Switch layers and heads off: one check box per layer and per head, checked while it runs. Emits
    ``sig_changed(KnockOut)`` on every change the user makes; :meth:`set_knockout` (a saved view) does not."""

    sig_changed = Signal(object)  # KnockOut

    def __init__(self, n_layer: int = 0, n_head: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer_boxes: list[QCheckBox] = []
        self.head_boxes: list[list[QCheckBox]] = []
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setContentsMargins(0, 0, 0, 0)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(self._inner)
        area.setToolTip(tr("Uncheck a layer or a head to switch it off"))
        self.reset_button = QPushButton(tr("Reset"))
        self.reset_button.setToolTip(tr("Switch every layer and head back on: the model as trained"))
        self.reset_button.clicked.connect(self.reset)
        self.summary = QLabel(KnockOut().describe(tr).capitalize())
        self.summary.setToolTip(tr("What is switched off now; generation and Score use the same model"))
        self.summary.setWordWrap(True)
        intro = QLabel(
            tr(
                "Uncheck a head to zero its output, or a layer to skip its block (the residual stream passes it "
                "unchanged); then generate or score again to see what it did."
            )
        )
        intro.setWordWrap(True)
        intro.setToolTip(tr("Knock-outs: switch parts of the model off to see what they do"))
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(area, 1)
        layout.addLayout(row)
        self.set_shape(n_layer, n_head)

    def set_shape(self, n_layer: int, n_head: int) -> None:
        """Rebuild the switches for a model of ``n_layer`` blocks of ``n_head`` heads (all on)."""
        for box in self.layer_boxes + [b for row in self.head_boxes for b in row]:
            self._grid.removeWidget(box)
            box.deleteLater()
        self.layer_boxes, self.head_boxes = [], []
        for layer in range(n_layer):
            box = QCheckBox(tr("Layer {layer}").format(layer=layer + 1))
            box.setChecked(True)
            box.setToolTip(
                tr("Layer {layer} runs while checked; unchecked, the whole block is skipped").format(layer=layer + 1)
            )
            box.toggled.connect(self._on_toggle)
            self._grid.addWidget(box, layer, 0)
            self.layer_boxes.append(box)
            heads = []
            for head in range(n_head):
                hb = QCheckBox(f"H{head + 1}")
                hb.setChecked(True)
                hb.setToolTip(
                    tr("Head {head} of layer {layer} runs while checked; unchecked, its output is zeroed").format(
                        head=head + 1, layer=layer + 1
                    )
                )
                hb.toggled.connect(self._on_toggle)
                self._grid.addWidget(hb, layer, head + 1)
                heads.append(hb)
            self.head_boxes.append(heads)
        self._grid.setColumnStretch(n_head + 1, 1)
        self._refresh()

    def knockout(self) -> KnockOut:
        """What the check boxes switch off now."""
        return KnockOut(
            frozenset(i for i, b in enumerate(self.layer_boxes) if not b.isChecked()),
            frozenset((i, j) for i, row in enumerate(self.head_boxes) for j, b in enumerate(row) if not b.isChecked()),
        )

    def set_knockout(self, knockout: KnockOut) -> None:
        """Show ``knockout`` (a saved view) without emitting; a ConfigError when it names layers or heads this
        model does not have."""
        knockout.check(len(self.layer_boxes), len(self.head_boxes[0]) if self.head_boxes else 0)
        boxes = self.layer_boxes + [b for row in self.head_boxes for b in row]
        for box in boxes:
            box.blockSignals(True)
        try:
            for i, box in enumerate(self.layer_boxes):
                box.setChecked(i not in knockout.layers)
            for i, row in enumerate(self.head_boxes):
                for j, box in enumerate(row):
                    box.setChecked((i, j) not in knockout.heads)
        finally:
            for box in boxes:
                box.blockSignals(False)
        self._refresh()

    def reset(self) -> None:
        """Everything back on; emits ``sig_changed`` when something was off."""
        if self.knockout():
            self.set_knockout(KnockOut())
            self.sig_changed.emit(KnockOut())

    def _on_toggle(self) -> None:
        self._refresh()
        self.sig_changed.emit(self.knockout())

    def _refresh(self) -> None:
        knockout = self.knockout()
        self.summary.setText(knockout.describe(tr).capitalize())
        for box, heads in zip(self.layer_boxes, self.head_boxes):
            for hb in heads:
                hb.setEnabled(box.isChecked())  # a skipped block's heads do not run either way
        self.reset_button.setEnabled(bool(knockout))
