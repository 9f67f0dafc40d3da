"""The Export dialog of the Playground and the Train tab: a run's checkpoint as a Hugging Face folder or as ONNX.

The export itself is the core's (:func:`lmstudio.core.export.hf.export_hf`,
:func:`lmstudio.core.export.onnx.export_onnx`): it refuses what has no exact equivalent, checks the written
model against the run's own and renames the finished folder into place, so Cancel or a refusal leaves
nothing behind. The dialog runs it on a worker thread with its progress, then shows the facts (folder, the
measured largest logit difference) or the core's message in its banner.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from .i18n import QT_TR_NOOP, tr
from .messages import user_message
from .widgets.common import Banner, ProgressRow
from .workers import WorkerHandle, start_worker

FORMATS = (  # key, label, the one line that says what it is (label and line: pass through tr() when shown)
    (
        "hf",
        QT_TR_NOOP("Hugging Face (transformers)"),
        QT_TR_NOOP(
            "A folder transformers loads offline with AutoModelForCausalLM and AutoTokenizer, with a model card: "
            "Transformer runs only (GPT-2 layout for learned positions, GPT-NeoX for rotary)"
        ),
    ),
    (
        "onnx",
        QT_TR_NOOP("ONNX (onnxruntime)"),
        QT_TR_NOOP(
            "model.onnx for onnxruntime and other ONNX runtimes, with the tokenizer beside it: every architecture, "
            "recurrent ones too"
        ),
    ),
)
# why the Export button is off (the Playground shows them: pass through tr() there)
NOT_EXPORTABLE_HF = QT_TR_NOOP(
    "an imported Hugging Face folder is a Hugging Face model already; export runs trained here"
)
NOT_EXPORTABLE_COMPRESSED = QT_TR_NOOP(
    "a compressed checkpoint (int8 or pruned) is not exported; choose a trained checkpoint (best, last or step-N)"
)
_STEP = re.compile(r"^step-(\d+)$")


def choose_folder(parent: QWidget, start: str) -> str:
    """Qt's folder chooser (tests replace this function). "" when cancelled."""
    return QFileDialog.getExistingDirectory(parent, tr("Export into folder"), start)


def run_checkpoints(run_dir: Path) -> list[str]:
    """best, last and the run's step-N checkpoints, newest first (read from the folder names: torch-free)."""
    folder = Path(run_dir) / "checkpoints"
    try:
        steps = sorted(
            (int(m.group(1)) for p in folder.iterdir() if p.is_dir() and (m := _STEP.match(p.name))), reverse=True
        )
    except OSError:
        steps = []
    return ["best", "last", *(f"step-{s}" for s in steps)]


def default_out_dir(run_dir: Path, fmt: str) -> Path:
    """A new folder beside the run: ``<run>-hf`` (or ``-onnx``), numbered when taken."""
    run_dir = Path(run_dir)
    base = run_dir.parent / f"{run_dir.name}-{fmt}"
    out, n = base, 2
    while out.exists() and (not out.is_dir() or any(out.iterdir())):
        out, n = base.with_name(f"{base.name}-{n}"), n + 1
    return out


def _export(fmt: str, run_dir: str, out_dir: str, checkpoint: str, progress=None) -> dict[str, Any]:
    """On the worker thread (imports torch and the exporter)."""
    if fmt == "hf":
        from ..core.export.hf import export_hf

        return export_hf(Path(run_dir), Path(out_dir), checkpoint=checkpoint, progress=progress)
    from ..core.export.onnx import export_onnx

    return export_onnx(Path(run_dir), Path(out_dir), checkpoint=checkpoint, progress=progress)


def gui_message(message: str) -> str:
    """The core's message, worded for the dialog (it names the command line's flags)."""
    message = user_message(message)
    message = message.replace("--out ", tr("Folder") + " ").replace("export it with --format onnx", "export it as ONNX")
    return message.replace("--format onnx", "the ONNX format").replace("--checkpoint", tr("Checkpoint"))


def _diff(value: float) -> str:
    return tr("0 (identical)") if value == 0 else f"{value:.2g}"


