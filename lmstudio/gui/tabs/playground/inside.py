"""Inside the model: Score (each token's surprisal in any text, the chain rule with its numbers, and GLTR's
summary: rank buckets, probability ratio to the top-1 and entropy) and the attention maps or hidden states.
Views only: the tab runs the jobs and hands the results to ``show_*``; buttons emit ``sig_*`` requests."""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ....app.train_metrics import BPC_NA_REASON
from ...i18n import QT_TR_NOOP, tr
from ...theme import is_dark
from ...widgets.charts import HistogramChart
from ...widgets.common import scrolled
from ...widgets.heatmap import Heatmap
from ...widgets.token_chips import ColorLegend, TokenChips, legend_row, rank_color

SCORE_SAMPLE = "ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east, and Juliet is the sun."

# The Score chips' colourings: (chips mode, name, what it shows)
SCORE_COLOR_MODES = (
    (
        "surprisal",
        QT_TR_NOOP("Probability"),
        QT_TR_NOOP("Colour each token by its surprisal −log₂ P(token | text before it): green likely, red surprising"),
    ),
    (
        "rank",
        QT_TR_NOOP("Rank bucket (GLTR)"),
        QT_TR_NOOP(
            "Colour each token by its rank among all candidates (GLTR): green top 10, yellow top 100, red top 1000, "
            "purple beyond. Text sampled from a model is mostly green; human text has more red and purple tokens."
        ),
    ),
)
# A representative rank of each GLTR summary bucket (top 1, top 10, top 100, rest): its bar takes the colour the
# chips give that rank in "Rank bucket (GLTR)" mode, so bars and chips agree (the top-1 bar a deeper green).
BUCKET_COLOR_RANKS = (1, 10, 100, 1000)


def formula_html(result: dict, shown: int = 4, conditional: bool = False) -> str:
    """The chain rule written out with this text's numbers; ``conditional`` (a translation run's score, whose
    result also carries "source"): log P(target | source)."""
    per = result.get("per_token", [])
    n, chars = result["tokens"], result["chars"]
    conditional = conditional or "source" in result
    source = tr("source")  # the source text, as a condition in the formula: P(y | source)
    given = f", {source}" if conditional else ""
    whole = f"log P(y<sub>1</sub>…y<sub>n</sub> | {source})" if conditional else "log P(w<sub>1</sub>…w<sub>n</sub>)"
    w = "y" if conditional else "w"
    chain = f"Σ<sub>i</sub> log P({w}<sub>i</sub> | {w}<sub>&lt;i</sub>{given})"
    if not per:
        return tr("Score a text to see {whole} = {chain}.").format(whole=whole, chain=chain)
    terms = " + ".join(f"({t['logprob']:.2f})" for t in per[:shown]) + (" + …" if n > shown else "")
    total = result["total_logprob"]
    return (
        tr("{whole} = {chain} = {terms} = <b>{total}</b> nats over n = {n} tokens").format(
            whole=whole, chain=chain, terms=terms, total=f"{total:.2f}", n=f"{n:,}"
        )
        + "<br>"
        + tr("perplexity = exp(−log P / n) = exp({neg_total} / {n}) = <b>{perplexity}</b>").format(
            neg_total=f"{-total:.2f}", n=f"{n:,}", perplexity=f"{result['perplexity']:.3f}"
        )
        + " · "
        + (
            tr("bits per character = −log P / ({chars} chars × ln 2) = <b>{bpc}</b>").format(
                chars=f"{chars:,}", bpc=f"{result['bits_per_char']:.4f}"
            )
            if math.isfinite(result["bits_per_char"])
            else tr("bits per character: <b>n/a</b> ({reason})").format(
                reason=html.escape(result.get("bits_per_char_note") or BPC_NA_REASON)
            )
        )
        + " · "
        + tr("mean surprisal {bits} bits/token").format(bits=f"{-total / max(1, n) / math.log(2):.3f}")
    )


