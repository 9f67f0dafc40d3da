"""The CUDA decisions of core.devices (precision, backends, compile, memory) and the prefetching BatchSampler,
checked on any machine: torch.cuda's answers are monkeypatched, so these run on a CPU-only build too."""

from __future__ import annotations

import io
import sys
import types

import numpy as np
import pytest
import torch

from lmstudio.core import devices
from lmstudio.core.dataset.tokens import BatchSampler
from lmstudio.core.devices import (
    compile_wins,
    configure_backends,
    device_memory,
    resolve_precision,
    system_memory,
)
from lmstudio.core.errors import TrainingError

CUDA, MPS, CPU = torch.device("cuda"), torch.device("mps"), torch.device("cpu")


@pytest.fixture
def bf16_hardware(monkeypatch):
    """Set whether the (pretend) GPU has bf16 in hardware; emulation must not count."""

    def set_to(supported: bool) -> None:
        def is_bf16_supported(including_emulation: bool = True) -> bool:
            return supported or including_emulation  # an old GPU "supports" bf16 only by emulation

        monkeypatch.setattr(torch.cuda, "is_bf16_supported", is_bf16_supported)

    return set_to


def test_auto_precision_is_bf16_on_a_gpu_that_has_it(bf16_hardware):
    bf16_hardware(True)
    assert resolve_precision("auto", CUDA) == torch.bfloat16


def test_auto_precision_is_fp16_on_a_gpu_without_bf16(bf16_hardware):
    bf16_hardware(False)  # e.g. a Turing or Volta card: bf16 only emulated, slowly
    assert resolve_precision("auto", CUDA) == torch.float16


def test_auto_precision_is_fp32_on_mps_and_cpu(bf16_hardware):
    bf16_hardware(True)
    assert resolve_precision("auto", MPS) == torch.float32
    assert resolve_precision("auto", CPU) == torch.float32


def test_explicit_precisions_are_kept():
    assert resolve_precision("fp32", CUDA) == torch.float32
    assert resolve_precision("bf16", CUDA) == torch.bfloat16
    assert resolve_precision("fp16", CUDA) == torch.float16
    assert resolve_precision("bf16", CPU) == torch.bfloat16
    with pytest.raises(TrainingError, match="fp16 needs a GPU"):
        resolve_precision("fp16", CPU)


@pytest.fixture
def restore_backends():
    precision, benchmark = torch.get_float32_matmul_precision(), torch.backends.cudnn.benchmark
    yield
    torch.set_float32_matmul_precision(precision)
    torch.backends.cudnn.benchmark = benchmark


def test_configure_backends_turns_on_tf32_and_off_the_autotuner_on_cuda(restore_backends):
    torch.set_float32_matmul_precision("highest")
    torch.backends.cudnn.benchmark = True
    configure_backends("cuda")
    configure_backends(CUDA)  # idempotent
    assert torch.get_float32_matmul_precision() == "high"
    assert torch.backends.cuda.matmul.allow_tf32  # the legacy flag agrees (reading it must not raise)
    assert torch.backends.cudnn.benchmark is False


def test_configure_backends_leaves_cpu_and_mps_alone(restore_backends):
    torch.set_float32_matmul_precision("highest")
    torch.backends.cudnn.benchmark = True
    configure_backends("cpu")
    configure_backends(MPS)
    assert torch.get_float32_matmul_precision() == "highest"
    assert torch.backends.cudnn.benchmark is True


def test_compile_wins_on_cuda_only_when_triton_imports(monkeypatch):
    monkeypatch.setitem(sys.modules, "triton", types.ModuleType("triton"))
    assert compile_wins("cuda") is True
    assert compile_wins(CPU) is False
    assert compile_wins(MPS) is False
    monkeypatch.setitem(sys.modules, "triton", None)  # "import triton" raises ImportError
    assert compile_wins("cuda") is False


def test_device_memory_of_a_gpu_is_its_total_memory(monkeypatch):
    props = types.SimpleNamespace(total_memory=24 * 2**30, name="Pretend RTX")
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda device=None: props)
    assert device_memory(CUDA) == 24 * 2**30


def fake_psutil(total: int) -> types.SimpleNamespace:
    return types.SimpleNamespace(virtual_memory=lambda: types.SimpleNamespace(total=total))


def test_device_memory_of_the_cpu_is_the_ram(monkeypatch):
    monkeypatch.setitem(sys.modules, "psutil", fake_psutil(123))
    assert device_memory("cpu") == system_memory() == 123
    monkeypatch.setitem(sys.modules, "psutil", None)  # not installed: os.sysconf where it exists
    sysconf = getattr(devices.os, "sysconf", None)
    if sysconf is not None:
        assert device_memory("cpu") == sysconf("SC_PAGE_SIZE") * sysconf("SC_PHYS_PAGES")
    monkeypatch.delattr(devices.os, "sysconf", raising=False)  # Windows without psutil: unknown
    assert device_memory("cpu") is None


def test_device_memory_of_mps_is_metal_limit_else_ram(monkeypatch):
    monkeypatch.setattr(torch.mps, "recommended_max_memory", lambda: 16 * 2**30, raising=False)
    assert device_memory(MPS) == 16 * 2**30

    def no_metal() -> int:
        raise RuntimeError("no MPS device")

    monkeypatch.setattr(torch.mps, "recommended_max_memory", no_metal, raising=False)
    monkeypatch.setitem(sys.modules, "psutil", fake_psutil(7))
    assert device_memory(MPS) == 7


