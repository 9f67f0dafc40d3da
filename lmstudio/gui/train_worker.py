"""Training on a QThread: the core trainer's events cross to the GUI thread in batches of ~100 ms.

:class:`TrainingJob` reuses the generic worker (``workers.WorkerHandle``), so the main window's
``shutdown_all`` and the tests' thread-leak check see it like any other job. Its ``cancel`` also asks
the trainer to stop (cooperatively, saving a checkpoint), even while paused. Only plain data crosses:
lists of the core's event dataclasses and a :class:`RunInfo`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.config import WorkspaceConfig
from ..core.progress import ProgressCallback
from .workers import WorkerHandle

BATCH_INTERVAL_S = 0.1


@dataclass
class RunInfo:
    """Sent once, when data is prepared and the model built, before the first event."""

    run_dir: str
    config: WorkspaceConfig
    vocab_size: int
    train_tokens: int
    tokens_per_step: int
    start_step: int
    unigram_entropy: float
    threads: int
    device: str
    parameters: int


def run_training(
    config: WorkspaceConfig | None,
    run_dir: Path,
    *,
    resume: bool,
    control: Any,
    emit: Callable[[list], None],
    tokenizer: Any = None,
    steps: int | None = None,
    progress: ProgressCallback | None = None,
) -> Any:
    """Prepare, build and run the trainer, calling ``emit`` with batches of events. Runs on the worker
    thread; touches no widget. Returns the trainer's FinishedEvent."""
    import torch

    from ..app.train_metrics import unigram_entropy
    from ..core.dataset.prepare import prepare_cached
    from ..core.training import launch as runs
    from ..core.training.events import FinishedEvent

    if resume:
        trainer = runs.resume_trainer(run_dir, steps=steps, control=control, progress=progress)
    else:
        config = copy.deepcopy(config)
        prepared = prepare_cached(config, tokenizer=tokenizer, progress=progress)
        trainer = runs.new_trainer(config, run_dir, prepared=prepared, control=control, progress=progress)
    cfg = trainer.config
    emit(
        [
            RunInfo(
                run_dir=str(run_dir),
                config=copy.deepcopy(cfg),
                vocab_size=cfg.model.vocab_size,
                train_tokens=int(len(trainer.train_data)),
                tokens_per_step=cfg.train.batch_size * cfg.model.block_size * cfg.train.grad_accum,
                start_step=trainer.step,
                unigram_entropy=unigram_entropy(trainer.train_data, cfg.model.vocab_size),
                threads=torch.get_num_threads(),
                device=str(trainer.device),
                parameters=sum(p.numel() for p in trainer.model.parameters()),
            )
        ]
    )
    batch: list = []
    last = time.monotonic()
    final = None
    for event in trainer.run():
        batch.append(event)
        if isinstance(event, FinishedEvent):
            final = event
        now = time.monotonic()
        # paused: the trainer blocks before its next event, so what we hold must go now
        if now - last >= BATCH_INTERVAL_S or control.paused:
            emit(batch)
            batch, last = [], now
            # also the Cancel check of the generic worker (window closing): stop cooperatively
            if progress is not None and progress(trainer.step, cfg.train.steps, "training") is False:
                control.stop()
    if batch:
        emit(batch)
    return final


class _Sink(QObject):
    """Lives on the GUI thread; its signal, emitted from the worker, is queued to the GUI thread."""

    sig_events = Signal(object)


class TrainingJob(WorkerHandle):
    """One training run on its own thread. Connect ``sig_events`` (lists of events) and the
    inherited ``sig_result`` (the FinishedEvent), ``sig_error`` and ``sig_finished``."""

    sig_events = Signal(object)

    def __init__(
        self,
        config: WorkspaceConfig | None,
        run_dir: Path,
        *,
        resume: bool = False,
        tokenizer: Any = None,
        steps: int | None = None,
    ) -> None:
        from ..core.training.control import (
            TrainingControl,  # torch loads when training starts, not with the window
        )

        self.control = TrainingControl()
        self._sink = _Sink()
        super().__init__(
            "training",
            run_training,
            (config, Path(run_dir)),
            dict(
                resume=resume, control=self.control, emit=self._sink.sig_events.emit, tokenizer=tokenizer, steps=steps
            ),
        )
        self._sink.sig_events.connect(self.sig_events)
        self.run_dir = Path(run_dir)

    def cancel(self) -> None:
        super().cancel()
        self.control.stop()

    # the buttons
    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def stop(self) -> None:
        self.control.stop()

    def step_once(self) -> None:
        self.control.step_once()

    def set_lr(self, lr: float) -> None:
        self.control.set_lr(lr)
