"""The Train tab while a run is live: MFU beside tokens/s, progress and ETA under a time budget, the time
budget and wsd editors, and the charts' cheap redraw (ranges that follow in steps, curves set only when
they have new points, the normal redraw interval). Events are fed to the tab directly: nothing trains."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from lmstudio.core.config import TrainConfig
from lmstudio.core.training.events import EvalEvent, StepEvent
from lmstudio.gui.forms import value_of


def _step(step: int, elapsed: float = 0.0, mfu: float = math.nan, loss: float = 2.0) -> StepEvent:
    return StepEvent(step, step * 768, elapsed, loss, 1e-3, 0.8, 7_500.0, mfu)


@pytest.fixture
def tab(qtbot, session):
    from lmstudio.gui.tabs.train_tab import TrainTab

    t = TrainTab(session)
    qtbot.addWidget(t)
    return t


def _start(tab, **train) -> None:
    """What the worker's first batch does: the RunInfo of a run with these training settings."""
    from lmstudio.gui.train_worker import RunInfo

    config = tab.session.workspace_config()
    config = dataclasses.replace(config, train=TrainConfig(**{**dataclasses.asdict(config.train), **train}))
    tab.state = "preparing"
    tab.on_events([RunInfo("run", config, 65, 10_000, 768, 0, 3.0, 1, "cpu", 1000)])
    assert tab.state == "running"


def _show(tab, event: StepEvent) -> str:
    tab.on_events([event])
    tab._update_progress()  # the tab shows progress at most every 0.25 s; a test need not wait
    return tab.progress.format()


def test_mfu_shows_beside_tokens_per_second_and_is_blank_when_unknown(tab):
    _start(tab, steps=1000)
    _show(tab, _step(5, 1.0, mfu=0.412))
    assert tab.mfu_label.text() == "41% MFU"
    assert "MFU" in tab.mfu_label.toolTip() and "measured" in tab.mfu_label.toolTip()
    _show(tab, _step(6, 1.2, mfu=math.nan))  # no measured peak on this device
    assert tab.mfu_label.text() == ""
    _show(tab, _step(7, 1.4, mfu=0.004))
    assert tab.mfu_label.text() == "0.4% MFU"
    assert "0.4% MFU" in tab.charts.describe_at(7)  # the chart read-out too


def test_progress_and_eta_count_down_the_time_budget(tab):
    _start(tab, steps=100_000, max_time=600.0)
    text = _show(tab, _step(10, elapsed=60.0))
    # the budget is nearer than 100,000 steps: a tenth of it is spent, 9 minutes of training are left
    assert tab.progress.value() == 100
    assert "1:00 of 10:00" in text and "ETA 9:00" in text, text
    tab.state = "paused"  # as the Pause button leaves it
    text = _show(tab, _step(11, elapsed=61.0))
    assert "ETA 8:59" in text and "paused" in text  # paused: training time stands still, so does the budget


def test_progress_ends_at_the_steps_when_they_are_nearer_than_the_budget(tab):
    class Settled:  # the steps' estimate once it has settled: 30 s left
        def update(self, now, done, total):
            return 30.0

    _start(tab, steps=100, max_time=3600.0)
    tab._eta = Settled()
    text = _show(tab, _step(90, elapsed=270.0))
    assert tab.progress.value() == 900  # 90 of 100 steps, further along than 4:30 of an hour
    assert "ETA 0:30" in text, text


def test_progress_without_a_budget_counts_steps_only(tab):
    _start(tab, steps=1000)
    text = _show(tab, _step(250, elapsed=5_000.0))
    assert tab.progress.value() == 250 and " of " not in text and "step 250 / 1,000" in text


def test_time_budget_and_wsd_editors(qtbot):
    from lmstudio.gui.forms import DurationSpinBox, parse_duration
    from lmstudio.gui.widgets.train_form import TrainSettingsForm

    form = TrainSettingsForm(auto_threads=2)
    qtbot.addWidget(form)
    budget = form.editors["max_time"]
    assert isinstance(budget, DurationSpinBox) and budget.text() == "off" and budget.toolTip()
    budget.setValue(900)
    assert budget.text() == "15 min" and form.values()[0]["max_time"] == 900
    budget.setValue(5400)
    assert budget.text() == "1 h 30 min"
    budget.lineEdit().setText("1:02:03")
    budget.interpretText()
    assert budget.value() == 3723
    assert parse_duration("90") == 90 and parse_duration("2 h 5 min") == 7500 and parse_duration("soon") is None
    schedule, warmdown = form.editors["schedule"], form.editors["warmdown"]
    assert schedule.findData("wsd") >= 0 and warmdown.toolTip()
    assert warmdown.isEnabled()  # wsd by default
    schedule.setCurrentIndex(schedule.findData("cosine"))
    assert not warmdown.isEnabled()  # the warm-down share means nothing to cosine
    schedule.setCurrentIndex(schedule.findData("wsd"))
    assert warmdown.isEnabled()
    warmdown.setValue(0.2)
    assert form.values()[0]["schedule"] == "wsd" and form.values()[0]["warmdown"] == pytest.approx(0.2)
    optimizer, momentum = form.editors["optimizer"], form.editors["muon_momentum"]
    assert value_of(optimizer) == "muon" and momentum.isEnabled() and optimizer.toolTip()
    optimizer.setCurrentIndex(optimizer.findData("adamw"))
    assert not momentum.isEnabled()  # Muon's momentum means nothing to AdamW alone


