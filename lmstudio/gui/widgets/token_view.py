"""Text drawn as its tokens: boxes with alternating background colours, wrapped to the width.

Hovering a token shows its id and frequency. Drawn by hand rather than with a QTextBrowser because rich
text ignores ``title`` attributes, and hit-testing our own rectangles makes the tooltip exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ..theme import token_colors

MAX_TOKENS = 4000  # beyond this the view shows a note instead of more boxes (painting stays instant)
VISIBLE = {" ": "·", "\n": "↵", "\t": "→", "\r": "␍"}


def visible(text: str) -> str:
    """Whitespace made visible: space → ·, newline → ↵, tab → →; other control characters as U+24xx."""
    out = []
    for ch in text:
        if ch in VISIBLE:
            out.append(VISIBLE[ch])
        elif ord(ch) < 32:
            out.append(chr(0x2400 + ord(ch)))
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class TokenBox:
    text: str  # the token's own text (what it stands for in the input)
    token_id: int
    tooltip: str


class TokenView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip("")  # tooltips are per token, from event()
        self._tokens: list[TokenBox] = []
        self._rects: list[QRectF] = []
        self._labels: list[str] = []
        self._hover = -1
        self._truncated = 0
        self._height = 40
        self._empty_text = "Nothing to show yet."

    # data -------------------------------------------------------------------------------------------
    def set_tokens(self, tokens: list[TokenBox]) -> None:
        self._truncated = max(0, len(tokens) - MAX_TOKENS)
        self._tokens = tokens[:MAX_TOKENS]
        self._labels = [visible(t.text) or "∅" for t in self._tokens]
        self._hover = -1
        self._relayout()
        self.update()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def token_count(self) -> int:
        return len(self._tokens) + self._truncated

    def token_rect(self, index: int) -> QRectF:
        return self._rects[index]

    def token_at(self, pos: QPoint) -> int:
        for i, r in enumerate(self._rects):
            if r.contains(pos.x(), pos.y()):
                return i
        return -1

    def tooltip_at(self, pos: QPoint) -> str:
        i = self.token_at(pos)
        return self._tokens[i].tooltip if i >= 0 else ""

    # layout -----------------------------------------------------------------------------------------
    def _metrics(self) -> tuple[QFontMetricsF, float, float]:
        fm = QFontMetricsF(self.font())
        pad = max(3.0, fm.height() * 0.25)
        return fm, pad, fm.height() + pad * 1.2

    def _relayout(self) -> None:
        fm, pad, line_h = self._metrics()
        width = max(100.0, float(self.width()) - 8)
        x = y = 4.0
        gap = 2.0
        self._rects = []
        for token, label in zip(self._tokens, self._labels):
            w = fm.horizontalAdvance(label) + 2 * pad
            if x > 4.0 and x + w > width:
                x, y = 4.0, y + line_h + gap
            self._rects.append(QRectF(x, y, w, line_h))
            x += w + gap
            if "\n" in token.text:  # a newline token ends the visual line as it ends the text's line
                x, y = 4.0, y + line_h + gap
        bottom = (self._rects[-1].bottom() if self._rects else y + line_h) + 6
        if self._truncated:
            bottom += line_h
        self._height = int(bottom)
        self.setMinimumHeight(self._height)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(400, self._height)

    def resizeEvent(self, event) -> None:
        if event.oldSize().width() != event.size().width():
            self._relayout()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._relayout()
        super().changeEvent(event)

    # painting and hover -----------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text_color = palette.color(QPalette.ColorRole.Text)
        if not self._tokens:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect().adjusted(8, 8, -8, -8),
                Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                self._empty_text,
            )
            return
        colors = token_colors(palette)
        _, pad, _ = self._metrics()
        hover_pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2)
        for i, (rect, label) in enumerate(zip(self._rects, self._labels)):
            if not rect.intersects(QRectF(event.rect())):
                continue
            painter.setPen(hover_pen if i == self._hover else Qt.PenStyle.NoPen)
            painter.setBrush(colors[i % 2])
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(text_color)
            painter.drawText(
                rect.adjusted(pad, 0, -pad, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label
            )
        if self._truncated:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            last = self._rects[-1]
            painter.drawText(
                QRectF(4, last.bottom() + 4, self.width() - 8, last.height()),
                Qt.AlignmentFlag.AlignLeft,
                f"… and {self._truncated:,} more tokens (not drawn)",
            )

    def mouseMoveEvent(self, event) -> None:
        i = self.token_at(event.position().toPoint())
        if i != self._hover:
            self._hover = i
            self.update()
            if i >= 0:
                QToolTip.showText(
                    event.globalPosition().toPoint(), self._tokens[i].tooltip, self, self._rects[i].toRect()
                )
            else:
                QToolTip.hideText()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        self._hover = -1
        self.update()
        super().leaveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            i = self.token_at(event.pos())
            if i >= 0:
                QToolTip.showText(event.globalPos(), self._tokens[i].tooltip, self, self._rects[i].toRect())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
