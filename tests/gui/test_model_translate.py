"""The Model tab in translate mode (issue 13): the encoder-decoder of the chosen family, its own settings,
costs and diagram, switching live with the session's task."""

from __future__ import annotations

import dataclasses

import pytest

from lmstudio.core.config import ModelConfig
from lmstudio.core.models.stats import flops_per_token, memory_estimate, parameter_count


@pytest.fixture
def tab(qtbot, session):
    from lmstudio.gui.tabs.model_tab import ModelTab

    tab = ModelTab(session)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    qtbot.waitUntil(lambda: bool(tab.costs), timeout=10_000)
    return tab


def _set_task(session, task: str) -> None:
    session.config.data = dataclasses.replace(session.config.data, task=task)
    session.sig_corpus_changed.emit()  # the Data tab reopens the corpus with the new task


def _choose(tab, key: str, value) -> None:
    editor = tab.editors[key]
    if hasattr(editor, "findData"):
        editor.setCurrentIndex(editor.findData(value))
    else:
        editor.setChecked(value)


def test_the_task_switches_the_tab_live(qtbot, tab, session):
    lm_params = tab.costs["parameters"]
    assert not tab.seq2seq_box.isVisibleTo(tab) and tab.diagram.seq2seq is None
    _set_task(session, "translate")
    cfg = session.model_config
    qtbot.waitUntil(lambda: tab.costs["parameters"] == parameter_count(cfg, encoder_decoder=True), timeout=5_000)
    assert tab.costs["parameters"] > lm_params
    assert tab.costs["flops_per_token"] == flops_per_token(cfg, encoder_decoder=True)
    assert "estimate" in tab.stat_labels["vocab"].text()
    assert tab.measure_button.isEnabled() and "encoder-decoder" in tab.measure_button.toolTip()
    # Transformer: no recurrent settings; decoder blocks read the memory through cross-attention
    assert tab.seq2seq_box.isVisibleTo(tab)
    assert not tab.editors["attention"].isVisibleTo(tab) and tab.editors["shared_embeddings"].isVisibleTo(tab)
    layout = tab.diagram.seq2seq
    decoder_layers = [i for i, b in enumerate(layout.decoder) if b is not None and b.kind == "layer"]
    assert sorted(link.target_row for link in layout.links if link.kind == "cross") == decoder_layers
    assert "Memory" in [b.title for b in layout.encoder if b is not None]
    # GRU: its own settings appear, with the declarations' tooltips, and reach the session
    tab.arch.setCurrentIndex(tab.arch.findData("gru"))
    qtbot.waitUntil(lambda: session.model_config.arch == "gru", timeout=5_000)
    assert tab.editors["attention"].isVisibleTo(tab) and tab.editors["bidirectional"].isVisibleTo(tab)
    assert "bahdanau" in tab.editors["attention"].toolTip()
    assert "encoder" in tab.arch.toolTip()  # the tip of the encoder-decoder, not the language model
    assert any(b.title.startswith("Bahdanau") for b in tab.diagram.blocks)
    # back to a language model: the plain stack, its own costs
    _set_task(session, "lm")
    qtbot.waitUntil(lambda: tab.diagram.seq2seq is None, timeout=5_000)
    assert not tab.seq2seq_box.isVisibleTo(tab) and tab.measure_button.isEnabled()
    assert tab.costs["parameters"] == parameter_count(session.model_config)


def test_recurrent_settings_drive_costs_and_diagram(qtbot, tab, session):
    _set_task(session, "translate")
    tab.arch.setCurrentIndex(tab.arch.findData("gru"))
    qtbot.waitUntil(lambda: session.model_config.arch == "gru" and tab.diagram.seq2seq is not None, timeout=5_000)
    with_attention = tab.costs["parameters"]
    n_layer = session.model_config.n_layer
    _choose(tab, "attention", "none")
    session.sig_stats_changed.emit()  # statistics arriving before the edit was checked must not undo it
    qtbot.waitUntil(lambda: session.model_config.attention == "none", timeout=5_000)
    assert tab.costs["parameters"] < with_attention
    layout = tab.diagram.seq2seq
    assert not [link for link in layout.links if link.kind == "cross"]  # only the final states pass
    assert len([link for link in layout.links if link.kind == "state"]) == n_layer
    assert "Memory" not in [b.title for b in tab.diagram.blocks]
    one_way = dataclasses.replace(session.model_config, bidirectional=False)
    _choose(tab, "bidirectional", False)
    qtbot.waitUntil(lambda: tab.costs["parameters"] == parameter_count(one_way, encoder_decoder=True), timeout=5_000)
    # one tokenizer per side: shared embeddings do not apply, the source gets its own table
    session.set_tokenizer_config(dataclasses.replace(session.tokenizer_config, shared=False))
    qtbot.waitUntil(lambda: session.model_config.source_vocab_size > 0, timeout=5_000)
    assert not tab.editors["shared_embeddings"].isVisibleTo(tab)
    assert "each side" in tab.stat_labels["vocab"].text()
    # the encoder-decoder's settings survive a return to the language model
    _set_task(session, "lm")
    tab.editors["d_model"].setValue(96)
    qtbot.waitUntil(lambda: session.model_config.d_model == 96, timeout=5_000)
    assert session.model_config.attention == "none" and not session.model_config.bidirectional


def test_encoder_decoder_memory_estimate():
    gru = ModelConfig(arch="gru", vocab_size=100, n_layer=2, d_model=64, block_size=32)
    mem = memory_estimate(gru, batch_size=8, encoder_decoder=True)
    assert mem["weights"] == 4 * parameter_count(gru, encoder_decoder=True)
    assert mem["total"] == sum(v for k, v in mem.items() if k != "total")
    acts = {
        a: memory_estimate(dataclasses.replace(gru, attention=a), batch_size=8, encoder_decoder=True)[
            "activations_approx"
        ]
        for a in ("bahdanau", "luong", "none")
    }
    assert acts["bahdanau"] > acts["luong"] > acts["none"] > memory_estimate(gru, batch_size=8)["activations_approx"]
    half = memory_estimate(gru, batch_size=8, precision="bf16", encoder_decoder=True)
    assert half["half_weights"] == mem["weights"] // 2 and half["activations_approx"] < mem["activations_approx"]
    tr = ModelConfig(arch="transformer", vocab_size=100, n_layer=2, d_model=64, n_head=4, block_size=32)
    assert memory_estimate(tr, encoder_decoder=True)["activations_approx"] > memory_estimate(tr)["activations_approx"]
    assert flops_per_token(gru, encoder_decoder=True) > flops_per_token(
        dataclasses.replace(gru, attention="none"), encoder_decoder=True
    )


def test_step_time_of_an_encoder_decoder_is_measured():
    import math

    from lmstudio.core.config import ModelConfig, TrainConfig
    from lmstudio.gui.model_checks import measure_step_time

    for arch in ("gru", "transformer"):
        cfg = ModelConfig(arch=arch, vocab_size=40, source_vocab_size=50, n_layer=1, d_model=32, n_head=2, block_size=8)
        result = measure_step_time(cfg, TrainConfig(batch_size=4), steps=1, encoder_decoder=True)
        assert math.isfinite(result["seconds_per_step"]) and result["tokens_per_sec"] > 0
