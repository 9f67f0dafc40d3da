"""The Watch it learn view: the probes of each evaluation, a scrubber over them, Follow."""

from __future__ import annotations

import math

import pytest

from lmstudio.gui.widgets.probe_view import ProbeView


def _probe(step: int, confident: float) -> dict:
    return {
        "step": step,
        "tokens": ["R", "O", "M", "E", "O"],
        "probs": [math.nan, confident, confident / 2, 0.5, 0.25],
        "prompt": "\n",
        "top_tokens": ["A", "B", "C"],
        "top_probs": [confident, (1 - confident) / 2, (1 - confident) / 2],
    }


def test_the_scrubber_goes_back_in_time_and_follow_comes_back(qtbot):
    view = ProbeView()
    qtbot.addWidget(view)
    assert not view.slider.isEnabled() and view.position.text() == "no evaluation yet"
    view.set_probes([_probe(0, 0.1), _probe(100, 0.6)])
    assert view.shown_step() == 100 and view.slider.value() == 1 and view.slider.isEnabled()
    assert view.chips.prefix == "R" and [t["text"] for t in view.chips.tokens] == ["O", "M", "E", "O"]
    assert view.bars.heights() == pytest.approx([0.6, 0.2, 0.2])  # the chart draws them in percent
    assert "step 100 · 2 of 2" == view.position.text()
    with qtbot.waitSignal(view.sig_shown) as shown:
        view.slider.setValue(0)  # back in time: Follow lets go
    assert shown.args == [0] and not view.follow.isChecked()
    assert [t["prob"] for t in view.chips.tokens] == [0.1, 0.05, 0.5, 0.25]
    assert "mean probability" in view.summary.text()
    view.add_probe(_probe(200, 0.9))  # a new evaluation does not pull the view away
    assert view.shown_step() == 0 and view.position.text() == "step 0 · 1 of 3"
    view.follow.setChecked(True)
    assert view.shown_step() == 200 and view.bars.heights()[0] == pytest.approx(0.9)
    view.add_probe(_probe(300, 0.95))  # following: shown at once
    assert view.shown_step() == 300
    view.clear()
    assert view.shown_step() is None and view.chips.token_count() == 0
