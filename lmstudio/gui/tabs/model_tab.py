"""The Model tab: pick an architecture and a preset, adjust every hyperparameter, and see live what it
costs (parameters, training memory, FLOPs per token), how it is built (a block diagram), and on request
how long one training step takes on the chosen device. Invalid settings are marked and block training
(``Session.model_issues``).

With the Data tab's task set to translate (``data.task``), the same architectures are the encoder-decoders of
their family (core.models.seq2seq_*): the tab shows their own settings (attention, bidirectional encoder,
shared embeddings; teacher forcing is a training setting, on the Train tab), their costs, and their diagram.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..dialogs import show_error
from ..forms import MODEL_FIELDS, configure, make_editor, set_value, value_of
from ..forms import tooltip as form_tooltip
from ..i18n import QT_TR_NOOP, tr
from ..model_checks import (
    ModelCheck,
    check_model,
    estimate_split_tokens,
    estimate_vocab,
    human_bytes,
    human_number,
    measure_step_time,
)
from ..session import Session
from ..theme import is_dark
from ..widgets.common import SidePanelScroll
from ..widgets.model_diagram import ModelDiagram
from ..workers import WorkerHandle, start_worker

PRESET_NAMES = ("tiny", "small", "medium", "large")  # core.models.presets (imported lazily: it loads torch)
ARCHS = (
    (
        "transformer",
        "Transformer",
        QT_TR_NOOP("Self-attention over the whole block (GPT-style decoder): the strongest, parallel over tokens"),
    ),
    (
        "lstm",
        "LSTM",
        QT_TR_NOOP("Long short-term memory: gated recurrent network that keeps information over long spans"),
    ),
    ("gru", "GRU", QT_TR_NOOP("Gated recurrent unit: a lighter LSTM with two gates instead of three")),
    ("rnn", "RNN", QT_TR_NOOP("Plain (Elman, tanh) recurrent network: the simplest baseline; forgets quickly")),
)
SEQ2SEQ_ARCH_TIPS = {
    "transformer": QT_TR_NOOP(
        "Encoder-decoder Transformer (Vaswani et al. 2017): the encoder's self-attention over the whole "
        "source; each decoder block's masked self-attention, then cross-attention to the encoder's memory"
    ),
    "lstm": QT_TR_NOOP(
        "LSTM encoder and LSTM decoder: the encoder's final states start the decoder; attention (below) lets "
        "the decoder look back at every source token"
    ),
    "gru": QT_TR_NOOP(
        "GRU encoder and GRU decoder: a lighter LSTM; the encoder's final states start the decoder, attention "
        "(below) lets it look back at every source token"
    ),
    "rnn": QT_TR_NOOP(
        "Plain (tanh) recurrent encoder and decoder: the simplest baseline; forgets long sources quickly"
    ),
}
PRESET_LABELS = {
    "tiny": QT_TR_NOOP("Tiny"),
    "small": QT_TR_NOOP("Small"),
    "medium": QT_TR_NOOP("Medium"),
    "large": QT_TR_NOOP("Large"),
}
PRESET_TIPS = {
    "tiny": QT_TR_NOOP("Set the shape to the 'tiny' preset of this architecture (trains in seconds on a CPU)"),
    "small": QT_TR_NOOP("Set the shape to the 'small' preset of this architecture (minutes on a CPU)"),
    "medium": QT_TR_NOOP(
        "Set the shape to the 'medium' preset of this architecture (wants a GPU: about 11-17 M parameters)"
    ),
    "large": QT_TR_NOOP(
        "Set the shape to the 'large' preset of this architecture "
        "(one consumer GPU: about 38-46 M parameters, 2-3 GB to train in bf16)"
    ),
}
# what the Model tab says of estimate_vocab's source (model_checks) when the task is translate
TRANSLATE_VOCAB_SOURCES = {
    "from the trained vocabulary": QT_TR_NOOP("the size of the Vocabulary tab's trained vocabulary"),
    "estimated: distinct characters of the corpus": QT_TR_NOOP("distinct characters of the corpus"),
    "estimated (no corpus statistics yet)": QT_TR_NOOP("no corpus statistics yet"),
    "estimated: the tokenizer's target size": QT_TR_NOOP("the tokenizer's target size"),
}
# key, label, Transformer only: range, choices, tooltip and default come from the declarations (core.config)
FIELDS = MODEL_FIELDS
# the encoder-decoder's own settings (data.task translate), and when each applies: "recurrent" (rnn, gru,
# lstm), "joint" (one tokenizer for both sides: tokenizer.shared); tooltips from the declarations
SEQ2SEQ_FIELDS = (
    ("attention", QT_TR_NOOP("Attention"), "recurrent"),
    ("bidirectional", QT_TR_NOOP("Bidirectional encoder"), "recurrent"),
    ("shared_embeddings", QT_TR_NOOP("Share source and target embeddings"), "joint"),
)
STATS = (
    (
        "vocab",
        QT_TR_NOOP("Vocabulary"),
        QT_TR_NOOP("Tokens the model predicts over; from the trained vocabulary, or estimated until one is trained"),
    ),
    ("parameters", QT_TR_NOOP("Parameters"), QT_TR_NOOP("Trainable weights (a tied embedding counts once)")),
    (
        "memory_weights",
        QT_TR_NOOP("Weights"),
        QT_TR_NOOP("Memory of the weights in fp32 (the master copy, in every precision)"),
    ),
    ("memory_gradients", QT_TR_NOOP("Gradients"), QT_TR_NOOP("Memory of the gradients: one per weight")),
    ("memory_optimizer", QT_TR_NOOP("Optimizer state"), QT_TR_NOOP("AdamW keeps two moments per weight")),
    (
        "memory_half_weights",
        QT_TR_NOOP("Half-precision copies"),
        QT_TR_NOOP(
            "Under bf16/fp16 autocast (the Train tab's precision), a 2-byte copy of each weight for the step; "
            "none in fp32"
        ),
    ),
    (
        "memory_activations_approx",
        QT_TR_NOOP("Activations (approx.)"),
        QT_TR_NOOP(
            "Values kept for the backward pass at the Train tab's batch size: 2 bytes each under bf16/fp16 autocast, "
            "else 4 (the logits stay fp32)"
        ),
    ),
    (
        "memory_total",
        QT_TR_NOOP("Training memory"),
        QT_TR_NOOP("Weights + gradients + optimizer state + half-precision copies + activations"),
    ),
    (
        "memory_fit",
        QT_TR_NOOP("Fits the device"),
        QT_TR_NOOP(
            "Training memory against the memory of the Train tab's device (GPU memory, else system RAM), planning "
            "on at most 80% of it; an estimate: allocator overhead and workspaces are not counted"
        ),
    ),
    (
        "flops_per_token",
        QT_TR_NOOP("FLOPs per token"),
        QT_TR_NOOP("Training FLOPs (forward + backward) per token: 6 × parameters, plus attention"),
    ),
    (
        "step_time",
        QT_TR_NOOP("Measured step"),
        QT_TR_NOOP(
            "Time of one full training step (forward, backward, AdamW) on the device, at the Train tab's batch size"
        ),
    ),
)
MEASURE_TIP = QT_TR_NOOP(
    "Build the model and time a few real training steps on the Train tab's device and batch size, with the "
    "CPU threads this window runs with (dropout left out: its random masks would disturb a running training)"
)
# the tooltips that say something else for an encoder-decoder
SEQ2SEQ_STAT_TIPS = {
    "vocab": QT_TR_NOOP(
        "Tokens the decoder predicts over, and (one joint tokenizer) the encoder reads; an estimate here: "
        "the vocabularies are built when the pairs are prepared for training"
    ),
    "parameters": QT_TR_NOOP(
        "Trainable weights of the encoder and the decoder (a shared or tied embedding counts once)"
    ),
    "memory_activations_approx": QT_TR_NOOP(
        "Values kept for the backward pass at the Train tab's batch size, with source "
        "and target each block size tokens long (an upper bound: batches are padded to their longest pair): 2 bytes "
        "each under bf16/fp16 autocast, else 4 (the logits stay fp32)"
    ),
    "flops_per_token": QT_TR_NOOP(
        "Training FLOPs (forward + backward) per target token: 6 × parameters (the encoder's "
        "share counted as if the source were as long as the target), plus attention over a block-size source"
    ),
    "step_time": QT_TR_NOOP(
        "Time five training steps (forward, backward, AdamW) of this encoder-decoder on random sources and "
        "targets of block size tokens each at the Train tab's batch size, on the device it would train on (runs in "
        "the background); tokens per second count target tokens"
    ),
}


class ModelTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.check: ModelCheck | None = None
        self.costs: dict[str, int] = {}
        self._costs_stale = True  # costs build a model on the meta device: torch loads on first show
        self._job: WorkerHandle | None = None
        self._loading = False
        self.measured: dict | None = None
        self._measured_for: tuple | None = None  # (model config, batch size) the step time shown was measured for

        self.arch = configure(QComboBox(), "model.arch", labels={key: name for key, name, _ in ARCHS})
        for key, _, tip in ARCHS:
            self.arch.setItemData(self.arch.findData(key), tr(tip), 3)  # ToolTipRole
        presets = QHBoxLayout()
        self.preset_buttons = {}
        for name in PRESET_NAMES:
            b = QPushButton(tr(PRESET_LABELS[name]))
            b.setToolTip(tr(PRESET_TIPS[name]))
            b.clicked.connect(lambda _=False, n=name: self.apply_preset(n))
            presets.addWidget(b)
            self.preset_buttons[name] = b
        form_box = QGroupBox(tr("Architecture"))
        form_box.setToolTip(tr("Shape of the network; every field has a tooltip with its usual range"))
        form = QFormLayout(form_box)
        form.addRow(tr("Architecture"), self.arch)
        form.addRow(tr("Preset"), presets)
        self.editors: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        for key, label, _ in FIELDS:
            editor = self._editor(key, label)
            name = QLabel("" if isinstance(editor, QCheckBox) else tr(label))
            name.setToolTip(editor.toolTip())
            form.addRow(name, editor)
            self.editors[key], self.labels[key] = editor, name
        self.seq2seq_box = QGroupBox(tr("Encoder-decoder"))
        self.seq2seq_box.setToolTip(
            tr(
                "The Data tab's task is translate: the architecture above is an encoder (reads the source) and a "
                "decoder (writes the target), both of this shape. Teacher forcing is on the Train tab"
            )
        )
        seq2seq_form = QFormLayout(self.seq2seq_box)
        for key, label, _ in SEQ2SEQ_FIELDS:
            editor = self._editor(key, label)
            name = QLabel("" if isinstance(editor, QCheckBox) else tr(label))
            name.setToolTip(editor.toolTip())
            seq2seq_form.addRow(name, editor)
            self.editors[key], self.labels[key] = editor, name
        self.issues = QLabel()
        self.issues.setObjectName("banner")
        self.issues.setWordWrap(True)
        self.issues.setToolTip(tr("Settings that cannot be trained: training stays disabled until they are fixed"))
        self.issues.hide()
        form.addRow(self.issues)

        stats_box = QGroupBox(tr("Cost"))
        stats_box.setToolTip(tr("What these settings cost, recomputed as you type"))
        grid = QGridLayout(stats_box)
        self.stat_labels: dict[str, QLabel] = {}
        self.stat_names: dict[str, QLabel] = {}
        for row, (key, name, tip) in enumerate(STATS):
            n, v = QLabel(tr(name)), QLabel("–")
            n.setToolTip(tr(tip))
            v.setToolTip(tr(tip))
            v.setWordWrap(True)  # "58  (estimated: …)" wraps instead of widening the window
            if key in ("parameters", "memory_total"):
                v.setObjectName("bignumber")
            grid.addWidget(n, row, 0)
            grid.addWidget(v, row, 1)
            self.stat_labels[key], self.stat_names[key] = v, n
        self.measure_button = QPushButton(tr("Measure step time"))
        self.measure_button.setToolTip(tr(MEASURE_TIP))
        self.measure_button.clicked.connect(self.measure)
        grid.addWidget(self.measure_button, len(STATS), 0, 1, 2)

        left_panel = QWidget()
        left = QVBoxLayout(left_panel)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(form_box)
        left.addWidget(self.seq2seq_box)
        left.addWidget(stats_box)
        left.addStretch(1)
        self.diagram = ModelDiagram()
        layout = QHBoxLayout(self)
        layout.addWidget(SidePanelScroll(left_panel), 2)  # scrolls on a short screen instead of growing the window
        layout.addWidget(self.diagram, 3)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self.update_model)
        self.arch.currentIndexChanged.connect(self._on_arch_changed)
        for sig in (
            session.sig_corpus_changed,  # the task (data.task) is a reading option of the corpus
            session.sig_model_config_changed,
            session.sig_tokenizer_changed,
            session.sig_stats_changed,
            session.sig_split_changed,
            session.sig_tokenizer_config_changed,
        ):
            sig.connect(self._on_session_changed)
        session.sig_train_config_changed.connect(self._timer.start)
        self.load_from_session()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt)
        super().showEvent(event)
        if self._costs_stale:
            self._timer.start()

    def _editor(self, key: str, label: str) -> QWidget:
        w = make_editor(f"model.{key}", tr(label))
        if isinstance(w, QComboBox):
            w.currentIndexChanged.connect(self._on_edit)
        elif isinstance(w, QCheckBox):
            w.toggled.connect(self._on_edit)
        else:
            w.valueChanged.connect(self._on_edit)
        return w

    # session <-> fields ----------------------------------------------------------------------------
    def load_from_session(self) -> None:
        cfg = self.session.model_config
        self._loading = True
        self.arch.setCurrentIndex(max(0, self.arch.findData(cfg.arch)))
        for key, editor in self.editors.items():
            self._set_editor(editor, getattr(cfg, key))
        self._loading = False
        self._update_visibility()
        self.update_model()

    @staticmethod
    def _set_editor(editor: QWidget, value: Any) -> None:
        set_value(editor, value)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {"arch": self.arch.currentData()}
        for key, editor in self.editors.items():
            out[key] = value_of(editor)
        return out

    def is_translate(self) -> bool:
        """The session's task is source → target: the tab shows the encoder-decoder of the chosen family."""
        return self.session.data_config.task == "translate"

    def _on_session_changed(self) -> None:
        if self._loading:
            return
        self._update_visibility()  # the task or the tokenizer's sharing may have changed
        cfg = self.session.model_config
        fields_now = self.values()
        if self._timer.isActive():  # an edit not yet checked: it wins over what the session holds
            return
        if any(fields_now[k] != getattr(cfg, k) for k in fields_now) and (self.check is None or self.check.valid):
            self.load_from_session()  # changed elsewhere (workspace opened, Train tab's block size)
        else:
            self._timer.start()

    def _on_arch_changed(self) -> None:
        self._update_visibility()
        self._on_edit()

    def _update_visibility(self) -> None:
        transformer = self.arch.currentData() == "transformer"
        translate = self.is_translate()
        for key, _, only_transformer in FIELDS:
            if only_transformer:
                self.editors[key].setVisible(transformer)
                self.labels[key].setVisible(transformer)
        applies = {"recurrent": not transformer, "joint": self.session.tokenizer_config.shared}
        for key, _, when in SEQ2SEQ_FIELDS:
            self.editors[key].setVisible(applies[when])
            self.labels[key].setVisible(applies[when])
        self.seq2seq_box.setVisible(translate and any(applies[when] for _, _, when in SEQ2SEQ_FIELDS))
        for key, _, tip in ARCHS:
            self.arch.setItemData(self.arch.findData(key), tr(SEQ2SEQ_ARCH_TIPS[key] if translate else tip), 3)
        current = self.arch.currentData()
        extra = ""
        if translate and current in SEQ2SEQ_ARCH_TIPS:
            extra = "\n\n" + tr("Translation: {tip}").format(tip=tr(SEQ2SEQ_ARCH_TIPS[current]))
        self.arch.setToolTip(form_tooltip("model.arch") + extra)  # the declaration's, as every editor's
        for key, _, tip in STATS:
            text = tr(SEQ2SEQ_STAT_TIPS.get(key, tip) if translate else tip)
            self.stat_labels[key].setToolTip(text)
            self.stat_names[key].setToolTip(text)
        self.measure_button.setToolTip(tr(SEQ2SEQ_STAT_TIPS["step_time"] if translate else MEASURE_TIP))

    def _on_edit(self) -> None:
        if not self._loading:
            self._timer.start()

    def apply_preset(self, name: str) -> None:
        from ...core.models.presets import PRESETS

        values = PRESETS[self.arch.currentData()][name]
        self._loading = True
        for key, value in values.items():
            self._set_editor(self.editors[key], value)
        self._loading = False
        self.update_model()

    # checks and costs -------------------------------------------------------------------------------
    def update_model(self) -> None:
        self._timer.stop()  # checked now: no edit is pending any more (see _on_session_changed)
        s = self.session
        tok = s.tokenizer if not s.tokenizer_is_stale() else None
        vocab, source = estimate_vocab(
            getattr(tok, "vocab_size", None),
            s.tokenizer_config.kind,
            s.tokenizer_config.vocab_size,
            getattr(s.stats, "unique_chars", None),
        )
        cpt = (s.tokenizer_report or {}).get("chars_per_token") if tok is not None else None
        val_tokens = estimate_split_tokens(
            getattr(s.stats, "chars", None), s.data_config.split_fractions[1], cpt, s.tokenizer_config.kind
        )
        translate = self.is_translate()
        if translate:
            val_tokens = None  # the block bounds each pair's sides, not a window cut from the split
        values = self.values()
        if translate and not s.tokenizer_config.shared:
            values["source_vocab_size"] = vocab  # one tokenizer per side: the source's taken as large as the target's
        self.check = check_model(values, vocab, val_tokens)
        if self._measured_for is not None and self._measured_for != self._measure_key():
            self._measured_for, self.measured = None, None  # measured for another model: it says nothing of this one
            self.stat_labels["step_time"].setText("–")
        self._show_issues()
        self.diagram.set_config(self.check.config, encoder_decoder=translate)
        if translate:
            sides = (
                tr("one joint vocabulary") if s.tokenizer_config.shared else tr("taken for each side's own vocabulary")
            )
            # source is estimate_vocab's English text; the pairs get their own tokenizers when prepared
            why = tr(TRANSLATE_VOCAB_SOURCES.get(source, source))
            shown = tr("estimate for translation: {why}; {sides}").format(why=why, sides=sides)
        else:
            shown = tr(source)
        self.stat_labels["vocab"].setText(f"{vocab:,}  ({shown})")
        if self.check.config is not None and not self.isVisible():
            self._costs_stale = True
        elif self.check.config is not None:
            from ..model_checks import model_costs, training_target

            self._costs_stale = False
            train = s.config.train
            costs = model_costs(
                self.check.config, train.batch_size, training_target(train.device, train.precision), translate
            )
            self.stat_labels["parameters"].setText(f"{costs['parameters']:,}  ({human_number(costs['parameters'])})")
            for key in (
                "memory_weights",
                "memory_gradients",
                "memory_optimizer",
                "memory_activations_approx",
                "memory_total",
            ):
                self.stat_labels[key].setText(human_bytes(costs[key]))
            half = costs["memory_half_weights"]
            self.stat_labels["memory_half_weights"].setText(human_bytes(half) if half else tr("none (fp32)"))
            fit = self.stat_labels["memory_fit"]
            fit.setText(costs["fit_text"] or tr("unknown (the device's memory cannot be read)"))
            fit.setProperty("fits", costs["fits"])
            palette = QPalette()  # no roles set: the application's colours
            if costs["fits"] is False:
                palette.setColor(
                    QPalette.ColorRole.WindowText, QColor("#ff8a80") if is_dark(self.palette()) else QColor("#b3261e")
                )
            fit.setPalette(palette)
            self.stat_labels["flops_per_token"].setText(human_number(costs["flops_per_token"]))
            self.costs = costs
            if self.check.valid:
                self._loading = True
                s.set_model_config(self.check.config)
                self._loading = False
        else:
            for key in (
                "parameters",
                "memory_weights",
                "memory_gradients",
                "memory_optimizer",
                "memory_half_weights",
                "memory_activations_approx",
                "memory_total",
                "memory_fit",
                "flops_per_token",
            ):
                self.stat_labels[key].setText("–")
        self.measure_button.setEnabled(self.check.config is not None and (self._job is None or self._job.finished))
        s.set_model_issues(self.check.issues)

    def _show_issues(self) -> None:
        issues = self.check.issues if self.check else []
        self.issues.setVisible(bool(issues))
        self.issues.setText("\n".join(issues))
        bad = set(self.check.bad_fields) if self.check else set()
        for text in issues:  # the config's own messages (English words of the core, with the form's labels)
            if "divisible" in text or "head size" in text:
                bad |= {"d_model", "n_head"}
            if "Block size" in text or tr("Block size") in text:
                bad.add("block_size")
        tint = QColor("#6b2420") if is_dark(self.palette()) else QColor("#f8c9c6")
        for key, editor in self.editors.items():
            # a tinted field keeps Fusion's frame and arrows (a style-sheet border lost the arrows in the dark theme)
            palette = QPalette()  # no roles set: everything else follows the application palette
            if key in bad:
                palette.setColor(QPalette.ColorRole.Base, tint)
                palette.setColor(QPalette.ColorRole.Button, tint)
            editor.setPalette(palette)
            editor.setProperty("invalid", key in bad)

    # measured step time ------------------------------------------------------------------------------
    def measure(self) -> None:
        if self._timer.isActive():  # edits not yet checked: measure the model the fields show, not the one before
            self._timer.stop()
            self.update_model()
        if self.check is None or self.check.config is None or (self._job is not None and not self._job.finished):
            return
        self.measure_button.setEnabled(False)
        self.stat_labels["step_time"].setText(tr("measuring…"))
        key = self._measured_for = self._measure_key()
        self._job = start_worker(
            "measure-step",
            measure_step_time,
            self.check.config,
            self.session.config.train,
            encoder_decoder=self.is_translate(),
        )
        self._job.sig_result.connect(lambda result: self._on_measured(result) if key == self._measured_for else None)
        self._job.sig_error.connect(self._on_measure_error)
        self._job.sig_finished.connect(
            lambda: self.measure_button.setEnabled(self.check is not None and self.check.config is not None)
        )

    def _measure_key(self) -> tuple | None:
        config = self.check.config if self.check is not None else None
        if config is None:
            return None
        return (repr(config), self.session.config.train.batch_size, self.is_translate())

    def _on_measured(self, result: dict) -> None:
        text = (
            tr("{ms} ms ({tokens} tokens/s, {device}, without dropout)")
            if result.get("without_dropout")
            else tr("{ms} ms ({tokens} tokens/s, {device})")
        )
        self.stat_labels["step_time"].setText(
            text.format(
                ms=f"{result['seconds_per_step'] * 1000:.1f}",
                tokens=human_number(result["tokens_per_sec"]),
                device=result["device"],
            )
        )
        self.measured = result
        self.session.sig_step_time_measured.emit(float(result["seconds_per_step"]))

    def _on_measure_error(self, message: str) -> None:
        self.stat_labels["step_time"].setText(tr("failed"))
        show_error(self, tr("Cannot measure the step time"), message)
