"""A block diagram of the chosen architecture, painted from the ModelConfig: input, embedding, the
layers (attention heads drawn one box each for a Transformer, a recurrence loop for RNNs), output.
Deep models show the first layers, an ellipsis and the last one, so the diagram stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...core.config import ModelConfig

MAX_SHOWN_LAYERS = 4
CELL_NAMES = {"rnn": "RNN (tanh)", "gru": "GRU", "lstm": "LSTM"}
KIND_COLORS = {"io": "#7f8c8d", "embed": "#2f6fde", "layer": "#e8590c", "more": "#7f8c8d", "head": "#2b9348"}


@dataclass
class Block:
    kind: str  # io, embed, layer, more, head
    title: str
    detail: str = ""
    heads: int = 0  # attention heads drawn inside a Transformer block
    recurrent: bool = False  # draw a loop back into the block


def diagram_blocks(cfg: ModelConfig | None) -> list[Block]:
    """The boxes of the diagram, top to bottom."""
    if cfg is None:
        return [Block("io", "Invalid settings", "fix the fields marked in red")]
    v = cfg.vocab_size or "V"
    blocks = [Block("io", "Input tokens", f"batch × {cfg.block_size} ids")]
    if cfg.arch == "transformer":
        pos = "+ learned positions" if cfg.positions == "learned" else "rotary positions (in attention)"
        blocks.append(Block("embed", "Token embedding", f"{v} × {cfg.d_model}  {pos}"))
        hs = cfg.d_model // max(1, cfg.n_head)
        mlp = f"{cfg.d_model}→{cfg.mlp_ratio * cfg.d_model}→{cfg.d_model}"

        def layer(i: int) -> Block:
            return Block(
                "layer",
                f"Transformer block {i}",
                f"LN → attention {cfg.n_head} × {hs} → LN → MLP {mlp}",
                heads=cfg.n_head,
            )
    else:
        blocks.append(Block("embed", "Token embedding", f"{v} × {cfg.d_model}"))
        cell = CELL_NAMES.get(cfg.arch, cfg.arch)

        def layer(i: int) -> Block:
            return Block(
                "layer", f"{cell} layer {i}", f"hidden {cfg.d_model}, state carried to the next token", recurrent=True
            )

    n = cfg.n_layer
    if n <= MAX_SHOWN_LAYERS:
        blocks += [layer(i + 1) for i in range(n)]
    else:
        blocks += [layer(1), layer(2), Block("more", f"⋮  {n - 3} more identical layers"), layer(n)]
    final_ln = "LayerNorm → " if cfg.arch == "transformer" else ""
    tied = " (tied to the embedding)" if cfg.tie_weights else ""
    blocks.append(Block("head", "Output head", f"{final_ln}linear {cfg.d_model} → {v}{tied}"))
    blocks.append(Block("io", "Next-token probabilities", f"softmax over {v} tokens"))
    return blocks


class ModelDiagram(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blocks: list[Block] = diagram_blocks(ModelConfig(vocab_size=65))
        self.setToolTip("The architecture drawn from the settings: data flows from top to bottom")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumWidth(280)

    def set_config(self, cfg: ModelConfig | None) -> None:
        self.blocks = diagram_blocks(cfg)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(380, 560)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        fg = pal.color(QPalette.ColorRole.Text)
        margin, gap = 14.0, 16.0
        title_font = QFont(self.font())
        title_font.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))
        # boxes are as tall as their text in the current font (presenter mode), never shorter
        title_h, detail_h = QFontMetricsF(title_font).height(), QFontMetricsF(small).height()
        needed = [title_h + 10 + ((detail_h + 2) if b.detail else 0) + (22 if b.heads else 0) for b in self.blocks]
        heights = [
            max(n, 76.0 if b.heads else (34.0 if b.kind == "more" else 52.0)) for b, n in zip(self.blocks, needed)
        ]
        scale = min(1.0, (self.height() - 2 * margin - gap * (len(self.blocks) - 1)) / max(1.0, sum(heights)))
        wide = 560.0 * max(1.0, self.font().pointSizeF() / 10)
        width = min(wide, self.width() - 2 * margin - 40)  # room for the recurrence loop on the right
        left = max(margin, (self.width() - 40 - width) / 2)
        y = margin
        centers = []
        for block, h, least in zip(self.blocks, heights, needed):
            h = max(h * max(scale, 0.55), least)
            rect = QRectF(left, y, width, h)
            color = QColor(KIND_COLORS[block.kind])
            fill = QColor(color)
            fill.setAlpha(40)
            if block.kind != "more":
                p.setPen(QPen(color, 1.6))
                p.setBrush(fill)
                p.drawRoundedRect(rect, 7, 7)
            p.setPen(fg)
            p.setFont(title_font)
            text_rect = rect.adjusted(10, 4, -10, -4)
            align = Qt.AlignmentFlag.AlignHCenter | (
                Qt.AlignmentFlag.AlignTop if block.detail else Qt.AlignmentFlag.AlignVCenter
            )
            p.drawText(text_rect, align, block.title)
            if block.detail:
                p.setFont(small)
                p.drawText(
                    text_rect.adjusted(0, title_h + 2, 0, 0),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                    block.detail,
                )
            if block.heads:
                self._draw_heads(p, rect, block.heads)
            if block.recurrent:
                self._draw_loop(p, rect, color)
            centers.append((rect.top(), rect.bottom()))
            y += h + gap
        p.setPen(QPen(fg, 1.4))
        x = left + width / 2
        for (_, bottom), (top, _) in zip(centers, centers[1:]):
            p.drawLine(QPointF(x, bottom + 1), QPointF(x, top - 2))
            p.drawLine(QPointF(x, top - 2), QPointF(x - 4, top - 7))
            p.drawLine(QPointF(x, top - 2), QPointF(x + 4, top - 7))
        p.end()

    def _draw_heads(self, p: QPainter, rect: QRectF, heads: int) -> None:
        shown = min(heads, 16)
        size = min(14.0, (rect.width() - 40) / (shown + 1) - 3)
        total = shown * (size + 3) - 3
        x0 = rect.center().x() - total / 2
        y0 = rect.bottom() - size - 7
        color = QColor(KIND_COLORS["head"])
        fill = QColor(color)
        fill.setAlpha(110)
        p.setPen(QPen(color, 1))
        p.setBrush(fill)
        for i in range(shown):
            p.drawRect(QRectF(x0 + i * (size + 3), y0, size, size))
        if heads > shown:
            p.setPen(self.palette().color(QPalette.ColorRole.Text))
            p.drawText(QPointF(x0 + total + 6, y0 + size), f"+{heads - shown}")

    def _draw_loop(self, p: QPainter, rect: QRectF, color: QColor) -> None:
        path = QPainterPath(QPointF(rect.right(), rect.center().y() + 8))
        path.cubicTo(
            QPointF(rect.right() + 34, rect.center().y() + 20),
            QPointF(rect.right() + 34, rect.center().y() - 20),
            QPointF(rect.right() + 2, rect.center().y() - 8),
        )
        p.setPen(QPen(color, 1.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        tip = QPointF(rect.right() + 2, rect.center().y() - 8)
        p.drawLine(tip, tip + QPointF(7, -3))
        p.drawLine(tip, tip + QPointF(6, 5))
