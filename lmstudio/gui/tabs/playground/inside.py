"""Inside the model: Score (each token's surprisal in any text, and the chain rule with its numbers) and
the attention maps or hidden states. Views only: the tab runs the jobs and hands the results to
``show_*``; buttons emit ``sig_*`` requests."""

from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ....app.train_metrics import BPC_NA_REASON
from ...widgets.common import scrolled
from ...widgets.heatmap import Heatmap
from ...widgets.token_chips import ColorLegend, TokenChips, legend_row

SCORE_SAMPLE = "ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east, and Juliet is the sun."


def formula_html(result: dict, shown: int = 4, conditional: bool = False) -> str:
    """The chain rule written out with this text's numbers; ``conditional`` (a translation run's score, whose
    result also carries "source"): log P(target | source)."""
    per = result.get("per_token", [])
    n, chars = result["tokens"], result["chars"]
    conditional = conditional or "source" in result
    given = ", source" if conditional else ""
    whole = "log P(y<sub>1</sub>…y<sub>n</sub> | source)" if conditional else "log P(w<sub>1</sub>…w<sub>n</sub>)"
    w = "y" if conditional else "w"
    chain = f"Σ<sub>i</sub> log P({w}<sub>i</sub> | {w}<sub>&lt;i</sub>{given})"
    if not per:
        return f"Score a text to see {whole} = {chain}."
    terms = " + ".join(f"({t['logprob']:.2f})" for t in per[:shown]) + (" + …" if n > shown else "")
    total = result["total_logprob"]
    return (
        f"{whole} = {chain} = {terms} "
        f"= <b>{total:.2f}</b> nats over n = {n:,} tokens<br>"
        f"perplexity = exp(−log P / n) = exp({-total:.2f} / {n:,}) = <b>{result['perplexity']:.3f}</b> · "
        + (
            f"bits per character = −log P / ({chars:,} chars × ln 2) = <b>{result['bits_per_char']:.4f}</b> · "
            if math.isfinite(result["bits_per_char"])
            else f"bits per character: <b>n/a</b> ({html.escape(result.get('bits_per_char_note') or BPC_NA_REASON)}) · "
        )
        + f"mean surprisal {-total / max(1, n) / math.log(2):.3f} bits/token"
    )


class ScorePanel(QWidget):
    sig_score = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit(SCORE_SAMPLE)
        self.text.setToolTip("Any text: each of its tokens is scored by how surprised the model is to see it")
        self.text.setMaximumHeight(120)
        self.button = QPushButton("Score text")
        self.button.setToolTip(
            "Compute each token's probability given the tokens before it (Ctrl+Return in the text box)"
        )
        self.button.clicked.connect(lambda: self.sig_score.emit(self.text.toPlainText()))
        self.chips = TokenChips(
            "Each token coloured by its surprisal −log₂ P(token | text before it); hover for the numbers"
        )
        self.chips.set_mode("surprisal")
        self.chips.set_empty_text("Press Score text to colour each token by how surprising it is to the model.")
        self.legend = ColorLegend()
        self.legend.set_mode("surprisal")
        self.formula = QLabel(formula_html({"tokens": 0, "chars": 0}))
        self.formula.setTextFormat(Qt.TextFormat.RichText)
        self.formula.setWordWrap(True)
        self.formula.setToolTip(
            "The chain rule of probability: a text's log-probability is the sum of its tokens' "
            "log-probabilities, each given the tokens before it"
        )
        self.formula.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result: dict | None = None
        self.translation = False
        self._lm_state = (self.text.toolTip(), self.button.text(), self.button.toolTip(), self.chips.toolTip())
        self._texts = {False: SCORE_SAMPLE, True: ""}
        self.cleaning_note = QLabel()
        self.cleaning_note.setObjectName("hint")
        self.cleaning_note.setToolTip("The text is cleaned like the run's corpus before it is scored")
        self.cleaning_note.hide()
        row = QHBoxLayout()
        row.addWidget(legend_row(self.legend, "Surprisal"), 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.cleaning_note)
        layout.addLayout(row)
        layout.addWidget(self.formula)
        layout.addWidget(scrolled(self.chips), 1)

    def set_translation(self, translation: bool, example_target: str = "") -> None:
        """Score mode for a translation run: log P(target | source), the source being the Playground's source
        text; back to a language model: everything as it was, the text typed there included."""
        if translation != self.translation:
            self._texts[self.translation] = self.text.toPlainText()
            self.translation = translation
            self.text.setPlainText(self._texts[translation] or example_target)
        if translation:
            self.text.setToolTip(
                "A translation of the source text (left): each of its tokens is scored given the source and the "
                "tokens before it"
            )
            self.button.setText("Score translation")
            self.button.setToolTip("Compute log P(target | source): each target token's probability, then <eos>")
            self.chips.setToolTip(
                "Each target token (and the closing <eos>) coloured by its surprisal −log₂ P(token | source, "
                "tokens before it); hover for the numbers"
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

    def show_result(self, result: dict) -> None:
        self.result = result
        self.chips.set_tokens(result["per_token"])
        self.formula.setText(formula_html(result))


class InsidePanel(QWidget):
    """Attention heatmaps (layer, head) for a Transformer; hidden activations for recurrent networks."""

    sig_refresh = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = QComboBox()
        self.layer.setToolTip("Which layer (block) to show")
        self.head = QComboBox()
        self.head.setToolTip("Which attention head; 'mean' averages the heads of the layer")
        self.button = QPushButton("Look inside")
        self.button.setToolTip(
            "Run the model over the current text (prompt and the shown branch) and record what it computes"
        )
        self.button.clicked.connect(self.sig_refresh)
        self.note = QLabel("Generate or type a prompt, then press Look inside.")
        self.note.setWordWrap(True)
        self.note.setToolTip("What the heatmap shows")
        self.attention = Heatmap(
            "Attention",
            "key: the token attended to",
            "query: the token attending",
            "Row i: how much token i attends to each earlier token (each row sums to 1)",
        )
        self.hidden = Heatmap(
            "Hidden state over time",
            "time (token)",
            "unit",
            "Activation of each hidden unit (row) after reading each token (column)",
            "CET-D1",
            True,
        )
        self.hidden.hide()
        self.data: dict | None = None
        self.layer.currentIndexChanged.connect(self._draw)
        self.head.currentIndexChanged.connect(self._draw)
        row = QHBoxLayout()
        for text, w in (("Layer", self.layer), ("Head", self.head)):
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
            self.head.addItems(["mean"] + [str(h + 1) for h in range(maps[0].shape[0])])
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
            which = "mean of heads" if head <= 0 else f"head {head}"
            self.attention.set_matrix(values, labels, labels, levels=(0.0, float(max(1e-6, values.max()))))
            self.note.setText(
                f"Layer {layer + 1}, {which}: {len(labels)} tokens (the model's window). Row = the token "
                f"attending, column = the token it reads; the model only looks back (causal)."
            )
        else:
            hidden = self.data["hidden"][layer]  # (T, C)
            self.hidden.set_matrix(np.ascontiguousarray(hidden.T), [], labels)
            self.note.setText(
                f"Layer {layer + 1}: {hidden.shape[1]} hidden units over the last {hidden.shape[0]} tokens. "
                f"Red/blue: positive/negative activation; stripes that switch at spaces or newlines are units "
                f"tracking word or line boundaries."
            )
