"""The logit lens grid, the attention small multiples and the knock-out switches (gui/tabs/playground/lens_view.py),
built standalone and fed results from a tiny model."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from lmstudio.core.config import ModelConfig
from lmstudio.core.errors import ConfigError
from lmstudio.core.inference.lens import KnockOut, attention_grid, logit_lens
from lmstudio.core.models import build_model
from lmstudio.gui.tabs.playground.lens_view import AttentionGridView, KnockoutPanel, LogitLensView
from lmstudio.gui.widgets.token_chips import probability_color

CHARS = "ab cdefgh\nijklmnopq"  # id i is CHARS[i]: 19 tokens, a space and a newline among them
TEXT = "abc defg\nhij"


def hover(widget, point: QPoint) -> None:
    """A mouse move over ``widget`` at ``point``, delivered directly (offscreen windows get no cursor)."""
    pos = QPointF(point)
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        pos,
        QPointF(widget.mapToGlobal(point)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    cfg = ModelConfig(arch="transformer", vocab_size=len(CHARS), block_size=16, n_layer=2, n_head=2, d_model=32)
    ids = [CHARS.index(c) for c in TEXT]
    return build_model(cfg).eval(), ids, list(TEXT)


def test_logit_lens_view_shows_each_layers_top_token(qtbot, tiny):
    model, ids, tokens = tiny
    result = logit_lens(model, ids, "cpu")
    view = LogitLensView()
    qtbot.addWidget(view)
    view.show_lens(result, tokens, lambda i: CHARS[i])
    grid = view.grid
    assert (grid.rowCount(), grid.columnCount()) == (3, len(ids))
    assert [grid.headerData(r, Qt.Orientation.Vertical) for r in range(3)] == ["embed", "layer 1", "layer 2"]
    assert grid.headerData(3, Qt.Orientation.Horizontal) == "·"  # the space, made visible
    assert grid.headerData(8, Qt.Orientation.Horizontal) == "↵"
    for r in range(3):
        for c in range(len(ids)):
            expected = {" ": "·", "\n": "↵"}.get(CHARS[result.top_ids[r, c]], CHARS[result.top_ids[r, c]])
            assert grid.data(grid.index(r, c)) == expected
    tip = grid.data(grid.index(1, 2), Qt.ItemDataRole.ToolTipRole)
    assert "layer 1, after “c” (token 3 of 12)" in tip
    assert f"{result.top_probs[1, 2]:.1%}" in tip and f"{result.final_probs[1, 2]:.1%} here" in tip
    assert "model's own output" in grid.data(grid.index(2, 0), Qt.ItemDataRole.ToolTipRole)
    colour = grid.data(grid.index(0, 5), Qt.ItemDataRole.BackgroundRole)
    assert colour == probability_color(float(result.final_probs[0, 5]), grid.dark)
    assert "12 tokens" in view.note.text()
    assert view.table.toolTip() and view.legend.toolTip()


def test_attention_grid_view_draws_every_head_and_enlarges_the_hovered_one(qtbot, tiny):
    model, ids, tokens = tiny
    weights = attention_grid(model, ids, "cpu")
    view = AttentionGridView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    view.show_attention(weights, tokens)
    thumbs = view.thumbnails
    assert thumbs.count() == 2 * 2
    assert view.shown == (0, 0)
    assert view.enlarged.shape() == (len(ids), len(ids))
    labels = [t[1] for t in view.enlarged.getPlotItem().getAxis("bottom")._tickLevels[0]]
    assert labels[:4] == ["a", "b", "c", "·"]
    with qtbot.waitSignal(thumbs.sig_hovered, timeout=1000) as hovered:
        hover(thumbs, thumbs.cell_rect(1, 1).center())
    assert hovered.args == [1, 1] and view.shown == (1, 1)
    np.testing.assert_array_equal(view.enlarged._values, weights[1, 1])
    assert "Layer 2, head 2" in thumbs.tooltip_at(thumbs.cell_rect(1, 1).center())
    with qtbot.waitSignal(view.sig_head_clicked, timeout=1000) as clicked:
        qtbot.mouseClick(thumbs, Qt.MouseButton.LeftButton, pos=thumbs.cell_rect(1, 0).center())
    assert clicked.args == [1, 0] and thumbs.selected == (1, 0)
    thumbs.leaveEvent(None)  # the mouse leaves the maps: the clicked head stays enlarged
    assert view.shown == (1, 0)
    view.set_knocked_out(KnockOut(heads=frozenset({(0, 1)})))
    assert "switched off" in thumbs.tooltip_at(thumbs.cell_rect(0, 1).center())
    assert thumbs.cell_at(QPoint(0, 0)) is None
    view.grab()  # paints without error
    with pytest.raises(ValueError, match="layers, heads, T, T"):
        view.show_attention(weights[0], tokens)


def test_knockout_panel_emits_what_is_switched_off(qtbot):
    panel = KnockoutPanel(2, 3)
    qtbot.addWidget(panel)
    assert len(panel.layer_boxes) == 2 and all(len(row) == 3 for row in panel.head_boxes)
    assert all(b.toolTip() for b in panel.layer_boxes + panel.head_boxes[0] + [panel.reset_button])
    assert not panel.reset_button.isEnabled()
    with qtbot.waitSignal(panel.sig_changed, timeout=1000) as changed:
        panel.head_boxes[1][2].setChecked(False)
    assert changed.args == [KnockOut(heads=frozenset({(1, 2)}))]
    with qtbot.waitSignal(panel.sig_changed, timeout=1000) as changed:
        panel.layer_boxes[0].setChecked(False)
    assert changed.args[0] == KnockOut(frozenset({0}), frozenset({(1, 2)}))
    assert not panel.head_boxes[0][0].isEnabled() and panel.head_boxes[1][0].isEnabled()
    assert panel.summary.text() == "Layer 1 off; head 2.3 off"
    with qtbot.waitSignal(panel.sig_changed, timeout=1000) as changed:
        panel.reset_button.click()
    assert changed.args == [KnockOut()] and panel.knockout() == KnockOut()
    saved = KnockOut.from_dict({"layers": [1], "heads": [[0, 0]]})
    with qtbot.assertNotEmitted(panel.sig_changed):
        panel.set_knockout(saved)
    assert panel.knockout() == saved and not panel.layer_boxes[1].isChecked()
    with pytest.raises(ConfigError, match="not in this model"):
        panel.set_knockout(KnockOut(heads=frozenset({(0, 3)})))
    panel.set_shape(1, 1)
    assert len(panel.layer_boxes) == 1 and panel.knockout() == KnockOut()
