"""Streaming generation on a QThread: tokens reach the GUI thread in batches, as plain dicts.

Built on :func:`~lmstudio.gui.workers.start_worker` (so Stop, errors and shutdown behave like every
other job); a small channel object living on the GUI thread carries the batches. A signal emitted on
the worker thread to a receiver on the GUI thread is queued, and queued events keep their order, so
every batch arrives before the job's finished/cancelled signal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ...workers import WorkerHandle, start_worker


class TokenChannel(QObject):
    sig_tokens = Signal(object)  # list[dict]: a batch of token records


class GenerationJob(QObject):
    """One streaming job. ``fn(*args, emit=..., progress=...)`` must hand its batches to ``emit``."""

    sig_tokens = Signal(object)
    sig_finished = Signal(str)  # "done", "stopped" or "error"
    sig_error = Signal(str)

    def __init__(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.channel = TokenChannel()
        self.channel.sig_tokens.connect(self.sig_tokens)
        self.result: Any = None
        self.outcome = ""
        self.handle: WorkerHandle = start_worker(name, fn, *args, emit=self.channel.sig_tokens.emit, **kwargs)
        self.handle.sig_result.connect(self._on_result)
        self.handle.sig_error.connect(self._on_error)
        self.handle.sig_cancelled.connect(lambda: self._set_outcome("stopped"))
        self.handle.sig_finished.connect(lambda: self.sig_finished.emit(self.outcome or "done"))

    def _on_result(self, result: Any) -> None:
        self.result = result
        self._set_outcome("stopped" if isinstance(result, dict) and result.get("stopped") else "done")

    def _on_error(self, message: str) -> None:
        self._set_outcome("error")
        self.sig_error.emit(message)

    def _set_outcome(self, outcome: str) -> None:
        self.outcome = outcome

    def stop(self) -> None:
        self.handle.cancel()

    def is_running(self) -> bool:
        return not self.handle.finished

    def wait(self, timeout_ms: int = 10_000) -> bool:
        return self.handle.wait(timeout_ms)