def bucket_colors(dark: bool = False) -> list[QColor]:
    """The bars' colours of GLTR's rank buckets (top 1, top 10, top 100, rest), as the chips colour those ranks in
    rank-bucket mode; the top-1 bar a deeper shade of the top-10 green, so the two read apart."""
    colors = [QColor(rank_color(rank, dark)) for rank in BUCKET_COLOR_RANKS]
    colors[0] = colors[0].darker(135) if not dark else colors[0].lighter(140)
    return colors


class GltrBucketChart(HistogramChart):
    """GLTR's rank-bucket histogram: one bar per bucket in its colour, the bucket's name under it and its count
    and share above it. ``set_buckets(counts, labels)``; ``counts()`` and ``bar_labels()`` say what is shown."""

    def __init__(self, title: str, x_label: str, y_label: str, tooltip: str, parent=None) -> None:
        self._labels: list[str] = []
        self._texts: list[pg.TextItem] = []
        super().__init__(title, x_label, y_label, tooltip, parent)

    def set_buckets(self, counts: list[int], labels: list[str]) -> None:
        self._labels = list(labels)
        self.set_histogram(counts, [k - 0.5 for k in range(len(counts) + 1)])

    def counts(self) -> list[float]:
        return list(self._data[0])

    def bar_labels(self) -> list[str]:
        """The text above each bar: its count and its share of the tokens."""
        return [t.toPlainText() for t in self._texts]

    def _draw(self, palette: QPalette) -> None:
        for item in self._texts:
            self.removeItem(item)
        self._texts = []
        if self._bars is not None:
            self.removeItem(self._bars)
            self._bars = None
        counts, _ = self._data
        empty = not counts or not sum(counts)
        self.empty_note.set_empty(empty, palette)
        self.getPlotItem().getAxis("bottom").setTicks([list(enumerate(self._labels))])
        if empty:
            return
        colors = bucket_colors(is_dark(palette))
        brushes = [colors[min(k, len(colors) - 1)] for k in range(len(counts))]
        pens = [pg.mkPen(c.darker(140)) for c in brushes]
        self._bars = pg.BarGraphItem(x=list(range(len(counts))), width=0.8, height=counts, brushes=brushes, pens=pens)
        self.addItem(self._bars)
        total = sum(counts)
        text = palette.color(QPalette.ColorRole.Text)
        for k, count in enumerate(counts):
            label = pg.TextItem(f"{count:,.0f} ({count / total:.0%})", color=text, anchor=(0.5, 1.0))
            label.setPos(k, count)
            self.addItem(label)
            self._texts.append(label)
        plot = self.getPlotItem()
        plot.setXRange(-0.6, len(counts) - 0.4, padding=0)
        plot.setYRange(0, max(counts) * 1.25, padding=0)


def gltr_note(summary: dict) -> str:
    """One line under GLTR's charts: the tokens summarised and the means of what the charts show."""
    n = summary.get("tokens", 0)
    if not n:
        return tr("Score a text to see how its tokens rank under the model.")
    parts = [tr("{n} tokens").format(n=f"{n:,}"), tr("mean rank {rank}").format(rank=f"{summary['mean_rank']:.1f}")]
    if math.isfinite(summary.get("mean_ratio", math.nan)):
        parts.append(tr("mean p/p(top-1) {ratio}").format(ratio=f"{summary['mean_ratio']:.2f}"))
    if math.isfinite(summary.get("mean_entropy_bits", math.nan)):
        parts.append(tr("mean entropy {bits} bits").format(bits=f"{summary['mean_entropy_bits']:.2f}"))
    if math.isfinite(summary.get("mean_surprisal_bits", math.nan)):
        parts.append(tr("mean surprisal {bits} bits").format(bits=f"{summary['mean_surprisal_bits']:.2f}"))
    return " · ".join(parts)


