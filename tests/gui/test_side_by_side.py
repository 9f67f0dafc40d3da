"""The Compare panel's side-by-side modes (issue 16), standalone: choosing the mode, another run and every
checkpoint; the entries it emits; the columns it draws."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QScrollArea

from lmstudio.gui.tabs.playground import compare
from lmstudio.gui.tabs.playground.compare import CheckpointComparePanel


@pytest.fixture
def panel(qtbot, transformer_run):
    p = CheckpointComparePanel()
    qtbot.addWidget(p)
    from lmstudio.app.side_by_side import checkpoint_choices

    p.set_checkpoints(checkpoint_choices(transformer_run), run_dir=str(transformer_run))
    p.show()
    return p


def _result(step: int, run: str = "/runs/a", name: str | None = None, n: int = 3) -> dict:
    tokens = [
        {"index": i, "id": i, "text": "ab"[i % 2], "prob": 0.5, "raw_prob": 0.5, "logprob": -0.69, "rank": 1}
        for i in range(n)
    ]
    return {
        "run": run,
        "name": name or f"step-{step}",
        "step": step,
        "tokens": tokens,
        "mean_logprob": -0.69,
        "arch": "lstm",
        "parameters": 1234,
    }


def test_modes_show_their_controls_and_every_control_has_a_tooltip(panel):
    assert panel.current_mode() == compare.PAIR
    assert panel.right.isVisible() and not panel.run_button.isVisible()
    panel.set_mode(compare.OTHER_RUN)
    assert panel.run_button.isVisible() and panel.other.isVisible() and not panel.right.isVisible()
    assert panel.left.isVisible() and panel.left_label.text() == "This run"
    panel.set_mode(compare.EVERY)
    assert not panel.left.isVisible() and not panel.other.isVisible() and "every" in panel.button.text()
    for w in [w for kind in (QComboBox, QPushButton, QLabel, QScrollArea) for w in panel.findChildren(kind)]:
        assert w.toolTip(), f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} has no tooltip"


def test_two_checkpoints_still_emit_sig_compare(qtbot, panel):
    panel.left.setCurrentIndex(panel.left.findData("step-10"))
    with qtbot.waitSignal(panel.sig_compare, timeout=1000) as blocker:
        panel.button.click()
    assert blocker.args == ["step-10", "best"]


def test_another_run_chosen_in_a_dialog_from_the_runs_folder(qtbot, panel, transformer_run, tmp_path, monkeypatch):
    other = shutil.copytree(transformer_run, tmp_path / "other-run")
    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path))
    asked = []

    def dialog(parent, caption, start):
        asked.append(start)
        return str(other)

    monkeypatch.setattr(compare.QFileDialog, "getExistingDirectory", dialog)
    panel.set_mode(compare.OTHER_RUN)
    with qtbot.assertNotEmitted(panel.sig_side_by_side):  # no other run yet: say so, emit nothing
        panel.button.click()
    assert "Choose run" in panel.note.text()
    panel.run_button.click()
    assert asked == [str(tmp_path)] and panel.other_label.text() == "other-run"
    assert panel.other.currentData() == "best" and panel.other.findData("step-20") >= 0
    panel.left.setCurrentIndex(panel.left.findData("step-10"))
    panel.other.setCurrentIndex(panel.other.findData("step-20"))
    with qtbot.waitSignal(panel.sig_side_by_side, timeout=1000) as blocker:
        panel.button.click()
    assert blocker.args == [[(str(transformer_run), "step-10"), (str(other), "step-20")]]


def test_a_translation_run_or_a_plain_folder_is_refused_with_a_message(panel, transformer_run, tmp_path):
    fake = tmp_path / "translation"
    fake.mkdir()
    config = json.loads((transformer_run / "config.json").read_text())
    config["data"].update(task="translate", toy_task="reverse")
    (fake / "config.json").write_text(json.dumps(config))
    panel.set_mode(compare.OTHER_RUN)
    assert not panel.set_other_run(str(fake)) and "translation run" in panel.note.text()
    assert not panel.set_other_run(str(tmp_path)) and "not an lmstudio run folder" in panel.note.text()
    assert panel.other_run is None and panel.other.count() == 0


def test_every_checkpoint_emits_them_in_order_and_draws_a_column_each(qtbot, panel, transformer_run):
    from lmstudio.app.side_by_side import generate_side_by_side
    from lmstudio.core.config import SampleConfig

    panel.set_mode(compare.EVERY)
    with qtbot.waitSignal(panel.sig_side_by_side, timeout=1000) as blocker:
        panel.button.click()
    entries = blocker.args[0]
    assert entries == [(str(transformer_run), "step-10"), (str(transformer_run), "step-20")]
    cfg = SampleConfig(max_new_tokens=5, seed=3)
    results = generate_side_by_side(entries, "ROMEO:", cfg)
    panel.show_side_by_side(results, "ROMEO:", cfg.seed)
    assert panel.pages.currentIndex() == 1
    assert [len(c.tokens) for c in panel.column_chips] == [5, 5]
    assert [t.text().startswith(f"<b>step {s}</b>") for t, s in zip(panel.column_titles, (10, 20))] == [True, True]
    assert "seed 3" in panel.note.text() and "weights alone" in panel.note.text()


def test_show_side_by_side_redraws_n_columns_that_scroll_sideways(qtbot, panel):
    panel.resize(700, 400)
    panel.show_side_by_side([_result(s) for s in (10, 20, 30, 40, 50)], "", 1)
    qtbot.waitUntil(lambda: panel.columns_area.horizontalScrollBar().maximum() > 0, timeout=2000)
    assert len(panel.column_chips) == 5 and all(len(c.tokens) == 3 for c in panel.column_chips)
    panel.show_side_by_side([_result(7, "/runs/a"), _result(9, "/runs/b", name="best")], "", None, beam_width=2)
    assert len(panel.column_chips) == 2  # the old columns are gone
    assert "a · lstm" in panel.column_titles[0].text() and "(best)" in panel.column_titles[1].text()
    assert "width 2" in panel.note.text() and "the models" in panel.note.text()
    # the two-checkpoint result switches back to the pair view
    panel.show_result([_result(1), _result(2)], "", 5)
    assert panel.pages.currentIndex() == 0 and "step 2" in panel.titles[1].text()
