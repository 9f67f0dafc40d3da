"""A labelled heatmap (pyqtgraph ``ImageItem``) for attention weights and hidden-state activations.

``set_matrix(values, row_labels, col_labels)`` draws ``values[row, col]`` with row 0 at the top; token
texts label the axes (every k-th one when there are too many to read). Hovering shows the cell's value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from .charts import _ThemedPlot
from .token_chips import visible

MAX_LABELS = 48  # more rows or columns than this: every k-th token's text labels its axis


class Heatmap(_ThemedPlot):
    def __init__(
        self,
        title: str,
        x_label: str,
        y_label: str,
        tooltip: str,
        colormap: str = "viridis",
        symmetric: bool = False,
        parent=None,
    ) -> None:
        self.image = pg.ImageItem(axisOrder="row-major")
        self._symmetric = symmetric
        self._values = np.zeros((0, 0), dtype=np.float32)
        self._rows: list[str] = []
        self._cols: list[str] = []
        super().__init__(title, x_label, y_label, tooltip, parent)
        self.setMinimumHeight(260)
        self.image.setColorMap(pg.colormap.get(colormap))
        self.addItem(self.image)
        plot = self.getPlotItem()
        plot.invertY(True)
        plot.setAspectLocked(False)
        self.bar = pg.ColorBarItem(colorMap=pg.colormap.get(colormap), interactive=False, width=12)
        self.bar.setImageItem(self.image, insert_in=plot)
        self.scene().sigMouseMoved.connect(self._on_move)

    def set_matrix(
        self,
        values: np.ndarray,
        row_labels: Sequence[str] = (),
        col_labels: Sequence[str] = (),
        levels: tuple[float, float] | None = None,
    ) -> None:
        values = np.asarray(values, dtype=np.float32)
        self._values, self._rows, self._cols = values, list(row_labels), list(col_labels)
        self.empty_note.set_empty(values.size == 0)
        if values.size == 0:
            self.image.clear()
            return
        if levels is None:
            if self._symmetric:
                m = float(np.abs(values).max()) or 1.0
                levels = (-m, m)
            else:
                levels = (float(values.min()), float(values.max()) or 1.0)
        self.image.setImage(values, levels=levels)
        self.bar.setLevels(levels)
        self.image.setRect(0, 0, values.shape[1], values.shape[0])
        plot = self.getPlotItem()
        plot.setXRange(0, values.shape[1], padding=0)
        plot.setYRange(0, values.shape[0], padding=0)
        self._set_ticks("bottom", self._cols, values.shape[1])
        self._set_ticks("left", self._rows, values.shape[0])

    def _set_ticks(self, axis: str, labels: list[str], n: int) -> None:
        """Token texts at the cells; past MAX_LABELS, every k-th token's text (still text, never bare indices),
        the last one always labelled (an attention map's <eos>). Hover gives any cell's pair."""
        ax = self.getPlotItem().getAxis(axis)
        if labels:
            stride = max(1, math.ceil(n / MAX_LABELS))
            shown = sorted({*range(0, min(n, len(labels)), stride), min(n, len(labels)) - 1})
            ax.setTicks([[(i + 0.5, visible(labels[i])[:6] or "∅") for i in shown]])
        else:
            ax.setTicks(None)

    def shape(self) -> tuple[int, ...]:
        return tuple(self._values.shape)

    def _on_move(self, pos) -> None:
        if self._values.size == 0:
            return
        point = self.getPlotItem().vb.mapSceneToView(pos)
        col, row = int(point.x()), int(point.y())
        if 0 <= row < self._values.shape[0] and 0 <= col < self._values.shape[1]:
            r = visible(self._rows[row]) if row < len(self._rows) else str(row)
            c = visible(self._cols[col]) if col < len(self._cols) else str(col)
            self.setToolTip(f"{r} · {c}: {self._values[row, col]:.4f}")

    def _restyle_data(self, palette) -> None:
        if QApplication.instance() is not None:
            self.getPlotItem().getViewBox().setBackgroundColor(None)
