"""The Sweeps page: the axes editor plans a grid, a tiny 2-run sweep runs to the end on its worker (queue, results,
parallel coordinates), and Cancel mid-sweep leaves no thread running (the conftest's check)."""

from __future__ import annotations

import pytest

from tests.helpers import tiny_workspace


@pytest.fixture
def page(qtbot, session, tiny_corpus, monkeypatch, tmp_path):
    from lmstudio.gui.tabs.sweep_page import SweepPage

    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("LMSTUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("LMSTUDIO_TRAIN_IN_THREAD", "1")
    session.config = tiny_workspace(tiny_corpus, eval_interval=2)
    p = SweepPage(session)
    qtbot.addWidget(p)
    p.resize(1280, 720)
    p.show()
    yield p
    p.shutdown()


def _set_axes(page, axes: dict[str, str]) -> None:
    page.axes.clear()
    for key, text in axes.items():
        page.axes.add_axis(key)
        row = page.axes.table.rowCount() - 1
        page.axes.table.cellWidget(row, 1).setText(text)


def test_axes_editor_plans_grid_and_checks_values(page):
    _set_axes(page, {"train.lr": "1e-3, 3e-3", "model.d_model": "32, 48"})
    assert len(page.planned) == 4
    assert page.run_button.isEnabled()
    axes, problems = page.axes.axes_or_problems()
    assert axes == {"train.lr": [1e-3, 3e-3], "model.d_model": [32, 48]} and not problems
    # a value the setting refuses: the row says why, nothing is planned, Run is off
    page.axes.table.cellWidget(0, 1).setText("1e-3, -1")
    assert page.planned == [] and not page.run_button.isEnabled()
    assert "⚠" in page.axes.table.cellWidget(0, 2).text()
    assert "⚠" in page.plan_label.text()


def test_two_run_sweep_runs_to_the_end(page, qtbot, tmp_path):
    _set_axes(page, {"train.lr": "1e-3, 3e-3"})
    page.budget_kind.setCurrentIndex(page.budget_kind.findData("steps"))
    page.budget_spin.setValue(3)
    assert len(page.planned) == 2
    finished = []
    page.sig_runs_changed.connect(lambda: finished.append(1))
    job = page.start(tmp_path / "sweep")
    assert job is not None and page.is_running()
    qtbot.waitUntil(lambda: job.finished, timeout=60_000)
    assert page.queue_states() == ["finished", "finished"]
    assert len(finished) == 2
    assert page.results is not None and len(page.results["runs"]) == 2
    assert page.parallel.line_count() == 2
    assert page.scatter.point_count() == 2
    assert page.sweep_bar.value() == 1000
    assert page.run_button.isEnabled() and not page.cancel_button.isEnabled()


def test_cancel_mid_sweep_leaves_no_thread(page, qtbot, tmp_path):
    _set_axes(page, {"train.lr": "1e-3, 2e-3, 3e-3"})
    page.budget_spin.setValue(100_000)
    job = page.start(tmp_path / "sweep")
    qtbot.waitUntil(lambda: "running" in page.queue_states(), timeout=30_000)
    page.cancel()
    qtbot.waitUntil(lambda: job.finished, timeout=30_000)
    assert not page.is_running()
    states = page.queue_states()
    assert states[-1] == "cancelled" and "running" not in states and "planned" not in states


def test_ready_made_save_open_and_results(page, tmp_path):
    page.fill_data_scale()
    assert page.axes.axes_or_problems()[0].keys() == {"data.train_fraction"}
    assert len(page.planned) >= 2 and page.charts.currentWidget() is page.scale_chart
    n = len(page.planned)
    assert page.save_sweep(tmp_path / "scale.json")
    page.fill_duel()
    assert page.open_sweep(tmp_path / "scale.json") and len(page.planned) == n
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert not page.open_sweep(bad) and "bad.json" in page.banner.text()
    runs = [
        {
            "name": f"r{i}",
            "settings": {"data.train_fraction": f, "model.arch": arch},
            "final_val_loss": loss,
            "best_val_loss": loss,
            "status": "finished",
        }
        for i, (f, arch, loss) in enumerate([(0.1, "lstm", 3.0), (0.3, "gru", 2.5), (1.0, "transformer", 2.4)])
    ]
    page.show_results(
        {
            "axes": {"data.train_fraction": [], "model.arch": []},
            "runs": runs,
            "best": "r2",
            "metric": "best_val_loss",
            "summary": "more data helped",
        }
    )
    assert page.parallel.line_count() == 3 and page.scale_chart.point_count() == 3
    assert page.summary_label.text() == "more data helped"
