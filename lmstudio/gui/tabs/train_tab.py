"""The Train tab: hyperparameters, Start / Pause / Resume / Stop / Step, a learning rate changeable while
training runs, live charts, progress with ETA, the sample written at each evaluation (click the loss
chart for the sample of any step), a log, overlays of earlier runs, and resuming a run from its folder.
A translation run charts BLEU, chrF and exact match too, and shows a table of sample translations (source,
reference, output) in place of the sample text; a language model's tab builds none of that.
Training runs on a :class:`~lmstudio.gui.train_worker.TrainingJob`; this tab only shows its events.

Start from (in the form) starts a new run from trained weights, a Hugging Face GPT-2 folder or an earlier run:
their model and tokenizer are used, so the Model tab's settings (but block size and dropout) and the
Vocabulary tab's tokenizer are not. Export… writes the current run's checkpoint as a Hugging Face folder or
as ONNX (:mod:`lmstudio.gui.export_dialog`).
"""

from __future__ import annotations

import dataclasses
import json
import os  # noqa: F401  (tests/gui/test_threads_status.py patches train_tab.os.cpu_count)
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ...app.train_metrics import (
    MFU_TIP,
    RunMetrics,
    format_bpc,
    format_mfu,
    parse_translation_samples,
    run_progress,
)
from ...app.units import human_duration
from ...core.config import TrainConfig
from ...core.devices import default_threads  # torch-free to import
from ...core.errors import LMStudioError
from ...core.progress import EtaEstimator
from ...core.training.events import (  # torch-free: the tab dispatches on the classes without loading torch
    CheckpointEvent,
    EvalEvent,
    FinishedEvent,
    LogEvent,
    LrChangedEvent,
    ProbeEvent,
    SampleEvent,
    StepEvent,
    TranslationEvent,
)
from ...core.training.metrics_log import read_metrics_rows
from ..dialogs import show_error
from ..export_dialog import open_export_dialog
from ..i18n import QT_TR_NOOP, tr
from ..messages import user_message
from ..replay_job import ReplayJob
from ..run_folders import new_run_dir, runs_folder
from ..session import Session
from ..train_worker import RunInfo, TrainingJob
from ..widgets.common import ElidedLabel, SidePanelScroll
from ..widgets.probe_view import PROBE_TIP, ProbeView
from ..widgets.run_tools import RunTools
from ..widgets.train_charts import TrainCharts
from ..widgets.train_form import TrainSettingsForm, start_from_of
from ..workers import WorkerHandle, start_worker

REPLAY_TIP = QT_TR_NOOP(
    "Play a finished run again, with its charts, samples and probes, at 1-50x the pace it trained (no model, no "
    "GPU: from its folder's files): demo insurance for a talk. Pause, Step and Stop drive the replay"
)


def corpus_line(corpus: str, line: int, limit: int = 400) -> str:
    """Line ``line`` (1-based) of a corpus file ("" for a folder, a missing file or a line beyond its end)."""
    import itertools

    path = Path(corpus) if corpus else None
    if path is None or not path.is_file():
        return ""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            found = next(itertools.islice(fh, line - 1, line), "")
    except OSError:
        return ""
    return found.rstrip("\n")[:limit]


def ask_replay_speed(parent: QWidget) -> float | None:
    """The replay's speed, times the training's own pace; None when the user cancels."""
    from ...app.replay import SPEEDS

    items = [f"{s:g}×" for s in SPEEDS]
    choice, ok = QInputDialog.getItem(
        parent, tr("Replay a run"), tr("Speed (times the pace it trained at):"), items, items.index("10×"), False
    )
    return SPEEDS[items.index(choice)] if ok else None


