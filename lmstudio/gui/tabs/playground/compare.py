"""Compare: two checkpoints of one run on the same prompt, settings and seed, side by side."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...widgets.common import scrolled
from ...widgets.token_chips import TokenChips


class CheckpointComparePanel(QWidget):
    """Two checkpoints of the same run side by side (the Vocabulary tab compares two tokenizers)."""

    sig_compare = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.left = QComboBox()
        self.left.setToolTip("First checkpoint (e.g. an early step)")
        self.right = QComboBox()
        self.right.setToolTip("Second checkpoint (e.g. the best)")
        self.button = QPushButton("Compare")
        self.button.setToolTip("Generate from both checkpoints with the same prompt, settings and seed")
        self.button.clicked.connect(lambda: self.sig_compare.emit(self.left.currentData(), self.right.currentData()))
        self.note = QLabel("Same prompt, settings and seed: differences come from the weights alone.")
        self.note.setWordWrap(True)
        self.note.setToolTip("What was compared")
        self.chips = [TokenChips("Tokens from this checkpoint, coloured by its own probability") for _ in range(2)]
        self.titles = [QLabel("–"), QLabel("–")]
        top = QHBoxLayout()
        for text, w in (("A", self.left), ("B", self.right)):
            label = QLabel(text)
            label.setToolTip(w.toolTip())
            top.addWidget(label)
            top.addWidget(w)
        top.addWidget(self.button)
        top.addStretch(1)
        grid = QGridLayout()
        for col, (title, chips) in enumerate(zip(self.titles, self.chips)):
            title.setToolTip("Checkpoint, its step, and its mean log-probability per generated token")
            grid.addWidget(title, 0, col)
            grid.addWidget(scrolled(chips, 200), 1, col)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addLayout(grid, 1)

    def set_checkpoints(self, items: list[tuple[str, str]]) -> None:
        """items: (label, name), "best" and "last" first, then the steps oldest first. Defaults: the
        oldest step kept against the best."""
        names = [name for _, name in items]
        steps = [n for n in names if n not in ("best", "last")]
        for box, default in ((self.left, steps[0] if steps else "last"), (self.right, "best")):
            current = box.currentData()
            box.clear()
            for label, name in items:
                box.addItem(label, name)
            index = box.findData(current if current in names else default)
            box.setCurrentIndex(max(0, index))

    def show_result(self, results: list[dict], prompt: str, seed: int | None, beam_width: int = 0) -> None:
        for title, chips, r in zip(self.titles, self.chips, results):
            title.setText(f"<b>{r['name']}</b> (step {r['step']}) · mean log P per token {r['mean_logprob']:.3f} nats")
            chips.set_tokens(r["tokens"], prompt)
        self.note.setText(
            f"Beam search (width {beam_width}), the best beam of each: differences come from the weights alone."
            if beam_width
            else f"Same prompt, settings and seed {seed}: differences come from the weights alone."
        )