def summary(fmt: str, facts: dict[str, Any], asked: str = "") -> str:
    """What the user reads after an export: where, what, and what the check measured. ``asked``: the checkpoint
    as chosen ("best"), shown beside the one it named."""
    where = facts.get("out_dir", "")
    name = facts["checkpoint"]
    step = f"{facts['step']:,}"
    if asked and asked != name:
        which = tr("{asked} ({name}, step {step})").format(asked=asked, name=name, step=step)
    else:
        which = tr("{name} (step {step})").format(name=name, step=step)
    if fmt == "hf":
        lines = [
            tr("Exported {what} to {folder}").format(what=which, folder=where),
            tr(
                "{architecture}, {parameters} parameters. Logits of the model transformers loads differ from ours "
                "by at most {diff} (checked on {sequences} sequences)."
            ).format(
                architecture=facts["architecture"],
                parameters=f"{facts['parameters']:,}",
                diff=_diff(facts["max_logit_diff"]),
                sequences=facts["logit_sequences"],
            ),
            tr("{kind} tokenizer: the same ids as lmstudio on {texts} texts.").format(
                kind=facts["tokenizer_kind"], texts=facts["tokenizer_texts"]
            ),
        ]
        if facts.get("tokenizer_note"):
            lines.append(tr("Note: {note}").format(note=facts["tokenizer_note"]))
        lines.append(
            tr("Load it with AutoModelForCausalLM.from_pretrained({path}); README.md is its model card.").format(
                path=repr(str(where))
            )
        )
        return "\n".join(lines)
    checked = "×".join(str(n) for n in facts.get("checked_shape", []))
    traced = "×".join(str(n) for n in facts.get("traced_shape", []))
    reason = facts.get("external_data_reason")
    if facts.get("external_data"):
        weights = (
            tr("Weights in an external data file: {reason}") if reason else tr("Weights in an external data file.")
        )
    else:
        weights = tr("Weights inside the graph: {reason}") if reason else tr("Weights inside the graph.")
    return "\n".join(
        [
            tr("Exported {what} to {folder}").format(what=which, folder=facts.get("path", where)),
            tr(
                "{architecture}, ONNX opset {opset}. Logits in onnxruntime at {checked} tokens (traced at {traced}) "
                "differ from PyTorch's by at most {diff} (tolerance {tolerance})."
            ).format(
                architecture=facts["architecture"],
                opset=facts["opset"],
                checked=checked,
                traced=traced,
                diff=_diff(facts["max_abs_diff"]),
                tolerance=f"{facts['tolerance']:g}",
            ),
            weights.format(reason=reason),
            str(facts.get("how_to_feed", "")),
        ]
    ).strip()


