"""Export and transfer learning in the window (issue 14): the Export dialog of the Train tab and the Playground
(a real tiny run to Hugging Face with its measured facts; a GRU run's refusal in the banner), and Start from in
the Train tab (a new run from an earlier run's weights records init_from; what the weights refuse blocks Start;
the Vocabulary tab says the tokenizer is fixed)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QRadioButton,
)

from lmstudio.core.config import ModelConfig, TrainConfig
from tests.helpers import TINY_TRAIN

from .conftest import train_tiny_run, wait_for_workers


@pytest.fixture(autouse=True)
def _runs_dir(tmp_path, monkeypatch):
    from lmstudio.gui.tabs import train_tab as module

    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setattr(module, "ask_stop_training", lambda parent: True)
    yield
    wait_for_workers()


@pytest.fixture(scope="module")
def transformer_run(tmp_path_factory, tiny_corpus):
    """Learned positions: GPT-2's layout (its Conv1D weights transposed), and a table of 16 positions."""
    return train_tiny_run(
        tmp_path_factory,
        tiny_corpus,
        "transformer",
        arch="transformer",
        positions="learned",
        block_size=16,
        n_layer=1,
        n_head=2,
        d_model=32,
    )


@pytest.fixture(scope="module")
def gru_run(tmp_path_factory, tiny_corpus):
    return train_tiny_run(tmp_path_factory, tiny_corpus, "gru", arch="gru", block_size=16, n_layer=1, d_model=32)


def _missing_tips(root) -> list[str]:
    missing = []
    for cls in (QPushButton, QCheckBox, QRadioButton, QComboBox, QAbstractSpinBox, QLineEdit):
        for w in root.findChildren(cls):
            if isinstance(w, QLineEdit) and isinstance(w.parent(), (QAbstractSpinBox, QComboBox)):
                continue
            if w.objectName().startswith("qt_") or not w.isVisibleTo(root):
                continue
            if not w.toolTip():
                missing.append(f"{type(w).__name__} {getattr(w, 'text', lambda: '')()}")
    return missing


def _first_val_loss(run_dir) -> float:
    import csv

    with open(run_dir / "metrics.csv", encoding="utf-8") as fh:
        return next(float(r["val_loss"]) for r in csv.DictReader(fh) if r["val_loss"])


def _export(qtbot, dialog, fmt, out):
    dialog.set_format(fmt)
    dialog.set_out_dir(out)
    dialog.export()
    assert dialog.is_busy() and not dialog.export_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=60_000)


def test_export_dialog_writes_a_checked_hugging_face_folder(qtbot, transformer_run, tmp_path):
    pytest.importorskip("transformers")
    from lmstudio.gui.export_dialog import ExportDialog

    dialog = ExportDialog(transformer_run, "best")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not _missing_tips(dialog), _missing_tips(dialog)
    assert [dialog.checkpoint.itemText(i) for i in range(3)] == ["best", "last", "step-20"]
    # the suggested folder is new, beside the run, and follows the format until one is chosen
    assert dialog.out_edit.text().endswith("transformer-hf")
    dialog.set_format("onnx")
    assert dialog.out_edit.text().endswith("transformer-onnx")

    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "mine.txt").write_text("keep me")
    _export(qtbot, dialog, "hf", taken)  # a folder with the user's files: refused, untouched
    assert "taken" in dialog.banner.text() and "--out" not in dialog.banner.text()
    assert sorted(p.name for p in taken.iterdir()) == ["mine.txt"] and dialog.facts is None

    out = tmp_path / "exported"
    _export(qtbot, dialog, "hf", out)
    assert dialog.banner.text() == "", dialog.banner.text()
    facts = dialog.facts
    assert facts["max_logit_diff"] < 1e-4 and facts["format"] == "hf"
    shown = dialog.result.text()
    assert (
        str(out) in shown
        and facts["architecture"] in shown
        and "best (step-20" in shown
        and f"{facts['max_logit_diff']:.2g}" in shown
    )
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file() and (out / "README.md").is_file()
    assert not list(tmp_path.glob(".*")), "no temporary folder left beside the export"
    # the folder loads in transformers and computes our logits (the dialog reported what it measured)
    import torch
    from transformers import AutoModelForCausalLM

    from lmstudio.core.runs.folders import load_run

    theirs = AutoModelForCausalLM.from_pretrained(out).eval()
    ours = load_run(transformer_run, "best").model.eval()
    ids = torch.tensor([[4, 9, 12, 7, 5, 20]])
    with torch.no_grad():
        diff = (theirs(ids).logits - ours(ids)[0]).abs().max().item()
    assert diff < 1e-4
    assert dialog.export_button.isEnabled() and dialog.out_edit.text() != str(out)  # the next one goes elsewhere
    dialog.reject()


def test_gru_run_hugging_face_export_is_refused_in_the_banner(qtbot, gru_run, tmp_path):
    from lmstudio.gui.export_dialog import ExportDialog

    dialog = ExportDialog(gru_run)
    qtbot.addWidget(dialog)
    out = tmp_path / "gru-hf"
    _export(qtbot, dialog, "hf", out)
    message = dialog.banner.text()
    assert "recurrent" in message and "ONNX" in message and "--format" not in message, message
    assert not out.exists() and dialog.facts is None and dialog.result.isHidden()
    assert dialog.export_button.isEnabled()
    dialog.reject()


