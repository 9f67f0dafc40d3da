"""Text drawn as its tokens: one chip per token, wrapped to the width, the one token widget of the window.

The Playground colours the chips by probability, by rank bucket or by surprisal (generated and scored
text); the Vocabulary tab alternates two colours so that neighbouring tokens are told apart (the
segmentation of typed text). A token is a dict: ``text`` (what it stands for), ``id``, and either the
generator's numbers (``raw_prob``, ``logprob``, ``rank``…, described in the tooltip) or its own
``tooltip``.

Chips are laid out incrementally (appending tokens places only the new ones), so streaming hundreds
of tokens stays cheap. Hovering a chip shows its tooltip and emits ``sig_hovered(index)``, clicking it
``sig_clicked``; a prompt shown before the chips is drawn as plain text. Drawn by hand rather than with
a QTextBrowser because rich text ignores ``title`` attributes, and hit-testing our own rectangles makes
the tooltip exact. :class:`ColorLegend` explains the colours.
"""

from __future__ import annotations

import bisect
import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolTip, QWidget

from ..i18n import QT_TR_NOOP, tr
from ..theme import is_dark, token_colors

RANK_BUCKETS = (
    (10, "#7fd67f", QT_TR_NOOP("top 10")),
    (100, "#f3dc62", QT_TR_NOOP("top 100")),
    (1000, "#f59a7a", QT_TR_NOOP("top 1000")),
    (None, "#c9a4f2", QT_TR_NOOP("rest")),
)
MODES = ("probability", "rank", "surprisal", "alternate")  # alternate: two colours in turn (segmentation)
SURPRISAL_MAX_BITS = 12.0
GAP = 2.0  # between chips, and between lines of chips
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


def probability_color(p: float, dark: bool = False) -> QColor:
    """Green for likely tokens through yellow to red for unlikely ones, on a log scale (1 .. 1e-3)."""
    t = min(1.0, max(0.0, 1.0 + math.log10(max(p, 1e-12)) / 3.0))
    return QColor.fromHsvF(t * 0.33, 0.55 if not dark else 0.65, 0.97 if not dark else 0.55)


def rank_color(rank: int, dark: bool = False) -> QColor:
    for limit, color, _ in RANK_BUCKETS:
        if limit is None or rank <= limit:
            c = QColor(color)
            return c.darker(190) if dark else c
    return QColor("#cccccc")


def surprisal_color(bits: float, dark: bool = False) -> QColor:
    return probability_color(2.0 ** (-bits * 3 * math.log2(10) / SURPRISAL_MAX_BITS), dark)


def token_color(token: dict, mode: str, dark: bool = False) -> QColor:
    if mode == "rank":
        return rank_color(int(token.get("rank", 1)), dark)
    if mode == "surprisal":
        return surprisal_color(-token["logprob"] / math.log(2), dark)
    return probability_color(token.get("raw_prob", token.get("prob", 0.0)), dark)


def describe(token: dict) -> str:
    """A token's tooltip: its own ``tooltip`` when it has one, else the generator's numbers."""
    if "tooltip" in token:
        return token["tooltip"]
    p = token.get("raw_prob", token.get("prob", 0.0))
    bits = -token["logprob"] / math.log(2)
    lines = [
        tr("“{text}”  id {id}").format(text=visible(token["text"]), id=token["id"]),
        tr("model probability {probability} (rank {rank})").format(probability=f"{p:.2%}", rank=token["rank"]),
        tr("surprisal {bits} bits").format(bits=f"{bits:.2f}"),
    ]
    if "entropy" in token:
        lines.append(tr("entropy of its distribution {entropy} nats").format(entropy=f"{token['entropy']:.2f}"))
    if "prob" in token and "raw_prob" in token and abs(token["prob"] - token["raw_prob"]) > 1e-6:
        lines.append(
            tr("drawn with probability {probability} after temperature/top-k/top-p").format(
                probability=f"{token['prob']:.2%}"
            )
        )
    return "\n".join(lines)


