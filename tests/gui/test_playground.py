"""The Playground tab on tiny models trained here (a Transformer and an LSTM, a second each)."""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path

import pytest


def _idle(tab):
    return tab.loaded is not None and not tab.is_busy()


@pytest.fixture
def tab(qtbot, session, transformer_run):
    from lmstudio.gui.tabs.playground import PlaygroundTab

    t = PlaygroundTab(session)
    qtbot.addWidget(t)
    t.resize(1300, 900)
    t.show()
    t.load_run(str(transformer_run))
    qtbot.waitUntil(lambda: _idle(t), timeout=20_000)
    t.form.max_new.setValue(40)
    t.form.seed.setValue(5)
    return t


def _generate(qtbot, tab):
    tab.generate()
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)
    return tab.branches[tab.current]


def _core_events(tab, prompt, n=40, seed=5):
    from lmstudio.core.inference.generation import generate

    cfg = tab.form.sample_config()
    assert cfg.seed == seed and cfg.max_new_tokens == n
    return list(generate(tab.loaded.model, tab.loaded.tokenizer, prompt, cfg))


def test_generation_streams_and_stops(qtbot, tab):
    batches = []
    tab.form.max_new.setValue(100_000)
    tab.generate()
    tab._job.sig_tokens.connect(lambda b: batches.append(len(b)))
    qtbot.waitUntil(lambda: len(batches) >= 3, timeout=20_000)
    assert tab.stop_button.isEnabled()
    tab.stop()
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)
    branch = tab.branches[tab.current]
    assert 0 < len(branch.tokens) < 100_000
    assert len(tab.page.chips.tokens) == len(branch.tokens)
    assert tab.page.status.text().startswith("Stopped")
    assert all(isinstance(t, dict) and isinstance(t["alternatives"], list) for t in branch.tokens[:5])
    assert not tab.stop_button.isEnabled()


def test_same_seed_same_text_as_core(qtbot, tab):
    first = _generate(qtbot, tab)
    second = _generate(qtbot, tab)
    assert len(first.tokens) == 40 and first.text() == second.text()
    events = _core_events(tab, tab.prompt.toPlainText())
    assert "".join(e.text for e in events) == first.text()
    tab.form.seed.setValue(6)
    assert _generate(qtbot, tab).text() != first.text()
    assert tab.page.tree.topLevelItemCount() == 3


def test_probability_view_matches_core(qtbot, tab):
    from lmstudio.core.inference.sampling import filtered_distribution

    branch = _generate(qtbot, tab)
    events = _core_events(tab, tab.prompt.toPlainText())
    for token, event in zip(branch.tokens, events):
        assert token["id"] == event.id
        assert token["raw_prob"] == pytest.approx(event.raw_prob, rel=1e-6)
        assert token["entropy"] == pytest.approx(event.entropy, rel=1e-6)
        assert token["ctx"] == event.ctx  # the core's sliding window, not a rule of the Playground's own
    i = 7
    chips = tab.page.chips
    qtbot.mouseClick(chips, qtbot_button(), pos=chips.token_rect(i).center().toPoint())
    assert tab.pinned == i and tab.shown == i
    prob = tab.page.prob
    assert prob.alternatives.heights() == pytest.approx([a[2] for a in events[i].alternatives], rel=1e-5)
    dist = prob.last_distribution
    assert dist["entropy_raw"] == pytest.approx(events[i].entropy, rel=1e-4)
    if events[i].id in dist["ids"]:
        assert dist["raw"][dist["ids"].index(events[i].id)] == pytest.approx(events[i].raw_prob, rel=1e-4)
    logits = tab._logits(tab.current, i)
    cfg = tab.form.sample_config()
    expected = filtered_distribution(logits, cfg.temperature)[dist["ids"]].tolist()
    assert dist["filtered"] == pytest.approx(expected, rel=1e-5)
    before = list(dist["filtered"])
    prob.temperature.setValue(150)  # the live slider redraws the sampled-from distribution
    assert tab.form.temperature.value() == pytest.approx(1.5)
    assert prob.last_distribution["filtered"] != pytest.approx(before)
    assert f"{events[i].entropy:.3f}" in prob.entropy.text()


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_playground_context_equals_the_cores_past_the_window(qtbot, tab):
    """A text longer than the window: each token's context in the Playground is the one the core predicted
    it from, and the probability view recomputes the very logits the token was drawn from."""
    from lmstudio.core.inference import context as window_rule

    branch = _generate(qtbot, tab)
    window = tab.loaded.model.context_window
    assert len(branch.ids()) > window  # the generator slid its window
    events = _core_events(tab, tab.prompt.toPlainText())
    assert [t["ctx"] for t in branch.tokens] == [e.ctx for e in events]
    assert [t["ctx"] for t in branch.tokens] == window_rule.context_lengths(len(branch.context_ids), 40, window)
    for i in (0, 20, 39):
        assert branch.ids(i)[-branch.tokens[i]["ctx"] :] == events[i].context_ids
        p = float(tab._logits(tab.current, i).softmax(-1)[events[i].id])
        assert p == pytest.approx(events[i].raw_prob, rel=1e-4)
    assert branch.context_ids == events[0].prefix_ids  # exact ids, no stand-in tokenizer


