"""Run a core function on a QThread, with throttled progress, cooperative Cancel and an error signal.

The core's long functions take ``progress(done, total, message) -> bool | None``; returning ``False``
makes them raise :class:`~lmstudio.core.errors.Cancelled`. :func:`start_worker` passes such a callback
that forwards progress at most every ~100 ms and returns the Cancel flag.

Only plain data crosses threads: arguments in, a result out (numbers, strings, dicts, lists, paths). The
function never touches a widget. Threads are never terminated: :func:`shutdown_all` asks every worker to
cancel and waits for its thread to finish, which the main window does when it closes. Between
:func:`begin_shutdown` and :func:`end_shutdown` no new job starts (a timer or a late signal firing while
the window closes would otherwise start a thread that outlives the application, which aborts it).
"""

from __future__ import annotations

import atexit
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from ..app.errors import describe_exception
from ..core.errors import Cancelled, LMStudioError

PROGRESS_INTERVAL_S = 0.1

_active: set[WorkerHandle] = set()  # handles whose thread has not finished; strong refs keep them alive
_refusing = False  # set while the window closes: new jobs are cancelled before they start


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
        self.error_class = ""  # the exception's class name when the job failed (written before sig_error)

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
            self.error_class = getattr(exc, "error_class", "") or type(exc).__name__  # a child process's own
            self.sig_error.emit(str(exc))
        except MemoryError as exc:
            self.error_class = type(exc).__name__
            self.sig_error.emit(describe_exception(exc))
        except Exception as exc:  # a bug: show it rather than die, and keep the traceback on stderr
            self.error_class = type(exc).__name__
            traceback.print_exc()
            self.sig_error.emit(describe_exception(exc))
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
        if _refusing:  # the window is closing: never start a thread that could outlive it
            self._cancel.set()
            self.finished = True
            QTimer.singleShot(0, self._refused)
            return
        _active.add(self)
        self._thread.start()

    def _refused(self) -> None:
        self.sig_cancelled.emit()
        self.sig_finished.emit()

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    @property
    def error_class(self) -> str:
        """The class name of the exception that failed the job ("CorpusError", ...), "" if none."""
        return self._worker.error_class

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


def begin_shutdown() -> None:
    """Cancel every job and refuse new ones until :func:`end_shutdown` (the window is closing)."""
    global _refusing
    _refusing = True
    for h in list(_active):
        h.cancel()


def end_shutdown() -> None:
    global _refusing
    _refusing = False


def join_all(timeout_ms: int | None = 10_000) -> bool:
    """Wait for every job's thread (``None``: as long as it takes); never terminates. True if none runs."""
    deadline = None if timeout_ms is None else time.monotonic() + timeout_ms / 1000
    for h in list(_active):
        if deadline is None:
            while not h.wait(1000):
                h.cancel()
        else:
            h.wait(max(1, int((deadline - time.monotonic()) * 1000)))
        if not h.is_running():
            _active.discard(h)
    return not any(h.is_running() for h in _active)


def shutdown_all(timeout_ms: int | None = 10_000) -> bool:
    """Cancel every running job and wait for its thread; never terminates. True if all stopped in time."""
    for h in list(_active):
        h.cancel()
    return join_all(timeout_ms)


# Last line of defence for scripts and any other exit path: Python runs this before it destroys the
# handles, so no QThread is ever destroyed while running (which makes Qt abort the process).
atexit.register(shutdown_all, None)
