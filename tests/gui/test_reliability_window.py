"""Reliability of the window (issue 9): closing joins every worker, nothing long runs on the GUI thread,
bad files and workspaces change nothing and say what is wrong, failures read as sentences, an
unwritable settings folder is reported once, the encoding can be chosen, special files are refused."""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from lmstudio.core.progress import report
from tests.helpers import tiny_workspace

from .conftest import wait_for_open, wait_for_stats


def error_texts(widget) -> list[str]:
    return [b.text() for b in widget.findChildren(QMessageBox) if b.isVisible()]


def close_dialogs(widget) -> None:
    for box in widget.findChildren(QMessageBox):
        box.close()


def running_workers() -> list[str]:
    from lmstudio.gui.workers import active_workers

    return [h.name for h in active_workers() if h.is_running()]


def make_window(qtbot, session):
    from lmstudio.gui.main_window import MainWindow

    w = MainWindow(session, probe_device=False)
    qtbot.addWidget(w)
    w.show()
    return w


def close_and_wait(qtbot, window, within_s: float = 1.5) -> None:
    """Close: the call must return at once; the window then finishes closing when its workers have ended."""
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < within_s, "closing blocked the GUI thread"
    qtbot.waitUntil(lambda: not window.isVisible() and not running_workers(), timeout=20_000)


# 1. closing joins every worker, promptly ------------------------------------------------------------
def test_reliability_close_while_statistics_start_leaves_no_thread(qtbot, session, tiny_corpus, monkeypatch):
    from lmstudio.gui import jobs

    def slow_stats(data, key, progress=None):  # statistics of a large corpus: seconds, with Cancel checks
        for i in range(300):
            report(progress, i, 300, "Counting")
            time.sleep(0.01)

    monkeypatch.setattr(jobs, "corpus_stats", slow_stats)
    window = make_window(qtbot, session)
    assert session.open_corpus(tiny_corpus)
    data_tab = window.tab_widgets[0]
    data_tab.start_stats()  # a statistics job running ...
    data_tab._stats_timer.start(1)  # ... and the debounce timer about to start another (the abort of the issue)
    t0 = time.perf_counter()
    window.close()
    assert time.perf_counter() - t0 < 1.5
    qtbot.wait(150)  # the timer's moment has passed; a statistics job started now would run for 3 s
    qtbot.waitUntil(lambda: not running_workers(), timeout=1000)  # else: outlives the window, Qt aborts at exit
    assert not window.isVisible()


def test_reliability_close_cancels_a_long_job_through_its_progress_callback(qtbot, session, tiny_corpus):
    from lmstudio.gui.workers import start_worker

    def endless(progress=None):
        while True:
            report(progress, 0, None, "working")
            time.sleep(0.01)

    window = make_window(qtbot, session)
    job = start_worker("endless", endless)
    close_and_wait(qtbot, window)
    assert not job.is_running()


def test_reliability_close_waits_for_a_job_between_cancel_checks_without_freezing(qtbot, session):
    """A core call that checks Cancel only after 1.5 s: the window hides at once and closes once it ended."""
    from lmstudio.gui.workers import start_worker

    def slow_step(progress=None):
        time.sleep(1.5)
        report(progress, 1, 1, "done")

    window = make_window(qtbot, session)
    start_worker("slow", slow_step)
    with qtbot.waitSignal(window.sig_closed, timeout=10_000):
        close_and_wait(qtbot, window, within_s=1.0)


def test_reliability_no_worker_starts_while_the_window_closes(qtbot, session):
    from lmstudio.gui import workers

    window = make_window(qtbot, session)
    workers.begin_shutdown()
    try:
        job = workers.start_worker("late", lambda progress=None: 1)
        with qtbot.waitSignal(job.sig_finished, timeout=2000):
            pass
        assert not job.is_running() and job.cancel_requested
    finally:
        workers.end_shutdown()
    window.close()


