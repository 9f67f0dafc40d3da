"""Messages speak of what the user sees: setting names become the forms' labels; one message, shown once,
gone when its cause is gone."""

from __future__ import annotations

import pytest

from lmstudio.gui.messages import setting_labels, user_message


@pytest.mark.parametrize(
    "core, shown",
    [
        ("data.split_fractions: fractions must not be negative", "Split — Test: must not be negative"),
        ("train.min_lr: must be between 0 and lr", "Train — Minimum LR: must be between 0 and the Learning rate"),
        ("model.n_head: must be at least 1", "Model — Heads: must be at least 1"),
        (
            "tokenizer.vocab_size 100 is too small for train.txt",
            "Vocabulary — Vocabulary size 100 is too small for train.txt",
        ),
        ("cleaning.max_line_chars: must be 0 or more", "Cleaning — Line length to: must be 0 or more"),
        ("train.threads: 300 threads is more than this computer can run", "Train — CPU threads: 300 threads"),
    ],
)
def test_setting_names_become_labels(core, shown):
    assert user_message(core).startswith(shown)


def test_every_setting_of_the_forms_has_a_label():
    import dataclasses

    from lmstudio.core.config import ModelConfig, TokenizerConfig, TrainConfig

    labels = setting_labels()
    for section, cls in (("model", ModelConfig), ("train", TrainConfig), ("tokenizer", TokenizerConfig)):
        missing = [f.name for f in dataclasses.fields(cls) if f"{section}.{f.name}" not in labels]
        # beta1/beta2, min_lr... are on no form when not listed here; the form-backed ones must all be present
        assert not set(missing) & {
            "n_layer",
            "d_model",
            "n_head",
            "block_size",
            "batch_size",
            "steps",
            "lr",
            "threads",
            "kind",
            "vocab_size",
        }, missing


def test_the_core_keeps_its_own_words():
    from lmstudio.core.config import DataConfig
    from lmstudio.core.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^data\.split_fractions: fractions must not be negative"):
        DataConfig(split_fractions=(1.1, 0.0, -0.1))


def test_split_error_beside_the_split_form_speaks_of_test(qtbot, data_tab, session):
    panel = data_tab.split_panel
    panel.train.setValue(90)
    panel.val.setValue(20)  # Test would be -10 %
    qtbot.waitUntil(lambda: "must not be negative" in panel.sizes.text(), timeout=5_000)
    assert "Split — Test" in panel.sizes.text() and "data.split_fractions" not in panel.sizes.text()
    panel.val.setValue(5)  # valid again: the message goes
    qtbot.waitUntil(lambda: "must not be negative" not in panel.sizes.text(), timeout=5_000)


def test_train_form_reasons_use_labels(window):
    tab = window.tab_widgets[3]
    form = tab.form
    from lmstudio.gui.tabs import train_tab

    original = train_tab.TrainConfig

    def failing(**values):
        return original(**{**values, "min_lr": values["lr"] * 2})

    try:
        train_tab.TrainConfig = failing
        tab._on_form_changed()
    finally:
        train_tab.TrainConfig = original
    assert tab.config_error.startswith("Train — Minimum LR:")
    tab._on_form_changed()
    assert tab.config_error == "" and form is tab.form


def test_vocabulary_banner_goes_when_its_cause_is_gone(qtbot, vocab_tab, session, tiny_corpus):
    corpus = session.corpus
    session.corpus = None
    vocab_tab.train()
    assert "Load a corpus" in vocab_tab.banner.text()
    session.corpus = corpus
    session.sig_corpus_changed.emit()
    assert vocab_tab.banner.text() == ""
    qtbot.waitUntil(lambda: session.stats is not None, timeout=15_000)


def test_statistics_banner_goes_once_statistics_are_counted(qtbot, data_tab, session, monkeypatch):
    from lmstudio.gui.tabs import data_tab as module

    monkeypatch.setattr(module, "show_error", lambda *a: None)
    data_tab._on_stats_error("the disk went away for a moment")
    assert data_tab.banner.text().startswith("Statistics failed")
    data_tab.start_stats()
    qtbot.waitUntil(lambda: data_tab.banner.text() == "" and not data_tab.stats_running(), timeout=15_000)


def test_cleaning_settings_named_in_full_become_labels():
    """The config names a cleaning setting as data.cleaning.X; the window shows the Cleaning form's label."""
    from lmstudio.core.config import DataConfig
    from lmstudio.core.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        DataConfig(cleaning={"min_line_chars": -1})
    assert str(caught.value).startswith("data.cleaning.min_line_chars:")
    assert user_message(str(caught.value)).startswith("Cleaning — Line length from: -1 is out of range")
