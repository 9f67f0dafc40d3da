"""Training driven from a QThread: the trainer's events cross to the GUI thread in batches of ~100 ms.

The trainer runs in a child process (:mod:`lmstudio.app.train_process`) that the worker thread starts and
follows, so the charts' redraws and the training loop never share an interpreter lock; with
``LMSTUDIO_TRAIN_IN_THREAD=1`` it runs on the worker thread itself (:func:`lmstudio.app.training.run_training`).

:class:`TrainingJob` reuses the generic worker (``workers.WorkerHandle``), so the main window's
``shutdown_all`` and the tests' thread-leak check see it like any other job. Its ``cancel`` also asks
the trainer to stop (cooperatively, saving a checkpoint), even while paused. Only plain data crosses:
lists of the core's event dataclasses and a :class:`RunInfo`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..app.train_process import ChildControl, in_child_process, run_training_in_child
from ..app.training import RunInfo, run_training
from ..core.config import WorkspaceConfig
from .workers import WorkerHandle

__all__ = ["ControlledJob", "RunInfo", "TrainingJob", "run_training"]


class _Sink(QObject):
    """Lives on the GUI thread; its signal, emitted from the worker, is queued to the GUI thread."""

    sig_events = Signal(object)


class ControlledJob(WorkerHandle):
    """A worker whose function streams events and obeys a training control: ``sig_events`` carries the lists the
    function emits (through ``self.emit``, queued to the GUI thread); ``cancel`` also asks the control to stop
    (cooperatively: a run saves its checkpoint), even while paused; ``pause`` and ``resume`` go to the control.
    ``fn`` gets ``control`` and ``emit`` as keyword arguments."""

    sig_events = Signal(object)

    def __init__(self, name: str, fn: Any, args: tuple, kwargs: dict, control: Any) -> None:
        self.control = control
        self._sink = _Sink()
        super().__init__(name, fn, args, {**kwargs, "control": control, "emit": self._sink.sig_events.emit})
        self._sink.sig_events.connect(self.sig_events)

    def cancel(self) -> None:
        super().cancel()
        self.control.stop()

    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()


class TrainingJob(ControlledJob):
    """One training run on its own thread. Connect ``sig_events`` (lists of events) and the
    inherited ``sig_result`` (the FinishedEvent), ``sig_error`` and ``sig_finished``."""

    def __init__(
        self,
        config: WorkspaceConfig | None,
        run_dir: Path,
        *,
        resume: bool = False,
        tokenizer: Any = None,
        steps: int | None = None,
        in_child: bool | None = None,
        init_from: Path | None = None,
        processes: int | None = None,
    ) -> None:
        """``in_child``: train in a child process (None: unless ``LMSTUDIO_TRAIN_IN_THREAD=1``); ``init_from``:
        a new run starts from the weights in that folder (see :func:`lmstudio.app.training.run_training`);
        ``processes``: how many train together under torchrun (None: ``config.train.processes``; always in
        child processes when above 1)."""
        if processes is None:
            processes = config.train.processes if config is not None else 1
        self.processes = max(1, int(processes))
        self.in_child = self.processes > 1 or (in_child_process() if in_child is None else in_child)
        extra: dict[str, Any] = {"processes": self.processes} if self.in_child else {}
        if self.in_child:
            control: Any = ChildControl()
            fn = run_training_in_child
        else:
            from ..core.training.control import TrainingControl

            control = TrainingControl()
            fn = run_training
        super().__init__(
            "training",
            fn,
            (config, Path(run_dir)),
            dict(resume=resume, tokenizer=tokenizer, steps=steps, init_from=init_from, **extra),
            control,
        )
        self.run_dir = Path(run_dir)

    # the buttons (pause and resume: ControlledJob)
    def stop(self) -> None:
        self.control.stop()

    def step_once(self) -> None:
        self.control.step_once()

    def set_lr(self, lr: float) -> None:
        self.control.set_lr(lr)