class ScorePanel(QWidget):
    """Score mode: a text, its tokens as chips coloured by probability or by GLTR's rank bucket, the chain rule
    with its numbers, and GLTR's summary (rank buckets, p / p(top-1), entropy). ``sig_score(text)`` asks the tab
    to score; the tab hands the result to ``show_result``."""

    sig_score = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit(SCORE_SAMPLE)
        self.text.setToolTip(tr("Any text: each of its tokens is scored by how surprised the model is to see it"))
        self.text.setMaximumHeight(120)
        self.button = QPushButton(tr("Score text"))
        self.button.setToolTip(
            tr("Compute each token's probability given the tokens before it (Ctrl+Return in the text box)")
        )
        self.button.clicked.connect(lambda: self.sig_score.emit(self.text.toPlainText()))
        self.chips = TokenChips(
            tr("Each token coloured by its surprisal −log₂ P(token | text before it); hover for the numbers")
        )
        self.chips.set_mode("surprisal")
        self.chips.set_empty_text(tr("Press Score text to colour each token by how surprising it is to the model."))
        self.legend = ColorLegend()
        self.legend.set_mode("surprisal")
        self.color_mode = QComboBox()
        for key, name, tip in SCORE_COLOR_MODES:
            self.color_mode.addItem(tr(name), key)
            self.color_mode.setItemData(self.color_mode.count() - 1, tr(tip), Qt.ItemDataRole.ToolTipRole)
        self.color_mode.setToolTip(
            tr(
                "What the chip colours show: each token's probability (surprisal), or its rank bucket as in GLTR "
                "(green top 10, yellow top 100, red top 1000, purple beyond): human text has more red and purple "
                "tokens than text sampled from a model"
            )
        )
        self.color_mode.currentIndexChanged.connect(self._on_color_mode)
        self.formula = QLabel(formula_html({"tokens": 0, "chars": 0}))
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setWordWrap(True)
        self.formula.setToolTip(
            tr(
                "The chain rule of probability: a text's log-probability is the sum of its tokens' "
                "log-probabilities, each given the tokens before it"
            )
        )
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result: dict | None = None
        self.translation = False
        self._lm_state = (self.text.toolTip(), self.button.text(), self.button.toolTip(), self.chips.toolTip())
        self._texts = {False: SCORE_SAMPLE, True: ""}
        self.cleaning_note = QLabel()
        self.cleaning_note.setObjectName("hint")
        self.cleaning_note.setToolTip(tr("The text is cleaned like the run's corpus before it is scored"))
        self.cleaning_note.hide()
        self.gltr = self._build_gltr()
        row = QHBoxLayout()
        row.addWidget(self.color_mode)
        row.addWidget(legend_row(self.legend, tr("Colour by")), 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.cleaning_note)
        layout.addLayout(row)
        layout.addWidget(self.formula)
        layout.addWidget(scrolled(self.chips), 1)
        layout.addWidget(self.gltr)

    def _build_gltr(self) -> QGroupBox:
        """GLTR's summary (Gehrmann et al. 2019) under the chips: three small histograms and their means."""
        box = QGroupBox(tr("GLTR summary"))
        box.setToolTip(
            tr(
                "GLTR (Gehrmann et al. 2019): how the model ranks each actual token of the text. Text sampled from a "
                "model keeps to its top predictions; human text picks more unlikely tokens"
            )
        )
        self.bucket_chart = GltrBucketChart(
            tr("Rank buckets"),
            tr("rank of the actual token"),
            tr("tokens"),
            tr(
                "How many tokens the model ranked first (top 1), 2nd–10th (top 10), 11th–100th (top 100) or lower "
                "(rest); above each bar its count and share. Human text has more tokens in the last buckets than "
                "text sampled from a model. Colours as the chips in rank-bucket mode."
            ),
        )
        self.ratio_chart = HistogramChart(
            "p / p(top-1)",
            tr("probability ratio to the top-1"),
            tr("tokens"),
            tr(
                "Each token's probability divided by that of the model's top prediction at its position, in 10 "
                "bins over 0–1: the top token itself has 1, tokens far below the favourite pile up near 0 (frequent "
                "in human text, rare in sampled text)"
            ),
        )
        self.entropy_chart = HistogramChart(
            tr("Entropy"),
            tr("entropy of the prediction (bits)"),
            tr("tokens"),
            tr(
                "How unsure the model was at each position before seeing the token: the entropy of its whole "
                "predictive distribution, in bits (0: certain; log₂ of the vocabulary size: no idea)"
            ),
        )
        self.gltr_means = QLabel(gltr_note({}))
        self.gltr_means.setObjectName("hint")
        self.gltr_means.setWordWrap(True)
        self.gltr_means.setToolTip(tr("The number of tokens summarised and the means of what the charts show"))
        for chart in (self.bucket_chart, self.ratio_chart, self.entropy_chart):
            chart.setMinimumHeight(170)
        charts = QHBoxLayout()
        charts.addWidget(self.bucket_chart, 1)
        charts.addWidget(self.ratio_chart, 1)
        charts.addWidget(self.entropy_chart, 1)
        layout = QVBoxLayout(box)
        layout.addLayout(charts)
        layout.addWidget(self.gltr_means)
        self.summary: dict = {}
        return box

    def set_color_mode(self, mode: str) -> None:
        """Colour the chips by "surprisal" (their probability) or "rank" (GLTR's rank buckets)."""
        index = self.color_mode.findData(mode)
        if index < 0:
            raise ValueError(f"ScorePanel colour mode {mode!r}: use one of {[m for m, *_ in SCORE_COLOR_MODES]}")
        self.color_mode.setCurrentIndex(index)

    def _on_color_mode(self) -> None:
        mode = self.color_mode.currentData()
        self.chips.set_mode(mode)
        self.legend.set_mode(mode)

    def show_summary(self, summary: dict) -> None:
        """Draw :func:`~lmstudio.core.inference.scoring.gltr_summary`'s figures; {} clears the charts."""
        self.summary = summary
        if not summary.get("tokens"):
            self.bucket_chart.set_buckets([], [])
            self.ratio_chart.clear_data()
            self.entropy_chart.clear_data()
        else:
            self.bucket_chart.set_buckets(summary["buckets"], summary["bucket_labels"])
            for chart, hist in (
                (self.ratio_chart, summary["ratio_hist"]),
                (self.entropy_chart, summary["entropy_hist"]),
            ):
                if sum(hist["counts"]):
                    chart.set_histogram(hist["counts"], hist["edges"])
                else:  # a score without these figures (a translation's)
                    chart.clear_data()
        self.gltr_means.setText(gltr_note(summary))

    def chart_counts(self) -> dict[str, list[float]]:
        """What the three GLTR charts show now: {"buckets", "ratio", "entropy"} bar heights ([] when empty)."""
        return {
            "buckets": self.bucket_chart.counts(),
            "ratio": list(self.ratio_chart._data[0]),
            "entropy": list(self.entropy_chart._data[0]),
        }

    def set_translation(self, translation: bool, example_target: str = "") -> None:
        """Score mode for a translation run: log P(target | source), the source being the Playground's source
        text; back to a language model: everything as it was, the text typed there included."""
        if translation != self.translation:
            self._texts[self.translation] = self.text.toPlainText()
            self.translation = translation
            self.text.setPlainText(self._texts[translation] or example_target)
        if translation:
            self.text.setToolTip(
                tr(
                    "A translation of the source text (left): each of its tokens is scored given the source and "
                    "the tokens before it"
                )
            )
            self.button.setText(tr("Score translation"))
            self.button.setToolTip(tr("Compute log P(target | source): each target token's probability, then <eos>"))
            self.chips.setToolTip(
                tr(
                    "Each target token (and the closing <eos>) coloured by its surprisal −log₂ P(token | "
                    "source, tokens before it); hover for the numbers"
                )
            )
        else:
            tip, text, button_tip, chips_tip = self._lm_state
            self.text.setToolTip(tip)
            self.button.setText(text)
            self.button.setToolTip(button_tip)
            self.chips.setToolTip(chips_tip)
        self.result = None
        self.chips.set_tokens([])
        self.formula.setText(formula_html({"tokens": 0, "chars": 0}, conditional=translation))
        self.show_summary({})

    def show_result(self, result: dict) -> None:
        self.result = result
        self.chips.set_tokens(result["per_token"])
        self.formula.setText(formula_html(result))
        summary = result.get("gltr")
        if summary is None:  # a score made elsewhere (a translation's): torch is loaded by now
            from ....core.inference.scoring import gltr_summary

            summary = gltr_summary(result["per_token"])
        self.show_summary(summary)


