"""The Playground's "Embedding map" page: the loaded model's token embeddings in 2-D, its neighbours, and the
run's checkpoints animated in one set of axes. Views only: the tab runs the job; ``sig_refresh`` asks for it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...i18n import QT_TR_NOOP, tr
from .embedding_view import EmbeddingMapView

REFRESH_TIP = QT_TR_NOOP(
    "Project the loaded checkpoint's token embeddings to 2-D (PCA) and, when the run kept several checkpoints, "
    "every one of them in the same axes, to play how the clusters formed"
)


class EmbeddingPage(QWidget):
    sig_refresh = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton(tr("Draw the map"))
        self.button.setToolTip(tr(REFRESH_TIP))
        self.button.clicked.connect(self.sig_refresh)
        self.status = QLabel(tr("Load a run and press Draw the map."))
        self.status.setWordWrap(True)
        self.status.setToolTip(tr(REFRESH_TIP))
        self.view = EmbeddingMapView()
        self.data: dict | None = None
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.button)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    def show_map(self, data: dict) -> None:
        from ....core.inference.embedding_map import nearest

        self.data = data
        table = data["table"]

        def neighbours(token_id: int):
            return nearest(table, token_id, 10)

        frames = data["frames"]
        if len(frames) > 1:
            self.view.show_frames(frames, data["labels"], data["freqs"], neighbours, explained=data["explained"])
            what = tr("{n} checkpoints, steps {first} to {last}: press Play").format(
                n=len(frames), first=f"{frames[0].step:,}", last=f"{frames[-1].step:,}"
            )
        else:
            self.view.show_map(data["points"], data["labels"], data["freqs"], neighbours, explained=data["explained"])
            what = tr("one checkpoint (the run kept no others to animate)")
        if data["freqs"] is not None:
            text = tr("{n} tokens, {what}.")
        else:
            text = tr("{n} tokens, {what}; frequencies unknown (the run's prepared data is gone).")
        self.status.setText(text.format(n=f"{len(data['labels']):,}", what=what))