def test_export_buttons_follow_the_run(qtbot, window, transformer_run, tmp_path):
    from lmstudio.gui.tabs.playground.tab import PlaygroundTab

    train = window.tab_widgets[3]
    playground = next(w for w in window.tab_widgets if isinstance(w, PlaygroundTab))
    assert not playground.export_button.isEnabled() and "Load a run" in playground.export_button.toolTip()
    assert not train.export_button.isEnabled() and "No run" in train.export_button.toolTip()
    window.session.set_run(transformer_run)  # the Playground loads it
    qtbot.waitUntil(lambda: playground.loaded is not None and not playground.is_busy(), timeout=30_000)
    assert train.export_button.isEnabled() and transformer_run.name in train.export_button.toolTip()
    assert playground.export_button.isEnabled()
    assert not _missing_tips(train) and not _missing_tips(playground), _missing_tips(train) + _missing_tips(playground)
    playground.export_dialog()
    dialog = playground.export
    assert dialog.run_dir == transformer_run and dialog.checkpoint.currentText() == "step-20"  # the one loaded (best)
    dialog.reject()

    # a compressed checkpoint (int8) is not exported: the button says why
    import shutil

    from lmstudio.core.compress.pipeline import compress_run

    run = tmp_path / "copy"
    shutil.copytree(transformer_run, run)
    name = compress_run(run, quantize="int8", new_tokens=4, max_tokens=200).name
    playground.load_run(str(run), name)
    qtbot.waitUntil(lambda: playground.loaded.checkpoint.name == name and not playground.is_busy(), timeout=30_000)
    assert not playground.export_button.isEnabled() and "compressed" in playground.export_button.toolTip()
    playground.load_run(str(run), "best")
    qtbot.waitUntil(lambda: playground.loaded.checkpoint.name != name and not playground.is_busy(), timeout=30_000)
    assert playground.export_button.isEnabled()


def test_train_tab_starts_a_run_from_an_earlier_run(qtbot, window, transformer_run, tmp_path, monkeypatch):
    from lmstudio.gui.tabs import train_tab as module

    s = window.session
    s.set_model_config(ModelConfig(arch="lstm", block_size=16, n_layer=1, d_model=32))  # not used: the weights decide
    s.set_train_config(TrainConfig(**{**TINY_TRAIN, "steps": 4, "eval_interval": 2}))
    tab, vocab = window.tab_widgets[3], window.tab_widgets[1]
    assert vocab.start_from_note.isHidden()
    assert not tab.form.start_clear.isEnabled()

    # a folder that holds no model: one message naming it and what to give, nothing set
    shown = []
    monkeypatch.setattr(module, "show_error", lambda parent, title, message: shown.append(message))
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    monkeypatch.setattr(module, "choose_start_folder", lambda parent, start: str(empty))
    tab.form.start_choose.click()
    qtbot.waitUntil(lambda: tab._start_job is None and bool(shown), timeout=10_000)
    assert "nothing-here" in shown[0] and "config.json" in shown[0] and "--init-from" not in shown[0]
    assert tab.start_from.source is None and tab.form.start_note.isHidden() and tab.start_button.isEnabled()

    tab.set_start_from(transformer_run)
    qtbot.waitUntil(lambda: tab.start_from.source is not None and tab._start_job is None, timeout=30_000)
    note = tab.form.start_note.text()
    assert "transformer" in note and "char tokenizer" in note and not tab.form.start_note.isHidden()
    assert str(transformer_run) == tab.form.start_label.text() and tab.form.start_clear.isEnabled()
    assert "fixes the vocabulary" in vocab.start_from_note.text() and not vocab.start_from_note.isHidden()

    # learned positions: a block size beyond the 16 the weights hold is refused, saying what to use
    tab.form.editors["model.block_size"].setValue(32)
    assert not tab.start_button.isEnabled()
    assert any("16 positions" in r for r in tab.blocking_reasons()), tab.blocking_reasons()
    tab.form.editors["model.block_size"].setValue(16)
    assert tab.start_button.isEnabled(), tab.blocking_reasons()

    with qtbot.waitSignal(s.sig_run_changed, timeout=60_000):
        tab.start()
    assert tab.last_finished.status == "finished", tab.log.toPlainText()
    doc = json.loads((s.run / "config.json").read_text(encoding="utf-8"))
    init = doc["run"]["init_from"]
    assert init["kind"] == "run" and init["path"] == str(transformer_run.resolve())
    assert doc["model"]["arch"] == "transformer" and s.run.name.endswith("transformer")
    # it started from the trained weights: its first evaluation is far below that of random weights
    assert _first_val_loss(s.run) < _first_val_loss(transformer_run) - 0.3
    wait_for_workers()

    tab.form.start_clear.click()
    assert tab.start_from.source is None and vocab.start_from_note.isHidden()
    assert tab.form.start_note.isHidden() and "Random weights" in tab.form.start_label.text()
