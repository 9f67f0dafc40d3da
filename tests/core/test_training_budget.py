"""Issue 12's training features: the time budget, Muon, MFU, and reading the loss from the device in groups."""

from __future__ import annotations

import csv
import json
import math

import pytest
import torch

from lmstudio.core import peak
from lmstudio.core.config import ModelConfig
from lmstudio.core.errors import TrainingError
from lmstudio.core.models import build_model
from lmstudio.core.training.events import EvalEvent, FinishedEvent, StepEvent
from lmstudio.core.training.launch import new_trainer, resume_trainer
from lmstudio.core.training.optim import muon_matrices
from tests.helpers import tiny_workspace


def _rows(run_dir):
    with open(run_dir / "metrics.csv", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["train_loss"]]


def test_time_budget_ends_the_run_and_the_schedule_with_it(tiny_corpus, tmp_path, one_thread):
    config = tiny_workspace(
        tiny_corpus, steps=10**9, max_time=0.6, schedule="wsd", warmdown=0.5, warmup_steps=0, eval_interval=10**6
    )
    events = list(new_trainer(config, tmp_path / "run").run())
    steps = [e for e in events if isinstance(e, StepEvent)]
    final = events[-1]
    assert isinstance(final, FinishedEvent) and final.status == "finished"
    assert "time budget of 0.6 s spent" in final.message
    assert steps[-1].elapsed >= 0.6 and steps[-1].elapsed - steps[-2].elapsed < 0.6  # stopped at the first step past it
    # the schedule followed the clock: peak for the first half, then down to min_lr at the end
    cfg = config.train
    first_half = [e.lr for e in steps if e.elapsed < 0.25]
    assert first_half and all(lr == cfg.lr for lr in first_half)
    assert steps[-1].lr < cfg.lr * 0.35  # almost at the floor (min_lr = lr / 10) by the last step
    evals = [e for e in events if isinstance(e, EvalEvent)]
    assert evals[-1].step == steps[-1].step  # a final evaluation when the budget ends


def test_steps_still_end_a_budgeted_run_first_when_they_come_first(tiny_corpus, tmp_path, one_thread):
    config = tiny_workspace(tiny_corpus, steps=5, max_time=3600)
    final = list(new_trainer(config, tmp_path / "run").run())[-1]
    assert final.status == "finished" and final.step == 5 and final.message == "finished 5 steps"


def test_muon_updates_hidden_matrices_and_adamw_the_rest():
    model = build_model(ModelConfig(arch="transformer", vocab_size=20, n_layer=1, n_head=2, d_model=16, block_size=8))
    matrices = {id(p) for p in muon_matrices(model)}
    names = {n for n, p in model.named_parameters() if id(p) in matrices}
    assert names == {
        "blocks.0.attn.c_attn.weight",
        "blocks.0.attn.c_proj.weight",
        "blocks.0.mlp.c_fc.weight",
        "blocks.0.mlp.c_proj.weight",
    }
    lstm = build_model(ModelConfig(arch="lstm", vocab_size=20, n_layer=1, d_model=16, block_size=8))
    names = {n for n, p in lstm.named_parameters() if id(p) in {id(q) for q in muon_matrices(lstm)}}
    assert names == {"rnn.weight_ih_l0", "rnn.weight_hh_l0"}


def test_muon_trains_saves_its_state_and_resumes_exactly(tiny_corpus, tmp_path, one_thread):
    config = tiny_workspace(tiny_corpus, steps=30, optimizer="muon", eval_interval=100, checkpoint_interval=15)
    full = tmp_path / "full"
    events = list(new_trainer(config, full).run())
    assert events[-1].status == "finished"
    losses = [e.loss for e in events if isinstance(e, StepEvent)]
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5 - 0.3  # it learns
    # stopped at 15 and resumed: the same losses as the uninterrupted run
    resumed = tmp_path / "resumed"
    config15 = tiny_workspace(tiny_corpus, steps=30, optimizer="muon", eval_interval=100, checkpoint_interval=15)
    from lmstudio.core.training.control import TrainingControl

    control = TrainingControl()
    for event in new_trainer(config15, resumed, control=control).run():
        if isinstance(event, StepEvent) and event.step == 15:
            control.stop()
    after = [e.loss for e in resume_trainer(resumed).run() if isinstance(e, StepEvent)]
    assert after == pytest.approx(losses[15:], abs=1e-5)


def test_resuming_with_another_optimizer_is_a_clear_message(tiny_corpus, tmp_path, one_thread):
    from lmstudio.core.training.control import TrainingControl

    run = tmp_path / "run"
    control = TrainingControl()
    config = tiny_workspace(tiny_corpus, steps=20, optimizer="muon", eval_interval=100)
    for event in new_trainer(config, run, control=control).run():
        if isinstance(event, StepEvent) and event.step == 3:
            control.stop()
    settings = json.loads((run / "config.json").read_text(encoding="utf-8"))
    settings["train"]["optimizer"] = "adamw"
    (run / "config.json").write_text(json.dumps(settings), encoding="utf-8")
    with pytest.raises(TrainingError, match="trained with Muon; resume it with train.optimizer muon"):
        resume_trainer(run)


