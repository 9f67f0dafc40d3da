"""The Playground's Translate mode on the trained reverse run, and the language model's Playground restored after it."""

from __future__ import annotations

import pytest


def _idle(tab):
    return tab.loaded is not None and not tab.is_busy()


def _snapshot(tab):
    """What the Translate mode changes, as plain values."""
    pages = tab.pages
    return {
        "prompt": tab.prompt.toPlainText(),
        "prompt_label": tab.prompt_label.text(),
        "tips": (tab.prompt.toolTip(), tab.generate_button.toolTip(), tab.chips_tip()),
        "button": tab.generate_button.text(),
        "pages": [
            (pages.tabText(i), pages.tabToolTip(i), pages.isTabEnabled(i), pages.isTabVisible(i))
            for i in range(pages.count())
        ],
        "form": (tab.form.form.isRowVisible(tab.form.alpha), tab.form.stop.isEnabled(), tab.form.stop.toolTip()),
        "score": (tab.score_panel.text.toPlainText(), tab.score_panel.button.text(), tab.score_panel.text.toolTip()),
        "splitter": bytes(tab.page.upper.saveState()),
    }


@pytest.fixture
def tab(qtbot, session):
    from lmstudio.gui.tabs.playground import PlaygroundTab

    t = PlaygroundTab(session)
    t.chips_tip = t.page.chips.toolTip
    qtbot.addWidget(t)
    t.resize(1300, 900)
    t.show()
    return t


def _load(qtbot, tab, run):
    tab.load_run(str(run))
    qtbot.waitUntil(lambda: _idle(tab) and tab.loaded.run_dir == run, timeout=20_000)


def test_translate_mode_streams_branches_aligns_and_restores_the_lm_playground(
    qtbot, tab, translation_run, transformer_run
):
    from lmstudio.core.inference.translate import translate

    _load(qtbot, tab, transformer_run)
    tab.prompt.setPlainText("ROMEO: my own prompt\n")
    before = _snapshot(tab)

    _load(qtbot, tab, translation_run)
    pages = tab.pages
    inside, compare, alignment = (pages.indexOf(w) for w in (tab.inside, tab.compare_panel, tab.alignment))
    assert tab.generate_button.text() == "Translate" and tab.prompt_label.text() == "Source text"
    assert pages.tabText(0) == "Translate" and pages.isTabVisible(alignment)
    for index in (inside, compare):  # disabled, saying why
        assert not pages.isTabEnabled(index) and "Not for a translation run" in pages.tabToolTip(index)
    assert tab.form.form.isRowVisible(tab.form.alpha) and not tab.form.stop.isEnabled()

    tab.prompt.setPlainText("abcdefg")
    tab.form.set_decoding("greedy")
    tab.generate()
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)
    branch = tab.branches[tab.current]
    expected = translate(tab.loaded.model, tab.loaded.source_tokenizer, tab.loaded.tokenizer, ["abcdefg"])[0]
    assert [t["id"] for t in branch.tokens] == expected.ids and branch.source == "abcdefg"
    assert len(tab.page.chips.tokens) == len(branch.tokens)

    # the alignment page: token text on both axes, <eos> last
    pages.setCurrentIndex(alignment)
    data = tab.alignment.data
    assert data["cols"] == list("abcdefg") + ["<eos>"]
    assert data["rows"] == [t["text"] for t in branch.tokens] + ["<eos>"]
    assert tab.alignment.heatmap.shape() == (len(branch.tokens) + 1, 8)
    pages.setCurrentIndex(0)

    # branch from the runner-up at token 3: same output before it, the choice at it
    tab._on_click(2)
    choice = branch.tokens[2]["alternatives"][1][0]
    tab.branch_from(choice)
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)
    child = tab.branches[tab.current]
    assert child.parent == 0 and child.tokens[:2] == branch.tokens[:2] and child.tokens[2]["id"] == choice
    assert len(child.tokens) > 3

    # score mode: log P(target | source), with <eos> as the last chip
    tab.score_panel.text.setPlainText("gfedcba")
    tab.score("gfedcba")
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)
    result = tab.score_panel.result
    assert [t["text"] for t in result["per_token"]][-1] == "<eos>" and result["source"] == "abcdefg"
    assert "source" in tab.score_panel.formula.text()

    _load(qtbot, tab, transformer_run)
    assert _snapshot(tab) == before
    assert tab.branches == [] and tab.alignment.data is None


def test_bad_source_and_a_model_without_attention(qtbot, tab, translation_run):
    import dataclasses

    from lmstudio.core.models.seq2seq import build_seq2seq

    _load(qtbot, tab, translation_run)
    tab.prompt.setPlainText("   ")
    tab.generate()
    assert not tab.is_busy() and tab.branches == [] and "source text" in tab.banner.text()
    tab.banner.clear()
    tab.step()
    assert tab.branches == [] and "source text" in tab.banner.text()

    # attention "none": a clear note, no heatmap
    tab.loaded.model = build_seq2seq(dataclasses.replace(tab.loaded.model.config, attention="none"))
    tab.prompt.setPlainText("abc")
    tab.pages.setCurrentWidget(tab.alignment)
    tab.step()
    assert "attention “none”" in tab.alignment.note.text() and tab.alignment.heatmap.isHidden()
