"""The Vocabulary tab: training on a worker, the table, segmentation with tooltips, statistics, compare."""

from __future__ import annotations

from PySide6.QtCore import QPoint


def train(qtbot, vocab_tab, session, kind: str, vocab_size: int = 200):
    vocab_tab.kind.setCurrentIndex(vocab_tab.kind.findData(kind))
    vocab_tab.vocab_size.setValue(vocab_size)
    with qtbot.waitSignal(session.sig_tokenizer_changed, timeout=30_000):
        vocab_tab.train_button.click()
        assert vocab_tab.is_training()  # it runs on a worker: the click returns at once
    qtbot.waitUntil(lambda: not vocab_tab.is_training(), timeout=5_000)
    return session.tokenizer


def test_char_tokenizer_trains_on_the_worker_and_fills_the_views(qtbot, vocab_tab, session):
    tok = train(qtbot, vocab_tab, session, "char")
    assert tok is not None and tok.kind == "char"
    assert vocab_tab.table.model.rowCount() == tok.vocab_size
    assert (session.split_dir() / "train.txt").exists()
    assert vocab_tab.numbers["chars_per_token"].text() == "1.00"
    assert "%" in vocab_tab.numbers["unk_rate"].text()
    assert vocab_tab.length_chart.bar_count() > 0
    assert vocab_tab.coverage_chart.point_count() == tok.vocab_size
    assert session.model_config.vocab_size == tok.vocab_size

    seg = vocab_tab.segmentation
    seg.set_text("To be")
    view = seg.view
    assert view.token_count() == 5
    rect = view.token_rect(3)
    tip = view.tooltip_at(rect.center().toPoint())
    assert "id" in tip and "frequency" in tip and "“b”" in tip
    assert view.tooltip_at(QPoint(-5, -5)) == ""
    assert "5 tokens" in seg.summary.text()


def test_table_sorts_and_searches(qtbot, vocab_tab, session):
    train(qtbot, vocab_tab, session, "char")
    table = vocab_tab.table
    total = table.proxy.rowCount()
    table.search.setText(" ")  # a space matches the piece shown as ·
    assert table.proxy.rowCount() == 1
    assert table.proxy.index(0, 1).data() == "·"
    table.search.clear()
    assert table.proxy.rowCount() == total
    table.view.sortByColumn(2, table.proxy.sortOrder().DescendingOrder)
    freqs = [table.proxy.index(r, 2).data(table.proxy.sortRole()) for r in range(5)]
    assert freqs == sorted(freqs, reverse=True)
    assert f"{total:,} / {total:,}" == table.count.text()


def test_bpe_and_compare_two_tokenizers(qtbot, vocab_tab, session):
    train(qtbot, vocab_tab, session, "char")
    bpe = train(qtbot, vocab_tab, session, "bpe", vocab_size=400)
    assert bpe.kind == "bpe" and bpe.vocab_size <= 400
    compare = vocab_tab.compare
    assert [c.count() for c in compare.choosers] == [2, 2]
    compare.text.setPlainText("First Citizen: we are accounted poor citizens")
    a, b = (side.view.token_count() for side in compare.sides)
    assert a == len("First Citizen: we are accounted poor citizens")  # char: one token per character
    assert 0 < b < a
    assert "tokens" in compare.verdict.text()


def test_cancelled_training_keeps_the_previous_vocabulary(qtbot, vocab_tab, session):
    first = train(qtbot, vocab_tab, session, "char")
    vocab_tab.kind.setCurrentIndex(vocab_tab.kind.findData("word"))
    vocab_tab.train_button.click()
    job = vocab_tab._job
    with qtbot.waitSignal(job.sig_finished, timeout=30_000):
        vocab_tab.cancel()
    assert session.tokenizer is first or session.tokenizer.kind == "word"  # cancel raced a fast finish
    assert not vocab_tab.progress.isVisible()


def test_stale_note_after_cleaning_changes(qtbot, window, vocab_tab, data_tab, session):
    train(qtbot, vocab_tab, session, "char")
    assert not session.tokenizer_is_stale()
    data_tab.cleaning_panel.checks["lowercase"].setChecked(True)
    assert session.tokenizer_is_stale()
    assert "train again" in vocab_tab.stale.text()
    qtbot.waitUntil(lambda: session.stats is not None, timeout=10_000)


def test_training_error_shows_a_banner_once(qtbot, vocab_tab, session):
    """Once, in the words of the form (issue 10: it appeared as a banner and a dialog, as tokenizer.vocab_size)."""
    from PySide6.QtWidgets import QMessageBox

    vocab_tab.kind.setCurrentIndex(vocab_tab.kind.findData("bpe"))
    vocab_tab.vocab_size.setValue(100)  # below the characters + 256 bytes SentencePiece needs
    vocab_tab.train_button.click()
    qtbot.waitUntil(lambda: not vocab_tab.is_training(), timeout=30_000)
    text = vocab_tab.banner.label.text()
    assert "Vocabulary size" in text and "vocab_size" not in text
    assert not [w for w in vocab_tab.window().findChildren(QMessageBox) if w.isVisible()]
    assert session.tokenizer is None


def test_one_vocabulary_or_one_per_side_is_a_translation_choice(qtbot, vocab_tab, session):
    import dataclasses

    assert vocab_tab.shared.isHidden() and vocab_tab.translate_note.isHidden()  # a language model: not offered
    session.config.data = dataclasses.replace(session.config.data, task="translate")
    session.sig_corpus_changed.emit()
    assert not vocab_tab.shared.isHidden() and vocab_tab.shared.isChecked()
    vocab_tab.shared.setChecked(False)  # applies at once: the run trains its own tokenizers from the pairs
    assert session.tokenizer_config.shared is False and vocab_tab.config().shared is False
