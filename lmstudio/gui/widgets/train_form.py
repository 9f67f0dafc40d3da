"""The Train tab's hyperparameter form: one table of (group, setting, label); the editors come from the
settings' declarations (range, choices, tooltip).

It edits ``TrainConfig`` and the two model settings training owns as well (block size, dropout);
``values()`` returns plain dicts, ``set_values()`` fills the form from a workspace config. The Translation
group (teacher forcing, BLEU pairs) shows only while the workspace's task is translation (``set_task``).

Its first group, Start from, names the weights a new run starts from (a Hugging Face GPT-2 folder or an
earlier run), with Choose and Clear; the choice itself is the session's :class:`StartFrom`, which the Train
tab sets and the Vocabulary tab reads (the source's tokenizer fixes the vocabulary).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.config import ModelConfig, TrainConfig
from ..forms import TRAIN_FIELDS, make_editor, set_value, value_of
from ..i18n import QT_TR_NOOP, tr
from .common import ElidedLabel

TRANSLATION_GROUP = "Translation"  # TRAIN_FIELDS' group shown only while the task is translate
FIELDS = TRAIN_FIELDS


def setting_key(key: str) -> str:
    """The declared setting a form key edits: "model.block_size" as is, "lr" as "train.lr"."""
    return key if "." in key else f"train.{key}"


START_FROM_TIP = QT_TR_NOOP(
    "Start the run from trained weights instead of random ones: a Hugging Face GPT-2 folder (config.json, "
    "model.safetensors, tokenizer files) or an earlier lmstudio run (its best checkpoint). Their model and "
    "tokenizer are used; this form's settings train them on the workspace's corpus"
)
SEED_TEXT = QT_TR_NOOP("Random weights (the seed)")


class StartFrom(QObject):
    """The weights the next run starts from, shared by the tabs of one session (see :func:`start_from_of`).

    ``path``: the folder; ``source``: what :func:`lmstudio.core.training.launch.read_init_source` read from it
    (model settings, tokenizer, facts), or ``None`` with no start-from set."""

    sig_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lmstudio-start-from")
        self.path: Path | None = None
        self.source = None

    def set(self, path: Path | None, source=None) -> None:
        self.path, self.source = (Path(path), source) if path is not None else (None, None)
        self.sig_changed.emit()

    def clear(self) -> None:
        if self.path is not None:
            self.set(None)

    def describe(self) -> str:
        """ "a Hugging Face GPT-2 folder" / "run NAME (best, step N)": what the weights are, for notes."""
        if self.source is None:
            return ""
        facts = self.source.facts
        if self.source.kind == "hf":
            return tr("the Hugging Face {model_type} folder {folder}").format(
                model_type=facts.get("model_type") or "GPT-2", folder=self.path.name
            )
        return tr("run {run} (its best checkpoint, step {step})").format(
            run=self.path.name, step=f"{facts.get('step', 0):,}"
        )

    def tokenizer_text(self) -> str:
        tok = self.source.tokenizer if self.source is not None else None
        if tok is None:
            return ""
        return tr("{kind} tokenizer of {size} tokens").format(kind=tok.kind, size=f"{tok.vocab_size:,}")

    def model_text(self) -> str:
        m = self.source.model if self.source is not None else None
        if m is None:
            return ""
        return tr("{arch}, {layers} layer(s) × {width}, {heads} heads, {positions} positions").format(
            arch=m.arch, layers=m.n_layer, width=m.d_model, heads=m.n_head, positions=m.positions
        )


def start_from_of(session: QObject) -> StartFrom:
    """The session's :class:`StartFrom` (made on first use, a child of the session)."""
    found = session.findChild(StartFrom, "lmstudio-start-from")
    return found if found is not None else StartFrom(session)


