"""The Model tab: live costs, presets, invalid settings flagged and blocking training, the diagram, step timing."""

from __future__ import annotations

import pytest

from lmstudio.core.config import ModelConfig


@pytest.fixture
def model_tab(window, qtbot):
    tab = window.tab_widgets[2]
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: bool(tab.costs), timeout=10_000)
    return tab


def _params(tab) -> int:
    return tab.costs["parameters"]


def test_live_stats_follow_the_fields(qtbot, model_tab, window):
    tab = model_tab
    before = _params(tab)
    tab.editors["d_model"].setValue(256)
    qtbot.waitUntil(lambda: _params(tab) != before, timeout=5_000)
    assert _params(tab) > before
    assert window.session.model_config.d_model == 256
    for key in ("memory_weights", "memory_total", "flops_per_token"):
        assert tab.stat_labels[key].text() not in ("", "–")
    assert tab.costs["memory_optimizer"] == 2 * tab.costs["memory_weights"]


def test_invalid_heads_are_flagged_and_block_training(qtbot, model_tab, window):
    tab, train = model_tab, window.tab_widgets[3]
    tab.editors["d_model"].setValue(96)
    tab.editors["n_head"].setValue(5)
    qtbot.waitUntil(lambda: not window.session.model_config_valid, timeout=5_000)
    assert tab.issues.isVisible() and "divisible" in tab.issues.text()
    assert tab.editors["n_head"].property("invalid")
    assert not train.start_button.isEnabled()
    assert any("divisible" in r for r in train.blocking_reasons())
    assert tab.diagram.blocks[0].title == "Invalid settings"
    tab.editors["n_head"].setValue(4)
    qtbot.waitUntil(lambda: window.session.model_config_valid, timeout=5_000)
    assert not tab.issues.isVisible() and train.start_button.isEnabled()


def test_block_size_larger_than_the_data_is_flagged(qtbot, model_tab, window):
    tab = model_tab
    tab.editors["block_size"].setValue(8000)  # the tiny corpus's validation split has ~1,100 characters
    qtbot.waitUntil(lambda: not window.session.model_config_valid, timeout=5_000)
    assert "validation split" in tab.issues.text()


def test_architectures_presets_and_diagram(qtbot, model_tab, window):
    tab = model_tab
    tab.arch.setCurrentIndex(tab.arch.findData("lstm"))
    qtbot.waitUntil(lambda: window.session.model_config.arch == "lstm", timeout=5_000)
    assert not tab.editors["n_head"].isVisibleTo(tab)
    assert any(b.recurrent for b in tab.diagram.blocks)
    tab.apply_preset("small")
    assert window.session.model_config.d_model == 256 and window.session.model_config.n_layer == 2
    tab.arch.setCurrentIndex(tab.arch.findData("transformer"))
    tab.apply_preset("medium")
    cfg = window.session.model_config
    assert (cfg.arch, cfg.n_layer, cfg.n_head, cfg.d_model) == ("transformer", 6, 6, 384)
    titles = [b.title for b in tab.diagram.blocks]
    assert any("more identical layers" in t for t in titles) and titles[-1] == "Next-token probabilities"
    assert max(b.heads for b in tab.diagram.blocks) == 6
    # a workspace change elsewhere reloads the fields
    window.session.set_model_config(
        ModelConfig(arch="gru", n_layer=3, d_model=48, block_size=20, vocab_size=cfg.vocab_size)
    )
    assert tab.arch.currentData() == "gru" and tab.editors["d_model"].value() == 48


def test_every_control_has_a_tooltip(window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox

    for tab in window.tab_widgets[2:4]:
        for cls in (QAbstractButton, QAbstractSpinBox, QComboBox):
            for w in tab.findChildren(cls):
                if w.parent() is not None and type(w.parent()).__name__ in ("QScrollBar", "QTabBar"):
                    continue
                assert w.toolTip(), (
                    f"{type(tab).__name__}: {type(w).__name__} {getattr(w, 'text', lambda: '')()!r} has no tooltip"
                )


def test_measure_step_time(qtbot, model_tab):
    tab = model_tab
    tab.editors["d_model"].setValue(32)
    tab.editors["n_layer"].setValue(1)
    qtbot.waitUntil(lambda: tab.check.valid and tab.measure_button.isEnabled(), timeout=5_000)
    tab.measure()
    qtbot.waitUntil(lambda: "ms" in tab.stat_labels["step_time"].text(), timeout=30_000)
    assert tab.measured["seconds_per_step"] > 0
    qtbot.waitUntil(lambda: tab._job.finished, timeout=5_000)