class InsidePanel(QWidget):
    """Attention heatmaps (layer, head) for a Transformer; hidden activations for recurrent networks."""

    sig_refresh = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = QComboBox()
        self.layer.setToolTip(tr("Which layer (block) to show"))
        self.head = QComboBox()
        self.head.setToolTip(tr("Which attention head; 'mean' averages the heads of the layer"))
        self.button = QPushButton(tr("Look inside"))
        self.button.setToolTip(
            tr("Run the model over the current text (prompt and the shown branch) and record what it computes")
        )
        self.button.clicked.connect(self.sig_refresh)
        self.note = QLabel(tr("Generate or type a prompt, then press Look inside."))
        self.note.setWordWrap(True)
        self.note.setToolTip(tr("What the heatmap shows"))
        self.attention = Heatmap(
            tr("Attention"),
            tr("key: the token attended to"),
            tr("query: the token attending"),
            tr("Row i: how much token i attends to each earlier token (each row sums to 1)"),
        )
        self.hidden = Heatmap(
            tr("Hidden state over time"),
            tr("time (token)"),
            tr("unit"),
            tr("Activation of each hidden unit (row) after reading each token (column)"),
            "CET-D1",
            True,
        )
        self.hidden.hide()
        self.data: dict | None = None
        self.layer.currentIndexChanged.connect(self._draw)
        self.head.currentIndexChanged.connect(self._draw)
        row = QHBoxLayout()
        for text, w in ((tr("Layer"), self.layer), (tr("Head"), self.head)):
            label = QLabel(text)
            label.setToolTip(w.toolTip())
            row.addWidget(label)
            row.addWidget(w)
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.attention, 1)
        layout.addWidget(self.hidden, 1)

    def show_data(self, data: dict) -> None:
        self.data = data
        maps = data.get("attention") or data.get("hidden") or []
        self.layer.blockSignals(True)
        self.head.blockSignals(True)
        self.layer.clear()
        self.layer.addItems([str(i + 1) for i in range(len(maps))])
        self.head.clear()
        if "attention" in data and maps:
            self.head.addItems([tr("mean")] + [str(h + 1) for h in range(maps[0].shape[0])])
        self.head.setEnabled("attention" in data)
        self.layer.blockSignals(False)
        self.head.blockSignals(False)
        self.attention.setVisible("attention" in data)
        self.hidden.setVisible("hidden" in data)
        self._draw()

    def _draw(self) -> None:
        if not self.data:
            return
        labels = self.data.get("labels", [])
        layer = max(0, self.layer.currentIndex())
        if "attention" in self.data:
            maps = self.data["attention"][layer]  # (H, T, T)
            head = self.head.currentIndex()
            values = maps.mean(axis=0) if head <= 0 else maps[head - 1]
            which = tr("mean of heads") if head <= 0 else tr("head {head}").format(head=head)
            self.attention.set_matrix(values, labels, labels, levels=(0.0, float(max(1e-6, values.max()))))
            self.note.setText(
                tr(
                    "Layer {layer}, {which}: {tokens} tokens (the model's window). Row = the token attending, "
                    "column = the token it reads; the model only looks back (causal)."
                ).format(layer=layer + 1, which=which, tokens=len(labels))
            )
        else:
            hidden = self.data["hidden"][layer]  # (T, C)
            self.hidden.set_matrix(np.ascontiguousarray(hidden.T), [], labels)
            self.note.setText(
                tr(
                    "Layer {layer}: {units} hidden units over the last {tokens} tokens. Red/blue: positive/negative "
                    "activation; stripes that switch at spaces or newlines are units tracking word or line "
                    "boundaries."
                ).format(layer=layer + 1, units=hidden.shape[1], tokens=hidden.shape[0])
            )
