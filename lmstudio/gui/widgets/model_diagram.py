"""A block diagram of the chosen architecture, painted from the ModelConfig: input, embedding, the
layers (attention heads drawn one box each for a Transformer, a recurrence loop for RNNs), output.
Deep models show the first layers, an ellipsis and the last one, so the diagram stays readable.

An encoder-decoder (``data.task = "translate"``) is drawn in two columns: the encoder on the left (source
tokens, embedding, layers, and the memory it leaves), the decoder on the right (target tokens so far,
embedding, layers, output), and between them what passes from one to the other: the attention reading the
memory (green, solid), and for recurrent networks each encoder layer's final state starting the decoder's
layer (dashed). A recurrent model without attention passes the final states alone.
"""

from __future__ import annotations

import math
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
from ..i18n import QT_TR_NOOP, tr

MAX_SHOWN_LAYERS = 4
CELL_NAMES = {"rnn": "RNN (tanh)", "gru": "GRU", "lstm": "LSTM"}
KIND_COLORS = {
    "io": "#7f8c8d",
    "embed": "#2f6fde",
    "layer": "#e8590c",
    "more": "#7f8c8d",
    "head": "#2b9348",
    "memory": "#8e44ad",
    "attention": "#2b9348",
}
ATTENTION_NAMES = {
    "bahdanau": (QT_TR_NOOP("Bahdanau attention (additive)"), QT_TR_NOOP("score v·tanh(W_q h_t + W_k m_s)")),
    "luong": (QT_TR_NOOP("Luong attention (multiplicative)"), QT_TR_NOOP("score h_t·W m_s")),
}


@dataclass
class Block:
    kind: str  # io, embed, layer, more, head
    title: str
    detail: str = ""
    heads: int = 0  # attention heads drawn inside a Transformer block
    recurrent: bool = False  # draw a loop back into the block


@dataclass
class Link:
    """What passes from the encoder (left column) to the decoder (right column), between two rows."""

    kind: str  # "cross": attention reads the memory; "state": an encoder layer's final state starts the decoder's
    source_row: int
    target_row: int
    label: str = ""


@dataclass
class Seq2SeqLayout:
    """The two columns of an encoder-decoder's diagram, row by row (None: an empty cell), and the links."""

    encoder: list[Block | None]
    decoder: list[Block | None]
    links: list[Link]


def diagram_blocks(cfg: ModelConfig | None) -> list[Block]:
    """The boxes of the diagram, top to bottom."""
    if cfg is None:
        return [Block("io", tr("Invalid settings"), tr("fix the fields marked in red"))]
    v = cfg.vocab_size or "V"
    blocks = [Block("io", tr("Input tokens"), tr("batch × {block_size} ids").format(block_size=cfg.block_size))]
    if cfg.arch == "transformer":
        pos = tr("+ learned positions") if cfg.positions == "learned" else tr("rotary positions (in attention)")
        blocks.append(Block("embed", tr("Token embedding"), f"{v} × {cfg.d_model}  {pos}"))
        hs = cfg.d_model // max(1, cfg.n_head)
        mlp = f"{cfg.d_model}→{cfg.mlp_ratio * cfg.d_model}→{cfg.d_model}"

        def layer(i: int) -> Block:
            return Block(
                "layer",
                tr("Transformer block {layer}").format(layer=i),
                tr("LN → attention {heads} × {head_size} → LN → MLP {mlp}").format(
                    heads=cfg.n_head, head_size=hs, mlp=mlp
                ),
                heads=cfg.n_head,
            )
    else:
        blocks.append(Block("embed", tr("Token embedding"), f"{v} × {cfg.d_model}"))
        cell = CELL_NAMES.get(cfg.arch, cfg.arch)

        def layer(i: int) -> Block:
            return Block(
                "layer",
                tr("{cell} layer {layer}").format(cell=cell, layer=i),
                tr("hidden {size}, state carried to the next token").format(size=cfg.d_model),
                recurrent=True,
            )

    n = cfg.n_layer
    if n <= MAX_SHOWN_LAYERS:
        blocks += [layer(i + 1) for i in range(n)]
    else:
        blocks += [layer(1), layer(2), _more_layers(n - 3), layer(n)]
    final_ln = "LayerNorm → " if cfg.arch == "transformer" else ""
    tied = tr(" (tied to the embedding)") if cfg.tie_weights else ""
    blocks.append(Block("head", tr("Output head"), f"{final_ln}{_linear(cfg.d_model, v)}{tied}"))
    blocks.append(Block("io", tr("Next-token probabilities"), tr("softmax over {vocab} tokens").format(vocab=v)))
    return blocks