def test_branching_continues_from_chosen_token(qtbot, tab):
    parent = _generate(qtbot, tab)
    at = 5
    tab._on_click(at)
    alternative = next(a[0] for a in parent.tokens[at]["alternatives"] if a[0] != parent.tokens[at]["id"])
    row = next(r for r in range(tab.page.prob.choices.count()) if tab.page.prob._ids[r] == alternative)
    tab.page.prob.choices.setCurrentRow(row)
    tab.page.prob.branch_button.click()
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)
    assert len(tab.branches) == 2 and tab.current == 1
    child = tab.branches[1]
    assert child.parent == 0 and child.fork_at == at
    assert [t["id"] for t in child.tokens[:at]] == [t["id"] for t in parent.tokens[:at]]
    assert child.tokens[at]["id"] == alternative
    assert len(child.tokens) == at + 40  # max new tokens after the fork
    assert tab.page.tree.topLevelItem(0).childCount() == 1
    tab.show_branch(0)  # switch back
    assert [t["id"] for t in tab.page.chips.tokens] == [t["id"] for t in parent.tokens]


def test_step_mode_and_beam_search(qtbot, tab):
    for _ in range(3):
        tab.next_button.click()
    branch = tab.branches[tab.current]
    assert len(branch.tokens) == 3 and tab.shown == 3
    assert tab.page.prob.choices.count() > 0  # the next token's alternatives
    first = tab.page.prob._ids[0]
    tab.page.prob.choices.setCurrentRow(0)
    tab.page.prob.branch_selected()  # choosing at the next position appends, no new branch
    assert len(branch.tokens) == 4 and branch.tokens[3]["id"] == first and len(tab.branches) == 1
    tab.form.set_decoding("beam")
    tab.form.beam_width.setValue(3)
    tab.form.max_new.setValue(8)
    tab.generate()
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)
    beams = tab.branches[1:]
    assert len(beams) == 3 and all(len(b.tokens) == 8 for b in beams)
    totals = [sum(t["logprob"] for t in b.tokens) for b in beams]
    assert totals[0] >= totals[-1] - 1e-4


def test_score_matches_cli_eval(qtbot, tab, transformer_run, tmp_path):
    from lmstudio.cli import main

    text = "ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east."
    path = tmp_path / "text.txt"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["eval", str(transformer_run), "--text", str(path), "--json", "--device", "cpu"]) == 0
    expected = next(iter(json.loads(out.getvalue())["results"].values()))
    tab.score_panel.text.setPlainText(text)
    tab.score_panel.button.click()
    qtbot.waitUntil(lambda: tab.score_panel.result is not None and not tab.is_busy(), timeout=20_000)
    result = tab.score_panel.result
    assert result["perplexity"] == pytest.approx(expected["perplexity"], rel=1e-6)
    assert result["bits_per_char"] == pytest.approx(expected["bits_per_char"], rel=1e-6)
    assert len(tab.score_panel.chips.tokens) == result["tokens"]
    formula = tab.score_panel.formula.text()
    assert f"{result['total_logprob']:.2f}" in formula and f"{result['perplexity']:.3f}" in formula
    assert math.isfinite(result["total_logprob"])


