"""Form editors made from the settings' declarations (``core.config``): :func:`configure` gives a spin box its
range, step, decimals and the text shown for 0 ("no limit"), a combo box its choices, and every editor the
declaration's help (with default and range) as its tooltip and the declared default as its value. The
forms keep only what is theirs: labels, layout and which settings they show.
"""

from __future__ import annotations

import math
import re
from typing import Any

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox, QWidget

from ..core.config import declaration, default_of, describe
from .i18n import QT_TR_NOOP, tr

SPIN_MAX = 2**31 - 1  # a QSpinBox holds a C int: larger declared limits end here


def tooltip(key: str) -> str:
    """The declaration's help, default and range, as a sentence."""
    text = describe(key, tr)
    return text[:1].upper() + text[1:]


def editor_range(key: str) -> tuple[Any, Any]:
    """The range a number editor for ``key`` offers: the declared one (see ``Setting.editor_range``), within
    what a QSpinBox can hold for whole numbers."""
    f, s = declaration(key)
    low, high = s.editor_range()
    if str(f.type).startswith("int"):
        return max(int(low), -SPIN_MAX), min(int(high), SPIN_MAX)
    return float(low), float(high)


_DURATION_UNITS = {"h": 3600.0, "min": 60.0, "m": 60.0, "s": 1.0}
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d*)?)\s*(h|min|m|s)?\s*", re.IGNORECASE)


def duration_text(seconds: float) -> str:
    """A duration in the largest units that keep it exact to the second: "45 s", "15 min", "1 h 30 min"."""
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h} h" if h else "", f"{m} min" if m else "", f"{s} s" if s else ""]
    return " ".join(p for p in parts if p) or "0 s"


def parse_duration(text: str) -> float | None:
    """Seconds from "90", "90 s", "15 min", "1 h 30 min", "1:30:00" or "15:00" (m:ss); None if not a duration."""
    text = text.strip().lower()
    if not text:
        return None
    if ":" in text:
        fields = text.split(":")
        if len(fields) > 3 or not all(f.strip().isdigit() for f in fields):
            return None
        total = 0.0
        for f in fields:
            total = 60 * total + int(f)
        return total
    total, pos = 0.0, 0
    while pos < len(text):
        m = _DURATION_PART.match(text, pos)
        if m is None or m.end() == pos:
            return None
        total += float(m.group(1)) * _DURATION_UNITS[(m.group(2) or "s").lower()]
        pos = m.end()
    return total if math.isfinite(total) else None