# --- the prefetching batch sampler (the CUDA path's bookkeeping, run on the CPU) ------------------------------


def _data():
    return np.random.default_rng(0).integers(0, 500, 4000).astype(np.uint16)


def test_prefetching_sampler_hands_out_the_same_batches():
    plain = BatchSampler(_data(), 16, 4, seed=7)
    ahead = BatchSampler(_data(), 16, 4, seed=7, prefetch=True)
    assert plain.prefetch is False  # the CPU's default: nothing to overlap
    for _ in range(5):
        (x, y), (px, py) = plain.next(), ahead.next()
        assert torch.equal(x, px) and torch.equal(y, py)
    assert ahead.steps == plain.steps == 5


def test_prefetching_sampler_saves_the_state_of_the_batch_in_flight():
    plain = BatchSampler(_data(), 16, 4, seed=7)
    ahead = BatchSampler(_data(), 16, 4, seed=7, prefetch=True)
    for _ in range(3):
        plain.next(), ahead.next()
    state, plain_state = ahead.state_dict(), plain.state_dict()
    assert torch.equal(state["generator"], plain_state["generator"])  # not the state after the prefetched draw
    assert state["steps"] == 3
    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    expected = [ahead.next() for _ in range(4)]
    for resumed in (BatchSampler(_data(), 16, 4, seed=0, prefetch=True), BatchSampler(_data(), 16, 4, seed=0)):
        buf.seek(0)
        resumed.load_state_dict(torch.load(buf, weights_only=True))
        for x, y in expected:
            rx, ry = resumed.next()
            assert torch.equal(rx, x) and torch.equal(ry, y)


def test_loading_state_drops_the_batch_in_flight():
    sampler = BatchSampler(_data(), 16, 4, seed=7, prefetch=True)
    first = sampler.next()
    start = BatchSampler(_data(), 16, 4, seed=7).state_dict()
    sampler.next()
    sampler.load_state_dict(start)  # back to the start: the batch prefetched from the later state is stale
    assert torch.equal(sampler.next()[0], first[0])


def test_batch_prefetched_under_inference_mode_can_train():
    sampler = BatchSampler(_data(), 16, 4, seed=7, prefetch=True)
    with torch.inference_mode():
        sampler.next()  # e.g. a look at a batch from an evaluation: the next one is drawn here
    x, _ = sampler.next()
    assert not x.is_inference()
    emb = torch.nn.Embedding(500, 8)
    emb(x).sum().backward()  # the embedding keeps its indices for backward


def test_step_waits_only_for_its_own_batch_copy(monkeypatch):
    """The CUDA bookkeeping, with the streams stood in for: the consumer's stream waits for the copy stream
    (and marks the batch as used there) before the next batch's copy is queued, so a step never waits for the
    prefetch that is meant to overlap it."""
    calls: list[str] = []
    sampler = BatchSampler(_data(), 16, 4, seed=7, prefetch=True)
    draw = sampler._draw

    def logged_draw():
        calls.append("copy queued")
        return draw()

    class Current:
        def wait_stream(self, stream):
            calls.append("step waits for the copies queued so far")

    sampler._draw = logged_draw
    sampler._stream = object()  # what _ready checks: a copy stream exists
    monkeypatch.setattr(torch.cuda, "current_stream", lambda device=None: Current())
    monkeypatch.setattr(torch.Tensor, "record_stream", lambda self, stream: calls.append("batch marked"))
    sampler.next()
    assert calls == [
        "copy queued",  # the first batch, drawn on demand
        "step waits for the copies queued so far",
        "batch marked",
        "batch marked",
        "copy queued",  # the prefetch, after the wait
    ]
    calls.clear()
    sampler.next()
    assert calls == ["step waits for the copies queued so far", "batch marked", "batch marked", "copy queued"]


def test_bf16_lstm_on_the_cpu_is_refused_before_anything_is_written(tmp_path, tiny_corpus):
    """torch's CPU LSTM under bf16 autocast failed at the first step with oneDNN's "could not create a primitive
    descriptor" (a traceback after the run folder was written); now the Trainer refuses it when it is built."""
    import dataclasses

    from lmstudio.core.config import ModelConfig
    from lmstudio.core.devices import resolve_precision
    from lmstudio.core.training.launch import new_trainer
    from tests.helpers import tiny_workspace

    cpu = torch.device("cpu")
    with pytest.raises(TrainingError, match="bf16 with an LSTM fails on the CPU.*fp32"):
        resolve_precision("bf16", cpu, "lstm")
    assert resolve_precision("bf16", cpu, "gru") == torch.bfloat16
    config = tiny_workspace(tiny_corpus, precision="bf16")
    config.model = ModelConfig(arch="lstm", d_model=16, n_layer=1, block_size=16)
    with pytest.raises(TrainingError, match="LSTM"):
        new_trainer(config, tmp_path / "run")
    assert not (tmp_path / "run").exists()
    config.model = dataclasses.replace(config.model, arch="gru")
    trainer = new_trainer(config, tmp_path / "gru")
    assert trainer.dtype == torch.bfloat16
    trainer.run_lock.release()
