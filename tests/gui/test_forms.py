"""The GUI's form editors take range, step, choices, tooltip and default from the settings' declarations:
each editor's range equals the declared one (within what a QSpinBox holds), each combo box offers exactly
the declared choices, and each tooltip is the declaration's help."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QSpinBox

from lmstudio.core.config import declaration, default_of
from lmstudio.gui.forms import SPIN_MAX, configure, editor_range, make_editor, tooltip, value_of


def _expected_range(key: str) -> tuple[float, float]:
    """The declared range as an editor can offer it, worked out here from the declaration alone."""
    f, s = declaration(key)
    step = 10.0 ** -(s.decimals or 0) if str(f.type) == "float" else 1
    low = s.low + (step if s.low_open else 0)
    high = (s.high if s.high is not None else s.editor_high) - (step if s.high_open else 0)
    if str(f.type).startswith("int"):
        return low, min(high, SPIN_MAX)
    return low, high


def _check_editor(widget, key: str, *, own_tooltip: bool = False) -> None:
    f, s = declaration(key)
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        low, high = _expected_range(key)
        assert widget.minimum() == pytest.approx(low) and widget.maximum() == pytest.approx(high), key
        if s.decimals is not None:
            assert widget.decimals() == s.decimals, key
    elif isinstance(widget, QComboBox):
        items = [widget.itemData(i) for i in range(widget.count())]
        assert set(items) == set(s.choices) | ({None} if s.null else set()), key
    elif str(f.type) == "str":  # a text setting (the probe passage and prompt): a one-line editor
        from PySide6.QtWidgets import QLineEdit

        assert isinstance(widget, QLineEdit), key
    else:
        assert isinstance(widget, QCheckBox) and str(f.type) == "bool", key
    if not own_tooltip:
        assert widget.toolTip() == tooltip(key), key
    assert s.help.lower()[:30] in widget.toolTip().lower(), key


def test_model_tab_editors_follow_the_declarations(qtbot, session):
    from lmstudio.gui.tabs.model_tab import FIELDS, SEQ2SEQ_FIELDS, ModelTab

    tab = ModelTab(session)
    qtbot.addWidget(tab)
    assert set(tab.editors) == {key for key, *_ in FIELDS + SEQ2SEQ_FIELDS}
    for key, editor in tab.editors.items():
        _check_editor(editor, f"model.{key}")
    _check_editor(tab.arch, "model.arch")
    assert tab.editors["n_layer"].maximum() == 1024 and tab.editors["d_model"].maximum() == 65_536


def test_train_form_editors_follow_the_declarations(qtbot):
    from lmstudio.gui.widgets.train_form import TrainSettingsForm, setting_key

    form = TrainSettingsForm(auto_threads=3)
    qtbot.addWidget(form)
    for key, editor in form.editors.items():
        _check_editor(editor, setting_key(key))
    assert form.editors["threads"].specialValueText() == "Auto (3)"  # the form's own word for 0
    assert form.editors["lr"].minimum() == pytest.approx(1e-6) and form.editors["lr"].maximum() == 1.0
    assert form.editors["seed"].maximum() == SPIN_MAX  # a 64-bit seed, as far as a spin box goes
    box = form.editors["tensorboard"]  # TensorBoard files only when asked, in the window too
    assert isinstance(box, QCheckBox) and not box.isChecked() and form.values()[0]["tensorboard"] is False
    box.setChecked(True)
    assert form.values()[0]["tensorboard"] is True


def test_vocabulary_form_follows_the_declarations(vocab_tab):
    tab = vocab_tab
    _check_editor(tab.kind, "tokenizer.kind")
    _check_editor(tab.vocab_size, "tokenizer.vocab_size")
    _check_editor(tab.min_frequency, "tokenizer.min_frequency")
    _check_editor(tab.coverage, "tokenizer.character_coverage")
    _check_editor(tab.byte_fallback, "tokenizer.byte_fallback")
    assert tab.coverage.minimum() == pytest.approx(0.9) and tab.coverage.maximum() == pytest.approx(1.0)


def test_cleaning_and_split_forms_follow_the_declarations(qtbot, session):
    from lmstudio.gui.tabs.data_panels import CleaningPanel, SplitPanel

    cleaning, split = CleaningPanel(session), SplitPanel(session)
    qtbot.addWidget(cleaning)
    qtbot.addWidget(split)
    for key, box in cleaning.checks.items():
        _check_editor(box, f"data.cleaning.{key}")
    _check_editor(cleaning.stopwords, "data.cleaning.stopwords")
    _check_editor(cleaning.min_chars, "data.cleaning.min_line_chars")
    _check_editor(cleaning.max_chars, "data.cleaning.max_line_chars")
    assert cleaning.max_chars.specialValueText() == "no limit"
    assert cleaning.config() == session.cleaning
    _check_editor(split.mode, "data.split_mode")
    _check_editor(split.block_lines, "data.block_lines")
    _check_editor(split.seed, "data.seed")


@pytest.mark.parametrize(
    "key",
    [
        "model.n_layer",
        "model.dropout",
        "train.lr",
        "train.grad_clip",
        "train.schedule",
        "train.compile",
        "sample.top_p",
    ],
)
def test_a_made_editor_shows_the_declared_default(qtbot, key):
    editor = make_editor(key)
    qtbot.addWidget(editor)
    f, _ = declaration(key)
    default = default_of(f)
    assert value_of(editor) == (pytest.approx(default) if isinstance(default, float) else default)
    if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
        assert (editor.minimum(), editor.maximum()) == pytest.approx(editor_range(key))


def test_configure_keeps_a_combo_boxs_labels_and_order(qtbot):
    box = configure(QComboBox(), "model.arch", labels={"transformer": "Transformer", "lstm": "LSTM"})
    qtbot.addWidget(box)
    assert [box.itemText(i) for i in range(box.count())][:2] == ["Transformer", "LSTM"]
    assert {box.itemData(i) for i in range(box.count())} == {"rnn", "gru", "lstm", "transformer"}
    assert box.currentData() == "transformer"  # the declared default


def test_playground_decoding_editors_follow_the_declarations(qtbot):
    """The Playground's sampling editors take range, default and tooltip from the sample settings."""
    from lmstudio.core.config import SampleConfig
    from lmstudio.gui.forms import editor_range, tooltip
    from lmstudio.gui.tabs.playground.controls import DecodingForm

    form = DecodingForm()
    qtbot.addWidget(form)
    boxes = {
        "sample.temperature": form.temperature,
        "sample.top_k": form.top_k,
        "sample.top_p": form.top_p,
        "sample.repetition_penalty": form.repetition,
        "sample.max_new_tokens": form.max_new,
        "sample.alternatives": form.alternatives,
    }
    defaults = SampleConfig()
    for key, box in boxes.items():
        assert (box.minimum(), box.maximum()) == pytest.approx(editor_range(key)), key
        assert box.toolTip() == tooltip(key), key
        assert box.value() == pytest.approx(getattr(defaults, key.split(".")[1])), key
    assert form.seed.toolTip() == tooltip("sample.seed")
    cfg = form.sample_config()
    assert (cfg.temperature, cfg.top_p, cfg.max_new_tokens) == (defaults.temperature, defaults.top_p, 200)


def test_a_time_budget_says_how_many_steps_it_allows_at_the_measured_step_time(qtbot):
    from lmstudio.gui.widgets.train_form import TrainSettingsForm

    form = TrainSettingsForm(auto_threads=1)
    qtbot.addWidget(form)
    assert form.budget_hint.text() == ""  # no budget
    form.editors["max_time"].setValue(600)
    assert "Measure the step time" in form.budget_hint.text()
    form.editors["steps"].setValue(100_000)
    form.set_step_time(0.05)
    assert form.budget_hint.text().startswith("≈ 12,000 steps at 50 ms a step") and "the budget ends it" in (
        form.budget_hint.text()
    )
    form.editors["steps"].setValue(5_000)
    assert "Steps (5,000) ends it first" in form.budget_hint.text()
