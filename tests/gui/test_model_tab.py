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


@pytest.mark.parametrize("arch", ["transformer", "lstm"])
def test_step_time_leaves_the_global_rng_and_the_threads_alone(monkeypatch, arch):
    """A training thread draws dropout masks from the global torch RNG: measuring a step beside it must not
    draw from it, nor change the process's thread count (that belongs to whoever owns the process)."""
    import torch

    from lmstudio.core.config import TrainConfig
    from lmstudio.gui import model_checks

    cfg = ModelConfig(arch=arch, vocab_size=40, n_layer=2, d_model=32, n_head=4, block_size=16, dropout=0.2)
    torch.manual_seed(1234)
    state, threads = torch.random.get_rng_state(), torch.get_num_threads()

    def refuse(n):
        raise AssertionError("measure_step_time called torch.set_num_threads")

    monkeypatch.setattr(torch, "set_num_threads", refuse)
    result = model_checks.measure_step_time(cfg, TrainConfig(batch_size=2, device="cpu"), steps=1)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.get_num_threads() == threads
    assert result["seconds_per_step"] > 0 and result["without_dropout"] is True


def test_the_timed_model_is_built_from_its_own_generator():
    import torch

    from lmstudio.gui.model_checks import build_private_model

    cfg = ModelConfig(vocab_size=40, n_layer=1, d_model=32, n_head=4, block_size=16, tie_weights=True)
    torch.manual_seed(7)
    state = torch.random.get_rng_state()
    a, b = build_private_model(cfg, seed=3), build_private_model(cfg, seed=3)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert a.lm_head.weight is a.wte.weight  # tied weights stay tied
    assert a.num_parameters() == b.num_parameters()
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb) and torch.isfinite(pa).all()
    _, loss = a(torch.zeros(1, 8, dtype=torch.long), torch.zeros(1, 8, dtype=torch.long))
    assert torch.isfinite(loss)


def test_check_model_reports_the_configs_own_message():
    from lmstudio.gui.model_checks import check_model

    base = {"arch": "transformer", "n_layer": 2, "n_head": 5, "d_model": 96, "block_size": 32, "positions": "rotary"}
    check = check_model(base, vocab_size=50)
    assert check.config is None and len(check.issues) == 1
    assert check.issues[0].startswith("Model — Width:") and "divisible by 5 heads" in check.issues[0]
    check = check_model({**base, "n_head": 4}, vocab_size=50, val_tokens=20)
    assert check.config is not None and not check.valid and "validation split" in check.issues[0]
    assert check_model({**base, "n_head": 4}, vocab_size=50).valid
