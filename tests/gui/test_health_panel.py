"""The Data tab's Health page: computed on a worker when shown, findings with examples, one-click fixes."""

from __future__ import annotations

from .conftest import wait_for_stats


def _wait_for_report(qtbot, panel, condition=lambda report: True, timeout=15_000):
    qtbot.waitUntil(
        lambda: not panel.running() and panel.report is not None and condition(panel.report), timeout=timeout
    )


def test_health_page_shows_findings_and_the_fixes_apply_through_the_settings(qtbot, data_tab, session):
    panel = data_tab.health_panel
    assert panel.report is None and not panel.running()  # hidden: nothing computed yet
    data_tab.side_tabs.setCurrentIndex(1)
    _wait_for_report(qtbot, panel)
    dups = panel.report.finding("duplicates")
    assert dups.count > 0  # the speakers' names repeat
    top = panel.tree.topLevelItem(0)
    assert top.text(0) == "Duplicate lines" and top.text(1) == f"{dups.count:,}"
    assert top.childCount() == len(dups.examples) > 0 and "times" in top.child(0).text(0)
    assert top.toolTip(0)
    assert {panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())} >= {
        "Validation/test lines also in train",
        "Lines of another script",
    }
    assert "Validation lines also in train" in panel.summary.text()

    blocks = panel.fix_button("data.split_mode")  # leakage: lines on both sides
    assert blocks is not None and blocks.isEnabled()
    blocks.click()
    assert session.data_config.split_mode == "blocks" and data_tab.split_panel.mode.currentData() == "blocks"
    assert not blocks.isEnabled()  # applied: the report is computed again
    _wait_for_report(qtbot, panel, lambda report: "|blocks|" in panel._key)

    dedupe = panel.fix_button("data.cleaning.dedupe")
    assert dedupe is not None and dedupe.isEnabled() and dedupe.toolTip()
    dedupe.click()
    assert session.cleaning.dedupe and data_tab.cleaning_panel.checks["dedupe"].isChecked()
    wait_for_stats(qtbot, session)
    _wait_for_report(qtbot, panel, lambda report: report.finding("duplicates").count == 0)
    assert panel.report.finding("leak_lines").count == 0  # one copy of each line: none on both sides
    assert panel.fix_button("data.cleaning.dedupe") is None  # nothing left to fix that way
