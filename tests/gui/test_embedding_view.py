"""The embedding map view on its own: points and labels drawn, hover text, click and search select a token and
list its neighbours, and the checkpoint slider and Play move through a run's frames."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from lmstudio.core.inference.embedding_map import Frame, nearest, project, trajectory
from lmstudio.gui.tabs.playground.embedding_view import MAX_LABELS, EmbeddingMapView, labelled_ids

LABELS = ["<pad>", "a", "e", "i", "o", "u", "1", "2", "3", " ", "\n", "the"]


def _table(seed: int = 0) -> np.ndarray:
    """Vowels, digits and the rest in three separate clusters of a 6-d embedding."""
    rng = np.random.default_rng(seed)
    centres = {"v": np.array([4.0, 0, 0, 0, 0, 0]), "d": np.array([0, 4.0, 0, 0, 0, 0]), "x": np.zeros(6)}
    kind = ["x", "v", "v", "v", "v", "v", "d", "d", "d", "x", "x", "x"]
    return np.stack([centres[k] + rng.normal(0, 0.3, 6) for k in kind])


def _listed(view) -> list[int]:
    """The ids in the neighbours list, top to bottom."""
    return [view.neighbours.topLevelItem(r).data(0, 256) for r in range(view.neighbours.topLevelItemCount())]


@pytest.fixture
def view(qtbot):
    widget = EmbeddingMapView()
    qtbot.addWidget(widget)
    widget.resize(900, 560)
    widget.show()
    return widget


def test_points_labels_and_tooltips(view):
    table = _table()
    freqs = np.arange(len(LABELS)) * 10
    proj = project(table)
    view.show_map(proj.points, LABELS, freqs, lambda i: nearest(table, i), explained=proj.explained)
    x, y = view.scatter.getData()
    assert len(x) == len(LABELS)
    # drawn most frequent last (on top); each spot knows its token
    assert [int(p.data()) for p in view.scatter.points()] == list(range(len(LABELS)))
    assert len(view._label_items) == len(LABELS)  # a small vocabulary: every token labelled
    texts = {item.toPlainText() for item in view._label_items.values()}
    assert {"·", "↵", "<pad>", "the"} <= texts
    assert view.tooltip_for(2) == "“e”  ·  id 2  ·  frequency 20"
    assert view.bar.isVisible() and "% of variance" in view.plot.getPlotItem().getAxis("bottom").labelText
    assert all(w.toolTip() for w in (view.search, view.play_button, view.slider, view.neighbours, view.plot))

    view.refresh_theme()  # a theme change (light/dark, presenter mode) keeps the map
    assert len(view.scatter.getData()[0]) == len(LABELS) and view.bar.isVisible()

    view.show_map(proj.points, LABELS, None, None)  # no counts: one colour, said so, no colour bar
    assert "not available" in view.summary.text() and not view.bar.isVisible()
    assert view.tooltip_for(2).endswith("frequency unknown")


def test_labels_only_the_most_frequent_of_a_large_vocabulary():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(5000, 2))
    freqs = rng.integers(0, 1000, 5000)
    chosen = labelled_ids(points, freqs)
    assert len(chosen) == MAX_LABELS and freqs[chosen].min() >= np.sort(freqs)[-MAX_LABELS]
    assert len(labelled_ids(points, None)) == MAX_LABELS


def test_overlapping_labels_are_hidden_until_zoomed(view):
    # 30 tokens in a tight clump and one far away: the clump shows its most frequent label only
    points = np.vstack([np.random.default_rng(0).normal(0, 1e-3, (30, 2)), [[10.0, 10.0]]]).astype(np.float32)
    labels = [f"t{i}" for i in range(31)]
    freqs = np.arange(31)
    freqs[5] = 1000
    view.show_map(points, labels, freqs, None)
    shown = [i for i, item in view._label_items.items() if item.isVisible()]
    assert set(shown) == {5, 30}
    view.plot.getPlotItem().getViewBox().setRange(xRange=(-0.004, 0.004), yRange=(-0.004, 0.004), padding=0)
    assert sum(item.isVisible() for item in view._label_items.values()) > 2  # zoomed in: room for more


def test_click_and_search_list_the_neighbours(view, qtbot):
    table = _table()
    view.show_map(project(table).points, LABELS, np.ones(len(LABELS), dtype=int), lambda i: nearest(table, i, 4))
    spot = next(p for p in view.scatter.points() if int(p.data()) == 2)  # "e"
    scene_pos = view.plot.getPlotItem().vb.mapViewToScene(spot.pos())
    at = view.plot.mapFromScene(scene_pos)
    with qtbot.waitSignal(view.sig_token_selected, timeout=2000) as blocker:
        qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert blocker.args == [2]
    assert view.scatter.opts["tip"](x=0.0, y=0.0, data=2) == view.tooltip_for(2)  # the hover text
    listed = _listed(view)  # Qt.UserRole
    assert len(listed) == 4 and set(listed) <= {1, 3, 4, 5}  # the other vowels
    assert "“e”" in view.neighbours_title.text()
    assert len(view.rings.getData()[0]) == 5  # the token and its neighbours ringed

    view.search.setText("2")
    qtbot.keyClick(view.search, "\r")
    assert view._selected == 7
    assert set(_listed(view)) & {6, 8}
    assert view.find_token("↵", select=False) == 10  # whitespace as the map shows it
    assert view.find_token("th", select=False) == 11  # a beginning
    view.search.setText("zebra")
    qtbot.keyClick(view.search, "\r")
    assert "No token" in view.neighbours_title.text()

    view.neighbours.clear()
    view.select_token(2)
    first = _listed(view)[0]
    view.neighbours.itemClicked.emit(view.neighbours.topLevelItem(0), 0)  # a neighbour selects it in turn
    qtbot.waitUntil(lambda: view._selected == first, timeout=2000)
    assert f"id {first}" in view.neighbours_title.text()


def test_slider_and_play_move_through_the_frames(view, qtbot):
    tables = [_table(0) * 0.1, _table(1) * 0.5, _table(2)]
    frames, ref = trajectory([(s, f"step-{s}", t) for s, t in zip((0, 10, 20), tables)])
    view.show_frames(frames, LABELS, None, explained=ref.explained)
    assert view.frame_count == 3 and view.frame_index == 2 and view.animation_row.isVisibleTo(view)
    assert view.step_label.text() == "step 20 · 3 / 3"
    np.testing.assert_allclose(np.column_stack(view.scatter.getData()), frames[2].points, atol=1e-6)

    view.slider.setValue(0)  # dragging the slider shows that checkpoint
    assert view.frame_index == 0 and view.step_label.text().startswith("step 0 ")
    np.testing.assert_allclose(np.column_stack(view.scatter.getData()), frames[0].points, atol=1e-6)

    view.frame_ms = 80  # a quick animation for the test
    view.set_frame(2)
    view.play()  # at the last frame: starts again from the first
    assert view.timer.isActive() and view.frame_index == 0 and view.play_button.text().startswith("⏸")
    qtbot.waitUntil(lambda: view.frame_index == 2 and not view.timer.isActive(), timeout=3000)
    assert view.slider.value() == 2 and view.play_button.text().startswith("▶")
    np.testing.assert_allclose(np.column_stack(view.scatter.getData()), frames[2].points, atol=1e-6)

    view.set_frame(0)
    view.play()
    view.slider.setValue(1)  # the user takes the slider: the animation pauses there
    assert not view.timer.isActive() and view.frame_index == 1

    one = [Frame(5, "best", frames[2].points)]
    view.show_frames(one, LABELS, None)
    assert not view.animation_row.isVisibleTo(view)
    with pytest.raises(ValueError, match="labels"):
        view.show_map(frames[0].points, LABELS[:3], None, None)
