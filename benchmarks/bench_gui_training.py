"""Training inside the app: throughput against the headless trainer, GUI responsiveness, chart redraw.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui_training.py [--steps 200] [--reps 3]

1. Throughput: the Train tab (window up, Train tab visible, charts redrawing) against the headless
   ``Trainer.run()`` on the same config and the same thread count, alternating in one process. The tab
   trains both ways it can: in its child process (the default) and on its worker thread
   (``LMSTUDIO_TRAIN_IN_THREAD=1``). Tokens/s from the first step to the last: for the headless run and
   the thread a wall-clock stamp per StepEvent in this process; for the child the GUI thread's stamp as
   each batch of events arrives (batches of ~0.1 s, so the span is exact to about 0.1 s in ~50). The
   median ratio of each to the headless run is reported.
2. Responsiveness: a 10 ms QTimer on the GUI thread during one more in-app run; its lateness percentiles.
3. Redraw: the Train tab's charts holding 100k steps (and 400 evaluations): time of ``refresh()`` setting every
   curve, plus a synchronous repaint, and of an incremental update (100 new points).
4. Redraw intervals: the seconds between the charts' redraws while the in-app runs trained (from the
   first StepEvent to the last), median and 90th percentile (target: at least every 0.3 s), and the GUI
   thread's CPU time per redraw (refresh plus the paint that follows, 3 new points each, 100 to 400 points).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_TMP = Path(tempfile.mkdtemp(prefix="lmstudio-bench-gui-"))
os.environ["LMSTUDIO_RUNS_DIR"] = str(_TMP / "runs")
os.environ["LMSTUDIO_SETTINGS_DIR"] = str(_TMP / "settings")
os.environ.setdefault("LMSTUDIO_CACHE", str(_TMP / "cache"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.common import SHAKESPEARE, write_result  # noqa: E402
from lmstudio.app.train_process import IN_THREAD_ENV  # noqa: E402
from lmstudio.core.config import (  # noqa: E402
    DataConfig,
    ModelConfig,
    TokenizerConfig,
    TrainConfig,
    WorkspaceConfig,
)
from lmstudio.core.devices import default_threads  # noqa: E402
from lmstudio.core.training import events, trainer  # noqa: E402

INTERVALS: list[float] = []  # seconds between chart redraws during the in-app throughput runs
GUI_BUSY: list[float] = []  # the GUI thread's CPU time over wall time, per in-app throughput run
STAMPS: list[tuple[float, int]] = []  # (perf_counter, tokens) per StepEvent, filled by the instrumented run()
_original_run = trainer.Trainer.run


def _stamped_run(self):
    for event in _original_run(self):
        if isinstance(event, events.StepEvent):
            STAMPS.append((time.perf_counter(), event.tokens))
        yield event


trainer.Trainer.run = _stamped_run


def config(steps: int, threads: int) -> WorkspaceConfig:
    model = ModelConfig(
        arch="transformer",
        n_layer=4,
        n_head=4,
        d_model=128,
        block_size=64,
        positions="learned",
        bias=False,
        mlp_ratio=3,
    )
    train = TrainConfig(
        batch_size=12,
        steps=steps,
        lr=1e-3,
        warmup_steps=10,
        eval_interval=10**6,
        eval_iters=2,
        checkpoint_interval=0,
        sample_tokens=0,
        device="cpu",
        threads=threads,
        seed=1337,
    )
    return WorkspaceConfig(
        data=DataConfig(corpus=str(SHAKESPEARE)), tokenizer=TokenizerConfig(kind="char"), model=model, train=train
    )


def throughput() -> float:
    (t0, k0), (t1, k1) = STAMPS[0], STAMPS[-1]
    return (k1 - k0) / (t1 - t0)


def headless(cfg: WorkspaceConfig) -> float:
    from lmstudio.core.training.launch import new_trainer

    STAMPS.clear()
    trainer = new_trainer(cfg, _TMP / f"headless-{time.time_ns()}")
    for _ in trainer.run():
        pass
    return throughput()


def in_app(
    app: QApplication, tab, cfg: WorkspaceConfig, lateness: list[float] | None = None, child: bool = True
) -> float:
    """One run through the Train tab, in its child process or on its worker thread; with ``lateness`` a 10 ms
    probe timer runs on the GUI thread (measurement apparatus, so the throughput reps run without it)."""
    if child:
        os.environ.pop(IN_THREAD_ENV, None)
    else:
        os.environ[IN_THREAD_ENV] = "1"
    tab.session.set_model_config(cfg.model)
    tab.session.set_train_config(cfg.train)
    STAMPS.clear()
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - 10.0))
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(probe)
    loop = QEventLoop()  # as app.exec(): the GUI thread sleeps in Qt, without the GIL, between events
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    tab.start()
    assert tab.job.in_child == child
    if child:  # the trainer's stamps are in the other process: stamp each batch as it arrives here

        def arrived(batch: list) -> None:
            steps = [e for e in batch if isinstance(e, events.StepEvent)]
            if steps:
                STAMPS.append((time.perf_counter(), steps[-1].tokens))

        tab.job.sig_events.connect(arrived)
    tab.job.sig_finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    if lateness is not None:
        timer.start()
    loop.exec()
    cpu1, wall1 = time.thread_time(), time.perf_counter()
    timer.stop()
    while tab.state != "idle":  # the tab's own sig_finished slot has run before ours; this is a safeguard
        app.processEvents()
    assert tab.last_finished is not None and tab.last_finished.status == "finished", tab.log.toPlainText()
    if lateness is None and child:
        start, end = STAMPS[0][0], STAMPS[-1][0]
        times = [t for t in tab.charts.redraw_times if start <= t <= end]
        INTERVALS.extend(np.diff(times).tolist())
        GUI_BUSY.append((cpu1 - cpu0) / (wall1 - wall0))
    return throughput()


def redraw_benchmark(app: QApplication) -> dict:
    from lmstudio.core.training.events import EvalEvent, StepEvent
    from lmstudio.gui.widgets.train_charts import TrainCharts

    charts = TrainCharts()
    charts.timer.stop()
    charts.resize(1200, 700)
    charts.show()
    rng = np.random.default_rng(0)
    n = 100_000
    loss = 4.2 * np.exp(-np.arange(n) / 20_000) + 1.2 + 0.05 * rng.standard_normal(n)
    for i in range(n):
        charts.run.add_step(StepEvent(i + 1, (i + 1) * 768, i * 0.05, float(loss[i]), 1e-3, 0.8, 15_000.0))
        if i % 250 == 0:
            charts.run.add_eval(EvalEvent(i, i * 768, i * 0.05, float(loss[i]), float(loss[i]) + 0.1, 5.0, 2.0, True))
    charts.vocab_size, charts.unigram = 65, 3.3

    def timed(everything: bool = False) -> float:
        t0 = time.perf_counter()
        if everything:
            charts.invalidate()  # every curve set again (a refresh sets only those with new points)
        charts.refresh()
        charts.graphics.viewport().repaint()
        return (time.perf_counter() - t0) * 1000

    first = timed()  # includes the EMA over all 100k points, computed once
    full = [timed(everything=True) for _ in range(10)]
    incremental = []
    for j in range(10):
        for i in range(100):
            s = n + j * 100 + i
            charts.run.add_step(StepEvent(s + 1, (s + 1) * 768, s * 0.05, 1.3, 1e-3, 0.8, 15_000.0))
        incremental.append(timed())
    charts.close()
    cpu = []  # GUI thread CPU per redraw of a short run (refresh, then the paint the event loop does)
    small = TrainCharts()
    small.timer.stop()
    small.resize(1200, 700)
    small.show()
    for i in range(400):
        small.run.add_step(StepEvent(i + 1, (i + 1) * 768, i * 0.1, float(loss[i * 50]), 1e-3, 0.8, 7_500.0))
        if i % 3 == 2:
            t0 = time.thread_time()
            small.refresh()
            app.processEvents()
            if i > 100:
                cpu.append((time.thread_time() - t0) * 1000)
    small.close()
    return {
        "gui_cpu_ms_per_redraw_100_to_400_points_median": round(statistics.median(cpu), 2),
        "points": n,
        "first_refresh_ms": round(first, 2),
        "redraw_ms_median": round(statistics.median(full), 2),
        "redraw_ms_max": round(max(full), 2),
        "incremental_100_points_ms_median": round(statistics.median(incremental), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()

    from lmstudio.gui.main_window import MainWindow
    from lmstudio.gui.session import Session
    from lmstudio.gui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light", False)
    threads = default_threads()
    session = Session()
    window = MainWindow(session, probe_device=False)
    session.open_corpus(SHAKESPEARE)
    window.show()
    tab = window.tab_widgets[[window.tabs.tabText(i) for i in range(window.tabs.count())].index("Train")]
    window.tabs.setCurrentWidget(tab)
    cfg = config(args.steps, threads)
    headless(config(20, threads))  # prepares and caches the data, warms up torch
    ratios, gui_tps, head_tps, lateness = [], [], [], []
    thread_tps, thread_ratios = [], []
    for rep in range(args.reps):
        h = headless(cfg)
        g = in_app(app, tab, cfg)
        t = in_app(app, tab, cfg, child=False)
        head_tps.append(h)
        gui_tps.append(g)
        thread_tps.append(t)
        ratios.append(g / h)
        thread_ratios.append(t / h)
        print(
            f"rep {rep + 1}: headless {h:,.0f} tok/s, in app (child process) {g:,.0f} tok/s, ratio {g / h:.3f}; "
            f"on the worker thread {t:,.0f} tok/s, ratio {t / h:.3f}",
            flush=True,
        )
    probe_tps = in_app(app, tab, cfg, lateness)
    redraws = tab.charts.redraws
    if INTERVALS:
        print(
            f"redraw interval during training: median {np.median(INTERVALS):.3f} s, "
            f"p90 {np.percentile(INTERVALS, 90):.3f} s",
            flush=True,
        )
    session.mark_saved()  # the runs changed settings; nothing here is the user's to save (no Save? prompt)
    window.close()
    late = np.array(lateness)
    result = {
        "config": "4 layers, 4 heads, width 128, MLP 3x, block 64, learned positions, batch 12, char Tiny "
        "Shakespeare, CPU",
        "in_app": "ratio*: the Train tab's default, training in a child process; in_thread*: on its worker thread "
        "(LMSTUDIO_TRAIN_IN_THREAD=1); both against the headless Trainer.run() in this process",
        "steps": args.steps,
        "reps": args.reps,
        "threads_both": threads,
        "default_interactive_threads": default_threads(),
        "cores": os.cpu_count(),
        "headless_tokens_per_sec": [round(x) for x in head_tps],
        "in_app_tokens_per_sec": [round(x) for x in gui_tps],
        "ratio_median": round(statistics.median(ratios), 3),
        "ratios": [round(r, 3) for r in ratios],
        "in_thread_tokens_per_sec": [round(x) for x in thread_tps],
        "in_thread_ratio_median": round(statistics.median(thread_ratios), 3),
        "in_thread_ratios": [round(r, 3) for r in thread_ratios],
        "target_ratio": 0.97,
        "gui_timer_probe_10ms": {
            "samples": int(late.size),
            "in_app_tokens_per_sec_with_probe": round(probe_tps),
            "lateness_ms_p50": round(float(np.percentile(late, 50)), 2),
            "lateness_ms_p99": round(float(np.percentile(late, 99)), 2),
            "lateness_ms_max": round(float(late.max()), 2),
            "target_p99_ms": 50,
        },
        "chart_redraws_during_runs": redraws,
        "redraw_interval_s_during_training": {
            "samples": len(INTERVALS),
            "median": round(float(np.median(INTERVALS)), 3) if INTERVALS else None,
            "p90": round(float(np.percentile(INTERVALS, 90)), 3) if INTERVALS else None,
            "target_max_s": 0.3,
        },
        # an upper bound on the training time the window can cost through the GIL (its whole CPU time,
        # preparing the data and building the model included)
        "gui_thread_busy_share_during_in_app_runs": [round(b, 4) for b in GUI_BUSY],
        "chart_100k": {**redraw_benchmark(app), "target_ms": 16},
    }
    write_result("gui_training", result)


if __name__ == "__main__":
    main()
