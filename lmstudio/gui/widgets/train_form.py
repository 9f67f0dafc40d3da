"""The Train tab's hyperparameter form: one table of (group, setting, label); the editors come from the
settings' declarations (range, choices, tooltip).

It edits ``TrainConfig`` and the two model settings training owns as well (block size, dropout);
``values()`` returns plain dicts, ``set_values()`` fills the form from a workspace config. The Translation
group (teacher forcing, BLEU pairs) shows only while the workspace's task is translation (``set_task``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.config import ModelConfig, TrainConfig
from ..forms import TRAIN_FIELDS, make_editor, set_value, value_of

TRANSLATION_GROUP = "Translation"  # TRAIN_FIELDS' group shown only while the task is translate
FIELDS = TRAIN_FIELDS


def setting_key(key: str) -> str:
    """The declared setting a form key edits: "model.block_size" as is, "lr" as "train.lr"."""
    return key if "." in key else f"train.{key}"


class TrainSettingsForm(QWidget):
    sig_changed = Signal()

    def __init__(self, auto_threads: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        groups: dict[str, QFormLayout] = {}
        self.boxes: dict[str, QGroupBox] = {}
        for group, key, label in FIELDS:
            if group not in groups:
                box = QGroupBox(group)
                box.setToolTip(f"{group} settings of the run; saved with the workspace")
                groups[group] = QFormLayout(box)
                layout.addWidget(box)
                self.boxes[group] = box
            editor = self._editor(key, label)
            tip = editor.toolTip()
            if key == "threads":
                editor.setSpecialValueText(f"Auto ({auto_threads})")
            if key == "seed":
                editor.setGroupSeparatorShown(False)  # 3,000 steps reads well; seed 1,337 does not
            if isinstance(editor, QCheckBox):
                groups[group].addRow("", editor)  # the box carries its own label
            else:
                name = QLabel(label)
                name.setToolTip(tip)
                groups[group].addRow(name, editor)
            if key == "steps":
                self.epoch_hint = QLabel("")
                self.epoch_hint.setObjectName("hint")
                self.epoch_hint.setWordWrap(True)
                self.epoch_hint.setToolTip(
                    "Passes over the train split that these steps make (known once data is prepared)"
                )
                groups[group].addRow("", self.epoch_hint)
            self.editors[key] = editor
        layout.addStretch(1)
        self.train_tokens = 0
        self.task = "lm"
        self.arch = ""
        self.boxes[TRANSLATION_GROUP].setVisible(False)
        self._update_enabled()

    def _editor(self, key: str, label: str) -> QWidget:
        w = make_editor(setting_key(key), label)
        if isinstance(w, QComboBox):
            w.currentIndexChanged.connect(self._changed)
        elif isinstance(w, QCheckBox):
            w.toggled.connect(self._changed)
        else:
            if isinstance(w, QSpinBox):
                w.setGroupSeparatorShown(True)
            w.valueChanged.connect(self._changed)
        return w

    def _changed(self) -> None:
        self._update_epoch_hint()
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

    def _update_epoch_hint(self) -> None:
        v = self.values()[0]
        if self.train_tokens:
            per_step = v["batch_size"] * v["grad_accum"] * self.editors["model.block_size"].value()
            self.epoch_hint.setText(
                f"≈ {v['steps'] * per_step / self.train_tokens:.2f} epochs of {self.train_tokens:,} train tokens"
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
        self._update_enabled()