# the charts -------------------------------------------------------------------------------------------------


@pytest.fixture
def charts(qtbot):
    from lmstudio.gui.widgets.train_charts import TrainCharts

    c = TrainCharts()
    qtbot.addWidget(c)
    c.timer.stop()
    c.resize(900, 500)
    c.show()
    return c


def test_redraw_timer_normal_interval_fits_0_3_s_and_still_backs_off():
    from lmstudio.gui.widgets.train_charts import MAX_REDRAW_MS, REDRAW_MS, next_interval

    assert REDRAW_MS <= 300
    assert next_interval(busy=0.02) == REDRAW_MS  # a cheap redraw keeps the normal pace
    assert next_interval(busy=0.0) == REDRAW_MS
    assert next_interval(busy=0.5) > 300  # a GUI busier than its budget slows the redraws
    assert next_interval(busy=1.0) == MAX_REDRAW_MS


def test_new_charts_redraw_at_the_normal_interval(charts):
    assert charts.timer.interval() <= 300


def test_follow_range_changes_only_when_the_data_leaves_it():
    from lmstudio.gui.widgets.train_charts import follow_range, nice_step

    assert [nice_step(x) for x in (0.7, 1.0, 1.1, 2.2, 3, 7, 0.013)] == pytest.approx([1, 1, 2, 2.5, 5, 10, 0.02])
    r = follow_range(None, 1.5, 4.2)
    assert r[0] <= 1.5 - 0.1 * 2.7 and r[1] >= 4.2 + 0.1 * 2.7  # padded
    assert follow_range(r, 1.6, 4.1) is r  # inside and filling it: the same range, no new axis layout
    assert follow_range(r, 0.5, 4.2) != r  # the data left it
    assert follow_range(r, 3.0, 3.1) != r  # the data shrank to a sliver of it
    assert follow_range(None, math.nan, math.nan) is None
    # a growing x axis: a new range every 30-40 % of growth, not at every step
    x, changes = None, 0
    for step in range(1, 3001):
        new = follow_range(x, 1, step, pad_lo=0, pad_hi=0.3)
        changes += new != x
        x = new
        assert x[0] <= 1 and x[1] >= step
    assert changes <= 30


def test_charts_set_only_curves_with_new_points_and_keep_axes_still(charts):
    calls: dict[str, int] = {}
    for key, curve in charts.curves.items():
        original = curve.setData

        def counted(*args, key=key, original=original, **kwargs):
            calls[key] = calls.get(key, 0) + 1
            return original(*args, **kwargs)

        curve.setData = counted
    for i in range(1, 201):
        charts.run.add_step(_step(i, i * 0.1, loss=4.0 - i / 100))
    charts.run.add_eval(EvalEvent(100, 76_800, 10.0, 3.0, 3.1, 22.2, 2.0, True))
    charts.refresh()
    x_range = charts.plots["loss"].vb.viewRange()[0]
    assert x_range[0] <= 1 and x_range[1] >= 200
    calls.clear()
    charts.refresh()  # nothing new: nothing set
    assert calls == {}
    charts.run.add_step(_step(201, 20.1, loss=2.0))
    charts.refresh()
    assert calls.get("loss") == 1 and "val" not in calls and "ppl" not in calls  # no new evaluation
    assert charts.plots["loss"].vb.viewRange()[0] == x_range  # one step more: the axes stay as they were
    assert len(charts.curves["loss"].getData()[0]) == 201


def test_charts_keep_a_spike_in_view(charts):
    for i in range(1, 301):
        charts.run.add_step(_step(i, i * 0.1, loss=50.0 if i == 150 else 2.0 + np.sin(i) * 0.1))
    charts.refresh()
    lo, hi = charts.plots["loss"].vb.viewRange()[1]
    assert lo <= 1.9 and hi >= 50.0
    # and peak downsampling keeps it when there are more points than pixels
    assert charts.plots["loss"].ctrl.downsampleCheck.isChecked() or charts.curves["loss_raw"].opts["autoDownsample"]
    assert charts.curves["loss_raw"].opts["downsampleMethod"] == "peak"


def test_charts_stay_where_the_user_zoomed_until_the_view_changes(charts):
    for i in range(1, 101):
        charts.run.add_step(_step(i, i * 0.1))
    charts.refresh()
    vb = charts.plots["loss"].vb
    vb.setXRange(10, 20, padding=0)
    vb.sigRangeChangedManually.emit([True, True])  # what a drag or the wheel sends
    for i in range(101, 1001):
        charts.run.add_step(_step(i, i * 0.1))
    charts.refresh()
    assert vb.viewRange()[0] == pytest.approx([10, 20])
    charts.x_axis.setCurrentIndex(charts.x_axis.findData("tokens"))  # a new view follows the data again
    lo, hi = vb.viewRange()[0]
    assert lo <= 768 and hi >= 1000 * 768


