"""The Playground's "Lens & heads" page: the logit lens of the current text, every attention head at once, and
the knock-out switches (heads and layers of a Transformer turned off for generation, scoring and these views).
Views only: the tab runs the jobs; ``sig_refresh`` asks for them, ``sig_knockout`` carries the switches."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ....core.inference.lens import KnockOut
from ...i18n import QT_TR_NOOP, tr
from .lens_view import AttentionGridView, KnockoutPanel, LogitLensView

REFRESH_TIP = QT_TR_NOOP(
    "Run the current text (the prompt and what was generated, the model's last window of it) through the model "
    "and show what every layer predicts (logit lens) and where every head looks (Transformers)"
)
KNOCKOUT_TIP = QT_TR_NOOP(
    "Switch attention heads or whole layers off (Transformer): generation, Score and these views then run "
    "without them, so you can see what each one contributes. Reset turns everything back on"
)


class LensPage(QWidget):
    sig_refresh = Signal()
    sig_knockout = Signal(object)  # KnockOut

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton(tr("Look inside"))
        self.button.setToolTip(tr(REFRESH_TIP))
        self.button.clicked.connect(self.sig_refresh)
        self.status = QLabel(tr("Load a run, generate or type a prompt, then press Look inside."))
        self.status.setWordWrap(True)
        self.status.setToolTip(tr(REFRESH_TIP))
        self.lens = LogitLensView()
        self.grid = AttentionGridView()
        self.knockouts = KnockoutPanel()
        self.knockouts.setToolTip(tr(KNOCKOUT_TIP))
        self.knockouts.sig_changed.connect(self._on_knockout)
        self.knockout_note = QLabel("")
        self.knockout_note.setWordWrap(True)
        self.knockout_note.setToolTip(tr(KNOCKOUT_TIP))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.button)
        top.addWidget(self.status, 1)
        side = QWidget()
        sv = QVBoxLayout(side)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.addWidget(self.knockouts, 1)
        sv.addWidget(self.knockout_note)
        views = QSplitter(Qt.Orientation.Vertical)
        views.addWidget(self.lens)
        views.addWidget(self.grid)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(views)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([900, 300])  # room for a layer's head switches side by side
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def set_model(self, arch: str, n_layer: int, n_head: int) -> None:
        """A newly loaded model: its shape for the switches (Transformers only), everything back on."""
        transformer = arch == "transformer"
        self.knockouts.set_shape(n_layer if transformer else 0, n_head if transformer else 0)
        self.knockouts.setVisible(transformer)
        self.knockout_note.setText("" if transformer else tr("Knock-outs: Transformers only."))
        self.grid.setVisible(transformer)

    def show_lens(self, data: dict) -> None:
        vocab = data["vocab"]
        self.lens.show_lens(data["result"], data["labels"], lambda i: vocab.get(int(i), str(i)))
        self.status.setText(tr("Logit lens over {n} tokens.").format(n=len(data["labels"])))

    def show_heads(self, data: dict) -> None:
        self.grid.show_attention(data["weights"], data["labels"])

    def _on_knockout(self, knockout: KnockOut) -> None:
        self.grid.set_knocked_out(knockout)
        self.knockout_note.setText(tr("Off: {switches}").format(switches=knockout.describe(tr)) if knockout else "")
        self.sig_knockout.emit(knockout)
