"""Issue 10, "things that do not do what they say": each control does what its label says."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.helpers import TINY_TRAIN

from .conftest import wait_for_open, wait_for_stats, wait_for_workers


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
    from lmstudio.core.data.corpus import parallel_columns_for_text

    assert parallel_columns_for_text("2", "1", "2") == {"source_column": "2", "target_column": "1"}
    assert parallel_columns_for_text("0", "1", "2") == {"source_column": "0", "target_column": "2"}
    assert parallel_columns_for_text("", "2", "1") == {"source_column": "1", "target_column": "2"}


def _playground(qtbot, session, run_dir):
    from lmstudio.gui.tabs.playground import PlaygroundTab

    t = PlaygroundTab(session)
    qtbot.addWidget(t)
    t.resize(1300, 900)
    t.show()
    t.load_run(str(run_dir))
    qtbot.waitUntil(lambda: t.loaded is not None and not t.is_busy(), timeout=20_000)
    t.form.max_new.setValue(12)
    t.form.seed.setValue(5)
    return t


def _wait_idle(qtbot, tab):
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)


# -- 5. beam search rows count their tokens; Compare follows the decoding ---------------------------------
def test_beam_rows_show_their_token_count(qtbot, session, transformer_run):
    tab = _playground(qtbot, session, transformer_run)
    tab.form.set_decoding("beam")
    tab.form.beam_width.setValue(3)
    tab.form.max_new.setValue(8)
    tab.generate()
    _wait_idle(qtbot, tab)
    assert len(tab.branches) == 3
    for i, branch in enumerate(tab.branches):
        assert tab.page._items[i].text(1) == str(len(branch.tokens)) == "8"


def test_compare_with_beam_search_compares_best_beams(qtbot, session, transformer_run):
    tab = _playground(qtbot, session, transformer_run)
    tab.form.set_decoding("beam")
    tab.form.beam_width.setValue(3)
    tab.form.max_new.setValue(8)
    panel = tab.compare_panel
    panel.left.setCurrentIndex(panel.left.findData("best"))
    panel.right.setCurrentIndex(panel.right.findData("best"))
    panel.button.click()
    _wait_idle(qtbot, tab)
    compared = "".join(t["text"] for t in panel.chips[0].tokens)
    assert "Beam search" in panel.note.text()
    tab.generate()  # the Generate page's best beam from the same checkpoint
    _wait_idle(qtbot, tab)
    assert compared == tab.branches[0].text()
    tab.form.fixed_seed.setChecked(False)  # beam search draws nothing at random: the same text again
    panel.button.click()
    _wait_idle(qtbot, tab)
    assert "".join(t["text"] for t in panel.chips[1].tokens) == compared


# -- 6. stale panels ---------------------------------------------------------------------------------------
def test_token_details_are_cleared_by_a_new_generation(qtbot, session, transformer_run):
    tab = _playground(qtbot, session, transformer_run)
    tab.generate()
    _wait_idle(qtbot, tab)
    tab._on_click(2)
    assert tab.page.prob.choices.count() > 0 and "Token 3" in tab.page.prob.title.text()
    tab.generate()
    _wait_idle(qtbot, tab)
    assert tab.page.prob.choices.count() == 0
    assert tab.page.prob.last_distribution is None
    assert "Token 3" not in tab.page.prob.title.text()


def test_measured_step_time_is_cleared_when_the_model_changes(qtbot, window):
    tab = window.tab_widgets[2]
    window.tabs.setCurrentWidget(tab)
    tab.editors["d_model"].setValue(32)
    tab.editors["n_layer"].setValue(1)
    qtbot.waitUntil(lambda: tab.check.valid and tab.measure_button.isEnabled(), timeout=5_000)
    tab.measure()
    qtbot.waitUntil(lambda: "ms" in tab.stat_labels["step_time"].text(), timeout=30_000)
    qtbot.waitUntil(lambda: tab._job.finished, timeout=5_000)
    tab.arch.setCurrentIndex(tab.arch.findData("lstm"))
    qtbot.waitUntil(lambda: "ms" not in tab.stat_labels["step_time"].text(), timeout=5_000)
    assert tab.measured is None


def test_a_result_measured_for_another_model_is_not_shown(qtbot, window):
    tab = window.tab_widgets[2]
    window.tabs.setCurrentWidget(tab)
    tab.editors["d_model"].setValue(32)
    tab.editors["n_layer"].setValue(1)
    qtbot.waitUntil(lambda: tab.check.valid and tab.measure_button.isEnabled(), timeout=5_000)
    tab.measure()
    tab.editors["n_layer"].setValue(2)  # changed while measuring
    qtbot.waitUntil(lambda: tab._job.finished, timeout=30_000)
    qtbot.wait(100)
    assert "ms" not in tab.stat_labels["step_time"].text()


@pytest.fixture
def train_tab(window, tmp_path, monkeypatch):
    from lmstudio.core.config import ModelConfig, TrainConfig
    from lmstudio.gui.tabs import train_tab as module

    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setattr(module, "ask_stop_training", lambda parent: True)
    s = window.session
    s.set_model_config(ModelConfig(arch="transformer", block_size=16, n_layer=1, n_head=2, d_model=32))
    s.set_train_config(TrainConfig(**TINY_TRAIN))
    tab = window.tab_widgets[3]
    window.tabs.setCurrentWidget(tab)
    yield tab
    wait_for_workers()


def test_the_form_learning_rate_follows_set_lr(qtbot, train_tab, window):
    tab = train_tab
    tab.form.editors["steps"].setValue(100_000)
    tab.start()
    qtbot.waitUntil(lambda: tab.state == "running" and len(tab.charts.run.steps) >= 2, timeout=60_000)
    tab.pause()
    tab.lr_edit.setValue(5e-4)
    tab.apply_lr()
    assert tab.form.editors["lr"].value() == pytest.approx(5e-4)
    assert window.session.config.train.lr == pytest.approx(5e-4)
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=30_000)


# -- 4. resuming continues the run's schedule; extending it is a choice shown first ----------------------
@pytest.fixture
def stopped_run(tmp_path, tiny_corpus):
    """A 40-step run stopped at step 10 (its checkpoint there)."""
    from tests.helpers import train_stopped_run

    return train_stopped_run(tiny_corpus, tmp_path / "runs-stopped" / "run")


def test_resume_run_continues_the_run_schedule_not_the_form(qtbot, train_tab, stopped_run, monkeypatch):
    from lmstudio.core.training.schedule import lr_at
    from lmstudio.gui.tabs import train_tab as module

    tab = train_tab
    tab.form.editors["steps"].setValue(2000)  # the form says 2,000: the run's own 40 steps still apply
    asked = []
    monkeypatch.setattr(
        module, "ask_resume_steps", lambda parent, run_dir, plan_for: asked.append(plan_for(None)) or (None,)
    )
    tab.ask_and_resume(stopped_run)
    assert asked and asked[0].start_step == 10 and asked[0].run_steps == 40
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=60_000)
    assert tab.last_finished.status == "finished" and tab.last_finished.step == 40
    steps = tab.charts.run.steps
    first = list(steps.column("step")).index(11)
    expected = lr_at(10, peak=3e-3, floor=3e-4, warmup=2, total=40, schedule="cosine")
    assert steps.column("lr")[first] == pytest.approx(expected, rel=1e-5)


def test_resume_dialog_shows_the_new_schedule_before_it_starts(qtbot, stopped_run):
    from lmstudio.core.training.launch import resume_plan
    from lmstudio.gui.resume_dialog import ResumeDialog

    dialog = ResumeDialog(stopped_run, lambda steps: resume_plan(stopped_run, steps))
    qtbot.addWidget(dialog)
    assert dialog.steps.value() == 40 and dialog.chosen_steps() is None
    assert "own schedule" in dialog.schedule.text()
    dialog.steps.setValue(2000)
    plan = resume_plan(stopped_run, 2000)
    text = dialog.schedule.text()
    assert "2,000" in text and f"{plan.lr_run:.3g}" in text and f"{plan.lr_new:.3g}" in text
    assert dialog.chosen_steps() == 2000
    for w in (dialog.steps, *dialog.buttons.buttons()):
        assert w.toolTip()


# -- 7. drag and drop on the whole window ----------------------------------------------------------------
def _drop_on(widget, path):
    """Drag ``path`` over ``widget`` and drop it there, as the platform would (enter, move, drop)."""
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    buttons, mods = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(widget, enter)
    move = QDragMoveEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(widget, move)
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, buttons, mods)
    QApplication.sendEvent(widget, drop)
    return enter.isAccepted() and drop.isAccepted()


def test_drop_kind(tmp_path, transformer_run):
    from lmstudio.gui.drops import drop_kind

    (tmp_path / "ws.json").write_text('{"data": {"corpus": ""}, "train": {}}')
    (tmp_path / "records.json").write_text('{"text": "a corpus record"}\n')
    (tmp_path / "text.txt").write_text("hello\n")
    assert drop_kind(transformer_run) == "run"
    assert drop_kind(tmp_path / "ws.json") == "workspace"
    assert drop_kind(tmp_path / "records.json") == "corpus"
    assert drop_kind(tmp_path / "text.txt") == "corpus"
    assert drop_kind(tmp_path) == "corpus"  # a plain folder of texts


def test_a_corpus_dropped_on_another_tab_opens_in_the_data_tab(qtbot, window, session, tmp_path):
    path = tmp_path / "dropped.txt"
    path.write_text("dropped text\nsecond line\n")
    model_tab = window.tab_widgets[2]
    window.tabs.setCurrentWidget(model_tab)
    assert _drop_on(model_tab, path)
    wait_for_open(qtbot, session)
    assert session.corpus.path == path
    assert window.tabs.currentWidget() is window.tab_widgets[0]


def test_a_run_folder_dropped_on_the_window_opens_in_the_playground(qtbot, window, session, transformer_run):
    playground = window.tab_widgets[[window.tabs.tabText(i) for i in range(window.tabs.count())].index("Playground")]
    assert _drop_on(window.tab_widgets[1], transformer_run)
    assert window.tabs.currentWidget() is playground
    qtbot.waitUntil(lambda: playground.loaded is not None and not playground.is_busy(), timeout=20_000)
    assert Path(playground.loaded.run_dir) == Path(transformer_run)


def test_a_run_folder_dropped_on_the_data_tab_is_not_read_as_a_corpus(
    qtbot, window, session, transformer_run, tiny_corpus
):
    playground = window.tab_widgets[[window.tabs.tabText(i) for i in range(window.tabs.count())].index("Playground")]
    assert _drop_on(window.tab_widgets[0], transformer_run)
    qtbot.waitUntil(lambda: playground.loaded is not None and not playground.is_busy(), timeout=20_000)
    assert session.corpus.path == tiny_corpus


def test_a_workspace_file_dropped_on_the_window_opens_as_the_workspace(qtbot, window, session, tmp_path, tiny_corpus):
    from lmstudio.core.config import DataConfig, TrainConfig, WorkspaceConfig

    path = tmp_path / "talk.json"
    WorkspaceConfig(data=DataConfig(corpus=str(tiny_corpus)), train=TrainConfig(steps=123)).save(path)
    assert _drop_on(window.tab_widgets[3], path)
    qtbot.waitUntil(lambda: session.workspace_path == path, timeout=15_000)
    assert session.config.train.steps == 123


# -- 3. one start convention: the Playground writes what `lmstudio sample` writes -------------------------
@pytest.mark.parametrize("prompt", ["ROMEO:\n", "", "\nMENENIUS:"])
def test_playground_and_lmstudio_sample_write_the_same_text(qtbot, session, lstm_run, prompt):
    import contextlib
    import io

    from lmstudio.cli import main
    from lmstudio.gui.tabs.playground import DEFAULT_PROMPT

    tab = _playground(qtbot, session, lstm_run)
    assert DEFAULT_PROMPT == "ROMEO:\n"
    tab.prompt.setPlainText(prompt)
    form = tab.form
    form.temperature.setValue(0.8)
    form.top_k.setValue(0)
    form.top_p.setValue(1.0)
    form.repetition.setValue(1.0)
    form.max_new.setValue(30)
    form.seed.setValue(11)
    tab.generate()
    _wait_idle(qtbot, tab)
    written = tab.branches[tab.current].text()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert (
            main(
                [
                    "sample",
                    str(lstm_run),
                    "--prompt",
                    prompt,
                    "--max-new-tokens",
                    "30",
                    "--temperature",
                    "0.8",
                    "--seed",
                    "11",
                    "--device",
                    "cpu",
                ]
            )
            == 0
        )
    assert out.getvalue() == prompt + written + "\n"
    # both condition the prompt on a line start, as the training text has one before every line
    from lmstudio.core.inference.context import prompt_ids

    assert tab.branches[tab.current].context_ids == prompt_ids(tab.loaded.tokenizer, prompt)
    if prompt:
        assert (
            tab.loaded.tokenizer.decode(tab.branches[tab.current].context_ids)
            == ("" if prompt.startswith("\n") else "\n") + prompt
        )


# -- 2. typed and sampled text is cleaned like the corpus ------------------------------------------------
def test_vocabulary_tab_cleans_typed_and_sampled_text_like_the_corpus(qtbot, vocab_tab, session):
    from lmstudio.core.config import CleaningConfig
    from lmstudio.gui.tabs.vocab_views import DEFAULT_TEXT

    from .test_vocab_tab import train

    session.set_cleaning(CleaningConfig(lowercase=True))
    tok = train(qtbot, vocab_tab, session, "char")
    seg = vocab_tab.segmentation
    seg.set_text(DEFAULT_TEXT)  # capitals: the lower-cased corpus has none
    assert seg.cleaned_text() == DEFAULT_TEXT.lower()
    assert tok.unk_id not in tok.encode(seg.cleaned_text())
    assert seg.view.token_count() == len(DEFAULT_TEXT)  # one token per character, none of them <unk>
    assert "lower-case" in seg.cleaning_note.text() and seg.cleaning_note.isVisibleTo(vocab_tab)
    seg.sample_button.click()  # random samples are drawn as training sees them
    sample = seg.text()
    assert sample.strip() and sample == sample.lower()
    vocab_tab.compare.sample_button.click()
    compared = vocab_tab.compare.text.toPlainText()
    assert compared.strip() and compared == compared.lower()
    session.set_cleaning(CleaningConfig())  # cleaning off: the note goes, the text is split as typed
    assert not seg.cleaning_note.isVisibleTo(vocab_tab) and seg.cleaned_text() == seg.text()


@pytest.fixture(scope="module")
def lowercase_run(tmp_path_factory, tiny_corpus):
    from lmstudio.core.config import CleaningConfig, ModelConfig
    from lmstudio.core.training.launch import new_trainer
    from tests.helpers import tiny_workspace

    out = tmp_path_factory.mktemp("runs") / "lowercase"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))
        config = tiny_workspace(tiny_corpus, checkpoint_interval=10)
        config.data.cleaning = CleaningConfig(lowercase=True)
        config.model = ModelConfig(arch="lstm", block_size=16, n_layer=1, d_model=32)
        for _ in new_trainer(config, out).run():
            pass
    return out


def test_playground_cleans_the_prompt_and_the_score_text_like_the_run_corpus(qtbot, session, lowercase_run):
    import contextlib
    import io
    import math

    from lmstudio.cli import main

    tab = _playground(qtbot, session, lowercase_run)
    tok = tab.loaded.tokenizer
    assert tok.unk_id not in tok.encode("romeo:") and tok.unk_id in tok.encode("ROMEO:")  # the vocabulary is lower-case
    assert "lower-case" in tab.cleaning_note.text() and tab.cleaning_note.isVisibleTo(tab)
    tab.prompt.setPlainText("ROMEO:\n")
    tab.generate()
    _wait_idle(qtbot, tab)
    branch = tab.branches[tab.current]
    assert tok.unk_id not in branch.context_ids
    assert tok.decode(branch.context_ids) == "\nromeo:\n"
    out = io.StringIO()  # `lmstudio sample` cleans its prompt the same way and writes the same text
    with contextlib.redirect_stdout(out):
        assert (
            main(
                [
                    "sample",
                    str(lowercase_run),
                    "--prompt",
                    "ROMEO:\n",
                    "--max-new-tokens",
                    "12",
                    "--temperature",
                    str(tab.form.temperature.value()),
                    "--top-k",
                    str(tab.form.top_k.value()),
                    "--top-p",
                    str(tab.form.top_p.value()),
                    "--repetition-penalty",
                    str(tab.form.repetition.value()),
                    "--seed",
                    "5",
                    "--device",
                    "cpu",
                ]
            )
            == 0
        )
    assert out.getvalue() == "romeo:\n" + branch.text() + "\n"

    tab.pages.setCurrentWidget(tab.score_panel)
    assert tab.score_panel.cleaning_note.isVisibleTo(tab)
    tab.score_panel.text.setPlainText("ROMEO:\nBut soft, what light")
    tab.score_panel.button.click()
    qtbot.waitUntil(lambda: tab.score_panel.result is not None and not tab.is_busy(), timeout=20_000)
    result = tab.score_panel.result
    assert all(t["id"] != tok.unk_id for t in result["per_token"])
    assert math.isfinite(result["bits_per_char"])  # no <unk>: bits per character is defined
