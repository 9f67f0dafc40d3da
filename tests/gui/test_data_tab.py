"""The Data tab: loading, statistics, cleaning preview, splits, field choosers, bad files."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from .conftest import wait_for_open, wait_for_stats


def test_corpus_loads_through_the_tab_with_preview_and_statistics(qtbot, window, data_tab, session, tiny_corpus):
    assert session.corpus is not None and session.corpus.path == tiny_corpus
    assert data_tab.preview.toPlainText().startswith("First Citizen")
    assert "utf-8" in data_tab.info.text().lower()
    panel = data_tab.stats_panel
    assert panel.values["lines"].text() not in ("…", "")
    assert session.stats.lines == 600
    assert panel.histogram.bar_count() > 0
    assert "Top characters" in panel.top_chars.text()
    assert "tiny.txt" in window.corpus_label.text()


def test_cleaning_preview_and_statistics_follow_the_options(qtbot, data_tab, session):
    cleaning = data_tab.cleaning_panel
    before = cleaning.preview_rows()
    assert before and all(b == a for b, a in before)  # no cleaning: after == before
    unique_before = session.stats.unique_chars
    cleaning.checks["lowercase"].setChecked(True)
    assert session.cleaning.lowercase
    after = cleaning.preview_rows()
    assert [a for _, a in after] == [b.lower() for b, _ in before]
    wait_for_stats(qtbot, session)
    assert session.stats.unique_chars < unique_before  # capitals are gone
    cleaning.min_chars.setValue(30)
    rows = cleaning.preview_rows()
    assert any(a == "(dropped)" for _, a in rows)


def test_split_fractions_show_resulting_sizes(qtbot, data_tab, session):
    split = data_tab.split_panel
    split.train.setValue(80.0)
    split.val.setValue(15.0)
    assert abs(split.test.value() - 5.0) < 1e-9
    qtbot.waitUntil(lambda: session.data_config.split_fractions == (0.8, 0.15, 0.05), timeout=3000)
    assert "train" in split.sizes.text() and "480" in split.sizes.text()  # 80 % of 600 lines
    split.val.setValue(30.0)  # 80 + 30 > 100: refused with the config's message, setting unchanged
    qtbot.waitUntil(lambda: "Split — Test" in split.sizes.text(), timeout=3000)  # in the form's words
    assert session.data_config.split_fractions == (0.8, 0.15, 0.05)


def test_bad_files_show_a_banner_and_keep_the_previous_corpus(qtbot, data_tab, session, tiny_corpus, tmp_path):
    binary = tmp_path / "model.bin"
    binary.write_bytes(bytes(range(256)) * 64)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    for bad in (binary, empty, tmp_path / "missing.txt"):
        data_tab.banner.clear()
        data_tab.open_path(bad)
        wait_for_open(qtbot, session)
        assert data_tab.banner.isVisible()
        assert bad.name in data_tab.banner.label.text()
        assert session.corpus.path == tiny_corpus
        assert data_tab.preview.toPlainText().startswith("First Citizen")


def test_jsonl_field_chooser(qtbot, data_tab, session, tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(
        "\n".join(json.dumps({"id": i, "body": f"document number {i}", "lang": "en"}) for i in range(30)) + "\n"
    )
    assert data_tab.open_path(path)
    wait_for_open(qtbot, session)
    assert data_tab.field_combo.isVisibleTo(data_tab)
    assert session.data_config.text_field == "body"
    assert data_tab.preview.toPlainText().startswith("document number 0")
    index = data_tab.field_combo.findData("lang")
    data_tab.field_combo.setCurrentIndex(index)
    data_tab._on_field_chosen(index)
    wait_for_open(qtbot, session)
    assert data_tab.preview.toPlainText().startswith("en")


def test_json_file_offers_its_fields_as_the_reader_reads_it(qtbot, data_tab, session, tmp_path):
    """.json is read as JSON Lines (core/data/formats.guess_format), so its field chooser shows, as for .jsonl."""
    path = tmp_path / "docs.json"
    path.write_text("\n".join(json.dumps({"id": i, "body": f"record {i}"}) for i in range(10)) + "\n")
    assert data_tab.open_path(path)
    wait_for_open(qtbot, session)
    assert session.corpus.format == "jsonl" and session.preview.kind == "jsonl"
    assert data_tab.field_combo.isVisibleTo(data_tab)
    assert session.data_config.text_field == "body"
    assert data_tab.preview.toPlainText().startswith("record 0")


def test_csv_column_chooser(qtbot, data_tab, session, tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("id,title,text\n" + "".join(f'{i},T{i},"a longer line of text number {i}"\n' for i in range(20)))
    assert data_tab.open_path(path)
    wait_for_open(qtbot, session)
    labels = [data_tab.field_combo.itemText(i) for i in range(data_tab.field_combo.count())]
    assert "title" in labels and "(automatic)" in labels
    assert data_tab.preview.toPlainText().startswith("a longer line")
    index = data_tab.field_combo.findData("title")
    data_tab._on_field_chosen(index)
    wait_for_open(qtbot, session)
    assert data_tab.preview.toPlainText().startswith("T0")


def test_drop_a_file_opens_it(qtbot, data_tab, session, tmp_path):
    path = tmp_path / "dropped.txt"
    path.write_text("dropped text\nsecond line\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    data_tab.dropEvent(event)
    wait_for_open(qtbot, session)
    assert session.corpus.path == path
    wait_for_stats(qtbot, session)
    assert session.stats.lines == 2


def test_bundled_bible_opens_as_parallel(qtbot, data_tab, session):
    index = data_tab.bundled.findText("English", Qt.MatchFlag.MatchContains)
    data_tab._on_bundled(index)
    wait_for_open(qtbot, session)
    assert session.corpus.is_parallel
    assert "Bible" in session.corpus_name()
    wait_for_stats(qtbot, session)


def test_statistics_can_be_cancelled(qtbot, data_tab, session):
    data_tab.start_stats()
    with qtbot.waitSignal(data_tab._stats_job.sig_finished, timeout=10_000):
        data_tab.cancel_stats()
    assert not data_tab.stats_running()


def test_folder_include_patterns(qtbot, data_tab, session, tmp_path):
    folder = tmp_path / "notes"
    (folder / "deep").mkdir(parents=True)
    (folder / "a.md").write_text("# Heading\nmarkdown line\n", encoding="utf-8")
    (folder / "deep" / "b.txt").write_text("plain text line\n", encoding="utf-8")
    (folder / "c.rst").write_text("restructured line\n", encoding="utf-8")
    assert data_tab.open_path(folder)  # default: *.txt;*.md
    wait_for_open(qtbot, session)
    assert sorted(p.name for p in session.corpus.files) == ["a.md", "b.txt"]
    data_tab.include_edit.setText("*.rst")
    data_tab.include_edit.returnPressed.emit()
    wait_for_open(qtbot, session)
    assert [p.name for p in session.corpus.files] == ["c.rst"]
    assert session.config.data.include == "*.rst"
    data_tab.include_edit.setText("*.csv")
    data_tab.include_edit.returnPressed.emit()
    wait_for_open(qtbot, session)
    assert data_tab.banner.isVisible() and "*.csv" in data_tab.banner.label.text()
    assert [p.name for p in session.corpus.files] == ["c.rst"]  # the previous corpus stays
    wait_for_stats(qtbot, session)
