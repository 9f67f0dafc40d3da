"""One token's probabilities: its top alternatives as bars, the distribution before and after
temperature/top-k/top-p, the entropy, and the way to branch from an alternative.

The bars are pyqtgraph ``BarGraphItem`` s with the token texts on the x axis. Clicking a bar of the
alternatives chart, or choosing a row of the list and pressing "Continue with this token", emits
``sig_branch(token_id)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ...core.config import declaration
from ..i18n import tr
from ..theme import accent
from .charts import _ThemedPlot, chart_style
from .token_chips import visible

MAX_TEMPERATURE = declaration("sample.temperature")[1].editor_range()[1]  # the Playground's editor's top


def _ticks(texts: Sequence[str]) -> list[list[tuple[int, str]]]:
    return [[(i, visible(t)[:8] or "∅") for i, t in enumerate(texts)]]


class BarsChart(_ThemedPlot):
    """Bars for one or two series of probabilities (drawn in percent) over labelled categories;
    ``sig_bar_clicked(index)``."""

    sig_bar_clicked = Signal(int)

    def __init__(self, title: str, y_label: str, tooltip: str, parent=None) -> None:
        self._series: list[tuple[list[float], str]] = []
        self._labels: list[str] = []
        self._highlight = -1
        self._items: list[pg.BarGraphItem] = []
        super().__init__(title, "", y_label, tooltip, parent)
        self.setMinimumHeight(180)
        self.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.scene().sigMouseClicked.connect(self._on_click)

    def set_bars(
        self, labels: Sequence[str], series: Sequence[tuple[Sequence[float], str]], highlight: int = -1
    ) -> None:
        self._labels = list(labels)
        self._series = [(list(map(float, v)), name) for v, name in series]
        self._highlight = highlight
        self._draw(QApplication.instance().palette())

    def heights(self, series: int = 0) -> list[float]:
        return list(self._series[series][0]) if series < len(self._series) else []

    def _restyle_data(self, palette: QPalette) -> None:
        self._draw(palette)

    def _draw(self, palette: QPalette) -> None:
        for item in self._items:
            self.removeItem(item)
        self._items = []
        plot = self.getPlotItem()
        if plot.legend is not None:
            plot.legend.clear()
        n = len(self._series)
        self.empty_note.set_empty(not n or not self._labels, palette)
        if not n or not self._labels:
            return
        if n > 1:
            if plot.legend is None:
                plot.addLegend(offset=(-10, 10))
            # entries are re-added below: their labels follow the font (presenter mode) and the palette
            plot.legend.setLabelTextSize(chart_style().small_size())
            plot.legend.setLabelTextColor(palette.color(QPalette.ColorRole.Text))
        width = 0.8 / n
        colors = [accent(palette), QColor("#f0a030")]
        for s, (values, name) in enumerate(self._series):
            x = [i - 0.4 + width * (s + 0.5) for i in range(len(values))]
            brushes = [colors[s % 2]] * len(values)
            if s == 0 and 0 <= self._highlight < len(values):
                brushes[self._highlight] = QColor("#2a9d4a")
            item = pg.BarGraphItem(
                x=x,
                height=[100 * v for v in values],
                width=width * 0.9,
                brush=colors[s % 2],
                brushes=brushes,
                pen=pg.mkPen(None),
                name=name,
            )
            self.addItem(item)
            self._items.append(item)
        plot.getAxis("bottom").setTicks(_ticks(self._labels))
        top = max((max(v) for v, _ in self._series if v), default=1.0)
        plot.setYRange(0, 100 * max(1e-6, top) * 1.08, padding=0)
        plot.setXRange(-0.6, len(self._labels) - 0.4, padding=0)

    def _on_click(self, event) -> None:
        if not self._labels:
            return
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        index = int(round(point.x()))
        if 0 <= index < len(self._labels) and abs(point.x() - index) <= 0.45:
            self.sig_bar_clicked.emit(index)


class ProbabilityView(QWidget):
    """Everything about the probabilities of one position in the text."""

    sig_branch = Signal(int)  # continue the text with this token id instead
    sig_temperature = Signal(float)  # the slider moved

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(tr("Hover or click a token to see its alternatives."))
        self.title.setWordWrap(True)
        self.title.setToolTip(tr("The token shown below, and where it stands in the text"))
        self.entropy = QLabel("")
        self.entropy.setWordWrap(True)
        self.entropy.setToolTip(
            tr(
                "Entropy H = −Σ p ln p of the next-token distribution: 0 when the model is sure, "
                "ln(vocabulary size) when it has no idea"
            )
        )
        self.alternatives = BarsChart(
            tr("Top alternatives (model probability)"),
            tr("probability (%)"),
            tr(
                "The model's most likely tokens at this position; the green bar is the token in the text. "
                "Click a bar to continue the text with that token instead."
            ),
        )
        self.alternatives.sig_bar_clicked.connect(self._bar_clicked)
        self.filtered = BarsChart(
            tr("After temperature, top-k, top-p"),
            tr("probability (%)"),
            tr(
                "Blue: the model's own distribution (temperature 1). Orange: the distribution actually "
                "sampled from with the current temperature, top-k, top-p and repetition penalty"
            ),
        )
        self.choices = QListWidget()
        self.choices.setToolTip(tr("The alternatives with their probabilities; choose one and press Continue"))
        self.choices.setMaximumHeight(150)
        self.choices.itemDoubleClicked.connect(lambda _item: self.branch_selected())
        self.branch_button = QPushButton(tr("Continue with this token"))
        self.branch_button.setToolTip(
            tr("Start a new branch: the text up to here, then the chosen alternative, then generation")
        )
        self.branch_button.clicked.connect(self.branch_selected)
        self.temperature = QSlider(Qt.Orientation.Horizontal)
        self.temperature.setRange(0, int(MAX_TEMPERATURE * 100))
        self.temperature.setValue(80)
        self.temperature.setToolTip(
            tr("Temperature: drag to see the sampled distribution sharpen (low) or flatten (high)")
        )
        self.temperature_label = QLabel("T = 0.80")
        self.temperature_label.setToolTip(tr("The temperature the orange bars are computed with"))
        self.temperature.valueChanged.connect(self._on_slider)
        self._ids: list[int] = []
        self.last_distribution: dict | None = None

        slider_row = QHBoxLayout()
        caption = QLabel(tr("Temperature"))
        caption.setToolTip(self.temperature.toolTip())
        slider_row.addWidget(caption)
        slider_row.addWidget(self.temperature, 1)
        slider_row.addWidget(self.temperature_label)
        grid = QGridLayout()
        grid.addWidget(self.alternatives, 0, 0)
        grid.addWidget(self.filtered, 0, 1)
        side = QVBoxLayout()
        side.addWidget(self.choices)
        side.addWidget(self.branch_button)
        side.addStretch(1)
        grid.addLayout(side, 0, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.entropy)
        layout.addLayout(slider_row)
        layout.addLayout(grid, 1)

    # showing ------------------------------------------------------------------------------------------
    def show_token(self, heading: str, token: dict | None) -> None:
        """Alternatives of a token record (``alternatives``: (id, text, prob)); token None clears."""
        self.title.setText(heading)
        self.choices.clear()
        self._ids = []
        if token is None:
            self.alternatives.set_bars([], [])
            return
        alts = list(token.get("alternatives", []))
        highlight = next((i for i, a in enumerate(alts) if a[0] == token.get("id")), -1)
        self.alternatives.set_bars([a[1] for a in alts], [([a[2] for a in alts], tr("model"))], highlight)
        for token_id, text, p in alts:
            item = QListWidgetItem(f"{p:7.2%}   “{visible(text)}”")
            item.setData(Qt.ItemDataRole.UserRole, token_id)
            item.setToolTip(
                tr("id {token_id}: continue the text with “{token}” instead").format(
                    token_id=token_id, token=visible(text)
                )
            )
            self.choices.addItem(item)
            self._ids.append(token_id)
        if self.choices.count():  # preselect the best alternative that is not the token itself
            self.choices.setCurrentRow(next((i for i, a in enumerate(alts) if a[0] != token.get("id")), 0))

    def show_distributions(self, labels: Sequence[str], dist: dict | None) -> None:
        """Before/after bars and the entropies from :func:`lmstudio.app.playground.distributions`."""
        self.last_distribution = dist
        if dist is None:
            self.filtered.set_bars([], [])
            self.entropy.setText("")
            return
        self.filtered.set_bars(labels, [(dist["raw"], tr("model (T = 1)")), (dist["filtered"], tr("sampled from"))])
        h, hf = dist["entropy_raw"], dist["entropy_filtered"]
        self.entropy.setText(
            tr(
                "Entropy H = {nats} nats ({bits} bits) · after filtering {filtered_nats} nats, "
                "{kept} tokens can be drawn"
            ).format(
                nats=f"{h:.3f}", bits=f"{h / math.log(2):.2f}", filtered_nats=f"{hf:.3f}", kept=f"{dist['kept']:,}"
            )
        )

    # branching and temperature -----------------------------------------------------------------------
    def branch_selected(self) -> None:
        row = self.choices.currentRow()
        if 0 <= row < len(self._ids):
            self.sig_branch.emit(self._ids[row])

    def _bar_clicked(self, index: int) -> None:
        if 0 <= index < len(self._ids):
            self.choices.setCurrentRow(index)
            self.sig_branch.emit(self._ids[index])

    def set_temperature(self, value: float) -> None:
        self.temperature.blockSignals(True)
        self.temperature.setValue(int(round(min(MAX_TEMPERATURE, value) * 100)))
        self.temperature.blockSignals(False)
        self.temperature_label.setText(f"T = {value:.2f}")

    def temperature_value(self) -> float:
        return self.temperature.value() / 100

    def _on_slider(self, value: int) -> None:
        self.temperature_label.setText(f"T = {value / 100:.2f}")
        self.sig_temperature.emit(value / 100)