def _more_layers(count: int) -> Block:
    return Block("more", tr("⋮  {count} more identical layers").format(count=count))


def _linear(inputs, outputs) -> str:
    return tr("linear {inputs} → {outputs}").format(inputs=inputs, outputs=outputs)


def _layer_rows(n: int, layer) -> list[Block]:
    """Rows of n identical layers: all of them, or the first two, an ellipsis and the last."""
    if n <= MAX_SHOWN_LAYERS:
        return [layer(i + 1) for i in range(n)]
    return [layer(1), layer(2), _more_layers(n - 3), layer(n)]


def seq2seq_layout(cfg: ModelConfig) -> Seq2SeqLayout:
    """The encoder-decoder of ``cfg.arch``'s family (core.models.seq2seq_rnn / seq2seq_transformer), in rows."""
    v = cfg.vocab_size or "V"
    vs = cfg.source_vocab_size or v
    shared = cfg.shared_embeddings and cfg.source_vocab_size == 0
    tied = tr(" (tied to the target embedding)") if cfg.tie_weights else ""
    c = cfg.d_model
    encoder: list[Block | None] = [
        Block(
            "io",
            tr("Source tokens"),
            tr("batch × up to {block_size} ids, ending in EOS").format(block_size=cfg.block_size),
        )
    ]
    decoder: list[Block | None] = [
        Block(
            "io",
            tr("Target tokens so far"),
            tr("BOS + the target, up to {block_size} ids (teacher forcing)").format(block_size=cfg.block_size),
        )
    ]
    links: list[Link] = []
    if cfg.arch == "transformer":
        pos = tr("+ learned positions") if cfg.positions == "learned" else tr("rotary positions")
        table = tr("the target's table (shared)") if shared else f"{vs} × {c}"
        encoder.append(Block("embed", tr("Source embedding"), f"{table} · {pos}"))
        decoder.append(Block("embed", tr("Target embedding"), f"{v} × {c} · {pos}"))
        hs = c // max(1, cfg.n_head)
        mlp = f"MLP {c}→{cfg.mlp_ratio * c}→{c}"
        encoder += _layer_rows(
            cfg.n_layer,
            lambda i: Block(
                "layer",
                tr("Encoder block {layer}").format(layer=i),
                tr("LN → self-attention over the whole source {heads} × {head_size} → LN → {mlp}").format(
                    heads=cfg.n_head, head_size=hs, mlp=mlp
                ),
                heads=cfg.n_head,
            ),
        )
        decoder += _layer_rows(
            cfg.n_layer,
            lambda i: Block(
                "layer",
                tr("Decoder block {layer}").format(layer=i),
                tr("LN → masked self-attention → LN → cross-attention {heads} × {head_size} → LN → {mlp}").format(
                    heads=cfg.n_head, head_size=hs, mlp=mlp
                ),
                heads=cfg.n_head,
            ),
        )
        encoder.append(
            Block(
                "memory",
                tr("Memory"),
                tr("LayerNorm → source length × {size}: the keys and values of every cross-attention").format(size=c),
            )
        )
        links += [
            Link("cross", len(encoder) - 1, row, tr("cross-attention"))
            for row, block in enumerate(decoder)
            if block is not None and block.kind == "layer"
        ]
        decoder.append(Block("head", tr("Output head"), f"LayerNorm → {_linear(c, v)}{tied}"))
    else:
        cell = CELL_NAMES.get(cfg.arch, cfg.arch)
        encoder.append(
            Block("embed", tr("Source embedding"), tr("the target's table (shared)") if shared else f"{vs} × {c}")
        )
        decoder.append(Block("embed", tr("Target embedding"), f"{v} × {c}"))
        way = (
            tr("reads the source both ways: hidden {size} each, joined").format(size=c)
            if cfg.bidirectional
            else tr("reads the source left to right, hidden {size}").format(size=c)
        )
        encoder += _layer_rows(
            cfg.n_layer,
            lambda i: Block(
                "layer", tr("Encoder {cell} layer {layer}").format(cell=cell, layer=i), way, recurrent=True
            ),
        )
        decoder += _layer_rows(
            cfg.n_layer,
            lambda i: Block(
                "layer",
                tr("Decoder {cell} layer {layer}").format(cell=cell, layer=i),
                (
                    tr("hidden {size}, starts from encoder layer {layer}'s final states, bridged")
                    if cfg.bidirectional
                    else tr("hidden {size}, starts from encoder layer {layer}'s final state")
                ).format(size=c, layer=i),
                recurrent=True,
            ),
        )
        state = tr("final states") if cfg.bidirectional else tr("final state")
        links += [
            Link("state", row, row, state)
            for row, block in enumerate(encoder)
            if block is not None and block.kind == "layer"
        ]
        if cfg.attention in ATTENTION_NAMES:
            title, score = ATTENTION_NAMES[cfg.attention]
            memory = (
                tr("the encoder's outputs: source length × {size} (both ways projected to one)")
                if cfg.bidirectional
                else tr("the encoder's outputs: source length × {size}")
            )
            encoder.append(Block("memory", tr("Memory"), memory.format(size=c)))
            decoder.append(
                Block(
                    "attention",
                    tr(title),
                    tr("{score} over the source → context c_t; tanh(W_c [h_t; c_t])").format(score=tr(score)),
                )
            )
            links.append(Link("cross", len(encoder) - 1, len(decoder) - 1, tr("attention")))
        else:
            encoder.append(
                Block(
                    "more",
                    tr("Outputs unused (attention: none)"),
                    tr("only the final states reach the decoder"),
                )
            )
        decoder.append(Block("head", tr("Output head"), f"{_linear(c, v)}{tied}"))
    decoder.append(
        Block("io", tr("Next-token probabilities"), tr("softmax over {vocab} target tokens").format(vocab=v))
    )
    rows = max(len(encoder), len(decoder))
    encoder += [None] * (rows - len(encoder))
    decoder += [None] * (rows - len(decoder))
    return Seq2SeqLayout(encoder, decoder, links)


