"""The Data tab's translation controls: the task switch, toy tasks, columns and target files, the direction,
the side-by-side pair preview, pair statistics and the core's messages for bad pairs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def tab(qtbot, session, tiny_corpus):
    """The Data tab alone (no main window) on the tiny corpus, language-model task."""
    from lmstudio.gui.tabs.data_tab import DataTab

    assert session.open_corpus(tiny_corpus)
    widget = DataTab(session)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.shutdown()
    qtbot.waitUntil(lambda: not _busy(widget), timeout=15_000)


def _busy(tab) -> bool:
    jobs = tab.is_opening() or tab.session.is_opening() or tab.pairs_running() or tab.stats_running()
    return jobs or tab._stats_timer.isActive()  # the statistics and pairs start 300 ms after a change


def settle(qtbot, tab, timeout=15_000) -> None:
    """Wait until the open, the (debounced) statistics and the pair reading have all ended."""
    qtbot.waitUntil(lambda: not _busy(tab), timeout=timeout)


def test_bundled_pairs_open_for_translation_side_by_side_with_pair_statistics(qtbot, tab, session):
    index = tab.bundled.findText("English", Qt.MatchFlag.MatchContains)
    tab._on_bundled(index)
    settle(qtbot, tab)
    d = session.data_config
    assert d.task == "translate" and session.corpus.is_parallel
    assert tab.task_bar.translate_box.isVisible() and tab.task_bar.source_column.isVisible()
    assert not tab.task_bar.target_button.isVisible()  # a table: columns, not a target file
    assert tab.pair_preview.header() == ("English", "Spanish")
    assert "English → Spanish" in tab.task_bar.direction.text()
    rows = tab.pair_preview.rows()
    assert len(rows) == 50
    assert rows[0][0].startswith("In the beginning") and rows[0][1].startswith("EN el principio")
    assert tab.pair_stats.isVisible() and not tab.stats_panel.isVisible()
    assert tab.pair_stats.values["pairs"].text() not in ("…", "–")
    counts = tab.pair_stats.ratio_counts()
    assert len(counts) == 10 and sum(counts) > 1000  # every pair lands in one ratio bin
    assert tab.pair_stats.histogram.bar_count() == 10


def test_toy_task_then_back_to_the_corpus_and_to_the_language_model(qtbot, tab, session, tiny_corpus):
    tab.task_bar.toy_pairs.setValue(200)  # no toy task yet: nothing re-opens; the count is kept for the task
    assert not tab.is_opening() and session.data_config.toy_pairs == 20_000
    tab._on_toy_chosen("reverse")
    settle(qtbot, tab)
    d = session.data_config
    assert (d.task, d.toy_task) == ("translate", "reverse")
    rows = tab.pair_preview.rows()
    assert rows and all(target == source[::-1] for source, target in rows)
    assert tab.pair_preview.header() == ("string", "reversed")
    assert session.data_config.toy_pairs == 200
    tab.task_bar.toy_pairs.setValue(300)
    settle(qtbot, tab)
    assert session.data_config.toy_pairs == 300 and "300" in tab.pair_preview.note.text()

    tab._on_toy_chosen(None)  # back to the corpus the toy task replaced: a plain text, so no pairs yet
    settle(qtbot, tab)
    assert session.corpus.path == tiny_corpus and session.data_config.toy_task is None
    assert session.data_config.task == "translate"
    assert tab.task_bar.target_button.isVisible()  # what it needs: a target file
    assert tab.pair_preview.rows() == [] and "target file" in tab.pair_preview.note.text()
    assert not tab.banner.isVisible()  # a state to complete, not an error

    tab._on_task_chosen("lm")
    settle(qtbot, tab)
    assert session.data_config.task == "lm"
    assert not tab.task_bar.translate_box.isVisible() and not tab.preview_tabs.isTabVisible(0)
    assert tab.stats_panel.isVisible() and session.stats.lines == 600


def test_two_files_pair_up_cleaning_drops_are_counted_and_the_direction_swaps(qtbot, tab, session, tmp_path):
    source, target = tmp_path / "train.de", tmp_path / "train.en"
    source.write_text("".join(f"Satz nummer {i}\n" for i in range(40)) + "leer\n", encoding="utf-8")
    target.write_text("".join(f"sentence number {i}\n" for i in range(40)) + "   \n", encoding="utf-8")
    tab._on_task_chosen("translate")
    settle(qtbot, tab)
    assert tab.open_path(source)
    settle(qtbot, tab)
    tab.set_target_file(target)
    settle(qtbot, tab)
    assert session.corpus.two_files and session.data_config.target == str(target)
    assert tab.pair_preview.header() == ("train.de", "train.en")
    assert tab.pair_preview.rows()[3] == ("Satz nummer 3", "sentence number 3")
    assert tab.pair_stats.values["pairs"].text() == "40"
    assert tab.pair_stats.values["dropped"].text() == "1" and "side empty" in tab.pair_stats.dropped_detail.text()

    tab.task_bar.reverse.setChecked(True)  # the other way: the sides swap in the settings, labels and preview
    settle(qtbot, tab)
    assert session.data_config.reverse and session.corpus.two_files
    assert tab.pair_preview.header() == ("train.en", "train.de")
    assert "train.en → train.de" in tab.task_bar.direction.text()
    assert tab.pair_preview.rows()[3] == ("sentence number 3", "Satz nummer 3")


def test_bad_pairs_show_the_core_message_and_keep_the_previous_state(qtbot, tab, session, tmp_path):
    tab._on_task_chosen("translate")
    settle(qtbot, tab)
    good = tmp_path / "pairs.tsv"
    good.write_text("".join(f"word {i}\tpalabra {i}\n" for i in range(30)), encoding="utf-8")
    assert tab.open_path(good)
    settle(qtbot, tab)
    assert tab.pair_preview.rows()[0] == ("word 0", "palabra 0")
    before = session.data_config

    one_column = tmp_path / "one.tsv"
    one_column.write_text("".join(f"only {i}\n" for i in range(30)), encoding="utf-8")
    tab.open_path(one_column)
    settle(qtbot, tab)
    assert "single column" in tab.banner.text() and session.corpus.path == good

    tab._on_columns_chosen("0", "5")  # a target column that does not exist
    settle(qtbot, tab)
    assert "5" in tab.banner.text() and session.data_config == before
    assert tab.task_bar.target_column.currentData() == "1"  # the chooser shows the setting still in force

    tab._on_columns_chosen("1", "1")
    assert "two different columns" in tab.banner.text() and session.data_config == before

    short = tmp_path / "short.txt"
    short.write_text("just one line\n", encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text("first\nsecond\n", encoding="utf-8")
    tab.open_path(plain)
    settle(qtbot, tab)
    tab.set_target_file(short)  # files of different line counts
    settle(qtbot, tab)
    assert "short.txt" in tab.banner.text() and session.data_config.target == ""

    ragged = tmp_path / "ragged.tsv"
    ragged.write_text("".join(f"word {i}\tpalabra {i}\n" for i in range(30)) + "lonely\n", encoding="utf-8")
    tab.open_path(ragged)
    settle(qtbot, tab)
    assert "ragged.tsv" in tab.banner.text()
    assert session.corpus.path == plain  # read through, it failed: the corpus before is back