def test_attention_view_for_transformer(qtbot, tab):
    _generate(qtbot, tab)
    tab.inside.button.click()
    qtbot.waitUntil(lambda: tab.inside.data is not None and not tab.is_busy(), timeout=20_000)
    assert tab.inside.attention.isVisibleTo(tab.inside) and not tab.inside.hidden.isVisibleTo(tab.inside)
    assert tab.inside.attention.shape() == (16, 16)  # the model's window
    assert tab.inside.head.count() == 3  # mean + 2 heads
    tab.inside.head.setCurrentIndex(2)
    rows = tab.inside.data["attention"][0][1].sum(axis=-1)
    assert rows == pytest.approx([1.0] * 16, abs=1e-4)


def test_state_view_for_lstm(qtbot, session, lstm_run):
    from lmstudio.gui.tabs.playground import PlaygroundTab

    t = PlaygroundTab(session)
    qtbot.addWidget(t)
    t.show()
    session.set_run(lstm_run)  # the Train tab's signal loads the current run
    qtbot.waitUntil(lambda: _idle(t), timeout=20_000)
    t.form.max_new.setValue(20)
    _generate(qtbot, t)
    t.inside.button.click()
    qtbot.waitUntil(lambda: t.inside.data is not None and not t.is_busy(), timeout=20_000)
    assert t.inside.hidden.isVisibleTo(t.inside) and not t.inside.attention.isVisibleTo(t.inside)
    window = t.loaded.model.context_window  # recurrent nets see a fixed window too (one protocol, issue 9)
    n = min(len(t.branches[0].ids()), window or len(t.branches[0].ids()))
    assert t.inside.hidden.shape() == (32, n)  # units x time


def test_compare_two_checkpoints(qtbot, tab):
    names = tab.source.checkpoint_names()
    assert "step-10" in names
    tab.compare_panel.left.setCurrentIndex(tab.compare_panel.left.findData("step-10"))
    tab.compare_panel.right.setCurrentIndex(tab.compare_panel.right.findData("best"))
    tab.compare_panel.button.click()
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)
    left, right = (c.tokens for c in tab.compare_panel.chips)
    assert len(left) == len(right) == 40
    assert "step 10" in tab.compare_panel.titles[0].text()
    # the right side is exactly what the Generate page gives with the best checkpoint and the same seed
    assert "".join(t["text"] for t in right) == _generate(qtbot, tab).text()


def test_lens_and_heads_page_and_a_knocked_out_head_changes_generation(qtbot, tab):
    """Lens & heads: the logit lens and every head of the current text; switching a head off changes what the
    model generates with the same seed, and switching it back on gives the first text again."""
    first = [t["text"] for t in _generate(qtbot, tab).tokens]
    page = tab.lens_page
    tab.pages.setCurrentWidget(page)
    page.button.click()
    qtbot.waitUntil(lambda: page.grid.weights.size > 0 and not tab.is_busy(), timeout=20_000)
    cfg = tab.loaded.config.model
    assert page.lens.grid.rowCount() == cfg.n_layer + 1  # the embeddings, then each layer
    assert page.grid.weights.shape[:2] == (cfg.n_layer, cfg.n_head)
    page.knockouts.layer_boxes[0].setChecked(False)  # the user switches layer 1 off
    assert tab.knockout is not None and tab.knockout.layers == frozenset({0})
    tab.clear_branches()
    knocked = [t["text"] for t in _generate(qtbot, tab).tokens]
    assert knocked != first
    page.knockouts.reset()
    qtbot.waitUntil(lambda: not tab.knockout, timeout=5_000)
    tab.clear_branches()
    assert [t["text"] for t in _generate(qtbot, tab).tokens] == first


