"""Chinese in the window: the Data tab's words setting and CJK note, the words beside the pieces in the Vocabulary
tab, the Tang poems recipe, and the font that Chinese needs (issue 17)."""

from __future__ import annotations

import pytest

from lmstudio.core.data.cleaning import Cleaner
from lmstudio.core.data.corpus import TANG_POEMS, bundled_corpora
from lmstudio.gui import i18n

from .conftest import wait_for_open, wait_for_stats


@pytest.fixture
def chinese_corpus(tmp_path):
    path = tmp_path / "zh.txt"
    lines = bundled_corpora()[TANG_POEMS].read_text(encoding="utf-8").splitlines()[:200]
    path.write_text("\n".join(["我们在北京大学学习了很多东西。", *lines]) + "\n", encoding="utf-8")
    return path


def test_a_chinese_corpus_gets_its_note_its_word_count_rule_and_jieba(qtbot, window, data_tab, session, chinese_corpus):
    assert data_tab.stats_panel.cjk_note.isHidden()  # Shakespeare: no note
    assert session.open_corpus(chinese_corpus)
    wait_for_stats(qtbot, session)
    panel = data_tab.stats_panel
    assert panel.cjk_note.isVisibleTo(data_tab) and "CJK" in panel.cjk_note.text()
    assert "each CJK character counted as one word" in panel.values["words"].toolTip()
    characters = session.stats.words
    cleaning = data_tab.cleaning_panel
    assert cleaning.user_dict_row.isHidden()
    cleaning.segmenter.setCurrentIndex(cleaning.segmenter.findData("jieba"))
    assert session.config.data.segmenter == "jieba" and cleaning.user_dict_row.isVisibleTo(data_tab)
    wait_for_stats(qtbot, session)
    assert session.stats.words < characters  # words of several characters
    assert "jieba" in panel.values["words"].toolTip()
    cleaning.stopwords.setCurrentIndex(cleaning.stopwords.findData("zh"))
    rows = cleaning.preview_rows()
    assert rows and any(after != before for before, after in rows)  # the poems lose 不, 之, 而 ... as jieba cuts them
    assert all(len(after) <= len(before) for before, after in rows if after != "(dropped)")
    assert (
        Cleaner(session.cleaning, session.segmenter()).clean("我们在北京大学学习了很多东西。")
        == "北京大学学习很多东西。"
    )
    cleaning.user_dict.setText(str(chinese_corpus.parent / "missing.txt"))
    cleaning.user_dict.editingFinished.emit()
    assert "missing.txt" in cleaning.error.text()
    wait_for_stats(qtbot, session)


def test_the_font_chinese_needs_is_named_when_it_is_missing(
    qtbot, window, data_tab, session, chinese_corpus, monkeypatch
):
    monkeypatch.setattr(i18n, "cjk_font_missing", lambda: True)
    monkeypatch.setattr("lmstudio.gui.tabs.data_panels.cjk_font_missing", lambda: True)
    assert session.open_corpus(chinese_corpus)
    wait_for_stats(qtbot, session)
    assert "fonts-noto-cjk" in data_tab.stats_panel.cjk_note.text()
    try:
        assert i18n.set_language("zh_CN", check_font=True) == "en"  # English rather than a window of boxes
        assert i18n.language_refused() == "zh_CN"
    finally:
        i18n.set_language("en")
    assert i18n.language_refused() == ""


def test_the_vocabulary_tab_shows_jieba_words_beside_the_pieces(qtbot, tmp_path):
    from lmstudio.core.config import TokenizerConfig
    from lmstudio.core.tokenizers import train_tokenizer
    from lmstudio.gui.tabs.vocab_views import SegmentationPanel

    corpus = tmp_path / "c.txt"
    corpus.write_text("我们在北京大学学习。\nthe cat\n", encoding="utf-8")
    panel = SegmentationPanel()
    qtbot.addWidget(panel)
    panel.set_tokenizer(train_tokenizer(TokenizerConfig(kind="char"), corpus))
    panel.set_text("the cat")
    assert panel.words_box.isHidden()  # no Chinese: the pieces alone
    panel.set_text("我们在北京大学学习。")
    assert not panel.words_box.isHidden()
    assert [t["text"] for t in panel.words_view.tokens] == ["我们", "在", "北京大学", "学习", "。"]
    assert len(panel.view.tokens) == 10  # the character tokenizer: one piece per character
    assert "jieba" in panel.words_title.text() and "char" in panel.pieces_title.text()


def test_the_tang_poems_recipe_opens_ready_to_train(qtbot, window, session):
    window.recipe_actions["tang-poems"].trigger()
    wait_for_open(qtbot, session)
    assert session.corpus.path == bundled_corpora()[TANG_POEMS]
    config = session.config
    assert config.tokenizer.kind == "char" and config.model.arch == "transformer" and config.model.block_size == 64
    assert config.train.steps == 600 and session.workspace_path is None and not session.is_modified()
    assert window.tabs.currentWidget() is window.tab_widgets[3]  # the Train tab, ready to Start
    wait_for_stats(qtbot, session, timeout=60_000)  # the poems' statistics, counted on a worker