class ExportDialog(QDialog):
    """Export one run's checkpoint. ``checkpoint``: the one selected at first (the Playground's loaded one)."""

    def __init__(self, run_dir: Path, checkpoint: str = "best", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run_dir = Path(run_dir)
        self.job: WorkerHandle | None = None
        self.facts: dict[str, Any] | None = None
        self._out_edited = False
        self._fmt, self._asked = "hf", checkpoint
        self.setWindowTitle(tr("Export {run}").format(run=self.run_dir.name))

        self.banner = Banner()
        run = QLabel(str(self.run_dir))
        run.setToolTip(tr("The run whose checkpoint is exported"))
        run.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formats = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        format_box = QVBoxLayout()
        for i, (key, label, line) in enumerate(FORMATS):
            label, line = tr(label), tr(line)
            button = QRadioButton(label)
            button.setToolTip(line)
            explain = QLabel(line)
            explain.setObjectName("hint")
            explain.setWordWrap(True)
            explain.setToolTip(line)
            explain.setIndent(22)  # under the radio button's text
            self.formats.addButton(button, i)
            self.format_buttons[key] = button
            format_box.addWidget(button)
            format_box.addWidget(explain)
        self.format_buttons["hf"].setChecked(True)
        self.formats.idToggled.connect(self._on_format)
        self.checkpoint = QComboBox()
        self.checkpoint.setToolTip(tr("Which checkpoint of the run: best (lowest validation loss), last, or a step"))
        names = run_checkpoints(self.run_dir)
        if checkpoint not in names:
            names.insert(0, checkpoint)
        self.checkpoint.addItems(names)
        self.checkpoint.setCurrentText(checkpoint)
        self.out_edit = QLineEdit()
        self.out_edit.setToolTip(
            tr(
                "The folder to write: it must be new or empty (the export is written beside it and renamed into "
                "place when checked, so nothing you have is overwritten)"
            )
        )
        self.out_edit.textEdited.connect(self._on_out_edited)
        self.out_edit.textChanged.connect(lambda _t: self._update_buttons())
        self.choose_button = QPushButton(tr("Choose…"))
        self.choose_button.setToolTip(
            tr("Choose a folder: an empty one receives the export; in another a new folder named after the run is made")
        )
        self.choose_button.clicked.connect(self.choose)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(self.choose_button)
        form = QFormLayout()
        for label, tip, field in (
            (tr("Run"), tr("The run whose checkpoint is exported"), run),
            (tr("Format"), tr("Hugging Face or ONNX"), format_box),
            (tr("Checkpoint"), self.checkpoint.toolTip(), self.checkpoint),
            (tr("Folder"), self.out_edit.toolTip(), out_row),
        ):
            name = QLabel(label)
            name.setToolTip(tip)
            form.addRow(name, field)
        self.progress = ProgressRow(tr("the export"))
        self.progress.sig_cancel.connect(self.cancel)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setToolTip(tr("Where the export went and what its check measured against the run's own model"))
        self.result.hide()
        self.export_button = QPushButton(tr("Export"))
        self.export_button.setDefault(True)
        self.export_button.setToolTip(tr("Write the export, then check it against the run's own model"))
        self.export_button.clicked.connect(self.export)
        self.close_button = QPushButton(tr("Close"))
        self.close_button.setToolTip(
            tr("Close this dialog (an export under way is cancelled; nothing half-written stays)")
        )
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)
        self._on_format()

    # settings --------------------------------------------------------------------------------------------
    def format(self) -> str:
        return next(k for k, b in self.format_buttons.items() if b.isChecked())

    def set_format(self, fmt: str) -> None:
        self.format_buttons[fmt].setChecked(True)

    def _on_format(self, *_args) -> None:
        if not self._out_edited:  # the suggested folder follows the format until the user chose one
            self.out_edit.setText(str(default_out_dir(self.run_dir, self.format())))

    def _on_out_edited(self, _text: str) -> None:
        self._out_edited = True

    def set_out_dir(self, path: Path | str) -> None:
        self._out_edited = True
        self.out_edit.setText(str(path))

    def choose(self) -> None:
        current = Path(self.out_edit.text().strip() or self.run_dir.parent)
        start = current if current.is_dir() else current.parent
        folder = choose_folder(self, str(start))
        if not folder:
            return
        folder = Path(folder)
        try:
            empty = not any(folder.iterdir())
        except OSError:
            empty = False
        self.set_out_dir(folder if empty else default_out_dir(folder / self.run_dir.name, self.format()))

    # the export -----------------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self.job is not None

    def _update_buttons(self) -> None:
        busy = self.is_busy()
        self.export_button.setEnabled(not busy and bool(self.out_edit.text().strip()))
        for w in (self.checkpoint, self.out_edit, self.choose_button, *self.format_buttons.values()):
            w.setEnabled(not busy)

    def export(self) -> None:
        if self.is_busy():
            return
        text = self.out_edit.text().strip()
        if not text:
            self.banner.show_message(tr("Folder: give the folder to export into (new or empty)"))
            return
        out = Path(text).expanduser()
        if not out.is_absolute():
            out = self.run_dir.parent / out
        fmt, checkpoint = self.format(), self.checkpoint.currentText()
        self.banner.clear()
        self.result.hide()
        self.facts = None
        self.progress.start(
            tr("exporting {checkpoint} as {format}…").format(
                checkpoint=checkpoint, format="Hugging Face" if fmt == "hf" else "ONNX"
            )
        )
        job = start_worker("export", _export, fmt, str(self.run_dir), str(out), checkpoint)
        self.job = job
        job.sig_progress.connect(self.progress.update_progress)
        self._fmt, self._asked = fmt, checkpoint
        job.sig_result.connect(self._on_result)
        job.sig_error.connect(self._on_error)
        job.sig_cancelled.connect(self._on_cancelled)
        job.sig_finished.connect(self._on_finished)
        self._update_buttons()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.progress.cancel_button.setEnabled(False)

    def _on_result(self, facts: dict[str, Any]) -> None:
        self.facts = facts
        self.result.setText(summary(self._fmt, facts, self._asked))
        self.result.show()
        QTimer.singleShot(0, self.adjustSize)  # room for the wrapped lines
        self._out_edited = False  # a second export goes to a new folder
        self._on_format()

    def _on_error(self, message: str) -> None:
        self.banner.show_message(gui_message(message))
        QTimer.singleShot(0, self.adjustSize)

    def _on_cancelled(self) -> None:
        self.banner.show_message(tr("Export cancelled; nothing was written."))

    def _on_finished(self) -> None:
        self.job = None
        self.progress.finish()
        self._update_buttons()

    def reject(self) -> None:  # Close, Esc and the window's close button
        self.cancel()  # the core stops at its next step and removes what it had written
        if self.job is not None:
            self.job.wait(30_000)
        super().reject()


def open_export_dialog(parent: QWidget, run_dir: Path, checkpoint: str = "best") -> ExportDialog:
    """Show the dialog, window-modal, without blocking the event loop; returns it (tests drive it)."""
    dialog = ExportDialog(run_dir, checkpoint, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