class ModelDiagram(QWidget):
    LM_TIP = QT_TR_NOOP("The architecture drawn from the settings: data flows from top to bottom")
    SEQ2SEQ_TIP = QT_TR_NOOP(
        "The encoder-decoder drawn from the settings: the encoder (left) reads the source once; the decoder "
        "(right) writes the target one token at a time. Green: attention reading the encoder's memory; dashed: "
        "an encoder layer's final state starting the decoder's layer"
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blocks: list[Block] = diagram_blocks(ModelConfig(vocab_size=65))
        self.seq2seq: Seq2SeqLayout | None = None  # set for an encoder-decoder: two columns and their links
        self.setToolTip(tr(self.LM_TIP))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumWidth(280)

    def set_config(self, cfg: ModelConfig | None, encoder_decoder: bool = False) -> None:
        """Draw ``cfg``: a language model, or with ``encoder_decoder`` the encoder-decoder of its family.
        ``blocks`` lists every box drawn (for an encoder-decoder: the encoder's, then the decoder's)."""
        if encoder_decoder and cfg is not None:
            self.seq2seq = seq2seq_layout(cfg)
            self.blocks = [b for b in (*self.seq2seq.encoder, *self.seq2seq.decoder) if b is not None]
        else:
            self.seq2seq = None
            self.blocks = diagram_blocks(cfg)
        self.setToolTip(tr(self.SEQ2SEQ_TIP if self.seq2seq is not None else self.LM_TIP))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(380, 560)

    # painting ----------------------------------------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont, float, float]:
        title_font = QFont(self.font())
        title_font.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, self.font().pointSizeF() * 0.85))
        return title_font, small, QFontMetricsF(title_font).height(), QFontMetricsF(small).height()

    @staticmethod
    def _heights(block: Block, title_h: float, detail_h: float, width: float, small: QFont) -> tuple[float, float]:
        """The least height a box's text needs at ``width`` (details may wrap), and its usual height."""
        lines = 1
        if block.detail:
            metrics = QFontMetricsF(small)
            lines = max(1, math.ceil(metrics.horizontalAdvance(block.detail) / max(1.0, width - 24)))
        needed = title_h + 10 + ((detail_h + 2) * lines if block.detail else 0) + (22 if block.heads else 0)
        usual = 76.0 if block.heads else (34.0 if block.kind == "more" else 52.0)
        return needed, max(needed, usual)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        if self.seq2seq is not None:
            self._paint_seq2seq(p, self.seq2seq)
        else:
            self._paint_stack(p)
        p.end()

    def _paint_stack(self, p: QPainter) -> None:
        fonts = self._fonts()
        title_font, small, title_h, detail_h = fonts
        margin, gap = 14.0, 16.0
        wide = 560.0 * max(1.0, self.font().pointSizeF() / 10)
        width = min(wide, self.width() - 2 * margin - 40)  # room for the recurrence loop on the right
        left = max(margin, (self.width() - 40 - width) / 2)
        # boxes are as tall as their text in the current font (presenter mode), never shorter
        sizes = [self._heights(b, title_h, detail_h, width, small) for b in self.blocks]
        scale = min(
            1.0, (self.height() - 2 * margin - gap * (len(self.blocks) - 1)) / max(1.0, sum(h for _, h in sizes))
        )
        y = margin
        rects = []
        for block, (least, h) in zip(self.blocks, sizes):
            h = max(h * max(scale, 0.55), least)
            rect = QRectF(left, y, width, h)
            self._draw_block(p, rect, block, fonts)
            rects.append(rect)
            y += h + gap
        self._draw_flow(p, rects)

    def _paint_seq2seq(self, p: QPainter, layout: Seq2SeqLayout) -> None:
        fonts = self._fonts()
        title_font, small, title_h, detail_h = fonts
        zoom = max(1.0, self.font().pointSizeF() / 10)
        margin, gap, loop = 14.0, 16.0, 40.0
        gutter = 110.0 * zoom  # between the columns: the links and their labels
        width = min(460.0 * zoom, (self.width() - 2 * margin - gutter - 2 * loop) / 2)
        total = 2 * width + gutter + 2 * loop
        lefts = (max(margin, (self.width() - total) / 2) + loop,)
        lefts += (lefts[0] + width + gutter,)
        rows = list(zip(layout.encoder, layout.decoder))
        sizes = []
        for pair in rows:
            found = [self._heights(b, title_h, detail_h, width, small) for b in pair if b is not None]
            sizes.append((max(f[0] for f in found), max(f[1] for f in found)) if found else (0.0, 0.0))
        scale = min(1.0, (self.height() - 2 * margin - gap * (len(rows) - 1)) / max(1.0, sum(h for _, h in sizes)))
        y = margin
        columns: tuple[dict[int, QRectF], dict[int, QRectF]] = ({}, {})
        for row, (pair, (least, h)) in enumerate(zip(rows, sizes)):
            h = max(h * max(scale, 0.55), least)
            for side, block in enumerate(pair):
                if block is None:
                    continue
                rect = QRectF(lefts[side], y, width, h)
                self._draw_block(p, rect, block, fonts, loop_left=side == 0)
                columns[side][row] = rect
            y += h + gap
        for column in columns:
            self._draw_flow(p, [column[row] for row in sorted(column)])
        self._draw_links(p, layout.links, columns, small)

    def _draw_block(
        self, p: QPainter, rect: QRectF, block: Block, fonts: tuple[QFont, QFont, float, float], loop_left: bool = False
    ) -> None:
        title_font, small, title_h, _ = fonts
        fg = self.palette().color(QPalette.ColorRole.Text)
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
            self._draw_loop(p, rect, color, left=loop_left)

    def _draw_flow(self, p: QPainter, rects: list[QRectF]) -> None:
        """Arrows down a column, from each box to the next."""
        p.setPen(QPen(self.palette().color(QPalette.ColorRole.Text), 1.4))
        for upper, lower in zip(rects, rects[1:]):
            x = upper.center().x()
            p.drawLine(QPointF(x, upper.bottom() + 1), QPointF(x, lower.top() - 2))
            self._arrow_head(p, QPointF(x, lower.top() - 2), QPointF(0, 1))

    @staticmethod
    def _arrow_head(p: QPainter, tip: QPointF, direction: QPointF) -> None:
        """Two short strokes back from ``tip`` against ``direction`` (a unit vector along an axis)."""
        back = QPointF(-direction.x() * 5, -direction.y() * 5)
        side = QPointF(direction.y() * 4, direction.x() * 4)
        p.drawLine(tip, tip + back + side)
        p.drawLine(tip, tip + back - side)

    def _draw_links(
        self, p: QPainter, links: list[Link], columns: tuple[dict[int, QRectF], dict[int, QRectF]], font: QFont
    ) -> None:
        """State links: a dashed arrow across the gutter between two boxes of one row. Cross links: from the
        memory's right edge into a bus up the middle of the gutter, and from it an arrow into each box that
        reads the memory."""
        p.setFont(font)
        label_h = QFontMetricsF(font).height()
        bus_drawn: set[int] = set()
        for link in links:
            source, target = columns[0].get(link.source_row), columns[1].get(link.target_row)
            if source is None or target is None:
                continue
            if link.kind == "state":
                pen = QPen(QColor(KIND_COLORS["layer"]), 1.4, Qt.PenStyle.DashLine)
                y = source.center().y() - 4
                p.setPen(pen)
                p.drawLine(QPointF(source.right() + 2, y), QPointF(target.left() - 3, y))
                p.setPen(QPen(QColor(KIND_COLORS["layer"]), 1.4))
                self._arrow_head(p, QPointF(target.left() - 3, y), QPointF(1, 0))
                label_rect = QRectF(source.right(), y - label_h - 2, target.left() - source.right(), label_h)
            else:
                color = QColor(KIND_COLORS["attention"])
                p.setPen(QPen(color, 1.8))
                bus = (source.right() + target.left()) / 2
                start = QPointF(source.right() + 2, source.center().y())
                end_y = target.center().y()
                p.drawLine(start, QPointF(bus, start.y()))
                p.drawLine(QPointF(bus, start.y()), QPointF(bus, end_y))
                p.drawLine(QPointF(bus, end_y), QPointF(target.left() - 3, end_y))
                self._arrow_head(p, QPointF(target.left() - 3, end_y), QPointF(1, 0))
                p.setBrush(color)
                p.drawEllipse(QPointF(bus, end_y), 2.5, 2.5)
                p.setBrush(Qt.BrushStyle.NoBrush)
                if link.source_row in bus_drawn:
                    continue  # one label per memory
                bus_drawn.add(link.source_row)
                label_rect = QRectF(source.right(), start.y() + 2, target.left() - source.right(), label_h)
            p.setPen(self.palette().color(QPalette.ColorRole.Text))
            p.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, link.label)

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

    def _draw_loop(self, p: QPainter, rect: QRectF, color: QColor, left: bool = False) -> None:
        """The recurrence: an arrow out of the box's side and back in (on the left for an encoder)."""
        edge, out = (rect.left(), -1.0) if left else (rect.right(), 1.0)
        cy = rect.center().y()
        path = QPainterPath(QPointF(edge, cy + 8))
        path.cubicTo(
            QPointF(edge + out * 34, cy + 20), QPointF(edge + out * 34, cy - 20), QPointF(edge + out * 2, cy - 8)
        )
        p.setPen(QPen(color, 1.6))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        tip = QPointF(edge + out * 2, cy - 8)
        p.drawLine(tip, tip + QPointF(out * 7, -3))
        p.drawLine(tip, tip + QPointF(out * 6, 5))
