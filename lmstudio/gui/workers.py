"""Run a core function on a QThread, with throttled progress, cooperative Cancel and an error signal.

The core's long functions take ``progress(done, total, message) -> bool | None``; returning ``False``
makes them raise :class:`~lmstudio.core.errors.Cancelled`. :func:`start_worker` passes such a callback
that forwards progress at most every ~100 ms and returns the Cancel flag.

Only plain data crosses threads: arguments in, a result out (numbers, strings, dicts, lists, paths). The
function never touches a widget. Threads are never terminated: :func:`shutdown_all` asks every worker to
cancel and waits for its thread to finish, which the main window does when it closes.
"""

from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from ..core.errors import Cancelled, LMStudioError

PROGRESS_INTERVAL_S = 0.1

_active: set["WorkerHandle"] = set()  # handles whose thread has not finished; strong refs keep them alive


class _Worker(QObject):
    """Lives on the worker thread; emits from there. Never touched from the main thread except cancel()."""

    sig_progress = Signal(float, float, str)  # done, total (-1 when unknown), message
    sig_result = Signal(object)
    sig_error = Signal(str)
    sig_cancelled = Signal()
    sig_done = Signal()

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, cancel: threading.Event) -> None:
        super().__init__()
        self._fn, self._args, self._kwargs, self._cancel = fn, args, kwargs, cancel
        self._last_emit = 0.0

    def _progress(self, done: float, total: float | None = None, message: str = "") -> bool:
        now = time.monotonic()
        final = total is not None and done >= total
        if final or now - self._last_emit >= PROGRESS_INTERVAL_S:
            self._last_emit = now
            self.sig_progress.emit(float(done), -1.0 if total is None else float(total), str(message))
        return not self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(*self._args, progress=self._progress, **self._kwargs)
        except Cancelled:
            self.sig_cancelled.emit()
        except LMStudioError as exc:  # the user's input: the message already says what to do
            self.sig_error.emit(str(exc))
        except MemoryError:
            self.sig_error.emit("Out of memory. Try a smaller corpus, vocabulary or model.")
        except Exception as exc:  # a bug: show it rather than die, and keep the traceback on stderr
            traceback.print_exc()
            self.sig_error.emit(f"Unexpected error ({type(exc).__name__}): {exc}")
        else:
            if self._cancel.is_set():
                self.sig_cancelled.emit()
            else:
                self.sig_result.emit(result)
        self.sig_done.emit()


class WorkerHandle(QObject):
    """The main-thread side of one job. Connect to its signals; they are always delivered on the GUI thread."""

    sig_progress = Signal(float, float, str)
    sig_result = Signal(object)
    sig_error = Signal(str)
    sig_cancelled = Signal()
    sig_finished = Signal()  # after result, error or cancelled, once the job is over

    def __init__(self, name: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.name = name
        self._cancel = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName(f"lmstudio-{name}")
        self._worker = _Worker(fn, args, kwargs, self._cancel)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # Bound slots of this main-thread object: Qt queues these across threads.
        self._worker.sig_progress.connect(self._on_progress)
        self._worker.sig_result.connect(self._on_result)
        self._worker.sig_error.connect(self._on_error)
        self._worker.sig_cancelled.connect(self._on_cancelled)
        # Direct: quit() is thread-safe, and a queued call would never run while shutdown_all() blocks
        # the GUI thread in wait().
        self._worker.sig_done.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self._on_thread_finished)
        self.finished = False

    def start(self) -> None:
        _active.add(self)
        self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the thread has finished (used on shutdown); returns False on timeout."""
        return self._thread.wait(timeout_ms)

    @Slot(float, float, str)
    def _on_progress(self, done: float, total: float, message: str) -> None:
        if not self._cancel.is_set():
            self.sig_progress.emit(done, total, message)

    @Slot(object)
    def _on_result(self, result: object) -> None:
        self.sig_result.emit(result)

    @Slot(str)
    def _on_error(self, message: str) -> None:
        self.sig_error.emit(message)

    @Slot()
    def _on_cancelled(self) -> None:
        self.sig_cancelled.emit()

    @Slot()
    def _on_thread_finished(self) -> None:
        self.finished = True
        _active.discard(self)
        self.sig_finished.emit()
        self._worker.deleteLater()


def start_worker(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> WorkerHandle:
    """Run ``fn(*args, progress=callback, **kwargs)`` on a new QThread and return its handle."""
    handle = WorkerHandle(name, fn, args, kwargs)
    handle.start()
    return handle


def active_workers() -> list[WorkerHandle]:
    return [h for h in _active if h.is_running() or not h.finished]


def shutdown_all(timeout_ms: int = 10_000) -> bool:
    """Cancel every running job and wait for its thread; never terminates. True if all stopped in time."""
    handles = list(_active)
    for h in handles:
        h.cancel()
    ok = True
    deadline = time.monotonic() + timeout_ms / 1000
    for h in handles:
        remaining = max(1, int((deadline - time.monotonic()) * 1000))
        ok = h.wait(remaining) and ok
        if not h.is_running():
            _active.discard(h)
    return ok
