"""The CLI and the window pick the same default thread count, and the CLI's ETA settles before it shows."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from lmstudio.cli.progressbar import EtaEstimator, ProgressBar

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("cores, expected", [(1, 1), (2, 1), (4, 3), (16, 15), (None, 1)])
def test_default_threads_leave_one_core_free_in_the_cli_and_the_window(monkeypatch, cores, expected):
    from lmstudio.core import devices

    monkeypatch.setattr(devices.os, "cpu_count", lambda: cores)
    assert devices.default_threads() == expected


def test_the_train_tab_shows_the_same_automatic_choice(monkeypatch):
    from lmstudio.core import devices
    from lmstudio.gui.tabs import train_tab

    assert not hasattr(train_tab, "auto_threads")  # no restatement: the tab calls the core's function
    for cores in (1, 2, 3, 8, 64):
        monkeypatch.setattr(devices.os, "cpu_count", lambda cores=cores: cores)
        assert train_tab.default_threads() == devices.default_threads() == max(1, cores - 1)


def test_importing_devices_does_not_import_torch():
    """The window reads default_threads while it opens, before torch is loaded."""
    code = "import sys, lmstudio.core.devices as d; d.default_threads(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "False"


def test_describe_device_names_the_threads_it_is_given():
    from lmstudio.core.devices import describe_device

    assert describe_device("cpu", threads=1).startswith("CPU (1 thread of ")


def test_no_eta_before_five_seconds_or_three_percent():
    eta = EtaEstimator()
    assert eta.update(0.0, 0, 1000) is None
    assert eta.update(1.0, 10, 1000) is None  # 1 % after 1 s: too early
    assert eta.update(4.9, 20, 1000) is None
    assert eta.update(5.0, 25, 1000) is not None  # 5 s since the first update


def test_eta_shows_early_once_three_percent_are_done():
    eta = EtaEstimator()
    eta.update(0.0, 0, 100)
    assert eta.update(1.0, 3, 100) == pytest.approx(97 / 3)


def test_a_slow_start_does_not_dominate_the_estimate():
    """The first step takes 60 s (step-0 evaluation), then 10 steps/s: the rate counts from the first update."""
    eta = EtaEstimator()
    eta.update(60.0, 1, 1500)  # first update arrives after the slow first step
    left = None
    for i in range(1, 101):
        left = eta.update(60.0 + i, 1 + 10 * i, 1500)
    assert left == pytest.approx((1500 - 1001) / 10, rel=0.01)


def test_eta_rate_is_smoothed_against_a_momentary_stall():
    eta = EtaEstimator()
    eta.update(0.0, 0, 10_000)
    for i in range(1, 11):
        eta.update(float(i), 100 * i, 10_000)
    steady = eta.update(11.0, 1100, 10_000)
    stalled = eta.update(16.0, 1110, 10_000)  # 5 s for 10 steps: 2 steps/s instead of 100
    assert steady == pytest.approx(8900 / 100, rel=0.01)
    assert stalled < 8890 / 2 / 2  # far below what the momentary rate alone would say
    assert stalled > steady


def test_progress_bar_prints_no_eta_at_first():
    out = io.StringIO()
    bar = ProgressBar("training", stream=out)
    bar.update(1, 1000, "step 1", force=True)
    assert "ETA --:--" in out.getvalue()