def ask_stop_training(parent: QWidget) -> bool:
    """Asked when the window closes during training (tests replace this function)."""
    answer = QMessageBox.question(
        parent,
        tr("Training is running"),
        tr("Stop training, save a checkpoint and close?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_resume_steps(parent: QWidget, run_dir: Path, plan_for) -> tuple[int | None] | None:
    """The Resume run dialog: (None,) for the run's own schedule, (N,) to extend it to N steps, None if
    cancelled (tests replace this function)."""
    from ..resume_dialog import ResumeDialog

    dialog = ResumeDialog(run_dir, plan_for, parent)
    return (dialog.chosen_steps(),) if dialog.exec() == ResumeDialog.DialogCode.Accepted else None


def choose_start_folder(parent: QWidget, start: str) -> str:
    """Qt's folder chooser for Start from ("" when cancelled; tests replace this function)."""
    return QFileDialog.getExistingDirectory(
        parent, tr("Start from a Hugging Face GPT-2 folder or an earlier run folder"), start
    )


def _read_start_source(path: str, progress=None):
    """On a worker thread: what the folder holds (model settings, tokenizer); imports torch."""
    from ...core.training.launch import read_init_source

    return read_init_source(Path(path))


def start_message(message: str) -> str:
    """A core message about --init-from, worded for the Train tab."""
    return user_message(message.replace("--init-from ", "Start from ").replace("; leave out --prepared", ""))


EXPORT_TIP = QT_TR_NOOP("Export the current run's checkpoint as a Hugging Face folder (transformers) or as ONNX")
SAMPLE_TIP = QT_TR_NOOP(
    "What the model writes from the fixed prompt; click the loss chart for earlier samples. Where it repeats the "
    "corpus verbatim (a run of tokens found in the training text: orange; in the validation text: blue) it is "
    "shaded, and the title says whether the sample is new or seen"
)
TRANSLATIONS_TIP = QT_TR_NOOP(
    "Greedy translations of the first validation pairs at each evaluation: source, reference and the model's "
    "output (green: equal to the reference). Click a chart for the translations of an earlier evaluation"
)
# the memorization labels of a sample (lmstudio.core data), shown translated
MEMO_LABELS = (QT_TR_NOOP("new"), QT_TR_NOOP("seen in train"), QT_TR_NOOP("seen in validation"))
# how a run ended (FinishedEvent.status, lmstudio.core data), shown translated
FINISH_STATUSES = (QT_TR_NOOP("finished"), QT_TR_NOOP("stopped"), QT_TR_NOOP("early_stopped"), QT_TR_NOOP("failed"))
MATCH, MISS = QColor(43, 147, 72, 60), QColor(232, 89, 12, 45)  # faint: readable on light and dark themes


def _button(text: str, tip: str, slot) -> QPushButton:
    b = QPushButton(text)
    b.setToolTip(tip)
    b.clicked.connect(slot)
    return b


PROGRESS_TIP = QT_TR_NOOP(
    "Steps done, speed and estimated time left; with a time budget also the training time spent "
    "of the budget (the run ends at the steps or at the budget, whichever comes first)"
)


class TrainTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: TrainingJob | None = None
        self.state = "idle"  # idle, preparing, running, paused, stopping
        self.info: RunInfo | None = None
        self.last_finished = None  # the core's FinishedEvent
        self.config_error = ""
        self._loading = False
        self._last_step = None
        self._progress_shown = 0.0
        self._eta: EtaEstimator | None = None  # settles before it shows (see core.progress.EtaEstimator)
        self._eta_left: float | None = None
        self._closing = False

        self.start_button = _button(
            tr("Start"), tr("Train a new model with these settings into a new folder of the runs folder"), self.start
        )
        self.pause_button = _button(
            tr("Pause"), tr("Pause after the current step (the model stays in memory)"), self.pause
        )
        self.resume_button = _button(tr("Resume"), tr("Continue the paused training"), self.resume)
        self.stop_button = _button(
            tr("Stop"),
            tr("Stop after the current step and save a checkpoint (resume it later from its folder)"),
            self.stop,
        )
        self.step_button = _button(
            tr("Step", "button"), tr("While paused: run exactly one more optimizer step"), self.step_once
        )
        self.lr_edit = QDoubleSpinBox()
        self.lr_edit.setDecimals(6)
        self.lr_edit.setRange(1e-6, 1.0)
        self.lr_edit.setSingleStep(1e-4)
        self.lr_edit.setToolTip(
            tr("A new peak learning rate, applied from the next step; the schedule keeps its shape")
        )
        self.lr_button = _button(
            tr("Set LR"),
            tr("Change the learning rate while training runs (marked on the charts with a dotted line)"),
            self.apply_lr,
        )
        self.resume_run_button = _button(
            tr("Resume run…"),
            tr(
                "Continue a stopped run from its folder (its last checkpoint) on its own "
                "schedule, or extend it to more steps"
            ),
            self.resume_run_dialog,
        )
        self.replay_button = _button(tr("Replay…"), tr(REPLAY_TIP), self.replay_run_dialog)
        self.export_button = _button(tr("Export…"), tr(EXPORT_TIP), self.export_dialog)
        self.export: Any = None  # the open ExportDialog
        self.charts = TrainCharts()
        self.tools = RunTools(self.charts, lambda: self.job.run_dir if self.job else None, self._log)
        self.folder_button = self.tools.folder_button
        bar = QHBoxLayout()
        for w in (
            self.start_button,
            self.pause_button,
            self.resume_button,
            self.stop_button,
            self.step_button,
            QLabel(tr("LR")),
            self.lr_edit,
            self.lr_button,
            self.resume_run_button,
            self.replay_button,
            self.export_button,
        ):
            bar.addWidget(w)
        bar.addStretch(1)

        self.form = TrainSettingsForm(default_threads())
        self.form.sig_changed.connect(self._on_form_changed)
        self.start_from = start_from_of(session)
        self.start_from.sig_changed.connect(self._on_start_from_changed)
        self.form.sig_choose_start.connect(self.choose_start_from)
        self.form.sig_clear_start.connect(self.start_from.clear)
        self._start_job: WorkerHandle | None = None
        self.form_hint = QLabel()
        self.form_hint.setObjectName("banner")
        self.form_hint.setWordWrap(True)
        self.form_hint.setToolTip(tr("Why training cannot start"))
        self.form_hint.hide()
        scroll = SidePanelScroll(self.form)  # as wide as the form needs, in any font size
        scroll.setToolTip(tr("Training settings; saved with the workspace"))
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.form_hint)
        lv.addWidget(scroll, 1)

        self.charts.sig_step_clicked.connect(self.show_sample_at)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat(tr("idle"))
        self.progress.setValue(0)  # a reset bar (value -1) draws no text at all
        self.progress.setTextVisible(True)
        self.progress.setToolTip(tr(PROGRESS_TIP))
        self.mfu_label = QLabel("")
        self.mfu_label.setToolTip(tr(MFU_TIP))
        self.mfu_label.setMinimumWidth(self.mfu_label.fontMetrics().horizontalAdvance("100% MFU") + 8)
        self.sample_title = ElidedLabel(
            tr("Sample")
        )  # "Sample at step … (clicked on the chart)" never widens the window
        self.sample_title.setToolTip(tr(SAMPLE_TIP))
        self.sample = QPlainTextEdit()
        self.sample.setReadOnly(True)
        self.sample.setToolTip(self.sample_title.toolTip())
        self.sample.cursorPositionChanged.connect(self._on_sample_cursor)  # a click in a shaded span: its source
        self.last_source_line: tuple[int, str] | None = None
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)
        self.log.setToolTip(tr("Evaluations, checkpoints, learning-rate changes and messages of the run"))
        self.translations: QTableWidget | None = None  # built when the first translation run appears
        self.translation_view = False
        self.probe_view = ProbeView()
        self.bottom_tabs = QTabWidget()  # the sample (or translations) and the probes share the space
        self.bottom_tabs.setDocumentMode(True)
        self.bottom_tabs.setUsesScrollButtons(False)  # two tabs always fit
        bottom = QSplitter(Qt.Orientation.Horizontal)
        for title, w in ((self.sample_title, self.sample), (QLabel(tr("Log")), self.log)):
            box = QWidget()
            bv = QVBoxLayout(box)
            bv.setContentsMargins(0, 0, 0, 0)
            bv.addWidget(title)
            bv.addWidget(w)
            if w is self.sample:
                self._sample_box = bv  # the translations table goes here too (see _set_translation_view)
                self.bottom_tabs.addTab(box, tr("Sample"))
                self.bottom_tabs.setTabToolTip(0, tr(SAMPLE_TIP))
                self.bottom_tabs.addTab(self.probe_view, tr("Watch it learn"))
                self.bottom_tabs.setTabToolTip(1, tr(PROBE_TIP))
                bottom.addWidget(self.bottom_tabs)
            else:
                bottom.addWidget(box)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.charts)
        right.addWidget(bottom)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 1)
        right.setSizes([540, 200])  # room for a few lines of sample and log
        main = QSplitter(Qt.Orientation.Horizontal)
        main.addWidget(left)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setSizes([360, 1000])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(main, 1)
        status = QHBoxLayout()  # the run tools sit beside the progress bar: one row of buttons fits 1280 px
        status.addWidget(self.progress, 1)
        status.addWidget(self.mfu_label)  # beside the tokens/s the bar shows
        status.addWidget(self.tools)
        layout.addLayout(status)

        session.sig_train_config_changed.connect(self.load_from_session)
        session.sig_step_time_measured.connect(self.form.set_step_time)
        session.sig_model_config_changed.connect(self.load_from_session)
        session.sig_model_validity_changed.connect(self._update_buttons)
        session.sig_run_changed.connect(self._update_buttons)  # Export… follows the current run
        session.sig_corpus_changed.connect(self._on_task_changed)  # the Data tab's task switch
        session.sig_workspace_changed.connect(self._on_task_changed)
        self.load_from_session()

    # settings <-> session ----------------------------------------------------------------------------
    def load_from_session(self) -> None:
        if self._loading:
            return
        self.form.set_values(self.session.config.train, self.session.model_config)
        self.form.set_task(self.session.config.data.task)
        self.lr_edit.setValue(self.session.config.train.lr)
        self._on_form_changed(store=False)

    def _on_task_changed(self) -> None:
        self.form.set_task(self.session.config.data.task)

    def _on_form_changed(self, store: bool = True) -> None:
        train, model = self.form.values()
        try:
            cfg = TrainConfig(**{**dataclasses.asdict(self.session.config.train), **train})
            self.config_error = ""
        except LMStudioError as exc:
            cfg, self.config_error = None, user_message(str(exc))
        if store and cfg is not None:
            self._loading = True
            try:
                self.session.set_train_config(cfg)
                mc = self.session.model_config
                if (mc.block_size, mc.dropout) != (model["block_size"], model["dropout"]):
                    self.session.set_model_config(dataclasses.replace(mc, **model))
            finally:
                self._loading = False
        self._update_buttons()

    def _processes(self) -> int:
        """Processes training together (the form's Processes: 1 in the window's own child process)."""
        return self.session.config.train.processes

    def blocking_reasons(self) -> list[str]:
        reasons = [self.config_error] if self.config_error else []
        train = self.session.config.train
        if train.batch_size % train.processes:
            reasons.append(
                tr(
                    "Batch size {batch_size} does not split evenly between {processes} processes: use a "
                    "multiple of {processes} (the batch size is the global batch)"
                ).format(batch_size=train.batch_size, processes=train.processes)
            )
        if self.start_from.source is None:
            return reasons + [tr("Model tab: {issue}").format(issue=m) for m in self.session.model_issues]
        # the weights fix the model: the Model tab's settings are not used, but the block size must fit them
        error = self.start_config_error()
        return reasons + ([error] if error else [])

    # start from ------------------------------------------------------------------------------------------------
    def start_config(self):
        """The workspace config of a run started from the chosen weights (their model and tokenizer)."""
        from ...core.training.launch import config_for_init  # torch is in: the source was read

        config = self.session.workspace_config()
        given = {"block_size": config.model.block_size, "dropout": config.model.dropout}
        return config_for_init(config, self.start_from.source, given)

    def start_config_error(self) -> str:
        try:
            self.start_config()
        except LMStudioError as exc:
            return start_message(str(exc))
        return ""

    def choose_start_from(self) -> None:
        start = str(self.start_from.path.parent) if self.start_from.path is not None else str(runs_folder())
        folder = choose_start_folder(self, start)
        if folder:
            self.set_start_from(Path(folder))

    def set_start_from(self, path: Path) -> None:
        """Read what ``path`` holds on a worker; set it as Start from, or say why it cannot be."""
        if self.state != "idle" or self._start_job is not None or self._closing:
            return
        self.form.start_note.setText(tr("Reading {folder}…").format(folder=path.name))
        self.form.start_note.show()
        job = start_worker("start-from", _read_start_source, str(path))
        self._start_job = job
        job.sig_result.connect(lambda source: self.start_from.set(path, source))
        job.sig_error.connect(self._on_start_error)
        job.sig_finished.connect(self._on_start_job_finished)
        self._update_buttons()

    def _on_start_error(self, message: str) -> None:
        message = start_message(message)
        self._log(tr("start from: {message}").format(message=message))
        show_error(self, tr("Cannot start from this folder"), message)

    def _on_start_job_finished(self) -> None:
        self._start_job = None
        self._on_start_from_changed()

    def _on_start_from_changed(self) -> None:
        sf = self.start_from
        note = ""
        if sf.source is not None:
            note = tr(
                "Starts from the weights of {source}: its model ({model}) and its "
                "{tokenizer} are used, not the Model and Vocabulary tabs' settings. Block size and "
                "dropout are this form's."
            ).format(source=sf.describe(), model=sf.model_text(), tokenizer=sf.tokenizer_text())
        self.form.set_start_from(sf.path, note)
        self._update_buttons()

    def _update_buttons(self) -> None:
        s, reasons = self.state, self.blocking_reasons()
        self.form_hint.setVisible(bool(reasons) and s == "idle")
        self.form_hint.setText("\n".join(reasons))
        self.start_button.setEnabled(s == "idle" and not reasons)
        self.resume_run_button.setEnabled(s == "idle")
        self.replay_button.setEnabled(s == "idle")
        replaying = isinstance(self.job, ReplayJob) and s != "idle"
        self.pause_button.setEnabled(s == "running")
        self.resume_button.setEnabled(s == "paused")
        self.step_button.setEnabled(s == "paused")
        self.stop_button.setEnabled(s in ("preparing", "running", "paused"))
        self.lr_button.setEnabled(s in ("running", "paused") and not replaying)
        self.form.setEnabled(s == "idle" and self._start_job is None)
        self.folder_button.setEnabled(s == "idle")
        run = self.export_run()
        if run is None:
            tip = tr("No run to export yet: train one, or open one from the Playground (Export… there)")
        elif not self._has_checkpoint(run):
            tip = tr("{run} saved no checkpoint yet: export it once it has one").format(run=run.name)
        else:
            tip = f"{tr(EXPORT_TIP)} ({run.name})" if s == "idle" else tr("Export once training has stopped")
        self.export_button.setEnabled(s == "idle" and run is not None and self._has_checkpoint(run))
        self.export_button.setToolTip(tip)

    # export --------------------------------------------------------------------------------------------------
    def export_run(self) -> Path | None:
        """The current run: the one this tab trained last, or the session's."""
        run = self.job.run_dir if self.job is not None else self.session.run
        return Path(run) if run is not None else None

    @staticmethod
    def _has_checkpoint(run_dir: Path) -> bool:
        folder = run_dir / "checkpoints"
        try:
            return any(p.is_dir() and p.name.startswith("step-") for p in folder.iterdir())
        except OSError:
            return False

    def export_dialog(self) -> None:
        run = self.export_run()
        if run is None or self.state != "idle":
            return
        self.export = open_export_dialog(self, run)

    # starting -------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.state != "idle" or self.blocking_reasons() or self._closing:
            return
        config = self.session.workspace_config()
        s = self.session
        tokenizer = s.tokenizer if s.tokenizer is not None and not s.tokenizer_is_stale() else None
        init_from = self.start_from.path if self.start_from.source is not None else None
        if init_from is not None:
            try:
                config = self.start_config()  # the weights' model: the run folder is named after its architecture
            except LMStudioError as exc:
                show_error(self, tr("Cannot start from these weights"), start_message(str(exc)))
                return
            tokenizer = None  # the weights' tokenizer fixes the vocabulary
        run_dir = new_run_dir(runs_folder(), config.model.arch)
        self._launch(
            TrainingJob(config, run_dir, tokenizer=tokenizer, init_from=init_from),
            tr("Preparing data and building the model for {run} from the weights of {source}…").format(
                run=run_dir.name, source=self.start_from.describe()
            )
            if init_from is not None
            else tr("Preparing data and building the model for {run}…").format(run=run_dir.name),
        )

    def replay_run_dialog(self) -> None:
        if self.state != "idle" or self._closing:
            return
        path = QFileDialog.getExistingDirectory(self, tr("Replay a run from its folder"), str(runs_folder()))
        if not path:
            return
        speed = ask_replay_speed(self)
        if speed is not None:
            self.replay_run(Path(path), speed)

    def replay_run(self, run_dir: Path, speed: float = 10.0) -> None:
        """Play the finished run in ``run_dir`` again at ``speed`` x its training pace (see app.replay)."""
        from ...app.replay import load_replay

        if self.state != "idle":
            return
        try:
            replay = load_replay(Path(run_dir))
        except LMStudioError as exc:
            show_error(self, tr("Cannot replay this run"), user_message(str(exc)))
            return
        minutes = replay.duration / speed / 60
        self._launch(
            ReplayJob(replay, speed),
            tr("Replaying {run} at {speed}× (about {minutes} min; Stop jumps to the end)").format(
                run=Path(run_dir).name, speed=f"{speed:g}", minutes=f"{minutes:.1f}"
            ),
        )

    def resume_run_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Resume run from its folder"), str(runs_folder()))
        if path:
            self.ask_and_resume(Path(path))

    def ask_and_resume(self, run_dir: Path) -> None:
        """Show the run's schedule and let the user continue it or extend it (Continue to N steps), then resume."""
        if self.state != "idle" or self._closing:
            return
        from ...core.training.launch import resume_plan

        try:
            resume_plan(run_dir)
        except (LMStudioError, OSError) as exc:
            show_error(self, tr("Cannot resume this run"), tr("{error}\n\nChoose a run folder.").format(error=exc))
            return
        answer = ask_resume_steps(self, run_dir, lambda steps: resume_plan(run_dir, steps))
        if answer is not None:
            self.resume_run(run_dir, answer[0])

    def resume_run(self, run_dir: Path, steps: int | None = None) -> None:
        """Continue ``run_dir`` on its own schedule, or to ``steps`` (a new schedule over that many steps)."""
        if self.state != "idle" or self._closing:  # a second click while one runs starts nothing
            return
        config_path = Path(run_dir) / "config.json"
        try:
            if not config_path.is_file():  # also refuses a FIFO or device named config.json before opening it
                raise OSError("not a regular file")
            run_steps = json.loads(config_path.read_text(encoding="utf-8"))["train"]["steps"]
            if not isinstance(run_steps, int) or isinstance(run_steps, bool):
                raise TypeError(f"train.steps is {run_steps!r}")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            show_error(
                self,
                tr("Cannot resume this run"),
                tr(
                    "{folder}: no usable run here (config.json missing, unreadable or "
                    "damaged: {error}); choose a run folder"
                ).format(folder=run_dir, error=exc),
            )
            return
        extend = steps is not None and steps != run_steps
        self._launch(
            TrainingJob(None, run_dir, resume=True, steps=steps if extend else None, processes=self._processes()),
            tr("Resuming {run}, extended to {steps} steps…").format(run=run_dir.name, steps=f"{steps:,}")
            if extend
            else tr("Resuming {run} on its own {steps}-step schedule…").format(
                run=run_dir.name, steps=f"{run_steps:,}"
            ),
        )

    def _launch(self, job: TrainingJob, message: str) -> None:
        self.job = job
        self.info, self.last_finished = None, None
        self.charts.reset()
        self._last_step = None
        self.mfu_label.setText("")
        self.sample.clear()
        self.probe_view.clear()
        if self.translations is not None:
            self.translations.setRowCount(0)
        self.log.clear()
        self._log(message)
        job.sig_events.connect(self.on_events)
        job.sig_progress.connect(self._on_prepare_progress)
        job.sig_result.connect(self._on_result)
        job.sig_error.connect(self._on_error)
        job.sig_finished.connect(self._on_finished)
        self.state = "preparing"
        self.progress.setRange(0, 0)
        self.progress.setFormat(tr("preparing…"))
        self._update_buttons()
        job.start()

    # controls -------------------------------------------------------------------------------------------
    def pause(self) -> None:
        if self.job and self.state == "running":
            self.job.pause()
            self.state = "paused"
            self._log(tr("paused"))
            self._update_buttons()

    def resume(self) -> None:
        if self.job and self.state == "paused":
            self.job.resume()
            self.state = "running"
            self._log(tr("resumed"))
            self._update_buttons()

    def step_once(self) -> None:
        if self.job and self.state == "paused":
            self.job.step_once()

    def stop(self) -> None:
        if self.job and self.state in ("preparing", "running", "paused"):
            self.job.stop()
            if self.state == "preparing":
                self.job.cancel()
            self.state = "stopping"
            self._log(tr("stopping: saving a checkpoint…"))
            self._update_buttons()

    def apply_lr(self) -> None:
        if self.job and self.state in ("running", "paused"):
            self.job.set_lr(self.lr_edit.value())
            self.form.editors["lr"].setValue(self.lr_edit.value())  # the form shows the learning rate the run now uses

    # events from the worker --------------------------------------------------------------------------
    def _on_prepare_progress(self, done: float, total: float, message: str) -> None:
        if self.state == "preparing" and total > 0:
            self.progress.setFormat(message or tr("preparing…"))

    def on_events(self, events: list) -> None:
        run = self.charts.run
        for e in events:
            if isinstance(e, StepEvent):
                run.add_step(e)
                self._last_step = e
            elif isinstance(e, EvalEvent):
                run.add_eval(e)
                self._log(
                    tr("step {step}: train {train_loss} · val {val_loss} · ppl {perplexity} · {bpc} bits/char").format(
                        step=e.step,
                        train_loss=f"{e.train_loss:.4f}",
                        val_loss=f"{e.val_loss:.4f}",
                        perplexity=f"{e.val_perplexity:.2f}",
                        bpc=format_bpc(e.bits_per_char),
                    )
                    + (tr("  (best)") if e.improved else "")
                    + (f" ({e.bits_per_char_note})" if e.bits_per_char_note else "")
                )
            elif isinstance(e, TranslationEvent):
                if e.signature and not run.signature:
                    self._log(tr("BLEU by sacreBLEU, signature {signature}").format(signature=e.signature))
                run.add_translation(e)
                if e.samples:
                    self._show_translations(e.step, e.samples, tr("latest"))
                exact = (
                    tr(" · exact match {percent}%").format(percent=f"{100 * e.exact_match:.0f}")
                    if e.exact_match == e.exact_match
                    else ""
                )
                line = (
                    tr("step {step}: BLEU {bleu} · chrF {chrf}{exact} ({pairs} validation pairs)")
                    if e.pairs != 1
                    else tr("step {step}: BLEU {bleu} · chrF {chrf}{exact} ({pairs} validation pair)")
                )
                self._log(
                    line.format(step=e.step, bleu=f"{e.bleu:.2f}", chrf=f"{e.chrf:.2f}", exact=exact, pairs=e.pairs)
                )
            elif isinstance(e, ProbeEvent):
                run.add_probe(e)
                self.probe_view.add_probe(run.probes[-1])
            elif isinstance(e, SampleEvent):
                run.add_sample(e.step, e.text, e.memorization)
                self._show_sample(e.step, e.text, tr("latest"))
            elif isinstance(e, LrChangedEvent):
                run.add_lr_change(e.step, e.lr)
            elif isinstance(e, CheckpointEvent):
                checkpoint = (
                    tr("checkpoint at step {step} (best): {path}")
                    if e.best
                    else tr("checkpoint at step {step}: {path}")
                )
                self._log(checkpoint.format(step=e.step, path=e.path))
            elif isinstance(e, LogEvent):
                self._log(e.message)
            elif isinstance(e, FinishedEvent):
                self.last_finished = e
            elif isinstance(e, RunInfo):
                self._on_run_info(e)
        self.charts.mark_dirty()
        now = time.monotonic()
        if now - self._progress_shown >= 0.25:  # text repaints cost GUI time, which training pays for
            self._progress_shown = now
            self._update_progress()

    def _on_run_info(self, info: RunInfo) -> None:
        self._eta, self._eta_left = EtaEstimator(), None
        self.info = info
        translation = info.config.data.task == "translate"
        run = RunMetrics(Path(info.run_dir).name)
        if info.start_step > 0:  # resumed: show the history up to the checkpoint
            path = Path(info.run_dir) / "metrics.csv"
            if path.is_file():
                run = RunMetrics.from_rows(
                    [r for r in read_metrics_rows(path) if float(r.get("step") or 0) <= info.start_step], run.name
                )
            from ...core.runs.checkpoint import read_probes, read_samples

            for s in read_samples(Path(info.run_dir)):
                if s["step"] <= info.start_step:
                    rows = parse_translation_samples(s["text"]) if translation else []
                    if rows:
                        run.add_translation_samples(int(s["step"]), rows)
                    else:
                        run.add_sample(int(s["step"]), s["text"], s.get("memorization"))
            for probe in read_probes(Path(info.run_dir)):
                if probe["step"] <= info.start_step:
                    run.add_probe(probe)
        self.probe_view.set_probes(run.probes)
        self.bottom_tabs.setTabEnabled(1, not translation)  # probes are a language model's
        self.charts.set_translation(translation)
        self.charts.reset(run, info.vocab_size, info.unigram_entropy, info.train_tokens)
        self._set_translation_view(translation)
        if translation and run.translation_samples:
            self._show_translations(*run.translation_samples[-1], tr("before resuming"))
        self.form.set_train_tokens(info.train_tokens)
        if self.state == "preparing":
            self.state = "running"
        self.progress.setRange(0, 1000)
        self._update_buttons()
        where = (
            tr("device {device}, {threads} threads") if info.threads != 1 else tr("device {device}, {threads} thread")
        )
        where = where.format(device=info.device, threads=info.threads)
        ranks = [tr("rank {rank}: {device}").format(rank=r, device=d) for r, d in enumerate(info.devices)]
        if info.processes > 1:  # DistributedDataParallel under torchrun: every rank's device
            where = tr("{processes} processes ({ranks})").format(processes=info.processes, ranks="; ".join(ranks))
        self.progress.setToolTip(
            tr(PROGRESS_TIP)
            + (
                tr(
                    "\n\nTraining in {processes} processes (DistributedDataParallel under torchrun), one global "
                    "batch split between them:\n"
                ).format(processes=info.processes)
                + "\n".join(ranks)
                if info.processes > 1
                else ""
            )
        )
        self._log(
            tr(
                "run folder {folder}: {parameters} parameters, vocabulary {vocab_size}, "
                "{train_tokens} train tokens, {where}; unigram entropy {entropy} nats"
            ).format(
                folder=info.run_dir,
                parameters=f"{info.parameters:,}",
                vocab_size=info.vocab_size,
                train_tokens=f"{info.train_tokens:,}",
                where=where,
                entropy=f"{info.unigram_entropy:.3f}",
            )
        )

    def _update_progress(self) -> None:
        e, info = self._last_step, self.info
        if e is None or info is None:
            return
        train = info.config.train
        total, budget = train.steps, float(getattr(train, "max_time", 0.0) or 0.0)
        elapsed = float(getattr(e, "elapsed", 0.0))  # training time (evaluations and saves not counted)
        done, time_left = run_progress(e.step, total, elapsed, budget)
        self.progress.setValue(int(1000 * done))
        if self._eta is not None and self.state == "running":  # a pause is no slowdown: the estimate waits
            self._eta_left = self._eta.update(time.monotonic(), e.step, total)
        eta_left = self._eta_left
        if time_left is not None:  # the budget is known exactly: the steps' estimate counts only if nearer
            eta_left = time_left if eta_left is None else min(eta_left, time_left)
        eta = tr("estimating…") if eta_left is None else human_duration(eta_left)  # 26:40:00, not 02:40:00
        paused = tr("  ·  paused") if self.state == "paused" else ""
        spent = (
            tr("  ·  {spent} of {budget}").format(spent=human_duration(elapsed), budget=human_duration(budget))
            if budget > 0
            else ""
        )
        # their devices: the tooltip
        ranks = tr(" in {processes} processes").format(processes=info.processes) if info.processes > 1 else ""
        self.progress.setFormat(
            tr("step {step} / {total}{spent}  ·  {speed} tokens/s{ranks}  ·  ETA {eta}{paused}").format(
                step=f"{e.step:,}",
                total=f"{total:,}",
                spent=spent,
                speed=f"{e.tokens_per_sec:,.0f}",
                ranks=ranks,
                eta=eta,
                paused=paused,
            )
        )
        mfu = format_mfu(getattr(e, "mfu", None))
        if mfu != self.mfu_label.text():  # a new text re-lays out the row: only when it changed
            self.mfu_label.setText(mfu)

    def _on_result(self, finished) -> None:
        finished = finished or self.last_finished
        if finished is None:
            return
        self._log(f"{tr(finished.status)}: {finished.message}")
        if finished.status == "failed":
            show_error(self, tr("Training failed"), finished.message)

    def _on_error(self, message: str) -> None:
        message = user_message(message)
        self._log(tr("error: {message}").format(message=message))
        show_error(self, tr("Training failed"), message)

    def _on_finished(self) -> None:
        run_dir = self.job.run_dir if self.job else None
        self.state = "idle"
        self._update_progress()
        self.charts.refresh()
        self.progress.setFormat(
            tr("{status} at step {step}").format(
                status=tr(self.last_finished.status), step=f"{self.last_finished.step:,}"
            )
            if self.last_finished
            else tr("idle")
        )
        self._update_buttons()
        if run_dir is not None and (run_dir / "metrics.csv").is_file():
            self.session.set_run(run_dir)

    # samples and log -----------------------------------------------------------------------------------
    def _show_sample(self, step: int, text: str, how: str) -> None:
        memo = self.charts.run.memorization_of(step)
        said = ""
        if memo:
            label = memo["label"]
            said = f" · {tr(label)}" + (
                tr(" ({share} of its tokens verbatim)").format(share=f"{memo['covered']:.0%}") if label != "new" else ""
            )
        self.sample_title.setText(
            tr("Sample at step {step} ({how}){memorized}").format(step=f"{step:,}", how=how, memorized=said)
        )
        self.sample.setPlainText(text)
        self._mark_memorized(text, memo)

    def _mark_memorized(self, text: str, memo: dict | None) -> None:
        """Shade the sample where it repeats the corpus verbatim (training text orange, validation text blue) and
        say in its tooltip which corpus lines the spans come from."""
        from PySide6.QtGui import QTextCursor
        from PySide6.QtWidgets import QTextEdit

        selections, lines = [], []
        for start, end, split, line in (memo or {}).get("spans", []):
            sel = QTextEdit.ExtraSelection()
            sel.format.setBackground(QColor(255, 170, 80, 110) if split == "train" else QColor(90, 150, 255, 110))
            cursor = self.sample.textCursor()
            cursor.setPosition(min(start, len(text)))
            cursor.setPosition(min(end, len(text)), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            selections.append(sel)
            snippet = text[start:end].replace("\n", "⏎")
            quoted = f"{snippet[:60]}{'…' if len(snippet) > 60 else ''}"
            lines.append(
                (tr("“{snippet}”: training text") if split == "train" else tr("“{snippet}”: validation text")).format(
                    snippet=quoted
                )
                + (tr(", corpus line {line}").format(line=f"{line:,}") if line else "")
            )
        self.sample.setExtraSelections(selections)
        self._shown_memo = memo
        self.sample.setToolTip(
            tr(SAMPLE_TIP) + (tr("\n\nRepeated verbatim from the corpus:\n") + "\n".join(lines[:12]) if lines else "")
        )

    def _on_sample_cursor(self) -> None:
        """A click in a shaded span of the sample: the corpus line it repeats, read from the corpus file."""
        memo = getattr(self, "_shown_memo", None)
        if not memo or self.info is None:
            return
        cursor = self.sample.textCursor()
        at = cursor.position()
        for start, end, split, line in memo.get("spans", []):
            if start <= at < end and line:
                text = corpus_line(self.info.config.data.corpus, line)
                message = (
                    tr("Repeats the training text, corpus line {line}")
                    if split == "train"
                    else tr("Repeats the validation text, corpus line {line}")
                ).format(line=f"{line:,}") + (f":\n{text}" if text else "")
                rect = self.sample.cursorRect(cursor)
                QToolTip.showText(self.sample.viewport().mapToGlobal(rect.bottomLeft()), message, self.sample)
                self.last_source_line = (line, text)
                return

    def show_sample_at(self, step: float) -> None:
        if self.translation_view:
            hit = self.charts.run.translation_samples_near(step)
            if hit is not None:
                self._show_translations(hit[0], hit[1], tr("clicked on the chart"))
            return
        hit = self.charts.run.sample_near(step)
        if hit is not None:
            self._show_sample(hit[0], hit[1], tr("clicked on the chart"))

    def _set_translation_view(self, on: bool) -> None:
        """The table of sample translations in place of the sample text (a translation run), or back."""
        if on and self.translations is None:
            table = QTableWidget(0, 3)
            table.setHorizontalHeaderLabels([tr("Source"), tr("Reference"), tr("Output")])
            table.setToolTip(tr(TRANSLATIONS_TIP))
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setWordWrap(False)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            self._sample_box.addWidget(table)
            self.translations = table
        if on == self.translation_view:
            return
        self.translation_view = on
        self.sample.setVisible(not on)
        if self.translations is not None:
            self.translations.setVisible(on)
        self.sample_title.setText(tr("Translations") if on else tr("Sample"))
        self.sample_title.setToolTip(tr(TRANSLATIONS_TIP) if on else tr(SAMPLE_TIP))

    def _show_translations(self, step: int, rows: list, how: str) -> None:
        self._set_translation_view(True)
        table = self.translations
        exact = sum(len(r) >= 3 and r[1] == r[2] for r in rows)
        self.sample_title.setText(
            tr("Translations at step {step} ({how}): {exact} of {total} exact").format(
                step=f"{step:,}", how=how, exact=exact, total=len(rows)
            )
        )
        table.setUpdatesEnabled(False)  # one repaint for the whole table
        try:
            table.setRowCount(len(rows))
            for i, row in enumerate(rows):
                source, reference, output = (list(row) + ["", "", ""])[:3]
                same = output == reference
                for j, text in enumerate((source, reference, output)):
                    item = QTableWidgetItem(text)
                    item.setToolTip(text)
                    if j == 2:
                        item.setBackground(MATCH if same else MISS)
                        item.setToolTip(
                            text
                            + "\n"
                            + (tr("(equal to the reference)") if same else tr("(differs from the reference)"))
                        )
                    table.setItem(i, j, item)
        finally:
            table.setUpdatesEnabled(True)

    def _log(self, message: str) -> None:
        self.log.appendPlainText(f"[{time.strftime('%H:%M:%S')}] {message}")

    # closing ---------------------------------------------------------------------------------------------
    def is_training(self) -> bool:
        if isinstance(self.job, ReplayJob):  # a replay trains nothing: the window may close at once
            return False
        return self.job is not None and not self.job.finished and self.job.is_running()

    def confirm_close(self) -> bool:
        """Called by the main window before closing: ask; the window then stops and joins the worker."""
        if not self.is_training():
            return True
        return ask_stop_training(self)

    def dispose_views(self) -> None:
        """The window has closed for good: empty the charts' scene while everything in it is alive."""
        self.charts.dispose()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name): a Train tab shown as a window of its own
        if self.isWindow():
            self.dispose_views()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """The window is closing: stop the trainer cooperatively (it saves a checkpoint); the window joins it."""
        self._closing = True
        if self._start_job is not None:
            self._start_job.cancel()
        if self.job is not None and self.job.is_running():
            self.job.cancel()
            if self.state in ("preparing", "running", "paused"):
                self.state = "stopping"
                self._log(tr("closing: stopping and saving a checkpoint…"))