def test_run_metrics_keep_mfu(tmp_path):
    from lmstudio.app.train_metrics import RunMetrics, format_mfu, run_progress

    run = RunMetrics()
    run.add_step(_step(1, 0.1, mfu=0.5))
    run.add_step(_step(2, 0.2))
    assert run.steps.column("mfu")[0] == 0.5 and math.isnan(run.steps.column("mfu")[1])
    rows = [{"step": "1", "tokens": "768", "elapsed": "0.1", "train_loss": "2", "mfu": "0.25"}]
    assert RunMetrics.from_rows(rows).steps.column("mfu")[0] == 0.25
    assert math.isnan(RunMetrics.from_rows([{**rows[0], "mfu": ""}]).steps.column("mfu")[0])  # older runs
    assert format_mfu(0.412) == "41% MFU" and format_mfu(math.nan) == "" and format_mfu(None) == ""
    assert run_progress(10, 100, 5.0, 0.0) == (0.1, None)
    assert run_progress(10, 100, 50.0, 100.0) == (0.5, 50.0)
    assert run_progress(10, 100, 150.0, 100.0) == (1.0, 0.0)


def test_canvas_paints_with_qts_own_paint_event_and_keeps_views_prepared(qtbot, charts):
    """pyqtgraph's Python paintEvent held the GIL through all of Qt's painting; the canvas uses Qt's own, so
    it must prepare the view boxes itself: after a refresh and after any range change (a drag, a resize)."""
    from PySide6.QtWidgets import QApplication, QGraphicsView

    assert type(charts.graphics).paintEvent is QGraphicsView.paintEvent
    for i in range(1, 51):
        charts.run.add_step(_step(i, i * 0.1))
    charts.refresh()
    vb = charts.plots["grad"].vb
    assert not vb._matrixNeedsUpdate  # the refresh prepared it
    charts.plots["loss"].vb.setXRange(5, 10, padding=0)  # as a drag does; the grad plot is linked
    assert vb._matrixNeedsUpdate
    QApplication.processEvents()
    assert not vb._matrixNeedsUpdate  # prepared soon after the change, before the paint it asked for


def test_charts_follow_in_log10_coordinates_on_a_log_scale(charts):
    for i in range(1, 101):
        charts.run.add_step(_step(i, i * 0.1, loss=4.0 - i / 50))  # 3.98 down to 2.0
    charts.log_scale.setChecked(True)  # refreshes
    lo, hi = charts.plots["loss"].vb.viewRange()[1]
    assert lo <= math.log10(2.0) and math.log10(3.98) <= hi <= 1.0  # log10 of the losses, not the losses


def test_one_costly_redraw_does_not_slow_the_redraws_but_a_busy_gui_does(charts, monkeypatch):
    from types import SimpleNamespace

    from lmstudio.gui.widgets import train_charts as module

    clock = {"wall": 0.0, "cpu": 0.0}
    monkeypatch.setattr(
        module, "time", SimpleNamespace(perf_counter=lambda: clock["wall"], thread_time=lambda: clock["cpu"])
    )
    charts._last_tick, charts._busy = (0.0, 0.0), 0.0

    def tick(busy_ms: float) -> int:
        clock["wall"] += charts.timer.interval() / 1000
        clock["cpu"] += busy_ms / 1000
        charts._on_timer()
        return charts.timer.interval()

    assert [tick(10) for _ in range(5)] == [module.REDRAW_MS] * 5  # 10 ms per 0.25 s: 4 %
    assert tick(60) <= 300  # one redraw of 60 ms (an axis laid out again): the pace holds
    assert max(tick(100) for _ in range(6)) > 300  # a GUI busy 40 % of the time: the redraws slow down
    assert [tick(10) for _ in range(8)][-1] == module.REDRAW_MS  # and come back to the pace when it is not
    tick(2000)  # the GUI stalled for 2 s: one slower redraw at most, no winding up
    assert tick(10) <= 500 and [tick(10) for _ in range(4)][-1] <= 300


def test_closing_the_window_empties_the_charts_scene_while_it_is_alive(qtbot, window):
    """Left to Qt's teardown, the charts' InfiniteLines were destroyed in an order where pyqtgraph's Python
    override of boundingRect ran on an invalidated wrapper: "Internal C++ object (InfiniteLine) already
    deleted", then a segmentation fault, in a full test run. Closing the window now clears the scene first."""
    tab = window.tab_widgets[3]
    charts = tab.charts
    charts.run.add_step(StepEvent(1, 64, 0.1, 4.0, 1e-3, 0.5, 640.0))
    charts.refresh()
    scene = charts.graphics.scene()
    assert any(type(item).__name__ == "InfiniteLine" for item in scene.items())
    window.close()
    assert window.is_closing() and not scene.items(), "the scene is empty before Qt tears the window down"
    assert not charts.timer.isActive()
    redraws = charts.redraws
    charts.mark_dirty()
    charts.refresh()  # a late call (a queued event) draws nothing and raises nothing
    charts.refresh_theme()
    assert charts.redraws == redraws