class TokenChips(QWidget):
    """Tokens as chips. ``max_tokens``: beyond it a note says how many more there are instead of drawing
    them (painting stays instant for a pasted book); ``None`` draws every token (a stream)."""

    sig_hovered = Signal(int)  # token index, -1 when the mouse leaves the chips
    sig_clicked = Signal(int)

    def __init__(
        self, tooltip: str = "", parent: QWidget | None = None, mode: str = "probability", max_tokens: int | None = None
    ) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip(tooltip)  # shown away from the chips; over a chip, the chip's own
        self.mode = mode
        self.max_tokens = max_tokens
        self.prefix = ""  # the prompt, drawn as plain text before the chips
        self.tokens: list[dict] = []
        self._truncated = 0  # tokens beyond max_tokens, not drawn
        self._labels: list[str] = []
        self._rects: list[QRectF] = []
        self._bottoms: list[float] = []  # each chip's bottom edge, ascending (for painting a region)
        self._prefix_end = QPointF(4, 4)
        self._cursor = QPointF(4, 4)
        self._hover = -1
        self.selected = -1
        self._height = 40
        self._empty_text = tr("Generated text appears here, one chip per token.")
        self.shading: list[float] = []  # per token, 0-1: how much the hovered token leaned on it (bars under chips)

    # data ---------------------------------------------------------------------------------------------
    def set_tokens(self, tokens: list[dict], prefix: str = "") -> None:
        tokens = list(tokens)
        limit = len(tokens) if self.max_tokens is None else self.max_tokens
        self._truncated = max(0, len(tokens) - limit)
        self.tokens = tokens[:limit]
        self._labels = [visible(t["text"]) or "∅" for t in self.tokens]
        self.prefix = prefix
        self._hover = self.selected = -1
        self._relayout()
        self.update()

    def append_tokens(self, tokens: list[dict]) -> None:
        start = len(self.tokens)
        if self.max_tokens is not None:
            room = max(0, self.max_tokens - start)
            self._truncated += max(0, len(tokens) - room)
            tokens = tokens[:room]
        self.tokens.extend(tokens)
        self._labels.extend(visible(t["text"]) or "∅" for t in tokens)
        self._place(start)
        self._finish_layout()
        if len(self._rects) > start:  # repaint only the new chips: streaming stays cheap on the GUI thread
            area = self._rects[start].united(self._rects[-1])
            area.setLeft(0)
            area.setRight(self.width())
            self.update(area.toAlignedRect().adjusted(0, -2, 0, 2))
        elif self._truncated:
            self.update()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.update()

    def set_shading(self, weights: list[float] | None) -> None:
        """Bars under the chips, as tall as each token's weight relative to the largest (``None``: none): what
        the hovered token's prediction leaned on (attention or gradient × input)."""
        values = [max(0.0, float(w)) for w in (weights or [])]
        top = max(values, default=0.0)
        self.shading = [v / top for v in values] if top > 0 else []
        self.update()

    def set_selected(self, index: int) -> None:
        self.selected = index
        self.update()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def token_count(self) -> int:
        """Tokens given, the ones not drawn (beyond ``max_tokens``) included."""
        return len(self.tokens) + self._truncated

    def token_rect(self, index: int) -> QRectF:
        return self._rects[index]

    def token_at(self, pos: QPointF | QPoint) -> int:
        point = QPointF(pos)
        for i, r in enumerate(self._rects):
            if r.contains(point):
                return i
        return -1

    def tooltip_at(self, pos: QPointF | QPoint) -> str:
        """The tooltip of the chip at ``pos`` ("" between chips)."""
        i = self.token_at(pos)
        return describe(self.tokens[i]) if i >= 0 else ""

    # layout ---------------------------------------------------------------------------------------------
    def _metrics(self) -> tuple[QFontMetricsF, float, float]:
        fm = QFontMetricsF(self.font())
        pad = max(2.0, fm.height() * 0.2)
        return fm, pad, fm.height() + pad * 1.4

    def _relayout(self) -> None:
        fm, pad, line_h = self._metrics()
        *_, (_end, x, y, _w) = self._prefix_words(fm, line_h)
        self._prefix_end = QPointF(x, y)
        self._cursor = QPointF(x, y)
        self._rects = []
        self._bottoms = []
        self._place(0)
        self._finish_layout()

    def _place(self, start: int) -> None:
        fm, pad, line_h = self._metrics()
        width = max(100.0, float(self.width()) - 8)
        x, y = self._cursor.x(), self._cursor.y()
        for token, label in zip(self.tokens[start:], self._labels[start:]):
            w = fm.horizontalAdvance(label) + 2 * pad
            if x > 4.0 and x + w > width:
                x, y = 4.0, y + line_h + GAP
            self._rects.append(QRectF(x, y, w, line_h))
            self._bottoms.append(y + line_h)
            x += w + GAP
            if "\n" in token["text"]:  # a newline token ends the visual line as it ends the text's line
                x, y = 4.0, y + line_h + GAP
        self._cursor = QPointF(x, y)

    def _finish_layout(self) -> None:
        _, _, line_h = self._metrics()
        height = int(self._cursor.y() + line_h + 8 + (line_h if self._truncated else 0))
        if height != self._height:
            self._height = height
            self.setMinimumHeight(height)
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(400, self._height)

    def resizeEvent(self, event) -> None:
        if event.oldSize().width() != event.size().width():
            self._relayout()
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_labels"):
            self._relayout()
        super().changeEvent(event)

    # painting and mouse ---------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text_color = palette.color(QPalette.ColorRole.Text)
        if not self.tokens and not self.prefix:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.TextFlag.TextWordWrap, self._empty_text)
            return
        fm, pad, line_h = self._metrics()
        if self.prefix:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            self._draw_prefix(painter, fm, line_h)
        dark = is_dark(palette)
        alternate = token_colors(palette) if self.mode == "alternate" else None
        clip = QRectF(event.rect())
        focus = QPen(palette.color(QPalette.ColorRole.Highlight), 2)
        flags = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        first = bisect.bisect_left(self._bottoms, clip.top())  # chips are laid out top to bottom
        for i in range(first, len(self._rects)):
            rect = self._rects[i]
            if rect.top() > clip.bottom():
                break
            if not rect.intersects(clip):
                continue
            painter.setPen(focus if i in (self._hover, self.selected) else Qt.PenStyle.NoPen)
            painter.setBrush(alternate[i % 2] if alternate else token_color(self.tokens[i], self.mode, dark))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(text_color)
            painter.drawText(rect.adjusted(pad, 0, -pad, 0), flags, self._labels[i])
            if i < len(self.shading) and self.shading[i] > 0.02:
                shade = QColor(palette.color(QPalette.ColorRole.Highlight))
                shade.setAlphaF(0.25 + 0.75 * self.shading[i])
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(shade)
                painter.drawRect(QRectF(rect.left(), rect.bottom() - 3, rect.width() * self.shading[i], 3))
        if self._truncated and self._rects:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            last = self._rects[-1]
            painter.drawText(
                QRectF(4, last.bottom() + 4, self.width() - 8, last.height()),
                Qt.AlignmentFlag.AlignLeft,
                tr("… and {count} more tokens (not drawn)").format(count=f"{self._truncated:,}"),
            )

    def _draw_prefix(self, painter: QPainter, fm: QFontMetricsF, line_h: float) -> None:
        for word, x, y, w in self._prefix_words(fm, line_h):
            if word is not None:
                painter.drawText(QRectF(x, y, w + 2, line_h), Qt.AlignmentFlag.AlignVCenter, word)

    def _prefix_words(self, fm: QFontMetricsF, line_h: float):
        """The prompt's words with where they go: (word, x, y, advance), wrapped to the width; last
        (None, x, y, 0): where the generated tokens start."""
        width = max(100.0, float(self.width()) - 8)
        x, y = 4.0, 4.0
        for line_no, line in enumerate(self.prefix.split("\n")):
            if line_no:
                x, y = 4.0, y + line_h + 2
            for word in line.split(" ") if line else []:
                w = fm.horizontalAdvance(word + " ")
                if x > 4.0 and x + w > width:
                    x, y = 4.0, y + line_h + 2
                yield word, x, y, w
                x += w
        yield None, x, y, 0.0

    def mouseMoveEvent(self, event) -> None:
        i = self.token_at(event.position())
        if i != self._hover:
            self._hover = i
            self.update()
            self.sig_hovered.emit(i)
            if i >= 0:
                QToolTip.showText(
                    event.globalPosition().toPoint(), describe(self.tokens[i]), self, self._rects[i].toRect()
                )
        super().mouseMoveEvent(event)

    def event(self, event: QEvent) -> bool:
        """A tooltip request over a chip shows that chip's tooltip; elsewhere the widget's own."""
        if event.type() == QEvent.Type.ToolTip:
            i = self.token_at(event.pos())
            if i >= 0:
                QToolTip.showText(event.globalPos(), describe(self.tokens[i]), self, self._rects[i].toRect())
                return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:
        i = self.token_at(event.position())
        if i >= 0 and event.button() == Qt.MouseButton.LeftButton:
            self.set_selected(i)
            self.sig_clicked.emit(i)
        super().mousePressEvent(event)

    def leaveEvent(self, event) -> None:
        if self._hover != -1:
            self._hover = -1
            self.update()
            self.sig_hovered.emit(-1)
        super().leaveEvent(event)


