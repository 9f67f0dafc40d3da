"""The GPU-sized presets and the training-memory estimate: precision-aware, set against the device's memory, and
shown by the Model tab as "fits" or "may not fit"."""

from __future__ import annotations

import os
import types

import pytest
import torch

from lmstudio.core.config import ModelConfig
from lmstudio.core.models.presets import PRESET_NAMES, PRESETS, apply_preset
from lmstudio.core.models.stats import memory_estimate, parameter_count
from lmstudio.gui import model_checks
from lmstudio.gui.model_checks import TrainingTarget, memory_verdict, model_costs, training_target

GiB = 2**30


@pytest.mark.parametrize("vocab", [8192, 16384])
def test_gpu_presets_are_sized_for_one_consumer_gpu(vocab):
    counts = {
        name: parameter_count(apply_preset(ModelConfig(arch="transformer", vocab_size=vocab), name))
        for name in ("medium", "large")
    }
    assert all(10e6 <= n <= 50e6 for n in counts.values()), counts
    assert counts["large"] > 2 * counts["medium"]
    large = apply_preset(ModelConfig(arch="transformer", vocab_size=vocab), "large")
    assert (large.n_layer, large.n_head, large.d_model, large.block_size) == (12, 8, 512, 512)
    # trains at batch 12 in bf16 in well under an 8 GB card's share
    assert memory_estimate(large, batch_size=12, precision="bf16")["total"] < 3 * GiB


def test_every_architecture_has_every_preset_in_increasing_size():
    assert PRESET_NAMES[-2:] == ("medium", "large")
    for arch, presets in PRESETS.items():
        assert set(presets) == set(PRESET_NAMES), arch
        large = apply_preset(ModelConfig(arch=arch, vocab_size=8192), "large")
        medium = apply_preset(ModelConfig(arch=arch, vocab_size=8192), "medium")
        assert parameter_count(large) > parameter_count(medium)
        assert parameter_count(large) <= 50e6


def test_cli_offers_every_preset():
    import argparse

    from lmstudio.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    train = sub.choices["train"]
    preset = next(a for a in train._actions if "--preset" in a.option_strings)
    assert tuple(preset.choices) == PRESET_NAMES


CFG = ModelConfig(arch="transformer", vocab_size=512, n_layer=2, n_head=2, d_model=64, block_size=32)


def test_half_precision_halves_the_layer_activations_and_keeps_fp32_master_weights():
    fp32 = memory_estimate(CFG, batch_size=4)
    assert fp32 == memory_estimate(CFG, batch_size=4, precision="fp32")
    assert fp32["half_weights"] == 0
    n = parameter_count(CFG)
    logits = 4 * 32 * 2 * 512 * 4  # tokens x (logits + their gradient) x 4 bytes: fp32 in every precision
    for precision in ("bf16", "fp16"):
        half = memory_estimate(CFG, batch_size=4, precision=precision)
        assert half["weights"] == fp32["weights"] == 4 * n  # fp32 master weights
        assert half["gradients"] == fp32["gradients"] and half["optimizer"] == fp32["optimizer"]
        assert half["half_weights"] == 2 * n  # autocast's copy for the step
        assert half["activations_approx"] - logits == (fp32["activations_approx"] - logits) // 2
        assert half["total"] == sum(v for k, v in half.items() if k != "total")
    with pytest.raises(ValueError, match="resolved one"):
        memory_estimate(CFG, precision="auto")


def test_memory_verdict():
    target = TrainingTarget("bf16", 8 * GiB, "the GPU (Pretend 8 GB)")
    fits, text = memory_verdict(2 * GiB, target)
    assert fits is True and text.startswith("fits: 2.0 GiB of 8.0 GiB of the GPU (Pretend 8 GB) (bf16)")
    fits, text = memory_verdict(7 * GiB, target)  # under the total but over the 80% one can plan on
    assert fits is False and text.startswith("may not fit: 7.0 GiB needed") and "lower the batch size" in text
    assert "precision" not in text.split(":", 2)[-1]  # bf16 already: no advice to switch
    _, text = memory_verdict(7 * GiB, TrainingTarget("fp32", 8 * GiB, "the GPU (Pretend 8 GB)"))
    assert "set the precision to auto or bf16" in text
    assert memory_verdict(7 * GiB, TrainingTarget("fp32", None, "")) == (None, "")


@pytest.fixture
def fresh_target():
    training_target.cache_clear()
    yield
    training_target.cache_clear()


def test_training_target_on_the_cpu_is_fp32_and_the_ram(fresh_target, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(model_checks, "training_target", training_target)
    target = training_target("cpu", "auto")
    assert target.precision == "fp32" and target.where == "system RAM"
    if hasattr(os, "sysconf"):
        assert target.memory and target.memory > 0
    assert training_target("cpu", "fp16").precision == "fp32"  # refused when training starts, not here
    assert training_target("cpu", "bf16").precision == "bf16"
    missing = training_target("cuda", "auto")  # asked for, not present: the Train tab reports it
    assert missing.memory is None and missing.precision == "fp32"


def test_training_target_on_a_gpu_is_bf16_and_its_memory(fresh_target, monkeypatch):
    props = types.SimpleNamespace(name="Pretend RTX", total_memory=12 * GiB)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda device=None: props)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: True)
    target = training_target("auto", "auto")
    assert target == TrainingTarget("bf16", 12 * GiB, "the GPU (Pretend RTX)")
    large = apply_preset(ModelConfig(arch="transformer", vocab_size=16384), "large")
    costs = model_costs(large, 12, target)
    assert costs["fits"] is True and costs["precision"] == "bf16" and costs["memory_half_weights"] > 0
    assert model_costs(large, 512, target)["fits"] is False


def test_model_tab_shows_whether_training_fits(qtbot, tmp_path, fresh_target, monkeypatch):
    from lmstudio.gui.session import Session
    from lmstudio.gui.tabs.model_tab import ModelTab

    monkeypatch.setattr(
        model_checks, "training_target", lambda device, precision: TrainingTarget("fp32", 4 * GiB, "system RAM")
    )
    session = Session(work_dir=tmp_path / "work")
    try:
        tab = ModelTab(session)
        qtbot.addWidget(tab)
        tab.show()
        qtbot.waitUntil(lambda: bool(tab.costs), timeout=10_000)
        assert tab.stat_labels["memory_fit"].text().startswith("fits: ")
        assert tab.stat_labels["memory_half_weights"].text() == "none (fp32)"
        for name in PRESET_NAMES:
            assert tab.preset_buttons[name].toolTip()
        tab.apply_preset("large")
        tab.editors["block_size"].setValue(4096)
        qtbot.waitUntil(lambda: tab.costs.get("fits") is False, timeout=10_000)
        assert tab.stat_labels["memory_fit"].text().startswith("may not fit: ")
    finally:
        session.close()
