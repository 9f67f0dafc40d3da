"""Workers: results, errors as messages, cooperative cancel, throttled progress, clean shutdown."""

from __future__ import annotations

import time

import pytest

from lmstudio.core.errors import CorpusError
from lmstudio.core.progress import report
from lmstudio.gui.workers import active_workers, shutdown_all, start_worker


def slow_count(n, progress=None):
    for i in range(n):
        report(progress, i, n, "counting")
        time.sleep(0.002)
    return n


def test_result_arrives_on_the_gui_thread(qtbot):
    job = start_worker("count", slow_count, 50)
    with qtbot.waitSignal(job.sig_result, timeout=5000) as blocker:
        pass
    assert blocker.args == [50]
    qtbot.waitUntil(lambda: job.finished, timeout=2000)


def test_progress_is_throttled(qtbot):
    seen = []
    job = start_worker("count", slow_count, 400)
    job.sig_progress.connect(lambda d, t, m: seen.append(d))
    with qtbot.waitSignal(job.sig_finished, timeout=10_000):
        pass
    assert 1 <= len(seen) < 40  # ~0.8 s of work at most every 100 ms, not 400 signals


def test_user_errors_become_messages(qtbot):
    def fail(progress=None):
        raise CorpusError("corpus.txt: empty; choose another file")

    job = start_worker("fail", fail)
    with qtbot.waitSignal(job.sig_error, timeout=5000) as blocker:
        pass
    assert blocker.args == ["corpus.txt: empty; choose another file"]
    qtbot.waitUntil(lambda: job.finished, timeout=2000)


def test_bugs_become_messages_too(qtbot, capsys):
    job = start_worker("bug", lambda progress=None: 1 / 0)
    with qtbot.waitSignal(job.sig_error, timeout=5000) as blocker:
        pass
    assert "ZeroDivisionError" in blocker.args[0]
    qtbot.waitUntil(lambda: job.finished, timeout=2000)


def test_cancel_stops_the_core_function(qtbot):
    job = start_worker("count", slow_count, 100_000)
    results = []
    job.sig_result.connect(results.append)
    with qtbot.waitSignal(job.sig_cancelled, timeout=5000):
        job.cancel()
    qtbot.waitUntil(lambda: job.finished, timeout=2000)
    assert results == []


@pytest.mark.parametrize("n_jobs", [3])
def test_shutdown_cancels_and_waits(qtbot, n_jobs):
    jobs = [start_worker("count", slow_count, 100_000) for _ in range(n_jobs)]
    assert shutdown_all(5000)
    assert not any(j.is_running() for j in jobs)
    assert not [h for h in active_workers() if h.is_running()]


def test_out_of_memory_is_recognised_by_the_core_rule():
    """The window's message and the trainer/CLI agree on what is out of memory (core.devices.is_out_of_memory)."""
    from lmstudio.core.devices import is_out_of_memory
    from lmstudio.gui.workers import describe_exception

    for exc in (
        RuntimeError("MPS backend out of memory (MPS allocated: 8.00 GB)"),
        RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 123 bytes"),
    ):
        assert is_out_of_memory(exc)
        assert describe_exception(exc).startswith("Out of memory on the device")
    assert not is_out_of_memory(ValueError("out of range"))
    assert describe_exception(MemoryError()).startswith("Out of memory. Try a smaller")