class ColorLegend(QWidget):
    """What the chip colours mean in the current mode: a gradient with its ends, or the rank buckets."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = "probability"
        self.setMinimumHeight(22)
        self.setMinimumWidth(260)
        self.setToolTip(tr("What the colours of the token chips mean"))

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 22)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        palette = self.palette()
        dark = is_dark(palette)
        fm = QFontMetricsF(self.font())
        h = self.height()
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        if self.mode == "rank":
            x = 0.0
            for limit, _, name in RANK_BUCKETS:
                label = tr(name)
                painter.setBrush(rank_color(limit or 10_000, dark))
                painter.drawRect(QRectF(x, 4, 14, h - 8))
                painter.drawText(QPointF(x + 18, h / 2 + fm.ascent() / 2 - 1), label)
                x += 26 + fm.horizontalAdvance(label)
            return
        left, right = (
            ("p = 1", "p ≤ 0.001")
            if self.mode == "probability"
            else (tr("0 bits"), tr("≥ {bits} bits").format(bits=f"{SURPRISAL_MAX_BITS:.0f}"))
        )
        lw = fm.horizontalAdvance(left) + 6
        bar = QRectF(lw, 4, max(40.0, self.width() - lw - fm.horizontalAdvance(right) - 8), h - 8)
        grad = QLinearGradient(bar.topLeft(), bar.topRight())
        for k in range(11):
            grad.setColorAt(k / 10, probability_color(10 ** (-3 * k / 10), dark))
        painter.setBrush(grad)
        painter.drawRect(bar)
        y = h / 2 + fm.ascent() / 2 - 1
        painter.drawText(QPointF(0, y), left)
        painter.drawText(QPointF(bar.right() + 4, y), right)


def legend_row(legend: ColorLegend, caption: str) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    label = QLabel(caption)
    label.setToolTip(tr("What the chip colours encode"))
    layout.addWidget(label)
    layout.addWidget(legend, 1)
    return row