def test_mfu_is_reported_against_the_cached_measured_peak(tiny_corpus, tmp_path, one_thread):
    trainer = new_trainer(tiny_workspace(tiny_corpus, steps=5), tmp_path / "run")
    events = list(trainer.run())
    steps = [e for e in events if isinstance(e, StepEvent)]
    measured = trainer.matmul_peak  # measured once per machine (or read from the cache, or this process's memo)
    assert measured == peak.cached_peak(trainer.device, trainer.dtype) and measured > 1e8
    # MFU is the model's FLOPs at the step's throughput over the cached peak (a busy machine measures a low peak,
    # which makes MFU high but not wrong: the relation is what is tested, not a range)
    for e in steps:
        assert e.mfu > 0 and e.mfu == pytest.approx(trainer.flops_per_token * e.tokens_per_sec / measured, rel=1e-6)
    rows = _rows(tmp_path / "run")
    assert float(rows[-1]["mfu"]) == pytest.approx(steps[-1].mfu, rel=1e-4)


def test_a_damaged_peak_cache_is_measured_again(tmp_path, monkeypatch):
    monkeypatch.setenv("LMSTUDIO_CACHE", str(tmp_path))
    monkeypatch.setattr(peak, "_memo", {})
    (tmp_path / peak.CACHE_FILE).write_text("{not json", encoding="utf-8")
    calls = []
    monkeypatch.setattr(peak, "measure_matmul_peak", lambda device, dtype: calls.append(1) or 5e10)
    assert peak.matmul_peak(torch.device("cpu"), torch.float32) == 5e10
    assert json.loads((tmp_path / peak.CACHE_FILE).read_text(encoding="utf-8"))  # rewritten, valid
    monkeypatch.setattr(peak, "_memo", {})
    assert peak.matmul_peak(torch.device("cpu"), torch.float32) == 5e10 and calls == [1]  # read back, not measured
    assert math.isnan(peak.mfu(1e6, 1e3, 0.0))


def test_reading_the_loss_every_few_steps_gives_the_same_run(tiny_corpus, tmp_path, one_thread):
    """The GPU's grouped device reads (run here on the CPU): same steps, same numbers, same files."""
    config = tiny_workspace(tiny_corpus, steps=23, eval_interval=10, checkpoint_interval=0)
    every = new_trainer(config, tmp_path / "every")
    grouped = new_trainer(config, tmp_path / "grouped")
    grouped.sync_every = 7
    a = [e for e in every.run() if isinstance(e, StepEvent | EvalEvent)]
    b = [e for e in grouped.run() if isinstance(e, StepEvent | EvalEvent)]
    assert [type(e).__name__ + str(e.step) for e in a] == [type(e).__name__ + str(e.step) for e in b]
    assert [getattr(e, "loss", None) for e in a] == pytest.approx([getattr(e, "loss", None) for e in b], abs=1e-6)


def test_grouped_reads_still_stop_a_diverged_run_without_saving_it(tiny_corpus, tmp_path, one_thread):
    run = tmp_path / "run"
    trainer = new_trainer(
        tiny_workspace(tiny_corpus, steps=20, checkpoint_interval=2, eval_interval=100, sample_tokens=0), run
    )
    trainer.sync_every = 5
    param = next(trainer.model.parameters())
    param.register_hook(lambda grad: grad * float("nan") if trainer.step >= 3 else grad)
    final = list(trainer.run())[-1]
    assert final.status == "failed" and "gradient norm became nan at step 4" in final.message
    from lmstudio.core.runs import checkpoint as ckpt

    assert ckpt.resolve_checkpoint(run, "last").step == 2


def test_our_muon_is_torchs_algorithm_with_the_iterations_in_a_chosen_dtype():
    from lmstudio.core.training.optim import Muon

    torch.manual_seed(0)
    weights = [torch.randn(24, 8), torch.randn(8, 16)]
    ours_bf16 = [w.clone().requires_grad_() for w in weights]
    ours_fp32 = [w.clone().requires_grad_() for w in weights]
    theirs = [w.clone().requires_grad_() for w in weights]
    kw = dict(lr=0.01, weight_decay=0.1, momentum=0.9, adjust_lr_fn="match_rms_adamw")
    opts = [
        Muon(ours_bf16, ns_dtype=torch.bfloat16, **kw),
        Muon(ours_fp32, ns_dtype=torch.float32, **kw),
        torch.optim.Muon(theirs, **kw),
    ]
    for _ in range(3):
        grads = [torch.randn_like(w) for w in weights]
        for params, opt in zip((ours_bf16, ours_fp32, theirs), opts):
            for p, g in zip(params, grads):
                p.grad = g.clone()
            opt.step()
    for a, b, c in zip(ours_bf16, ours_fp32, theirs):
        torch.testing.assert_close(a, c, rtol=0, atol=0)  # bit for bit in bf16, as on a GPU
        torch.testing.assert_close(b, c, rtol=0, atol=2e-3)  # fp32 iterations: the same up to bf16's rounding


def test_measuring_the_peak_leaves_the_global_random_state_alone():
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    peak.measure_matmul_peak(torch.device("cpu"), torch.float32, seconds=0.001)
    assert torch.equal(torch.rand(3), expected)


def test_the_log_says_when_the_peak_is_measured_and_only_then(tiny_corpus, tmp_path, monkeypatch, one_thread):
    from lmstudio.core.training.events import LogEvent

    monkeypatch.setenv("LMSTUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(peak, "_memo", {})
    monkeypatch.setattr(peak, "measure_matmul_peak", lambda device, dtype: 5e10)

    def logs(name):
        events = new_trainer(tiny_workspace(tiny_corpus, steps=2), tmp_path / name).run()
        return [e.message for e in events if isinstance(e, LogEvent)]

    assert any("measuring this device's matmul peak" in m for m in logs("first"))
    monkeypatch.setattr(peak, "_memo", {})  # a new process: the peak comes from the cache file
    assert not any("matmul peak" in m for m in logs("second"))
