"""The Train tab's hyperparameter form, built from one table of (setting, label, range, tooltip).

It edits ``TrainConfig`` and the two model settings training owns as well (block size, dropout);
``values()`` returns plain dicts, ``set_values()`` fills the form from a workspace config.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.config import DEVICES, PRECISIONS, SCHEDULES, ModelConfig, TrainConfig

# (group, key, label, kind, (min, max, step[, decimals]) or choices, tooltip); "model." keys edit ModelConfig
FIELDS: tuple[tuple[str, str, str, str, Any, str], ...] = (
    (
        "Batches",
        "batch_size",
        "Batch size",
        "int",
        (1, 4096, 4),
        "Sequences per micro-step. Larger batches give smoother gradients and use more memory; usual 8-128.",
    ),
    (
        "Batches",
        "model.block_size",
        "Block size",
        "int",
        (2, 8192, 16),
        "Context length in tokens the model sees while training; usual 32-1024 (the Model tab shows the same value).",
    ),
    (
        "Batches",
        "grad_accum",
        "Accumulation",
        "int",
        (1, 256, 1),
        "Micro-batches summed per optimizer step: a larger effective batch without more memory; usual 1-8.",
    ),
    (
        "Batches",
        "steps",
        "Steps",
        "int",
        (1, 10_000_000, 100),
        "Optimizer steps in all; the hint beside it converts them to epochs of the train split.",
    ),
    (
        "Optimizer",
        "lr",
        "Learning rate",
        "float",
        (1e-6, 1.0, 1e-4, 6),
        "Peak learning rate of AdamW; usual 1e-4 to 3e-3 (small models tolerate more). Can be changed while training.",
    ),
    (
        "Optimizer",
        "min_lr",
        "Minimum LR",
        "float",
        (0.0, 1.0, 1e-5, 6),
        "Floor the cosine or linear decay ends at; usual lr / 10.",
    ),
    (
        "Optimizer",
        "schedule",
        "Schedule",
        "choice",
        SCHEDULES,
        "How the learning rate evolves after warmup: cosine decay, linear decay or constant.",
    ),
    (
        "Optimizer",
        "warmup_steps",
        "Warmup steps",
        "int",
        (0, 1_000_000, 10),
        "Steps of linear warmup from 0 to the peak rate; usual 1-10% of the steps.",
    ),
    (
        "Optimizer",
        "weight_decay",
        "Weight decay",
        "float",
        (0.0, 10.0, 0.01, 3),
        "AdamW decoupled weight decay on matrices; usual 0-0.1.",
    ),
    (
        "Optimizer",
        "grad_clip",
        "Gradient clipping",
        "float",
        (0.0, 100.0, 0.1, 2),
        "Clip the global gradient norm to this (0 = off); usual 1.0.",
    ),
    (
        "Optimizer",
        "model.dropout",
        "Dropout",
        "float",
        (0.0, 0.95, 0.05, 2),
        "Probability of zeroing activations in training: regularizes larger models; usual 0-0.2.",
    ),
    (
        "Hardware",
        "precision",
        "Precision",
        "choice",
        PRECISIONS,
        "auto = bf16 on a CUDA GPU, else fp32. fp16 needs a GPU and uses loss scaling.",
    ),
    (
        "Hardware",
        "device",
        "Device",
        "choice",
        DEVICES,
        "Where to train: auto prefers CUDA, then Apple MPS, then the CPU.",
    ),
    (
        "Hardware",
        "threads",
        "CPU threads",
        "int",
        (0, 256, 1),
        "Torch threads for training on the CPU. Auto leaves one core to the window: when anything else "
        "wants a core, extra torch threads spin-wait and slow every step.",
    ),
    (
        "Evaluation",
        "eval_interval",
        "Eval interval",
        "int",
        (1, 1_000_000, 50),
        "Evaluate on both splits every N steps (and at the start and the end).",
    ),
    (
        "Evaluation",
        "eval_iters",
        "Eval batches",
        "int",
        (1, 10_000, 5),
        "Batches averaged per evaluation: more is steadier and slower; usual 10-200.",
    ),
    (
        "Evaluation",
        "patience",
        "Patience",
        "int",
        (0, 10_000, 1),
        "Early stopping: evaluations without a better validation loss before stopping (0 = off).",
    ),
    (
        "Evaluation",
        "checkpoint_interval",
        "Checkpoint every",
        "int",
        (0, 10_000_000, 100),
        "Save a checkpoint every N steps (0 = only at the end and on Stop).",
    ),
    (
        "Evaluation",
        "sample_tokens",
        "Sample tokens",
        "int",
        (0, 10_000, 20),
        "Tokens written from the fixed prompt at each evaluation (0 = none): the time-lapse.",
    ),
    (
        "Evaluation",
        "seed",
        "Seed",
        "int",
        (0, 2**31 - 1, 1),
        "Seed of initialization and batch order: the same seed repeats the same run.",
    ),
)


class TrainSettingsForm(QWidget):
    sig_changed = Signal()

    def __init__(self, auto_threads: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        groups: dict[str, QFormLayout] = {}
        for group, key, label, kind, spec, tip in FIELDS:
            if group not in groups:
                box = QGroupBox(group)
                box.setToolTip(f"{group} settings of the run; saved with the workspace")
                groups[group] = QFormLayout(box)
                layout.addWidget(box)
            editor = self._editor(kind, spec, tip)
            if key == "threads":
                editor.setSpecialValueText(f"Auto ({auto_threads})")
            if key == "seed":
                editor.setGroupSeparatorShown(False)  # 3,000 steps reads well; seed 1,337 does not
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

    def _editor(self, kind: str, spec: Any, tip: str) -> QWidget:
        if kind == "choice":
            w = QComboBox()
            w.addItems(list(spec))
            w.currentIndexChanged.connect(self._changed)
        elif kind == "int":
            w = QSpinBox()
            w.setRange(spec[0], spec[1])
            w.setSingleStep(spec[2])
            w.setGroupSeparatorShown(True)
            w.valueChanged.connect(self._changed)
        else:
            w = QDoubleSpinBox()
            w.setDecimals(spec[3])
            w.setRange(spec[0], spec[1])
            w.setSingleStep(spec[2])
            w.valueChanged.connect(self._changed)
        w.setToolTip(tip)
        return w

    def _changed(self) -> None:
        self._update_epoch_hint()
        self.sig_changed.emit()

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
            value = editor.currentText() if isinstance(editor, QComboBox) else editor.value()
            if key.startswith("model."):
                model[key[6:]] = value
            else:
                train[key] = value
        return train, model

    def set_values(self, train: TrainConfig, model: ModelConfig) -> None:
        for key, editor in self.editors.items():
            value = getattr(model, key[6:]) if key.startswith("model.") else getattr(train, key)
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findText(str(value))))
            else:
                editor.setValue(value)
            editor.blockSignals(False)
        self._update_epoch_hint()
