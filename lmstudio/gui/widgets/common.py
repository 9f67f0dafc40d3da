"""Small building blocks: the error banner, the progress row with a Cancel button, a label that elides
instead of widening the window, and a scroll area for side panels that never makes the window taller."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr


class Banner(QWidget):
    """A dismissible message across the top of a tab (bad files and failed jobs); hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setObjectName("banner")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setToolTip(tr("What went wrong and how to fix it"))
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(tr("Dismiss this message"))
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.show()

    def clear(self) -> None:
        self.label.clear()
        self.hide()

    def text(self) -> str:
        return self.label.text() if self.isVisible() or not self.isHidden() else ""


class ProgressRow(QWidget):
    """A progress bar with a message and a Cancel button; hidden when idle. ``stacked``: the message is a
    wrapped line above the bar (narrow side panels, where the bar's own text would be clipped)."""

    sig_cancel = Signal()

    def __init__(self, what: str, parent: QWidget | None = None, stacked: bool = False) -> None:
        """``what``: the task, translated by the caller ("the export"), as it reads in "Progress of {what}"."""
        super().__init__(parent)
        self.message = QLabel() if stacked else None
        if self.message is not None:
            self.message.setWordWrap(True)
            self.message.setToolTip(tr("What {what} is doing now").format(what=what))
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.bar.setToolTip(tr("Progress of {what}").format(what=what))
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setToolTip(tr("Stop {what}; nothing already loaded is lost").format(what=what))
        self.cancel_button.clicked.connect(self.sig_cancel)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        if self.message is None:
            self.setLayout(row)
        else:
            outer = QVBoxLayout(self)
            outer.setContentsMargins(0, 0, 0, 0)
            outer.addWidget(self.message)
            outer.addLayout(row)
        self.hide()

    def _set_message(self, message: str, percent: bool) -> None:
        if self.message is not None:
            self.message.setText(message)
            self.bar.setFormat("%p%" if percent else "")
        else:
            self.bar.setFormat((f"{message}  %p%" if message else "%p%") if percent else message)

    def start(self, message: str) -> None:
        self.bar.setValue(0)
        self._set_message(message, False)
        self.cancel_button.setEnabled(True)
        self.show()

    def update_progress(self, done: float, total: float, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(1.0, done / total)))
            self._set_message(message, True)
        else:  # unknown total: a busy bar
            self.bar.setRange(0, 0)
            self._set_message(message, False)

    def finish(self) -> None:
        self.bar.setRange(0, 1000)
        self.hide()


class BigNumber(QLabel):
    """A headline number; its font follows the application font (presenter mode) at 1.6 times the size."""

    def __init__(self, text: str = "–", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._apply()

    def _apply(self) -> None:
        # A style sheet, not setFont(): the application style sheet would otherwise reset the font on re-polish.
        size = round(QApplication.instance().font().pointSizeF() * 1.6)
        self.setStyleSheet(f"font-size: {size}pt; font-weight: 600;")
        # the style sheet applies at the next polish, after layouts have sized the row: reserve the height
        font = QFont(QApplication.instance().font())
        font.setPointSize(size)
        font.setWeight(QFont.Weight.DemiBold)
        self.setMinimumHeight(QFontMetrics(font).height())

    def refresh_theme(self) -> None:
        self._apply()


class ElidedLabel(QLabel):
    """A one-line plain-text label that ends in "…" when it has too little room, instead of asking the
    window for more: its minimum width is a few characters whatever its text. ``text()`` stays the full
    text; when elided, the tooltip shows it too."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        min_chars: int = 6,
    ) -> None:
        super().__init__(text, parent)
        self._mode, self._min_chars = mode, min_chars
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt)
        m = self.contentsMargins()
        return QSize(
            self.fontMetrics().averageCharWidth() * self._min_chars + m.left() + m.right(),
            super().minimumSizeHint().height(),
        )

    def elided_text(self) -> str:
        return self.fontMetrics().elidedText(self.text(), self._mode, max(0, self.contentsRect().width()))

    def is_elided(self) -> bool:
        return self.elided_text() != self.text()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.elided_text(),
            self.foregroundRole(),
        )

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and self.is_elided():
            tip = self.toolTip()
            QToolTip.showText(e.globalPos(), f"{self.text()}\n\n{tip}" if tip else self.text(), self)
            return True
        return super().event(e)


class SidePanelScroll(QScrollArea):
    """Scrolls a side panel vertically: as wide as the panel needs (no horizontal scrolling, nothing
    clipped), but only a few lines tall at minimum, so a long form never makes the window taller than
    the screen. Follows the panel when its content or font (presenter mode) changes."""

    MIN_HEIGHT = 120

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if watched is self.widget() and event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.FontChange):
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def _content_width(self, hint: QSize) -> int:
        return hint.width() + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt)
        inner = self.widget().minimumSizeHint().expandedTo(self.widget().minimumSize())
        return QSize(self._content_width(inner), min(inner.height(), self.MIN_HEIGHT))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt)
        inner = self.widget().sizeHint().expandedTo(self.widget().minimumSizeHint())
        return QSize(self._content_width(inner), inner.height())


def scrolled(widget: QWidget, min_height: int = 120) -> QScrollArea:
    """``widget`` in a resizable scroll area at least ``min_height`` high (a page of token chips)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(widget)
    area.setMinimumHeight(min_height)
    return area
