"""The status bar names the threads training really uses, not the count torch had on the probing thread."""

from __future__ import annotations

import dataclasses

import pytest


def test_status_bar_shows_the_training_threads(qtbot, session, monkeypatch):
    from lmstudio.gui.main_window import MainWindow
    from lmstudio.gui.tabs import train_tab

    monkeypatch.setattr(train_tab.os, "cpu_count", lambda: 2)
    w = MainWindow(session, probe_device=False)
    qtbot.addWidget(w)
    w._on_device_probed({"type": "cpu", "text": "CPU (2 threads of 2 cores)", "cores": 2})
    assert w.device_label.text() == "Device: CPU (1 training thread of 2 cores)"  # automatic: one core left free
    session.set_train_config(dataclasses.replace(session.config.train, threads=2))
    assert w.device_label.text() == "Device: CPU (2 training threads of 2 cores)"
    w._on_device_probed({"type": "cuda", "text": "CUDA: H200 (139 GiB)", "cores": 2})
    assert w.device_label.text() == "Device: CUDA: H200 (139 GiB)"
    w.close()


@pytest.mark.parametrize(
    "steps,shown",
    [
        (1000, "ETA 3:1"),  # (1000 - 31) steps at 5 steps/s = 3 min 14 s
        (1_000_000, "ETA 55:33:"),  # 199,994 s: hours past a day are counted, not wrapped (was 07:33:14)
    ],
)
def test_train_tab_eta_settles_before_it_shows(window, monkeypatch, tmp_path, steps, shown):
    """No ETA from the slow first steps: 'estimating…' until 5 s or 3 % have passed, then a smoothed rate."""
    import copy
    import time as real_time
    from types import SimpleNamespace

    from lmstudio.gui.tabs import train_tab
    from lmstudio.gui.train_worker import RunInfo

    clock = [100.0]
    monkeypatch.setattr(
        train_tab,
        "time",
        SimpleNamespace(monotonic=lambda: clock[0], strftime=real_time.strftime, gmtime=real_time.gmtime),
    )
    tab = window.tab_widgets[3]
    config = copy.deepcopy(window.session.config)
    config.train = dataclasses.replace(config.train, steps=steps)
    tab.state = "preparing"
    try:
        tab._on_run_info(
            RunInfo(
                run_dir=str(tmp_path / "run"),
                config=config,
                vocab_size=65,
                train_tokens=10_000,
                tokens_per_step=64,
                start_step=0,
                unigram_entropy=3.0,
                threads=1,
                device="cpu",
                parameters=100,
            )
        )
        tab._last_step = SimpleNamespace(step=1, tokens_per_sec=1.0)  # a momentary rate that would read hours
        tab._update_progress()
        assert "ETA estimating…" in tab.progress.format()
        for second in range(1, 7):
            clock[0] = 100.0 + second
            tab._last_step = SimpleNamespace(step=1 + 5 * second, tokens_per_sec=320.0)
            tab._update_progress()
        assert shown in tab.progress.format(), tab.progress.format()
    finally:
        tab.state = "idle"