class TrainSettingsForm(QWidget):
    sig_changed = Signal()
    sig_choose_start = Signal()  # the Choose… button of Start from
    sig_clear_start = Signal()

    def __init__(self, auto_threads: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        groups: dict[str, QFormLayout] = {}
        self.boxes: dict[str, QGroupBox] = {}
        layout.addWidget(self._start_from_box())
        for group, key, label in FIELDS:
            if group not in groups:
                box = QGroupBox(tr(group))  # the group names are marked for translation in gui.forms
                box.setToolTip(tr("{group} settings of the run; saved with the workspace").format(group=tr(group)))
                groups[group] = QFormLayout(box)
                layout.addWidget(box)
                self.boxes[group] = box
            editor = self._editor(key, label)
            tip = editor.toolTip()
            if key == "threads":
                editor.setSpecialValueText(tr("Auto ({threads})").format(threads=auto_threads))
            if key == "seed":
                editor.setGroupSeparatorShown(False)  # 3,000 steps reads well; seed 1,337 does not
            if isinstance(editor, QCheckBox):
                groups[group].addRow("", editor)  # the box carries its own label
            else:
                name = QLabel(tr(label))
                name.setToolTip(tip)
                groups[group].addRow(name, editor)
            if key == "steps":
                self.epoch_hint = QLabel("")
                self.epoch_hint.setObjectName("hint")
                self.epoch_hint.setWordWrap(True)
                self.epoch_hint.setToolTip(
                    tr("Passes over the train split that these steps make (known once data is prepared)")
                )
                groups[group].addRow("", self.epoch_hint)
            if key == "max_time":
                self.budget_hint = QLabel("")
                self.budget_hint.setObjectName("hint")
                self.budget_hint.setWordWrap(True)
                self.budget_hint.setToolTip(
                    tr(
                        "The steps a time budget allows at the step time measured in the Model tab (Measure step "
                        "time): the run ends at the budget or at Steps, whichever comes first"
                    )
                )
                groups[group].addRow("", self.budget_hint)
            self.editors[key] = editor
        layout.addStretch(1)
        self.train_tokens = 0
        self.step_time: float | None = None  # seconds per training step, measured in the Model tab
        self.task = "lm"
        self.arch = ""
        self.boxes[TRANSLATION_GROUP].setVisible(False)
        self._update_enabled()

    def _start_from_box(self) -> QGroupBox:
        box = QGroupBox(tr("Start from"))
        box.setToolTip(tr(START_FROM_TIP))
        self.start_label = ElidedLabel(tr(SEED_TEXT), mode=Qt.TextElideMode.ElideMiddle)
        self.start_label.setToolTip(tr(START_FROM_TIP))
        self.start_choose = QPushButton(tr("Choose…"))
        self.start_choose.setToolTip(
            tr("Choose a Hugging Face GPT-2 folder or an earlier run folder whose weights the run starts from")
        )
        self.start_choose.clicked.connect(self.sig_choose_start)
        self.start_clear = QPushButton(tr("Clear"))
        self.start_clear.setToolTip(tr("Start from random weights again (the Model and Vocabulary tabs' settings)"))
        self.start_clear.clicked.connect(self.sig_clear_start)
        self.start_clear.setEnabled(False)
        self.start_note = QLabel("")
        self.start_note.setObjectName("hint")
        self.start_note.setWordWrap(True)
        self.start_note.setToolTip(tr("What the weights fix: the model and the tokenizer of the run"))
        self.start_note.hide()
        row = QHBoxLayout()
        row.addWidget(self.start_label, 1)
        row.addWidget(self.start_choose)
        row.addWidget(self.start_clear)
        v = QVBoxLayout(box)
        v.addLayout(row)
        v.addWidget(self.start_note)
        return box

    def set_start_from(self, path: Path | None, note: str = "") -> None:
        """Show the start-from folder (``None``: random weights) and the note on what it fixes."""
        self.start_label.setText(str(path) if path is not None else tr(SEED_TEXT))
        self.start_label.setToolTip(f"{path}\n\n{tr(START_FROM_TIP)}" if path is not None else tr(START_FROM_TIP))
        self.start_clear.setEnabled(path is not None)
        self.start_note.setText(note)
        self.start_note.setVisible(bool(note))

    def _editor(self, key: str, label: str) -> QWidget:
        w = make_editor(setting_key(key), tr(label))  # a check box's text
        if isinstance(w, QComboBox):
            w.currentIndexChanged.connect(self._changed)
        elif isinstance(w, QCheckBox):
            w.toggled.connect(self._changed)
        elif isinstance(w, QLineEdit):
            w.setPlaceholderText(tr("automatic (see the tooltip)"))
            w.editingFinished.connect(self._changed)
        else:
            if isinstance(w, QSpinBox):
                w.setGroupSeparatorShown(True)
            w.valueChanged.connect(self._changed)
        return w

    def _changed(self) -> None:
        self._update_epoch_hint()
        self._update_budget_hint()
        self._update_enabled()
        self.sig_changed.emit()

    def _update_enabled(self) -> None:
        """The warm-down share only means something to the wsd schedule, Muon's momentum only to Muon."""
        if "warmdown" in self.editors and "schedule" in self.editors:
            self.editors["warmdown"].setEnabled(value_of(self.editors["schedule"]) == "wsd")
        if "muon_momentum" in self.editors and "optimizer" in self.editors:
            self.editors["muon_momentum"].setEnabled(value_of(self.editors["optimizer"]) == "muon")
        translate = self.task == "translate"
        # a translation run writes no sample from the prompt (its samples are translations); teacher forcing
        # is the recurrent decoders' (the Transformer's decoder always reads the true previous tokens)
        self.editors["sample_tokens"].setEnabled(not translate)
        self.editors["teacher_forcing"].setEnabled(translate and self.arch != "transformer")
        self.editors["bleu_pairs"].setEnabled(translate)

    def set_task(self, task: str) -> None:
        """Show the Translation group for task "translate", hide it for a language model."""
        self.task = task
        self.boxes[TRANSLATION_GROUP].setVisible(task == "translate")
        self._update_enabled()

    def set_train_tokens(self, tokens: int) -> None:
        self.train_tokens = tokens
        self._update_epoch_hint()
        self._update_budget_hint()

    def set_step_time(self, seconds: float | None) -> None:
        """The step time the Model tab measured: the time budget then says how many steps it allows."""
        self.step_time = seconds if seconds and seconds > 0 else None
        self._update_budget_hint()

    def _update_budget_hint(self) -> None:
        v = self.values()[0]
        budget = float(v.get("max_time") or 0.0)
        if budget <= 0:
            self.budget_hint.setText("")
            return
        if self.step_time is None:
            self.budget_hint.setText(tr("Measure the step time in the Model tab to see how many steps this allows."))
            return
        steps = int(budget / self.step_time)
        first = (
            tr("; Steps ({steps}) ends it first").format(steps=f"{v['steps']:,}")
            if v["steps"] < steps
            else tr("; the budget ends it (the learning rate follows the clock)")
        )
        self.budget_hint.setText(
            tr("≈ {steps} steps at {ms} ms a step (measured){first}").format(
                steps=f"{steps:,}", ms=f"{self.step_time * 1000:.0f}", first=first
            )
        )

    def _update_epoch_hint(self) -> None:
        v = self.values()[0]
        if self.train_tokens:
            per_step = v["batch_size"] * v["grad_accum"] * self.editors["model.block_size"].value()
            self.epoch_hint.setText(
                tr("≈ {epochs} epochs of {tokens} train tokens").format(
                    epochs=f"{v['steps'] * per_step / self.train_tokens:.2f}", tokens=f"{self.train_tokens:,}"
                )
            )
        else:
            self.epoch_hint.setText("")

    def values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        train, model = {}, {}
        for key, editor in self.editors.items():
            value = value_of(editor)
            if key.startswith("model."):
                model[key[6:]] = value
            else:
                train[key] = value
        return train, model

    def set_values(self, train: TrainConfig, model: ModelConfig) -> None:
        for key, editor in self.editors.items():
            value = getattr(model, key[6:]) if key.startswith("model.") else getattr(train, key)
            set_value(editor, value)
        self.arch = model.arch
        self._update_epoch_hint()
        self._update_budget_hint()
        self._update_enabled()
