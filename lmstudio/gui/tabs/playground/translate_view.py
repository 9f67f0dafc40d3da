"""The Playground's Alignment page for a translation run: the decoder's cross-attention over the source while it
wrote the shown translation, as a heatmap with token texts on both axes (``app.playground.alignment``'s dict).
A view only: the tab computes and hands the result to ``show_alignment``."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...i18n import QT_TR_NOOP, tr
from ...widgets.heatmap import Heatmap

EMPTY_NOTE = QT_TR_NOOP(
    "Translate a source text: each row shows which source tokens the decoder read while writing that token."
)


class AlignmentPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel(tr(EMPTY_NOTE))
        self.note.setWordWrap(True)
        self.note.setToolTip(tr("What the alignment heatmap shows, or why there is none"))
        self.heatmap = Heatmap(
            tr("Cross-attention alignment"),
            tr("source token (the text read)"),
            tr("output token (the text written)"),
            tr(
                "Row i: how much the decoder attended to each source token while predicting output token i "
                "(each row sums to 1; the last row is the prediction of the end, <eos>)"
            ),
        )
        self.data: dict | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.heatmap, 1)

    def clear(self) -> None:
        self.data = None
        self.note.setText(tr(EMPTY_NOTE))
        self.heatmap.show()
        self.heatmap.set_matrix([[]])

    def show_alignment(self, data: dict) -> None:
        """``data``: {"matrix" (rows × cols) or None, "rows", "cols", "note"}."""
        self.data = data
        matrix = data.get("matrix")
        if matrix is None:
            self.note.setText(data.get("note") or tr("No alignment for this model."))
            self.heatmap.hide()
            return
        self.heatmap.show()
        rows, cols = data["rows"], data["cols"]
        self.heatmap.set_matrix(matrix, rows, cols, levels=(0.0, 1.0))
        self.note.setText(
            tr(
                "{outputs} output token(s) and <eos> (rows) over {sources} source token(s) and <eos> "
                "(columns). Bright = attended to; a reversal shows as an anti-diagonal. Hover a cell for its weight."
            ).format(outputs=len(rows) - 1, sources=len(cols) - 1)
        )