# 2. nothing long on the GUI thread --------------------------------------------------------------------
def test_reliability_opening_a_large_file_runs_off_the_gui_thread(qtbot, window, session, tmp_path, monkeypatch):
    from lmstudio.core.data import corpus as core_corpus
    from lmstudio.core.data import formats

    threads = []
    real_open, real_fields = core_corpus.Corpus.open.__func__, formats.jsonl_fields

    def slow_open(cls, *args, **kwargs):  # stands for reading a 50 MB one-line file
        threads.append(QThread.currentThread())
        time.sleep(1.0)
        return real_open(cls, *args, **kwargs)

    def sniff(path):
        threads.append(QThread.currentThread())
        return real_fields(path)

    monkeypatch.setattr(core_corpus.Corpus, "open", classmethod(slow_open))
    monkeypatch.setattr(formats, "jsonl_fields", sniff)
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps({"body": f"record {i}"}) + "\n" for i in range(50)))
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(50)
    t0 = time.perf_counter()
    job = window.tab_widgets[0].open_path(path)
    assert time.perf_counter() - t0 < 0.5
    assert window.tab_widgets[0].open_progress.isVisible()  # progress while it opens
    with qtbot.waitSignal(job.sig_finished, timeout=15_000):
        pass
    timer.stop()
    assert session.corpus.path == path and session.data_config.text_field == "body"
    assert threads and all(t is not QApplication.instance().thread() for t in threads)
    assert len([t for t in ticks if t < t0 + 1.0]) >= 3  # the event loop kept running while the file opened
    wait_for_stats(qtbot, session)


# 3. a bad file keeps the previous corpus and names the line ----------------------------------------------
@pytest.mark.parametrize(
    "name, content, where",
    [
        (
            "bad.jsonl",
            "".join(json.dumps({"text": f"doc {i}"}) + "\n" for i in range(20)) + '{"text": broken\n',
            "line 21",
        ),
        ("bad.csv", "id,text\n" + "".join(f'{i},"line {i}"\n' for i in range(20)) + '21,"unclosed\n22,ok\n', "line 22"),
    ],
)
def test_reliability_malformed_records_keep_the_previous_corpus(
    qtbot, window, session, tiny_corpus, tmp_path, name, content, where
):
    data_tab = window.tab_widgets[0]
    path = tmp_path / name
    path.write_text(content)
    data_tab.open_path(path)
    wait_for_open(qtbot, session)
    assert session.corpus.path == tiny_corpus
    assert data_tab.preview.toPlainText().startswith("First Citizen")
    texts = error_texts(window)
    assert any(name in t and where in t and "still loaded" in t for t in texts), texts
    close_dialogs(window)


def test_reliability_bad_byte_past_the_first_megabyte_keeps_the_previous_corpus(
    qtbot, window, session, tiny_corpus, tmp_path
):
    data_tab = window.tab_widgets[0]
    path = tmp_path / "damaged.txt"
    line = "plain ascii text for the first megabyte and a bit more\n"
    path.write_bytes(line.encode() * 25_000 + b"caf\xe9 au lait\n" + line.encode() * 10)  # bad byte at ~1.4 MB
    data_tab.open_path(path)
    wait_for_open(qtbot, session)
    wait_for_stats(qtbot, session)
    assert session.corpus.path == tiny_corpus
    texts = error_texts(window)
    assert any("damaged.txt" in t and "byte" in t for t in texts), texts
    close_dialogs(window)


def test_reliability_bad_byte_found_by_the_statistics_brings_the_previous_corpus_back(
    qtbot, window, session, tiny_corpus, tmp_path
):
    data_tab = window.tab_widgets[0]
    path = tmp_path / "late.txt"
    line = b"plain ascii text, far beyond what opening and previewing read\n"
    path.write_bytes(line * 90_000 + b"caf\xe9\n")  # ~5.6 MB: past the sample lines too
    data_tab.open_path(path)
    wait_for_open(qtbot, session)
    qtbot.waitUntil(lambda: session.corpus.path == tiny_corpus and session.stats is not None, timeout=30_000)
    texts = error_texts(window)
    assert any("late.txt" in t and "loaded again" in t for t in texts), texts
    close_dialogs(window)


# 4. workspaces: validated whole, applied all or nothing ---------------------------------------------------
@pytest.mark.parametrize(
    "values, setting",
    [
        ({"data": {"split_fractions": "abc"}}, "split_fractions"),
        ({"train": {"batch_size": "many"}}, "batch_size"),
        ([1, 2, 3], "JSON object"),
    ],
)
def test_reliability_workspace_with_wrong_types_changes_nothing(
    qtbot, window, session, tiny_corpus, tmp_path, values, setting
):
    before = json.dumps(session.workspace_config().to_dict(), sort_keys=True, default=str)
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(values))
    assert not window.open_workspace(path)
    assert json.dumps(session.workspace_config().to_dict(), sort_keys=True, default=str) == before
    texts = error_texts(window)
    assert any("wrong.json" in t and setting in t and "Nothing was changed" in t for t in texts), texts
    close_dialogs(window)


