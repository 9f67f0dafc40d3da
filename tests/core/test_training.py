"""The trainer: events, control flags, failure handling and exact resume in a new process."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import threading
import time

import pytest
import torch

from lmstudio.core.runs import checkpoint as ckpt
from lmstudio.core.training.control import TrainingControl
from lmstudio.core.training.events import (
    CheckpointEvent,
    EvalEvent,
    FinishedEvent,
    LogEvent,
    LrChangedEvent,
    SampleEvent,
    StepEvent,
)
from lmstudio.core.training.launch import new_trainer
from lmstudio.core.training.schedule import lr_at
from tests.helpers import tiny_workspace


def _losses(run_dir):
    with open(run_dir / "metrics.csv", encoding="utf-8") as fh:
        return {int(r["step"]): r["train_loss"] for r in csv.DictReader(fh) if r["train_loss"]}


def test_schedule_shapes():
    kw = dict(peak=1.0, floor=0.1, warmup=10, total=110)
    assert lr_at(0, schedule="cosine", **kw) == pytest.approx(0.1)
    assert lr_at(9, schedule="cosine", **kw) == pytest.approx(1.0)
    assert lr_at(60, schedule="cosine", **kw) == pytest.approx(0.55)
    assert lr_at(110, schedule="cosine", **kw) == pytest.approx(0.1)
    assert lr_at(60, schedule="linear", **kw) == pytest.approx(0.55)
    assert lr_at(100, schedule="constant", **kw) == 1.0


def test_wsd_schedule_holds_the_peak_then_warms_down_over_its_share():
    kw = dict(peak=1.0, floor=0.1, warmup=10, total=100, schedule="wsd", warmdown=0.2)
    assert lr_at(5, **kw) == pytest.approx(0.6)  # warmup as the others
    assert lr_at(79, **kw) == 1.0  # constant until the last 20%
    assert lr_at(90, **kw) == pytest.approx(0.55)  # halfway down
    assert lr_at(100, **kw) == pytest.approx(0.1)


def test_a_time_budget_drives_the_schedule_when_it_is_further_along_than_the_steps():
    kw = dict(peak=1.0, floor=0.1, warmup=0, total=1000)
    # 10 steps of 1000 done but half the time spent: the decay is half way, for each shape
    assert lr_at(10, schedule="cosine", time_fraction=0.5, **kw) == pytest.approx(0.55)
    assert lr_at(10, schedule="linear", time_fraction=0.5, **kw) == pytest.approx(0.55)
    assert lr_at(10, schedule="wsd", warmdown=0.5, time_fraction=0.75, **kw) == pytest.approx(0.55)
    assert lr_at(10, schedule="cosine", time_fraction=1.0, **kw) == pytest.approx(0.1)
    # the steps further along than the clock: the steps decide
    assert lr_at(500, schedule="linear", time_fraction=0.1, **kw) == pytest.approx(0.55)


def test_training_emits_events_and_learns(tiny_corpus, tmp_path):
    config = tiny_workspace(tiny_corpus, steps=60, eval_interval=30, checkpoint_interval=30)
    trainer = new_trainer(config, tmp_path / "run")
    events = list(trainer.run())
    evals = [e for e in events if isinstance(e, EvalEvent)]
    assert [e.step for e in evals] == [0, 30, 60]
    assert evals[-1].val_loss < evals[0].val_loss - 0.5
    assert evals[-1].bits_per_char > 0
    assert any(isinstance(e, SampleEvent) for e in events)
    assert [e.step for e in events if isinstance(e, CheckpointEvent)] == [30, 60]
    assert isinstance(events[-1], FinishedEvent) and events[-1].status == "finished"
    steps = [e for e in events if isinstance(e, StepEvent)]
    assert [e.step for e in steps] == list(range(1, 61))
    assert all(e.grad_norm > 0 and e.tokens_per_sec > 0 for e in steps)
    rows = _losses(tmp_path / "run")
    assert len(rows) == 60
    assert ckpt.resolve_checkpoint(tmp_path / "run", "last").step == 60
    assert (tmp_path / "run" / "samples.jsonl").is_file()


def test_pause_single_step_lr_change_and_stop(tiny_corpus, tmp_path):
    control = TrainingControl()
    config = tiny_workspace(tiny_corpus, steps=100000, eval_interval=100000, sample_tokens=0)
    trainer = new_trainer(config, tmp_path / "run", control=control)
    events: list = []
    worker = threading.Thread(target=lambda: events.extend(trainer.run()))
    control.pause()
    worker.start()
    time.sleep(0.5)
    assert not any(isinstance(e, StepEvent) for e in list(events))
    control.step_once()
    deadline = time.time() + 10
    while not any(isinstance(e, StepEvent) for e in list(events)) and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)
    assert [e.step for e in list(events) if isinstance(e, StepEvent)] == [1]
    control.set_lr(5e-4)
    control.resume()
    time.sleep(0.3)
    control.stop()
    worker.join(10)
    assert not worker.is_alive()
    changed = [e for e in events if isinstance(e, LrChangedEvent)]
    assert changed and changed[0].lr == 5e-4
    later = [e for e in events if isinstance(e, StepEvent) and e.step > changed[0].step]
    assert later and all(e.lr <= 5e-4 + 1e-12 for e in later)
    final = events[-1]
    assert isinstance(final, FinishedEvent) and final.status == "stopped"
    assert ckpt.resolve_checkpoint(tmp_path / "run", "last").step == final.step


def test_nan_loss_stops_at_once_and_keeps_last_good_checkpoint(tiny_corpus, tmp_path):
    config = tiny_workspace(tiny_corpus, steps=20, checkpoint_interval=4, eval_interval=100)
    trainer = new_trainer(config, tmp_path / "run")
    original = trainer.model.forward
    calls = {"n": 0}

    def poisoned(ids, targets=None):
        logits, loss = original(ids, targets)
        calls["n"] += 1
        if trainer.step >= 6 and trainer.model.training:
            loss = loss * float("nan")
        return logits, loss

    trainer.forward = poisoned
    events = list(trainer.run())
    final = events[-1]
    assert final.status == "failed" and "step 7" in final.message
    assert ckpt.resolve_checkpoint(tmp_path / "run", "last").step == 4
    assert max(_losses(tmp_path / "run")) == 6


def test_early_stopping_restores_best_weights(tiny_corpus, tmp_path, monkeypatch):
    config = tiny_workspace(tiny_corpus, steps=50, eval_interval=5, patience=2, sample_tokens=0)
    trainer = new_trainer(config, tmp_path / "run")
    fake = iter([3.0, 3.0, 2.0, 2.0, 2.5, 2.5, 2.6, 2.6] + [9.0] * 40)  # (train, val) per evaluation
    monkeypatch.setattr(trainer, "estimate_loss", lambda data, seed: next(fake))
    snapshots = {}
    for event in trainer.run():
        if isinstance(event, EvalEvent) and event.step == 5:
            snapshots["best"] = {k: v.clone() for k, v in trainer.model.state_dict().items()}
        last = event
    assert last.status == "early_stopped" and last.step == 15
    for k, v in trainer.model.state_dict().items():
        assert torch.equal(v, snapshots["best"][k]), k
    best = ckpt.resolve_checkpoint(tmp_path / "run", "best")
    assert best.step == 5


def test_block_size_larger_than_validation_split_is_a_clear_error(tiny_corpus, tmp_path):
    from lmstudio.core.errors import DataError

    config = tiny_workspace(tiny_corpus)
    config.model.block_size = 5000
    with pytest.raises(DataError, match="5001"):
        new_trainer(config, tmp_path / "run")
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_exact_resume_in_a_new_process(tiny_corpus, tmp_path):
    config = tiny_workspace(tiny_corpus, steps=16, eval_interval=4, sample_tokens=0)
    config.model.dropout = 0.1  # the dropout RNG must be restored too
    straight = tmp_path / "straight"
    list(new_trainer(config, straight).run())

    control = TrainingControl()
    config = tiny_workspace(tiny_corpus, steps=16, eval_interval=4, sample_tokens=0)
    config.model.dropout = 0.1
    resumed = tmp_path / "resumed"
    trainer = new_trainer(config, resumed, control=control)
    for event in trainer.run():
        if isinstance(event, StepEvent) and event.step == 7:
            control.stop()
    assert ckpt.resolve_checkpoint(resumed, "last").step == 7
    env = dict(os.environ, PYTHONPATH=str(tmp_path.parent))
    proc = subprocess.run(
        [sys.executable, "-m", "lmstudio", "train", "--resume", str(resumed), "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert _losses(resumed) == _losses(straight)


def test_out_of_memory_is_a_message_not_a_crash(tiny_corpus, tmp_path):
    config = tiny_workspace(tiny_corpus, steps=10, checkpoint_interval=2, eval_interval=100)
    trainer = new_trainer(config, tmp_path / "run")
    original = trainer.model.forward

    def exhausted(ids, targets=None):
        if trainer.step >= 3 and trainer.model.training:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return original(ids, targets)

    trainer.forward = exhausted
    final = list(trainer.run())[-1]
    assert final.status == "failed" and "lower the batch size or the block size" in final.message
    assert ckpt.resolve_checkpoint(tmp_path / "run", "last").step == 2


def test_new_trainer_does_not_change_the_callers_config(tiny_corpus, tmp_path):
    import copy

    config = tiny_workspace(tiny_corpus, steps=2, sample_tokens=0)
    config.model.vocab_size = 7  # anything but the tokenizer's size, which the trainer's copy gets
    before = copy.deepcopy(config)
    trainer = new_trainer(config, tmp_path / "run")
    try:
        assert config == before
        assert trainer.config is not config and trainer.config.model.vocab_size != 7
        assert trainer.config.model.vocab_size == ckpt.read_run_config(tmp_path / "run")[0].model.vocab_size
    finally:
        trainer.run_lock.release()


def test_tensorboard_only_when_asked_for(tiny_corpus, tmp_path, monkeypatch):
    """No TensorBoard files unless train.tensorboard is set, whether or not the package is installed; asked for
    and missing, the run says how to install it and trains on."""
    from lmstudio.core.training import metrics_log

    writers = []

    class FakeWriter:
        def __init__(self):
            self.scalars = []

        def add_scalar(self, key, value, step):
            self.scalars.append((key, step))

        def flush(self):
            pass

        def close(self):
            pass

    def fake_writer(run_dir):
        writers.append(FakeWriter())
        return writers[-1]

    monkeypatch.setattr(metrics_log, "_tensorboard_writer", fake_writer)
    events = list(new_trainer(tiny_workspace(tiny_corpus, steps=4, sample_tokens=0), tmp_path / "off").run())
    assert writers == [] and events[-1].status == "finished"

    list(new_trainer(tiny_workspace(tiny_corpus, steps=4, sample_tokens=0, tensorboard=True), tmp_path / "on").run())
    assert len(writers) == 1 and ("val_loss", 0) in writers[0].scalars

    monkeypatch.setattr(metrics_log, "_tensorboard_writer", lambda run_dir: None)  # the package is not installed
    config = tiny_workspace(tiny_corpus, steps=4, sample_tokens=0, tensorboard=True)
    events = list(new_trainer(config, tmp_path / "missing").run())
    notes = [e.message for e in events if isinstance(e, LogEvent) and "tensorboard" in e.message.lower()]
    assert notes and "pip install lmstudio-workbench[tensorboard]" in notes[0]
    assert events[-1].status == "finished"
