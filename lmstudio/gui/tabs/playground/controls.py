"""The Playground's controls: which run and checkpoint to load, and the decoding settings."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ....core.config import SampleConfig
from ...forms import configure
from ...i18n import QT_TR_NOOP, tr
from ...widgets.common import ElidedLabel

DECODING = (
    ("sample", QT_TR_NOOP("Sampling"), QT_TR_NOOP("Draw each token at random from the (filtered) distribution")),
    ("greedy", QT_TR_NOOP("Greedy"), QT_TR_NOOP("Always take the most likely token (temperature 0)")),
    (
        "beam",
        QT_TR_NOOP("Beam search"),
        QT_TR_NOOP("Keep the best few partial texts by total log-probability; shows each beam as a branch"),
    ),
)


class SourceBar(QWidget):
    """Run folder and checkpoint; emits ``sig_load(run_dir, checkpoint)``."""

    sig_load = Signal(str, str)
    sig_use_current = Signal()
    sig_browse = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run_label = ElidedLabel(
            tr("No run loaded"), mode=Qt.TextElideMode.ElideMiddle, min_chars=12
        )  # long paths elide
        self.run_label.setToolTip(tr("The run folder the Playground uses"))
        self.current_button = QPushButton(tr("Use current run"))
        self.current_button.setToolTip(tr("Load the run the Train tab trained last"))
        self.current_button.clicked.connect(self.sig_use_current)
        self.browse_button = QPushButton(tr("Open run folder…"))
        self.browse_button.setToolTip(
            tr(
                "Load any run folder written by the Train tab or `lmstudio train --out`, or a local Hugging Face "
                "GPT-2 folder (config.json, safetensors weights, tokenizer files)"
            )
        )
        self.browse_button.clicked.connect(self.sig_browse)
        self.checkpoint = QComboBox()
        self.checkpoint.setToolTip(
            tr("Which weights to use: the best validation loss, the last step, or an earlier step")
        )
        self.checkpoint.setMinimumContentsLength(22)
        self.checkpoint.activated.connect(self._on_checkpoint)
        self.info = ElidedLabel("")
        self.info.setObjectName("hint")
        self.info.setToolTip(tr("Architecture, size and checkpoint of the loaded model"))
        self.run_dir = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.run_label, self.current_button, self.browse_button, QLabel(tr("Checkpoint")), self.checkpoint):
            if isinstance(w, QLabel) and not w.toolTip():
                w.setToolTip(self.checkpoint.toolTip())
            layout.addWidget(w)
        layout.addWidget(self.info, 2)
        layout.setStretchFactor(self.run_label, 1)

    def set_checkpoints(self, run_dir: str, checkpoints: list[tuple[str, int, float | None]], current: str) -> None:
        self.run_dir = run_dir
        self.run_label.setText(tr("Run: {folder}").format(folder=run_dir))
        self.checkpoint.blockSignals(True)
        self.checkpoint.clear()
        self.checkpoint.addItem(tr("best"), "best")
        self.checkpoint.addItem(tr("last"), "last")
        for name, step, val_loss in checkpoints:
            if name == "best":
                continue
            if val_loss is not None:
                label = tr("step {step}, val loss {loss}").format(step=step, loss=f"{val_loss:.3f}")
            else:
                label = tr("step {step}").format(step=step)
            self.checkpoint.addItem(label, name)
        from ....core.compress.pipeline import list_compressed  # torch is loaded: a run was just loaded

        for name, recipe in list_compressed(run_dir).items():  # `lmstudio compress` / the Compress tab's
            self.checkpoint.addItem(tr("{name} (compressed: {kind})").format(name=name, kind=recipe["kind"]), name)
        index = self.checkpoint.findData(current)
        self.checkpoint.setCurrentIndex(max(0, index))
        self.checkpoint.blockSignals(False)

    def checkpoint_names(self) -> list[str]:
        return [self.checkpoint.itemData(i) for i in range(self.checkpoint.count())]

    def _on_checkpoint(self, _index: int) -> None:
        if self.run_dir:
            self.sig_load.emit(self.run_dir, self.checkpoint.currentData())


class DecodingForm(QWidget):
    """Decoding mode and sampling settings, read back as a :class:`SampleConfig`."""

    sig_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = QComboBox()
        for key, name, tip in DECODING:
            self.mode.addItem(tr(name), key)
            self.mode.setItemData(self.mode.count() - 1, tr(tip), Qt.ItemDataRole.ToolTipRole)
        self.mode.setToolTip(tr("How the next token is chosen: sampling, greedy (most likely) or beam search"))
        # ranges, steps, defaults and tooltips from the settings' declarations (core.config, gui.forms)
        self.temperature = self._editor(QDoubleSpinBox(), "sample.temperature")
        self.top_k = self._editor(QSpinBox(), "sample.top_k")
        self.top_p = self._editor(QDoubleSpinBox(), "sample.top_p")
        self.repetition = self._editor(QDoubleSpinBox(), "sample.repetition_penalty")
        self.max_new = self._editor(QSpinBox(), "sample.max_new_tokens")
        self.seed = self._editor(QSpinBox(), "sample.seed", default=False)  # None (random) is the box below
        self.seed.setValue(1337)
        self.fixed_seed = QCheckBox(tr("fixed"))
        self.fixed_seed.setChecked(True)
        self.fixed_seed.setToolTip(tr("Use the seed (repeatable); unchecked: a new random seed each time"))
        self.fixed_seed.toggled.connect(self.seed.setEnabled)
        self.stop = QLineEdit()
        self.stop.setPlaceholderText(tr("e.g. \\n\\n"))
        self.stop.setToolTip(tr("Stop when the generated text contains this (\\n for a newline); empty = no stop text"))
        self.beam_width = self._int(1, 32, 4, tr("Beam search: how many partial texts are kept"))
        self.alternatives = self._editor(QSpinBox(), "sample.alternatives")
        self.alpha = QDoubleSpinBox()
        self.alpha.setRange(0.0, 2.0)
        self.alpha.setSingleStep(0.1)
        self.alpha.setValue(0.6)
        self.alpha.setToolTip(
            tr(
                "Translation beam search: beams are ranked by log P / ((5 + length) / 6)^α (GNMT's length penalty); "
                "0 ranks by raw log P, which favours short outputs"
            )
        )
        self.alpha.valueChanged.connect(self.sig_changed)
        for w in (self.mode, self.stop, self.fixed_seed):
            signal = getattr(w, "currentIndexChanged", None) or getattr(w, "textChanged", None) or w.toggled
            signal.connect(self.sig_changed)
        self.mode.currentIndexChanged.connect(self._update_enabled)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.fixed_seed)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(tr("Decoding"), self.mode)
        form.addRow(tr("Temperature"), self.temperature)
        form.addRow(tr("Top-k"), self.top_k)
        form.addRow(tr("Top-p"), self.top_p)
        form.addRow(tr("Repetition penalty"), self.repetition)
        form.addRow(tr("Max new tokens"), self.max_new)
        form.addRow(tr("Seed"), seed_row)
        form.addRow(tr("Stop text"), self.stop)
        form.addRow(tr("Beam width"), self.beam_width)
        form.addRow(tr("Length penalty α"), self.alpha)
        form.addRow(tr("Alternatives"), self.alternatives)
        self.form = form
        self._stop_tip = self.stop.toolTip()
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label and label.widget() and field and field.widget():
                label.widget().setToolTip(field.widget().toolTip())
        self.translation = False
        form.setRowVisible(self.alpha, False)
        self._update_enabled()

    def set_translation(self, translation: bool) -> None:
        """A translation run: the length penalty shows; the stop text does not apply (a translation ends at
        <eos>). Back to a language model: as before."""
        self.translation = translation
        self.form.setRowVisible(self.alpha, translation)
        self.stop.setToolTip(
            tr("Not used for translation: a translation ends when the model writes <eos>")
            if translation
            else self._stop_tip
        )
        self.form.labelForField(self.stop).setToolTip(self.stop.toolTip())
        self._update_enabled()

    def _int(self, lo: int, hi: int, value: int, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(lo, hi)
        box.setValue(value)
        box.setToolTip(tip)
        box.valueChanged.connect(self.sig_changed)
        return box

    def _editor(self, box: QSpinBox | QDoubleSpinBox, key: str, default: bool = True) -> QSpinBox | QDoubleSpinBox:
        configure(box, key, default=default)
        box.valueChanged.connect(self.sig_changed)
        return box

    def _update_enabled(self) -> None:
        mode = self.decoding()
        for w in (self.temperature, self.top_k, self.top_p, self.repetition):
            w.setEnabled(mode == "sample")
        self.beam_width.setEnabled(mode == "beam")
        self.alpha.setEnabled(mode == "beam")
        self.stop.setEnabled(not self.translation)

    def decoding(self) -> str:
        return self.mode.currentData()

    def set_decoding(self, key: str) -> None:
        self.mode.setCurrentIndex(self.mode.findData(key))

    def stop_text(self) -> str:
        return self.stop.text().replace("\\n", "\n").replace("\\t", "\t")

    def sample_config(self, temperature: float | None = None) -> SampleConfig:
        """The settings; greedy sets temperature 0. ``temperature`` overrides the box (step mode)."""
        greedy = self.decoding() == "greedy"
        return SampleConfig(
            max_new_tokens=self.max_new.value(),
            temperature=0.0 if greedy else (self.temperature.value() if temperature is None else temperature),
            top_k=0 if greedy else self.top_k.value(),
            top_p=1.0 if greedy else self.top_p.value(),
            repetition_penalty=1.0 if greedy else self.repetition.value(),
            seed=self.seed.value() if self.fixed_seed.isChecked() else None,
            stop=self.stop_text(),
            alternatives=self.alternatives.value(),
        )