def test_reliability_workspace_that_is_a_folder_or_a_fifo_is_refused(qtbot, window, session, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for bad in (tmp_path, fifo):
        assert not window.open_workspace(bad)
    texts = error_texts(window)
    assert any("folder" in t for t in texts) and any("pipe" in t.lower() or "FIFO" in t for t in texts), texts
    close_dialogs(window)


def test_reliability_bad_workspace_on_the_command_line_opens_the_window_with_defaults(qtbot, tmp_path, monkeypatch):
    from lmstudio.gui import app as gui_app

    path = tmp_path / "start.json"
    path.write_text(json.dumps({"model": {"n_layer": "four"}}))
    seen: dict = {}

    def watch():
        windows = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
        texts = error_texts(windows[0]) if windows else []
        if texts:
            seen["texts"], seen["corpus"] = texts, windows[0].session.corpus_name()
            close_dialogs(windows[0])
            windows[0].close()
        else:
            QTimer.singleShot(50, watch)

    QTimer.singleShot(50, watch)
    QTimer.singleShot(30_000, QApplication.instance().quit)  # safety net
    monkeypatch.setattr(gui_app, "apply_theme", lambda *a, **k: None)
    assert gui_app.run(["lmstudio", str(path)]) == 0
    assert seen and any("start.json" in t and "n_layer" in t for t in seen["texts"]), seen
    assert seen["corpus"] == "Tiny Shakespeare"
    assert not running_workers()


# 5. failures say what happened and what to do -----------------------------------------------------------
def test_reliability_failed_playground_load_does_not_keep_saying_loading(qtbot, session, tmp_path):
    from lmstudio.gui.tabs.playground import PlaygroundTab

    tab = PlaygroundTab(session)
    qtbot.addWidget(tab)
    empty = tmp_path / "not-a-run"
    empty.mkdir()
    tab.load_run(str(empty))
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=30_000)
    assert "Loading" not in tab.page.status.text()
    assert "Could not load not-a-run" in tab.page.status.text()
    assert tab.banner.text()


@pytest.mark.parametrize(
    "exc, words",
    [
        (
            RuntimeError("probability tensor contains either `inf`, `nan` or element < 0"),
            ["NaN", "earlier checkpoint", "learning rate"],
        ),
        (
            OSError(errno.ENOSPC, "No space left on device", "/runs/r1/step-00100"),
            ["/runs/r1/step-00100", "disk is full", "Free some space"],
        ),
        (KeyError("weights"), ["did not expect", "'weights'", "KeyError"]),
    ],
)
def test_reliability_unexpected_errors_read_as_sentences(qtbot, exc, words):
    from lmstudio.gui.workers import start_worker

    def fail(progress=None):
        raise exc

    job = start_worker("fail", fail)
    with qtbot.waitSignal(job.sig_error, timeout=5000) as blocker:
        pass
    message = blocker.args[0]
    assert not message.startswith("Unexpected error (")
    for word in words:
        assert word in message, message
    qtbot.waitUntil(lambda: job.finished, timeout=2000)


def test_reliability_training_failure_shows_the_core_message(qtbot, session):
    from lmstudio.core.training.events import FinishedEvent
    from lmstudio.gui.tabs.train_tab import TrainTab

    tab = TrainTab(session)
    qtbot.addWidget(tab)
    message = "training diverged at step 12 (loss is NaN); lower the learning rate and resume from the last checkpoint"
    tab._on_result(FinishedEvent(status="failed", message=message, step=12, best_val_loss=float("nan")))
    assert any(message in t for t in error_texts(tab))
    close_dialogs(tab)


# 6. an unwritable settings folder is reported once --------------------------------------------------------
def test_reliability_unwritable_preferences_are_reported_once(qtbot, session, tmp_path, monkeypatch):
    folder = tmp_path / "settings"
    (folder / "lmstudio.ini").mkdir(parents=True)  # cannot be written, even by root
    monkeypatch.setenv("LMSTUDIO_SETTINGS_DIR", str(folder))
    window = make_window(qtbot, session)
    for _ in range(2):  # two failed saves of the preferences, one message (what a theme switch does after
        window.prefs.presenter = window.prefs.presenter  # applying the theme, without repainting every widget)
        window.check_preferences_saved()
    assert window._save_to(tmp_path / "ws.json") and window._save_to(tmp_path / "ws.json")
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible() and "preferences" in b.text()]
    assert len(boxes) == 1 and "lmstudio.ini" in boxes[0].text()
    assert window.prefs_label.isVisibleTo(window) and window.prefs_label.toolTip()
    close_dialogs(window)
    window.close()