class DurationSpinBox(QDoubleSpinBox):
    """Seconds shown as "15 min" or "1 h 30 min" (typed as that, as "1:30:00" or as plain seconds); the
    arrows step by the declared step (a minute)."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt)
        return duration_text(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt)
        seconds = parse_duration(text)
        return self.value() if seconds is None else seconds

    def validate(self, text: str, pos: int):  # Qt: (state, text, pos)
        if self.specialValueText() and text == self.specialValueText():
            return QValidator.State.Acceptable, text, pos
        seconds = parse_duration(text)
        ok = seconds is not None and self.minimum() <= seconds <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


def make_editor(key: str, label: str = "") -> QWidget:
    """A new editor of the right kind for ``key`` (check box, combo box, spin box), configured."""
    f, s = declaration(key)
    kind = str(f.type)
    if kind == "bool":
        widget: QWidget = QCheckBox(tr(label))
    elif s.choices is not None:
        widget = QComboBox()
    elif kind.startswith("int"):
        widget = QSpinBox()
    elif kind.startswith("float"):
        widget = DurationSpinBox() if s.unit == "s" else QDoubleSpinBox()
    elif kind == "str":
        widget = QLineEdit()
    else:
        raise TypeError(f"no form editor for {key} ({kind})")
    return configure(widget, key)


def configure(widget: QWidget, key: str, *, labels: dict[Any, str] | None = None, default: bool = True) -> QWidget:
    """Set ``widget``'s range, step, choices and tooltip from the declaration of ``key`` ("model.d_model");
    ``labels`` gives a combo box's item texts by choice, in the order shown (the item data is the choice
    itself; an empty box is filled, a filled one is left as it is). With ``default`` the editor shows the
    declared default."""
    f, s = declaration(key)
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        if isinstance(widget, QDoubleSpinBox):
            widget.setDecimals(s.decimals if s.decimals is not None else 2)
        widget.setRange(*editor_range(key))
        if s.step is not None:
            widget.setSingleStep(s.step)
        if s.zero and widget.minimum() == 0:
            widget.setSpecialValueText(tr(s.zero))
    elif isinstance(widget, QComboBox) and widget.count() == 0:
        labels = labels or {}
        allowed = ((None,) if s.null else ()) + tuple(s.choices or ())
        choices = [c for c in labels if c in allowed] + [c for c in allowed if c not in labels]  # labels' order
        for choice in choices:
            widget.addItem(labels.get(choice, tr(s.null) if choice is None else str(choice)), choice)
    widget.setToolTip(tooltip(key))
    if default:
        set_value(widget, default_of(f))
    return widget


def set_value(widget: QWidget, value: Any) -> None:
    """Show ``value`` in ``widget`` without emitting its change signals."""
    blocked = widget.blockSignals(True)
    try:
        if isinstance(widget, QComboBox):
            index = widget.findData(value)
            widget.setCurrentIndex(max(0, index if index >= 0 else widget.findText(str(value))))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, QLineEdit):
            widget.setText(escape_text(str(value)))
        else:
            widget.setValue(value)
    finally:
        widget.blockSignals(blocked)


def value_of(widget: QWidget) -> Any:
    """The value ``widget`` shows, as the setting holds it."""
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QLineEdit):
        return unescape_text(widget.text())
    return widget.value()


def escape_text(text: str) -> str:
    """A text setting in a one-line editor: a newline shows as \\n, a backslash as \\\\ (the prompts are often
    "\\n")."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def unescape_text(text: str) -> str:
    """The inverse of :func:`escape_text`: \\n, \\t and \\\\ typed in a one-line editor."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "nt\\":
            out.append({"n": "\n", "t": "\t", "\\": "\\"}[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


# What each form shows, in order, with its label. The labels also name the settings in messages
# (gui.messages), so they live here, below the tabs that lay them out.
# Labels and group names are marked with QT_TR_NOOP (defined at import): show them through tr(); keep the
# English ones as keys.

# (key, label, Transformer only) of the Model tab
MODEL_FIELDS = (
    ("n_layer", QT_TR_NOOP("Layers"), False),
    ("d_model", QT_TR_NOOP("Width"), False),
    ("n_head", QT_TR_NOOP("Heads"), True),
    ("mlp_ratio", QT_TR_NOOP("MLP ratio"), True),
    ("block_size", QT_TR_NOOP("Block size"), False),
    ("dropout", QT_TR_NOOP("Dropout"), False),
    ("positions", QT_TR_NOOP("Positions"), True),
    ("mlp_activation", QT_TR_NOOP("MLP activation"), True),
    ("qk_norm", QT_TR_NOOP("QK-norm"), True),
    ("tie_weights", QT_TR_NOOP("Tie embedding and output"), False),
    ("bias", QT_TR_NOOP("Biases"), False),
)

# (group, key, label): "model." keys edit ModelConfig, the others TrainConfig; each editor's kind, range,
# step, choices, tooltip and default come from the setting's declaration (core.config, gui.forms)
TRAIN_FIELDS: tuple[tuple[str, str, str], ...] = (
    (QT_TR_NOOP("Batches"), "batch_size", QT_TR_NOOP("Batch size")),
    (QT_TR_NOOP("Batches"), "model.block_size", QT_TR_NOOP("Block size")),
    (QT_TR_NOOP("Batches"), "grad_accum", QT_TR_NOOP("Accumulation")),
    (QT_TR_NOOP("Batches"), "steps", QT_TR_NOOP("Steps")),
    (QT_TR_NOOP("Batches"), "max_time", QT_TR_NOOP("Time budget")),
    (QT_TR_NOOP("Optimizer"), "optimizer", QT_TR_NOOP("Optimizer")),
    (QT_TR_NOOP("Optimizer"), "lr", QT_TR_NOOP("Learning rate")),
    (QT_TR_NOOP("Optimizer"), "min_lr", QT_TR_NOOP("Minimum LR")),
    (QT_TR_NOOP("Optimizer"), "schedule", QT_TR_NOOP("Schedule")),
    (QT_TR_NOOP("Optimizer"), "warmdown", QT_TR_NOOP("Warm-down share")),
    (QT_TR_NOOP("Optimizer"), "warmup_steps", QT_TR_NOOP("Warmup steps")),
    (QT_TR_NOOP("Optimizer"), "weight_decay", QT_TR_NOOP("Weight decay")),
    (QT_TR_NOOP("Optimizer"), "muon_momentum", QT_TR_NOOP("Muon momentum")),
    (QT_TR_NOOP("Optimizer"), "grad_clip", QT_TR_NOOP("Gradient clipping")),
    (QT_TR_NOOP("Optimizer"), "model.dropout", QT_TR_NOOP("Dropout")),
    (QT_TR_NOOP("Hardware"), "precision", QT_TR_NOOP("Precision")),
    (QT_TR_NOOP("Hardware"), "device", QT_TR_NOOP("Device")),
    (QT_TR_NOOP("Hardware"), "threads", QT_TR_NOOP("CPU threads")),
    (QT_TR_NOOP("Hardware"), "processes", QT_TR_NOOP("Processes")),
    (QT_TR_NOOP("Hardware"), "compile", QT_TR_NOOP("Compile")),
    (QT_TR_NOOP("Evaluation"), "eval_interval", QT_TR_NOOP("Eval interval")),
    (QT_TR_NOOP("Evaluation"), "eval_iters", QT_TR_NOOP("Eval batches")),
    (QT_TR_NOOP("Evaluation"), "patience", QT_TR_NOOP("Patience")),
    (QT_TR_NOOP("Evaluation"), "checkpoint_interval", QT_TR_NOOP("Checkpoint every")),
    (QT_TR_NOOP("Evaluation"), "sample_tokens", QT_TR_NOOP("Sample tokens")),
    (QT_TR_NOOP("Evaluation"), "probe_text", QT_TR_NOOP("Probe passage")),
    (QT_TR_NOOP("Evaluation"), "probe_prompt", QT_TR_NOOP("Probe prompt")),
    (QT_TR_NOOP("Evaluation"), "seed", QT_TR_NOOP("Seed")),
    (QT_TR_NOOP("Evaluation"), "tensorboard", QT_TR_NOOP("TensorBoard files")),
    (QT_TR_NOOP("Translation"), "teacher_forcing", QT_TR_NOOP("Teacher forcing")),
    (QT_TR_NOOP("Translation"), "bleu_pairs", QT_TR_NOOP("BLEU pairs")),
)
