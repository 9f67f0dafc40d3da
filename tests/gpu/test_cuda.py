"""The CUDA path, on a CUDA machine: a few training steps in bf16 autocast and in fp16 with loss scaling, the pinned
and prefetching batch sampler, KV-cached generation, the matmul peak, torch.compile and the memory estimate.

Every test here is marked ``cuda``: tests/conftest.py skips them where ``torch.cuda.is_available()`` is False,
and benchmarks/gpu_check.sh runs them (``pytest -m cuda``). Tiny models, a few steps each: the whole module is
meant to take well under two minutes on one GPU, most of it torch.compile's first compilation.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from lmstudio.core.config import ModelConfig, SampleConfig
from lmstudio.core.dataset.tokens import BatchSampler
from lmstudio.core.devices import compile_wins, configure_backends, resolve_precision
from lmstudio.core.inference.generation import generate
from lmstudio.core.models import build_model
from lmstudio.core.training.events import EvalEvent, FinishedEvent, StepEvent
from lmstudio.core.training.launch import new_trainer
from tests.helpers import CharTok, tiny_workspace

pytestmark = pytest.mark.cuda

CUDA = torch.device("cuda")


@pytest.fixture
def exact_fp32():
    """fp32 matmuls in full precision for the comparisons of two computations (TF32 differs from fp32 at
    1e-3, more than the tolerances below); the setting before is restored afterwards."""
    before = torch.get_float32_matmul_precision()
    torch.set_float32_matmul_precision("highest")
    yield
    torch.set_float32_matmul_precision(before)


def _train(tiny_corpus, tmp_path, **train):
    # compile off unless asked: "auto" compiles on CUDA, a minute per run; one test compiles
    config = tiny_workspace(tiny_corpus, steps=40, eval_interval=20, device="cuda", **{"compile": "off", **train})
    trainer = new_trainer(config, tmp_path / "run")
    events = list(trainer.run())
    return trainer, events


def _check_learned(trainer, events):
    final = events[-1]
    assert isinstance(final, FinishedEvent) and final.status == "finished", final
    evals = [e for e in events if isinstance(e, EvalEvent)]
    assert [e.step for e in evals] == [0, 20, 40]
    assert all(math.isfinite(e.val_loss) for e in evals)
    assert evals[-1].val_loss < evals[0].val_loss - 0.3  # it learned on the GPU
    steps = [e for e in events if isinstance(e, StepEvent)]
    assert [e.step for e in steps] == list(range(1, 41))
    assert all(p.device.type == "cuda" and p.dtype == torch.float32 for p in trainer.model.parameters())


def test_bf16_autocast_trains(tiny_corpus, tmp_path):
    if not torch.cuda.is_bf16_supported(including_emulation=False):
        pytest.skip("this GPU has no bf16 in hardware (auto precision is fp16 here: the next test)")
    assert resolve_precision("auto", CUDA) == torch.bfloat16
    trainer, events = _train(tiny_corpus, tmp_path, precision="auto")
    assert trainer.dtype == torch.bfloat16 and not trainer.scaler.is_enabled()
    _check_learned(trainer, events)


def test_fp16_with_grad_scaler_trains(tiny_corpus, tmp_path):
    trainer, events = _train(tiny_corpus, tmp_path, precision="fp16")
    assert trainer.dtype == torch.float16 and trainer.scaler.is_enabled()
    assert trainer.scaler.get_scale() > 0
    _check_learned(trainer, events)


def test_backends_configured_for_training(exact_fp32):
    configure_backends(CUDA)
    assert torch.get_float32_matmul_precision() == "high"
    assert torch.backends.cuda.matmul.allow_tf32 and not torch.backends.cudnn.benchmark


def test_pinned_prefetching_sampler_gives_the_cpu_sequence():
    data = np.random.default_rng(0).integers(0, 1000, 20_000).astype(np.uint16)
    cpu = BatchSampler(data, 64, 8, seed=3)
    gpu = BatchSampler(data, 64, 8, seed=3, device="cuda")
    assert gpu.prefetch and gpu._pin  # the defaults on CUDA
    weight = torch.randn(2048, 2048, device=CUDA)
    for i in range(6):
        x, y = gpu.next()
        assert x.device.type == "cuda" and x.dtype == torch.int64 and x.shape == (8, 64)
        busy = weight @ weight  # compute queued on the default stream while the next batch copies
        cx, cy = cpu.next()
        assert torch.equal(x.cpu(), cx) and torch.equal(y.cpu(), cy), f"batch {i}"
        assert torch.equal(y[:, :-1], x[:, 1:])
    torch.cuda.synchronize()
    del busy
    state = gpu.state_dict()  # with a batch in flight: the state before it
    expected = [gpu.next() for _ in range(3)]
    resumed = BatchSampler(data, 64, 8, seed=0, device="cuda")
    resumed.load_state_dict(state)
    for x, y in expected:
        rx, ry = resumed.next()
        assert torch.equal(rx, x) and torch.equal(ry, y)


def test_kv_cached_generation_matches_the_full_forward(exact_fp32):
    torch.manual_seed(0)
    tok = CharTok()
    cfg = ModelConfig(arch="transformer", vocab_size=tok.vocab_size, block_size=32, n_layer=2, n_head=2, d_model=64)
    model = build_model(cfg).to(CUDA).eval()
    ids = torch.randint(4, tok.vocab_size, (1, 24), device=CUDA)
    with torch.inference_mode():
        full, _ = model(ids)
        state = model.init_state(1, CUDA)
        logits, state = model.step(ids[:, :8], state)  # a prefill, then one token at a time
        cached = [logits[:, -1]]
        for t in range(8, 24):
            logits, state = model.step(ids[:, t : t + 1], state)
            cached.append(logits[:, -1])
    torch.testing.assert_close(torch.stack(cached, 1), full[:, 7:], atol=1e-4, rtol=1e-4)

    sample = SampleConfig(max_new_tokens=80, temperature=1.0, top_k=10, seed=5, alternatives=3)
    a = list(generate(model, tok, "the ", sample, CUDA))  # past the window of 32: the cache slides
    b = list(generate(model, tok, "the ", sample, CUDA))
    assert len(a) == 80 and [e.id for e in a] == [e.id for e in b]  # a CUDA generator, seeded
    assert all(0 < e.prob <= 1 and len(e.alternatives) == 3 for e in a)


def test_matmul_peak_is_measured_and_cached():
    from lmstudio.core import peak

    for dtype in (torch.float32, torch.bfloat16):
        value = peak.matmul_peak(CUDA, dtype)
        assert math.isfinite(value) and value > 0
        assert peak.matmul_peak(CUDA, dtype) == value  # measured once
    assert "bfloat16" in peak.peak_key(CUDA, torch.bfloat16) and torch.cuda.get_device_name() in peak.peak_key(
        CUDA, torch.float32
    )


def test_compile_trains_and_matches_eager(tiny_corpus, tmp_path):
    """One compilation (the slow part of this module): the trainer's compiled model trains, then gives eager's
    loss on a batch of the same shape (the same compiled graph: train mode, fp32, no autocast)."""
    if not compile_wins(CUDA):
        pytest.skip("triton is not importable: torch.compile cannot generate GPU kernels here")
    trainer, events = _train(tiny_corpus, tmp_path, precision="fp32", compile="on")
    assert trainer.forward is not trainer.model  # the compiled module ran the steps
    _check_learned(trainer, events)
    x, y = trainer.train_sampler.next()
    trainer.model.train()  # grad mode on, as in training: no_grad would be a second compilation
    _, compiled_loss = trainer.forward(x, y)
    _, eager_loss = trainer.model(x, y)
    # TF32 in both, different kernels
    torch.testing.assert_close(compiled_loss.detach(), eager_loss.detach(), atol=5e-3, rtol=5e-3)


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_memory_estimate_is_near_the_measured_peak(precision):
    """The Model tab's estimate for the medium preset against what one training step allocates."""
    from lmstudio.core.devices import autocast, make_adamw
    from lmstudio.core.models.presets import apply_preset
    from lmstudio.core.models.stats import memory_estimate

    cfg = replace(apply_preset(ModelConfig(arch="transformer", vocab_size=8192), "medium"), dropout=0.0)
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[precision]
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    model = build_model(cfg).to(CUDA)
    opt = make_adamw(model.parameters(), 1e-3, (0.9, 0.99), CUDA)
    x = torch.randint(0, 8192, (12, cfg.block_size), device=CUDA)
    for _ in range(2):  # the second step holds the optimizer state as well
        with autocast(CUDA, dtype):
            _, loss = model(x, x)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
    torch.cuda.synchronize()
    measured = torch.cuda.max_memory_allocated() - base
    estimate = memory_estimate(cfg, batch_size=12, precision=precision)["total"]
    assert 0.5 < estimate / measured < 2.0, (estimate, measured)
    del model, opt, x, loss
    torch.cuda.empty_cache()