def test_reliability_settings_folder_under_a_file_does_not_stop_the_window(qtbot, session, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("LMSTUDIO_SETTINGS_DIR", str(blocker / "settings"))
    window = make_window(qtbot, session)
    assert window.prefs.save_problem()
    window.close()


# 7. the encoding can be chosen ------------------------------------------------------------------------------
def test_reliability_encoding_chooser_reads_the_corpus_again(qtbot, window, session, tmp_path):
    data_tab = window.tab_widgets[0]
    combo = data_tab.encoding_combo
    assert combo.toolTip() and combo.isEditable()
    assert [combo.itemText(i) for i in range(3)] == ["auto", "utf-8", "cp1252"]
    path = tmp_path / "latin.txt"
    path.write_bytes("crème brûlée à la carte\ncanção de ninar\n".encode("latin-1"))
    data_tab.open_path(path)
    wait_for_open(qtbot, session)
    assert session.corpus.path == path and "confidence" in data_tab.encoding_note.text()
    combo.setCurrentText("latin-1")
    combo.lineEdit().editingFinished.emit()
    wait_for_open(qtbot, session)
    assert session.data_config.encoding == "latin-1"
    assert data_tab.preview.toPlainText().startswith("crème brûlée")
    assert "8859" in data_tab.encoding_note.text() or "latin" in data_tab.encoding_note.text().lower()
    combo.setCurrentText("no-such-codec")
    combo.lineEdit().editingFinished.emit()
    wait_for_open(qtbot, session)
    assert session.data_config.encoding == "latin-1"  # refused with the config's message
    assert any("no-such-codec" in t for t in error_texts(window))
    close_dialogs(window)
    wait_for_stats(qtbot, session)


# 8. special files, double clicks, quitting mid-training ---------------------------------------------------------
def test_reliability_fifo_is_refused_without_blocking(qtbot, window, session, tiny_corpus, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    unblock = threading.Timer(4.0, lambda: open(fifo, "wb").close())  # if anything opened it, it would block
    unblock.start()
    try:
        t0 = time.perf_counter()
        window.tab_widgets[0].open_path(fifo)
        wait_for_open(qtbot, session, timeout=3000)
        assert time.perf_counter() - t0 < 3.0
    finally:
        unblock.cancel()
    assert session.corpus.path == tiny_corpus
    assert any("pipe.txt" in t and "FIFO" in t for t in error_texts(window))
    close_dialogs(window)


def test_reliability_double_click_on_load_starts_one_worker(qtbot, session, tmp_path):
    from lmstudio.gui.tabs.playground import PlaygroundTab

    tab = PlaygroundTab(session)
    qtbot.addWidget(tab)
    tab.load_run(str(tmp_path))
    tab.load_run(str(tmp_path))
    assert running_workers().count("playground-load") <= 1
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=30_000)


def test_reliability_quitting_mid_training_stops_saves_and_joins(
    qtbot, session, tiny_corpus, tmp_path, monkeypatch, one_thread
):
    from lmstudio.gui.tabs import train_tab as train_tab_module

    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setattr(train_tab_module, "ask_stop_training", lambda parent: True)
    window = make_window(qtbot, session)
    assert session.open_corpus(tiny_corpus)
    cfg = tiny_workspace(tiny_corpus, steps=100_000, eval_interval=100_000, checkpoint_interval=0)
    session.set_model_config(cfg.model)
    session.set_train_config(cfg.train)
    tab = next(w for w in window.tab_widgets if isinstance(w, train_tab_module.TrainTab))
    tab.start()
    tab.start()  # a double click starts one run
    assert running_workers().count("training") == 1
    qtbot.waitUntil(lambda: tab.state == "running" and tab._last_step is not None, timeout=60_000)
    run_dir = tab.job.run_dir
    close_and_wait(qtbot, window, within_s=1.5)
    assert list((Path(run_dir) / "checkpoints").glob("step-*")), "closing saved a checkpoint"


# a run deleted while loaded, a model whose weights turned NaN ----------------------------------------------
@pytest.fixture
def loaded_tab(qtbot, session, tmp_path_factory, tiny_corpus):
    from lmstudio.gui.tabs.playground import PlaygroundTab

    from .conftest import train_tiny_run

    run = train_tiny_run(tmp_path_factory, tiny_corpus, "doomed")
    tab = PlaygroundTab(session)
    qtbot.addWidget(tab)
    tab.load_run(str(run))
    qtbot.waitUntil(lambda: tab.loaded is not None and not tab.is_busy(), timeout=30_000)
    tab.form.max_new.setValue(10)
    return tab, run


def test_reliability_run_folder_deleted_while_loaded(qtbot, loaded_tab):
    import shutil

    tab, run = loaded_tab
    shutil.rmtree(run)
    tab.compare("step-10", "best")  # reads checkpoints from the folder, which is gone
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=30_000)
    assert tab.banner.text() and "Failed" in tab.page.status.text()
    tab.generate()  # the model in memory still works
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=30_000)
    assert len(tab.branches[-1].tokens) == 10


