"""The status bar names the threads training really uses, not the count torch had on the probing thread."""

from __future__ import annotations

import dataclasses


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
