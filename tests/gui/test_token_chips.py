"""One token widget for the whole window: the Vocabulary tab's segmentation and the Playground's chips."""

from __future__ import annotations

from PySide6.QtCore import QPoint


def _chips(qtbot, **kwargs):
    from lmstudio.gui.widgets.token_chips import TokenChips

    chips = TokenChips(**kwargs)
    qtbot.addWidget(chips)
    chips.resize(500, 300)
    chips.show()
    return chips


def test_both_tabs_use_the_one_chip_widget(qtbot, session, vocab_tab):
    from lmstudio.gui.tabs.playground.tab import PlaygroundTab
    from lmstudio.gui.widgets import token_chips

    playground = PlaygroundTab(session)
    qtbot.addWidget(playground)
    views = [vocab_tab.segmentation.view, *(side.view for side in vocab_tab.compare.sides)]
    views += [playground.page.chips, playground.score_panel.chips, *playground.compare_panel.chips]
    assert all(type(view) is token_chips.TokenChips for view in views)
    assert vocab_tab.segmentation.view.mode == "alternate"
    assert playground.page.chips.mode == "probability" and playground.score_panel.chips.mode == "surprisal"


def test_segmentation_chips_alternate_and_carry_their_own_tooltips(qtbot):
    chips = _chips(qtbot, mode="alternate")
    chips.set_tokens(
        [{"text": t, "id": i, "tooltip": f"id {i} “{t}”"} for i, t in enumerate(["To", " be", ",\n", "or"])]
    )
    assert chips.token_count() == 4
    assert chips.tooltip_at(chips.token_rect(1).center().toPoint()) == "id 1 “ be”"
    assert chips.tooltip_at(QPoint(-5, -5)) == ""
    assert chips.token_rect(3).top() > chips.token_rect(2).top()  # a newline token ends the line
    chips.grab()  # paints in the alternating colours without error


def test_generated_chips_describe_the_generators_numbers(qtbot):
    chips = _chips(qtbot)
    token = {"text": "a", "id": 7, "raw_prob": 0.25, "prob": 0.5, "logprob": -1.3862944, "rank": 2, "entropy": 1.0}
    chips.set_tokens([token], prefix="ROMEO:\n")
    tip = chips.tooltip_at(chips.token_rect(0).center())
    assert "id 7" in tip and "25.00%" in tip and "rank 2" in tip and "2.00 bits" in tip
    chips.append_tokens([dict(token, text="b\n"), dict(token, text="c")])
    assert [t["text"] for t in chips.tokens] == ["a", "b\n", "c"] and chips.token_count() == 3
    chips.grab()


def test_max_tokens_draws_a_note_instead_of_more_chips(qtbot):
    chips = _chips(qtbot, mode="alternate", max_tokens=5)
    chips.set_tokens([{"text": "x", "id": 1, "tooltip": ""}] * 8)
    assert len(chips.tokens) == 5 and chips.token_count() == 8
    chips.append_tokens([{"text": "y", "id": 2, "tooltip": ""}] * 2)
    assert len(chips.tokens) == 5 and chips.token_count() == 10
    unlimited = _chips(qtbot)
    unlimited.set_tokens([{"text": "x", "id": 1, "tooltip": ""}] * 8)
    unlimited.append_tokens([{"text": "x", "id": 1, "tooltip": ""}] * 5000)
    assert unlimited.token_count() == len(unlimited.tokens) == 5008