def test_embedding_map_page_draws_the_run_and_animates_its_checkpoints(qtbot, tab):
    page = tab.embedding_page
    tab.pages.setCurrentWidget(page)
    page.button.click()
    qtbot.waitUntil(lambda: page.data is not None and not tab.is_busy(), timeout=20_000)
    data = page.data
    vocab = tab.loaded.tokenizer.vocab_size
    assert data["points"].shape == (vocab, 2) and len(data["labels"]) == vocab
    steps = [f.step for f in data["frames"]]
    assert len(steps) >= 2 and steps == sorted(steps)  # the run's step checkpoints, oldest first
    assert page.view.frame_count == len(steps) and "press Play" in page.status.text()
    assert data["freqs"] is not None and data["freqs"].sum() > 0  # counted in the run's training split


def test_switched_off_heads_are_saved_with_the_run_and_come_back(qtbot, tab, session):
    from lmstudio.core.runs import checkpoint as ckpt

    run_dir = tab.loaded.run_dir
    panel = tab.lens_page.knockouts
    panel.head_boxes[0][1].setChecked(False)  # layer 1, head 2 off
    assert ckpt.read_view(run_dir)["knockout"] == tab.knockout.to_dict()
    tab.load_run(str(run_dir))  # loaded again: the switch is back, in the model and on the page
    qtbot.waitUntil(lambda: _idle(tab), timeout=20_000)
    assert tab.knockout is not None and tab.knockout.heads == frozenset({(0, 1)})
    assert not panel.head_boxes[0][1].isChecked()
    assert tab.loaded.model.blocks[0].attn.head_mask is not None
    panel.reset()
    qtbot.waitUntil(lambda: "knockout" not in ckpt.read_view(run_dir), timeout=5_000)


def test_compare_every_checkpoint_in_columns_from_the_tab(qtbot, tab):
    from lmstudio.gui.tabs.playground.compare import EVERY

    panel = tab.compare_panel
    tab.pages.setCurrentWidget(panel)
    panel.set_mode(EVERY)
    with qtbot.waitSignal(panel.sig_side_by_side) as sent:
        panel.button.click()
    entries = sent.args[0]
    assert len(entries) >= 2
    qtbot.waitUntil(lambda: len(panel.column_chips) == len(entries) and not tab.is_busy(), timeout=20_000)
    assert all(chips.token_count() > 0 for chips in panel.column_chips)


def test_hovering_a_token_underlines_what_it_leaned_on(qtbot, tab):
    branch = _generate(qtbot, tab)
    chips = tab.page.chips
    tab._on_hover(10)
    assert chips.shading == []  # Leaned on: off
    for method in ("attention", "gradient"):
        tab.page.lean.setCurrentIndex(tab.page.lean.findData(method))
        tab._on_hover(10)
        assert len(chips.shading) == 10 and max(chips.shading) == pytest.approx(1.0)
    tab._on_hover(0)  # the first generated token leaned only on the prompt: nothing to underline
    assert chips.shading == []
    assert len(branch.tokens) > 10


def test_the_generate_page_says_whether_an_output_repeats_the_corpus(qtbot, tab):
    qtbot.waitUntil(lambda: tab._memorization is not None, timeout=20_000)  # opened on a worker at load
    tab.prompt.setPlainText("First Citizen:\nBefore we proceed any further, hear me speak.")
    _generate(qtbot, tab)
    assert tab.memorized is not None and tab.memorized["label"] in ("new", "seen in train", "seen in validation")
    assert tab.memorized["label"].split(":")[0] in tab.page.status.text()
    # a branch made of the training text itself is seen, and says where
    from lmstudio.app.playground import Branch, memorization_of
    from lmstudio.core.runs.folders import load_run

    loaded = load_run(tab.loaded.run_dir, "best")
    text = "\n".join(Path(loaded.config.data.corpus).read_text(encoding="utf-8").splitlines()[100:104])
    ids = list(tab.loaded.tokenizer.encode(text))
    found = memorization_of(tab._memorization, Branch("copy", [], [{"id": i} for i in ids]))
    assert found["label"] in ("seen in train", "seen in validation") and found["covered"] > 0.5
