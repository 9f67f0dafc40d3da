"""Issue 10, "things that do not do what they say": each control does what its label says."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from .conftest import wait_for_open, wait_for_stats


# -- 1. the column chooser of a parallel table reads the chosen column ------------------------------------
def test_column_chooser_of_the_bundled_bible_reads_the_chosen_column(qtbot, data_tab, session):
    index = data_tab.bundled.findText("English", Qt.MatchFlag.MatchContains)
    data_tab._on_bundled(index)
    wait_for_open(qtbot, session)
    assert session.corpus.is_parallel
    assert data_tab.preview.toPlainText().startswith("In the beginning")
    assert data_tab.field_combo.currentData() == "1"  # the chooser shows the column being read
    wait_for_stats(qtbot, session, 60_000)
    english_chars = session.stats.chars
    english_key = session.data_key()

    spanish = data_tab.field_combo.findData("2")
    data_tab.field_combo.setCurrentIndex(spanish)
    data_tab._on_field_chosen(spanish)
    wait_for_open(qtbot, session)
    assert data_tab.preview.toPlainText().startswith("EN el principio")  # the preview
    assert data_tab.field_combo.currentData() == "2"
    d = session.data_config
    assert (d.source_column, d.target_column) == ("2", "1")  # the pairs stay pairs, the other way round
    assert session.data_key() != english_key  # splits and tokenizers are not reused from the English text
    wait_for_stats(qtbot, session, 60_000)
    assert session.stats.chars != english_chars  # the statistics
    # training reads the corpus through the same DataConfig: its lines are Spanish
    from lmstudio.gui import jobs

    first = next(iter(jobs.cleaned_lines(session.data_snapshot())))
    assert first.startswith("EN el principio")


def test_parallel_columns_for_text():
    from lmstudio.core.corpus import parallel_columns_for_text

    assert parallel_columns_for_text("2", "1", "2") == {"source_column": "2", "target_column": "1"}
    assert parallel_columns_for_text("0", "1", "2") == {"source_column": "0", "target_column": "2"}
    assert parallel_columns_for_text("", "2", "1") == {"source_column": "1", "target_column": "2"}