def test_reliability_nan_generation_says_what_happened(qtbot, loaded_tab):
    import torch

    tab, _ = loaded_tab
    with torch.no_grad():
        for p in tab.loaded.model.parameters():
            p.fill_(float("nan"))
    tab.generate()
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=30_000)
    message = tab.banner.text()
    assert "NaN" in message or "not a number" in message.lower(), message
    assert not message.startswith("Unexpected error")
    assert "Generation failed" in tab.page.status.text()


def test_reliability_saving_a_workspace_onto_a_folder_says_so(qtbot, window, tmp_path):
    folder = tmp_path / "chosen.json"
    folder.mkdir()
    assert not window._save_to(folder)
    assert any("chosen.json" in t and "another" in t for t in error_texts(window)), error_texts(window)
    assert folder.is_dir() and not any(folder.iterdir())
    close_dialogs(window)


def test_reliability_cancelling_an_open_keeps_the_previous_corpus(
    qtbot, window, session, tiny_corpus, tmp_path, monkeypatch
):
    from lmstudio.core.data import corpus as core_corpus

    real_open = core_corpus.Corpus.open.__func__

    def slow_open(cls, *args, **kwargs):
        time.sleep(0.8)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(core_corpus.Corpus, "open", classmethod(slow_open))
    path = tmp_path / "other.txt"
    path.write_text("another corpus\n")
    data_tab = window.tab_widgets[0]
    job = data_tab.open_path(path)
    data_tab.open_progress.cancel_button.click()
    assert not data_tab.open_progress.isVisible()
    with qtbot.waitSignal(job.sig_finished, timeout=10_000):
        pass
    qtbot.wait(50)
    assert session.corpus.path == tiny_corpus and not error_texts(window)


def test_reliability_a_script_exiting_with_a_worker_running_does_not_abort(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "import time\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from lmstudio.core.progress import report\n"
        "from lmstudio.gui.workers import start_worker\n"
        "app = QCoreApplication([])\n"
        "def work(progress=None):\n"
        "    while True:\n"
        "        report(progress, 0, None, 'working')\n"
        "        time.sleep(0.01)\n"
        "job = start_worker('stats', work)\n"
        "time.sleep(0.2)\n"
        "print('exiting', flush=True)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Destroyed while thread" not in done.stderr


def test_reliability_vocabulary_samples_never_read_the_file_on_the_gui_thread(qtbot, window, session, monkeypatch):
    from lmstudio.core.data import corpus as core_corpus

    def no_reading(*args, **kwargs):
        raise AssertionError("the corpus file was read on the GUI thread")

    monkeypatch.setattr(core_corpus.Corpus, "sample_lines", no_reading)
    monkeypatch.setattr(core_corpus.Corpus, "iter_lines", no_reading)
    vocab_tab = window.tab_widgets[1]
    vocab_tab.segmentation.sig_sample_requested.emit()
    vocab_tab.compare.sample_button.click()
    text = vocab_tab.compare.text.toPlainText()
    assert text.strip() and text.splitlines()[0] in session.preview.sample_lines


# ---------------------------------------------------------------- bits per character where it would mislead


def test_reliability_withheld_bits_per_char_reads_n_a_not_nan(qtbot):
    """The core withholds bits/char (NaN) when the tokenizer produced <unk>: the window says n/a and why."""
    import math

    from lmstudio.core.training.events import EvalEvent
    from lmstudio.gui.tabs.playground.inside import formula_html
    from lmstudio.gui.widgets.train_charts import TrainCharts

    charts = TrainCharts()
    qtbot.addWidget(charts)
    for step in (0, 10):
        charts.run.add_eval(
            EvalEvent(
                step,
                step * 64,
                step * 0.1,
                4.0,
                4.1,
                math.exp(4.1),
                math.nan,
                step == 0,
                bits_per_char_note="the scored tokens include <unk>",
            )
        )
    charts.refresh()
    assert charts.plots["bpc"].titleLabel.text.startswith("Bits per character: n/a")
    assert "<unk>" in charts.plots["bpc"].toolTip()
    assert "n/a bits/char" in charts.describe_at(10)
    result = {
        "tokens": 3,
        "chars": 12,
        "total_logprob": -6.0,
        "perplexity": 7.39,
        "bits_per_char": math.nan,
        "bits_per_char_note": "the scored tokens include <unk>",
        "per_token": [{"logprob": -2.0}] * 3,
    }
    text = formula_html(result)
    assert "nan" not in text.lower().replace("nats", "") and "<b>n/a</b>" in text and "&lt;unk&gt;" in text
