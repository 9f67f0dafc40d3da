"""The Sweeps page (a page of the Runs tab): plan a sweep from the current workspace, run it unattended one run
after another, and read the answer.

- **Plan**: axes (a declared setting and a comma list of its values, each value checked as typed by building the
  workspace's config with it, so the setting's own range and cross checks speak), grid or random, a shared budget
  per run (steps, tokens or seconds); the number of planned runs is shown. Open/Save the sweep as JSON. The
  ready-made duel, tournament and data-scale buttons fill the page from :mod:`lmstudio.app.experiments.duels`.
- **Run**: :func:`lmstudio.app.experiments.sweep.run_sweep` iterated on a worker thread (:class:`SweepJob`, a
  :class:`~lmstudio.gui.workers.WorkerHandle`, so the window's shutdown and the tests' thread check see it);
  its events cross to the GUI thread in batches of ~100 ms (the trainer's step events thinned to the latest).
  Pause/Resume go to the shared :class:`~lmstudio.core.training.control.TrainingControl`; Cancel stops the current
  run (it saves its checkpoint) and starts no other.
- **Results**: :func:`~lmstudio.app.experiments.sweep.sweep_results` of the sweep's folder, read on the worker after
  each run: parallel coordinates, a scatter of any setting against any metric, the summary line; for a data-scale
  sweep the loss against the corpus fraction on a log axis with the knee.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...app.experiments import duels
from ...app.experiments import sweep as sweeps
from ...core.config import _SECTIONS, WorkspaceConfig, declaration, declared
from ...core.errors import Cancelled, ConfigError, LMStudioError
from ...core.training.control import TrainingControl
from ...core.training.events import EvalEvent, FinishedEvent, StepEvent
from ..i18n import QT_TR_NOOP, tr
from ..messages import setting_labels, user_message
from ..run_folders import new_run_dir, runs_folder
from ..session import Session
from ..train_worker import ControlledJob
from ..widgets.common import Banner, ElidedLabel
from ..widgets.parallel_coords import ParallelCoordsChart, ScatterChart

DATA_SCALE_KEY = "data.train_fraction"  # the axis of a data-scale sweep (lmstudio.app.experiments.duels.data_scale)
BATCH_S = 0.1  # events cross to the GUI thread at most this often (the charts need no more)
BUDGET_KINDS = {
    "steps": QT_TR_NOOP("steps"),
    "tokens": QT_TR_NOOP("tokens"),
    "seconds": QT_TR_NOOP("seconds"),
    "": QT_TR_NOOP("none (each run's own steps)"),
}
BUDGET_DEFAULTS = {"steps": 200, "tokens": 200_000, "seconds": 60, "": 1}
MODES = {
    "grid": QT_TR_NOOP("grid (every combination)"),
    "random": QT_TR_NOOP("random (a sample of combinations)"),
    "zip": QT_TR_NOOP("zip (the i-th values of all axes together)"),
}
METRICS = {  # sweep_results' per-run figures the scatter offers, lower is better for all
    "final_val_loss": QT_TR_NOOP("final validation loss"),
    "best_val_loss": QT_TR_NOOP("best validation loss"),
    "perplexity": QT_TR_NOOP("perplexity"),
    "bits_per_char": QT_TR_NOOP("bits per character"),
    "seconds": QT_TR_NOOP("seconds"),
    "tokens": QT_TR_NOOP("tokens"),
    "steps": QT_TR_NOOP("steps"),
}
STATES = {  # a queued run's state as the queue shows it
    "planned": QT_TR_NOOP("planned"),
    "running": QT_TR_NOOP("running"),
    "pending": QT_TR_NOOP("planned"),
    "finished": QT_TR_NOOP("finished"),
    "stopped": QT_TR_NOOP("stopped"),
    "early_stopped": QT_TR_NOOP("early stopped"),
    "failed": QT_TR_NOOP("failed"),
    "cancelled": QT_TR_NOOP("cancelled"),
}


def sweepable_settings() -> list[str]:
    """``section.name`` of every declared setting a sweep can vary: one value per run (no pairs or lists)."""
    keys = []
    for section, cls in _SECTIONS.items():
        for f, _s in declared(cls):
            kind = str(f.type)
            if "tuple" in kind or "list" in kind or "dict" in kind:
                continue
            keys.append(f"{section}.{f.name}")
    return keys


def parse_values(text: str) -> list[Any]:
    """A comma list as typed ("3e-3, 1e-3", "lstm, transformer", "true, false") into JSON values: numbers,
    booleans and null as JSON reads them, anything else as text (quotes optional)."""
    values = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            value = json.loads(item)
        except ValueError:
            value = item
        if isinstance(value, (list, dict)):
            value = item
        values.append(value)
    return values


def check_axis(key: str, values: list[Any], mode: str = "grid") -> list[Any]:
    """The values of ``key`` as the config holds them (3 for a whole number typed "3.0", text for a number typed
    where text is asked), each checked against the setting's own declaration (type, range, choices) as a sweep
    does; rules between settings are checked on the planned runs. Raises ConfigError naming the setting."""
    if not values:
        raise ConfigError(f"{key}: no values; type one or more, separated by commas")
    try:
        field, _setting = declaration(key)
    except KeyError:
        raise ConfigError(f"{key}: not a setting; choose one from the list") from None
    kind = str(field.type)
    checked = []
    for value in values:
        if isinstance(value, float) and value.is_integer() and kind.startswith("int"):
            value = int(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and kind.startswith("str"):
            value = str(value)
        try:
            checked.append(sweeps.check_value(key, value, key))
        except ConfigError as exc:
            message = str(exc)
            twice = f"{key}: {sweeps.canonical_key(key)}: "
            raise ConfigError(f"{key}: {message[len(twice) :]}" if message.startswith(twice) else message) from None
    if mode != "zip" and len(set(map(repr, checked))) != len(checked):  # zip pairs values: repeats are fine
        raise ConfigError(f"{key}: a value is given twice; give each value once")
    return checked


# -- the worker ----------------------------------------------------------------------------------------------------


def run_sweep_job(
    spec: Any,
    out_dir: Path,
    control: TrainingControl,
    emit: Callable[[list], None],
    *,
    progress: Callable[..., bool],
) -> dict:
    """Iterate the sweep on the worker thread, sending batches of its events (and fresh results after each run) to
    ``emit``. When ``progress`` says Cancel, the current run is stopped (it saves its checkpoint) and no other
    starts. Returns the final results."""
    batch: list[Any] = []
    pending: Any = None  # the latest step event not yet sent: steps are thinned to one per batch
    last = time.monotonic()
    stopping = False

    def flush() -> None:
        nonlocal batch, pending, last
        if pending is not None:
            batch.append(pending)
            pending = None
        if batch:
            emit(batch)
            batch = []
        last = time.monotonic()

    events = sweeps.run_sweep(spec, out_dir, control=control)
    try:
        for event in events:
            if not stopping and not progress(0, None, ""):
                stopping = True
                control.stop()
            if event.kind == "train" and isinstance(event.event, StepEvent):
                pending = event
            elif event.kind != "train" or isinstance(event.event, EvalEvent):  # the page shows no samples or logs
                if pending is not None:  # in order: a run's last step before its end
                    batch.append(pending)
                    pending = None
                batch.append(event)
            if event.kind == "run_end":
                batch.append(("results", sweeps.sweep_results(out_dir)))
                flush()
                if stopping:
                    break
            elif time.monotonic() - last >= BATCH_S:
                flush()
    finally:
        events.close()
        flush()
    if stopping:
        raise Cancelled("sweep cancelled")
    return sweeps.sweep_results(out_dir)


class SweepJob(ControlledJob):
    """A sweep on its own thread. ``sig_events`` carries lists of SweepEvents and ("results", dict) pairs; the
    inherited ``sig_result`` the final results. ``cancel`` also stops the current run, even while paused."""

    def __init__(self, spec: Any, out_dir: Path) -> None:
        super().__init__("sweep", run_sweep_job, (spec, Path(out_dir)), {}, TrainingControl())
        self.out_dir = Path(out_dir)


# -- the page ------------------------------------------------------------------------------------------------------


class AxesEditor(QWidget):
    """Rows of (setting, comma list of values, what is wrong); checked as typed against the base config."""

    sig_changed = Signal()

    def __init__(self, mode: Callable[[], str], parent: QWidget | None = None) -> None:
        """``mode``: the sweep's mode now (zip allows a value more than once)."""
        super().__init__(parent)
        self._mode = mode
        self.keys = sweepable_settings()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("Setting"), tr("Values (comma separated)"), tr("Check")])
        self.table.setToolTip(tr("The sweep's axes: each row varies one setting over the values listed"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 220)
        header.resizeSection(2, 150)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(90)
        add = QPushButton(tr("Add axis"))
        add.setToolTip(tr("Add a row: one more setting to vary"))
        add.clicked.connect(lambda: self.add_axis())
        self.remove_button = QPushButton(tr("Remove axis"))
        self.remove_button.setToolTip(tr("Remove the selected axis"))
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def add_axis(self, key: str = "train.lr", values: list[Any] | None = None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox()
        labels = setting_labels()
        for k in self.keys:
            combo.addItem(f"{k}  ({labels[k]})" if k in labels else k, k)
        if key not in self.keys:
            combo.addItem(key, key)
        combo.setCurrentIndex(combo.findData(key))
        combo.setToolTip(tr("The setting this axis varies (any declared setting of the workspace)"))
        edit = QLineEdit(", ".join(json.dumps(v) if isinstance(v, bool) or v is None else str(v) for v in values or []))
        edit.setPlaceholderText(tr("e.g. 1e-3, 3e-3"))
        edit.setToolTip(tr("The values to try, separated by commas; each is checked as the setting's own form would"))
        note = QLabel()
        note.setWordWrap(True)
        note.setToolTip(tr("Whether the values are allowed for this setting"))
        self.table.setCellWidget(row, 0, combo)
        self.table.setCellWidget(row, 1, edit)
        self.table.setCellWidget(row, 2, note)
        combo.currentIndexChanged.connect(self._changed)
        edit.textChanged.connect(self._changed)
        self._changed()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            row = self.table.rowCount() - 1
        if row >= 0:
            self.table.removeRow(row)
            self._changed()

    def clear(self) -> None:
        self.table.setRowCount(0)
        self._changed()

    def set_axes(self, axes: dict[str, list[Any]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for key, values in axes.items():
            self.add_axis(key, list(values))
        self.table.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self.axes_or_problems()
        self.sig_changed.emit()

    def axes_or_problems(self) -> tuple[dict[str, list[Any]], list[str]]:
        """The checked axes, and one message per bad row (the row's check cell shows it too)."""
        axes: dict[str, list[Any]] = {}
        problems: list[str] = []
        for row in range(self.table.rowCount()):
            key = self.table.cellWidget(row, 0).currentData()
            edit: QLineEdit = self.table.cellWidget(row, 1)
            note: QLabel = self.table.cellWidget(row, 2)
            try:
                if key in axes:
                    raise ConfigError(f"{key}: already an axis; list all its values in one row")
                axes[key] = check_axis(key, parse_values(edit.text()), self._mode())
            except ConfigError as exc:
                message = user_message(str(exc))
                problems.append(message)
                note.setText("⚠ " + message)
                note.setToolTip(message)
                edit.setProperty("invalid", True)
            else:
                note.setText(tr("{n} values").format(n=len(axes[key])))
                note.setToolTip(tr("Whether the values are allowed for this setting"))
                edit.setProperty("invalid", False)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        return axes, problems


class SweepPage(QWidget):
    """Plan, run and read a sweep. ``sig_runs_changed`` fires whenever one of its runs finishes (the runs table
    refreshes)."""

    sig_runs_changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.job: SweepJob | None = None
        self.out_dir: Path | None = None
        self.results: dict | None = None
        self.planned: list[Any] = []
        self._loaded_base: WorkspaceConfig | None = None  # a sweep file's own base, until the page is reset
        self._data_scale_key = ""  # the fraction setting of a data-scale sweep ("" otherwise)
        self._metric = "auto"  # the ranking metric of a loaded sweep (the page itself leaves it to the engine)
        self._current: tuple[int, int] = (-1, 0)  # (index of the running run, total)
        self.banner = Banner()

        # plan ------------------------------------------------------------------------------------------------
        self.name_edit = QLineEdit("sweep")
        self.name_edit.setToolTip(tr("The sweep's name: its folder under the runs folder is named after it"))
        self.axes = AxesEditor(lambda: self.mode_combo.currentData() or "grid")
        self.axes.sig_changed.connect(self.update_plan)
        self.mode_combo = QComboBox()
        for mode, label in MODES.items():
            self.mode_combo.addItem(tr(label), mode)
        self.mode_combo.setToolTip(tr("Grid tries every combination of the axes' values; random draws a sample"))
        self.samples_spin = QSpinBox()
        self.samples_spin.setRange(1, 1000)
        self.samples_spin.setValue(8)
        self.samples_spin.setToolTip(tr("How many combinations a random sweep draws"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip(tr("The seed of the random draw (the same seed draws the same runs)"))
        self.budget_kind = QComboBox()
        for kind, label in BUDGET_KINDS.items():
            self.budget_kind.addItem(tr(label), kind)
        self.budget_kind.setToolTip(tr("What every run of the sweep is given the same amount of: equal compute"))
        self.budget_spin = QSpinBox()
        self.budget_spin.setRange(1, 10**9)
        self.budget_spin.setValue(BUDGET_DEFAULTS["steps"])
        self.budget_spin.setToolTip(tr("The budget of each run, in the unit chosen on the left"))
        self.budget_kind.currentIndexChanged.connect(self._budget_kind_changed)
        for w in (self.samples_spin, self.seed_spin, self.budget_spin):
            w.valueChanged.connect(self.update_plan)
        self.mode_combo.currentIndexChanged.connect(self.axes._changed)  # zip allows repeats: check again
        self.plan_label = QLabel()
        self.plan_label.setToolTip(tr("How many runs the sweep will train, one after another"))
        self.base_label = ElidedLabel()
        self.base_label.setToolTip(tr("The settings every run starts from; the axes change only theirs"))
        reset = QPushButton(tr("Use current workspace"))
        reset.setToolTip(tr("Start the runs from the workspace's settings now (corpus, tokenizer, model, training)"))
        reset.clicked.connect(self.use_workspace)
        open_button = QPushButton(tr("Open sweep…"))
        open_button.setToolTip(tr("Read a sweep JSON file (its base settings, axes and budget)"))
        open_button.clicked.connect(self.choose_open)
        save_button = QPushButton(tr("Save sweep…"))
        save_button.setToolTip(tr("Write this sweep as a JSON file, which `lmstudio sweep FILE` also runs headless"))
        save_button.clicked.connect(self.choose_save)

        mode_row = QHBoxLayout()
        mode_row.addWidget(self.mode_combo)
        mode_row.addWidget(QLabel(tr("samples")))
        mode_row.addWidget(self.samples_spin)
        mode_row.addWidget(QLabel(tr("seed")))
        mode_row.addWidget(self.seed_spin)
        mode_row.addStretch(1)
        budget_row = QHBoxLayout()
        budget_row.addWidget(self.budget_spin)
        budget_row.addWidget(self.budget_kind)
        budget_row.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(reset)
        file_row.addWidget(open_button)
        file_row.addWidget(save_button)
        file_row.addStretch(1)
        form = QFormLayout()
        form.addRow(tr("Name"), self.name_edit)
        form.addRow(tr("Base"), self.base_label)
        form.addRow(tr("Mode"), mode_row)
        form.addRow(tr("Budget per run"), budget_row)
        plan_box = QGroupBox(tr("Plan"))
        plan_box.setToolTip(tr("A base configuration plus axes of values, run at equal compute"))
        plan_layout = QVBoxLayout(plan_box)
        plan_layout.addLayout(form)
        plan_layout.addWidget(self.axes, 1)
        plan_layout.addWidget(self.plan_label)
        plan_layout.addLayout(file_row)

        # ready-made -------------------------------------------------------------------------------------------
        self.ready_seconds = QSpinBox()
        self.ready_seconds.setRange(5, 24 * 3600)
        self.ready_seconds.setValue(60)
        self.ready_seconds.setSuffix(" s")
        self.ready_seconds.setToolTip(tr("The wall-time budget of each run of a ready-made comparison"))
        self.duel_button = QPushButton(tr("Architecture duel"))
        self.duel_button.setToolTip(
            tr("RNN, GRU, LSTM and Transformer of about the same parameter count, same corpus, same time")
        )
        self.duel_button.clicked.connect(self.fill_duel)
        self.tournament_button = QPushButton(tr("Tokenizer tournament"))
        self.tournament_button.setToolTip(
            tr("Character, word, BPE and unigram tokenizers at several vocabulary sizes, judged by bits per character")
        )
        self.tournament_button.clicked.connect(self.fill_tournament)
        self.scale_button = QPushButton(tr("Data scale"))
        self.scale_button.setToolTip(
            tr("The same model on growing shares of the corpus: where more data stops paying off")
        )
        self.scale_button.clicked.connect(self.fill_data_scale)
        ready_box = QGroupBox(tr("Ready-made"))
        ready_box.setToolTip(tr("Fill the plan with a standard comparison on the current workspace"))
        ready_layout = QHBoxLayout(ready_box)
        ready_layout.addWidget(QLabel(tr("Time per run")))
        ready_layout.addWidget(self.ready_seconds)
        for b in (self.duel_button, self.tournament_button, self.scale_button):
            ready_layout.addWidget(b)
        ready_layout.addStretch(1)

        # run --------------------------------------------------------------------------------------------------
        self.run_button = QPushButton(tr("Run sweep"))
        self.run_button.setToolTip(tr("Train the planned runs one after another on a background thread"))
        self.run_button.clicked.connect(self.start)
        self.pause_button = QPushButton(tr("Pause"))
        self.pause_button.setToolTip(tr("Pause the current run; Resume goes on where it stopped"))
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.setToolTip(tr("Stop the current run (its checkpoint is saved) and start no other"))
        self.cancel_button.clicked.connect(self.cancel)
        self.queue = QListWidget()
        self.queue.setToolTip(tr("The sweep's runs in order, with each one's state"))
        self.sweep_bar = QProgressBar()
        self.sweep_bar.setRange(0, 1000)
        self.sweep_bar.setFormat(tr("sweep %p%"))
        self.sweep_bar.setToolTip(tr("Progress of the whole sweep"))
        self.run_bar = QProgressBar()
        self.run_bar.setRange(0, 1000)
        self.run_bar.setFormat(tr("run %p%"))
        self.run_bar.setToolTip(tr("Progress of the current run against its budget"))
        self.status_label = ElidedLabel()
        self.status_label.setToolTip(tr("What the sweep is doing now"))
        run_buttons = QHBoxLayout()
        for b in (self.run_button, self.pause_button, self.cancel_button):
            run_buttons.addWidget(b)
        run_buttons.addStretch(1)
        run_box = QGroupBox(tr("Queue"))
        run_box.setToolTip(tr("The sweep's runs, trained one after another"))
        run_layout = QVBoxLayout(run_box)
        run_layout.addLayout(run_buttons)
        run_layout.addWidget(self.sweep_bar)
        run_layout.addWidget(self.run_bar)
        run_layout.addWidget(self.status_label)
        run_layout.addWidget(self.queue, 1)

        # results ----------------------------------------------------------------------------------------------
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setToolTip(tr("The sweep's answer in one line"))
        self.parallel = ParallelCoordsChart()
        self.scatter_x = QComboBox()
        self.scatter_x.setToolTip(tr("The setting on the scatter's horizontal axis"))
        self.scatter_y = QComboBox()
        for key, label in METRICS.items():
            self.scatter_y.addItem(tr(label), key)
        self.scatter_y.setToolTip(tr("The metric on the scatter's vertical axis"))
        self.scatter_x.currentIndexChanged.connect(self.draw_scatter)
        self.scatter_y.currentIndexChanged.connect(self.draw_scatter)
        self.scatter = ScatterChart(
            tr("Setting against metric"), "", "", tr("One point per run; the star marks the best run")
        )
        scatter_page = QWidget()
        scatter_layout = QVBoxLayout(scatter_page)
        scatter_layout.setContentsMargins(0, 0, 0, 0)
        combos = QHBoxLayout()
        combos.addWidget(QLabel(tr("x")))
        combos.addWidget(self.scatter_x, 1)
        combos.addWidget(QLabel(tr("y")))
        combos.addWidget(self.scatter_y, 1)
        scatter_layout.addLayout(combos)
        scatter_layout.addWidget(self.scatter, 1)
        self.scale_chart = ScatterChart(
            tr("Data scale"),
            tr("share of the corpus (log)"),
            tr("best validation loss"),
            tr(
                "Best validation loss against the share of the corpus trained on; the dashed line marks where more "
                "data stopped helping at this model size"
            ),
            log_x=True,
        )
        self.charts = QTabWidget()
        self.charts.setToolTip(tr("The sweep's results, redrawn after each run"))
        self.charts.addTab(self.parallel, tr("Parallel coordinates"))
        self.charts.addTab(scatter_page, tr("Scatter"))
        self.charts.addTab(self.scale_chart, tr("Data scale"))
        results_box = QGroupBox(tr("Results"))
        results_box.setToolTip(tr("What the sweep's runs measured"))
        results_layout = QVBoxLayout(results_box)
        results_layout.addWidget(self.summary_label)
        results_layout.addWidget(self.charts, 1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(plan_box, 3)
        left_layout.addWidget(ready_box)
        left_layout.addWidget(run_box, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(results_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([540, 740])
        outer = QVBoxLayout(self)
        outer.addWidget(self.banner)
        outer.addWidget(splitter, 1)

        self.axes.add_axis("train.lr", [1e-3, 3e-3])
        self.use_workspace()
        self._set_running(False)
        for signal in (
            session.sig_workspace_changed,
            session.sig_corpus_changed,
            session.sig_tokenizer_config_changed,
            session.sig_model_config_changed,
            session.sig_train_config_changed,
        ):
            signal.connect(self._workspace_changed)

    # -- plan --------------------------------------------------------------------------------------------------
    def base_config(self) -> WorkspaceConfig:
        return self._loaded_base if self._loaded_base is not None else self.session.workspace_config()

    def _workspace_changed(self) -> None:
        """The workspace's settings changed: a plan built on them follows (a sweep file's own base stays)."""
        if self._loaded_base is None and not self.is_running():
            self._show_base()
            self.axes._changed()

    def use_workspace(self) -> None:
        self._loaded_base = None
        self._metric = "auto"
        self._show_base()
        self.axes._changed()

    def _show_base(self) -> None:
        base = self.base_config()
        m = base.model
        corpus = Path(base.data.corpus).name if base.data.corpus else tr("the bundled corpus")
        self.base_label.setText(
            tr("{corpus}, {tokenizer} tokenizer, {arch} {layers}×{width}").format(
                corpus=corpus, tokenizer=base.tokenizer.kind, arch=m.arch, layers=m.n_layer, width=m.d_model
            )
        )

    def _budget_kind_changed(self) -> None:
        kind = self.budget_kind.currentData()
        self.budget_spin.setEnabled(bool(kind))
        self.budget_spin.setValue(BUDGET_DEFAULTS[kind])
        self.update_plan()

    def budget(self) -> dict[str, int]:
        kind = self.budget_kind.currentData()
        return {kind: self.budget_spin.value()} if kind else {}

    def spec(self) -> Any:
        """The sweep the page describes; ConfigError (one line) when an axis is wrong or none is given."""
        axes, problems = self.axes.axes_or_problems()
        if problems:
            raise ConfigError(problems[0])
        if not axes:
            raise ConfigError(tr("The sweep has no axis: add one (a setting and its values)"))
        name = self.name_edit.text().strip() or "sweep"
        return sweeps.make_spec(
            name,
            self.base_config(),
            axes,
            mode=self.mode_combo.currentData(),
            samples=self.samples_spin.value(),
            seed=self.seed_spin.value(),
            budget=self.budget(),
            metric=self._metric,
            source=f"sweep {name}",  # the engine's messages are English; user_message shows their setting names
        )

    def update_plan(self) -> None:
        self.samples_spin.setEnabled(self.mode_combo.currentData() == "random")
        running = self.job is not None and not self.job.finished
        try:
            planned = sweeps.plan(self.spec())
        except LMStudioError as exc:
            self.planned = []
            self.plan_label.setText("⚠ " + user_message(str(exc)))
        else:
            self.planned = planned
            self.plan_label.setText(tr("{n} planned runs").format(n=len(planned)))
        if not running:
            self.run_button.setEnabled(bool(self.planned))
            self._fill_queue()

    def _fill_queue(self) -> None:
        self.queue.clear()
        for run in self.planned:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, run.name)
            self.queue.addItem(item)
            self._set_state(self.queue.count() - 1, "planned")

    def _set_state(self, row: int, state: str, extra: str = "") -> None:
        item = self.queue.item(row)
        if item is None:
            return
        item.setData(Qt.ItemDataRole.UserRole + 1, state)
        label = tr(STATES.get(state, state))
        item.setText(f"{row + 1}. {item.data(Qt.ItemDataRole.UserRole)} — {label}{extra}")

    def queue_states(self) -> list[str]:
        """Each queued run's state ("planned", "running", "finished", ...), in order."""
        return [self.queue.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(self.queue.count())]

    def load_spec(self, spec: Any, data_scale_key: str = "") -> None:
        """Show ``spec`` on the page (its base stays the sweep's own until "Use current workspace")."""
        self._loaded_base = spec.base
        self._data_scale_key = data_scale_key
        self._metric = spec.metric
        self.name_edit.setText(spec.name)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(spec.mode)))
        self.samples_spin.setValue(max(1, int(spec.samples or 1)))
        self.seed_spin.setValue(int(spec.seed or 0))
        (kind, amount), *_ = dict(spec.budget).items() or [("", 1)]
        self.budget_kind.blockSignals(True)
        self.budget_kind.setCurrentIndex(max(0, self.budget_kind.findData(kind)))
        self.budget_kind.blockSignals(False)
        self.budget_spin.setEnabled(bool(kind))
        self.budget_spin.setValue(int(amount))
        self._show_base()
        self.axes.set_axes(dict(spec.axes))
        if data_scale_key:
            self.charts.setCurrentWidget(self.scale_chart)

    def open_sweep(self, path: str | Path) -> bool:
        try:
            spec = sweeps.load_sweep(Path(path))
        except LMStudioError as exc:
            self.banner.show_message(user_message(str(exc)))
            return False
        self.load_spec(spec, DATA_SCALE_KEY if list(spec.axes) == [DATA_SCALE_KEY] else "")
        self.banner.clear()
        return True

    def choose_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Open sweep"), str(self._start_dir()), tr("Sweep files (*.json);;All files (*)")
        )
        if path:
            self.open_sweep(path)

    def save_sweep(self, path: str | Path) -> bool:
        try:
            sweeps.save_sweep(self.spec(), Path(path))
        except (LMStudioError, OSError) as exc:
            self.banner.show_message(user_message(str(exc)))
            return False
        self.banner.clear()
        return True

    def choose_save(self) -> None:
        start = self._start_dir() / f"{self.name_edit.text().strip() or 'sweep'}.json"
        path, _ = QFileDialog.getSaveFileName(self, tr("Save sweep"), str(start), tr("Sweep files (*.json)"))
        if path:
            self.save_sweep(path)

    def _start_dir(self) -> Path:
        """Sweeps are kept beside the workspace file (the runs folder when the workspace was never saved)."""
        path = self.session.workspace_path
        return Path(path).parent if path else runs_folder()

    def _ready_made(self, make: Callable[..., Any], data_scale: bool = False) -> None:
        try:
            spec = make(self.session.workspace_config(), seconds=self.ready_seconds.value())
        except LMStudioError as exc:
            self.banner.show_message(user_message(str(exc)))
            return
        self.banner.clear()
        self.load_spec(spec, DATA_SCALE_KEY if data_scale else "")

    def fill_duel(self) -> None:
        self._ready_made(duels.architecture_duel)

    def fill_tournament(self) -> None:
        self._ready_made(duels.tokenizer_tournament)

    def fill_data_scale(self) -> None:
        self._ready_made(duels.data_scale, data_scale=True)

    # -- run ---------------------------------------------------------------------------------------------------
    def start(self, out_dir: Path | None = None) -> SweepJob | None:
        """Run the planned sweep into ``out_dir`` (default: a new folder named after it in the runs folder)."""
        if self.job is not None and not self.job.finished:
            return None
        try:
            spec = self.spec()
            self.planned = sweeps.plan(spec)
        except LMStudioError as exc:
            self.banner.show_message(user_message(str(exc)))
            return None
        self.banner.clear()
        self.out_dir = Path(out_dir) if out_dir else new_run_dir(runs_folder(), f"sweep-{sweeps.safe_name(spec.name)}")
        self.results = None
        self._fill_queue()
        self.summary_label.clear()
        self.sweep_bar.setValue(0)
        self.run_bar.setValue(0)
        self._current = (-1, len(self.planned))
        self.status_label.setText(tr("Starting the sweep in {folder}").format(folder=str(self.out_dir)))
        job = SweepJob(spec, self.out_dir)
        self.job = job
        job.sig_events.connect(self._on_events)
        job.sig_result.connect(self._on_results)
        job.sig_error.connect(self._on_error)
        job.sig_cancelled.connect(self._on_cancelled)
        job.sig_finished.connect(self._on_finished)
        self._set_running(True)
        job.start()
        return job

    def toggle_pause(self) -> None:
        if self.job is None or self.job.finished:
            return
        if self.job.control.paused:
            self.job.resume()
            self.pause_button.setText(tr("Pause"))
            self.status_label.setText(tr("Resumed"))
        else:
            self.job.pause()
            self.pause_button.setText(tr("Resume"))
            self.status_label.setText(tr("Paused: the current run waits; Resume goes on"))

    def cancel(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.pause_button.setEnabled(False)
            self.status_label.setText(tr("Cancelling: the current run saves its checkpoint and stops"))

    def is_running(self) -> bool:
        return self.job is not None and not self.job.finished

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel a running sweep and wait for its thread (closing the page or the window)."""
        if self.job is None or self.job.finished:
            return True
        self.job.cancel()
        return self.job.wait(timeout_ms)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt)
        self.shutdown()
        super().closeEvent(event)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and bool(self.planned))
        self.pause_button.setEnabled(running)
        self.pause_button.setText(tr("Pause"))
        self.cancel_button.setEnabled(running)
        for w in (self.duel_button, self.tournament_button, self.scale_button, self.axes, self.name_edit):
            w.setEnabled(not running)

    def _on_events(self, batch: list) -> None:
        for item in batch:
            if isinstance(item, tuple) and item and item[0] == "results":
                self.show_results(item[1])
                continue
            self._on_event(item)

    def _on_event(self, ev: Any) -> None:
        total = max(1, int(ev.total or self._current[1] or 1))
        index = int(ev.index) if ev.index is not None else self._current[0]
        if ev.kind == "run_start":
            self._current = (index, total)
            self._set_state(index, "running")
            self.run_bar.setValue(0)
            self.status_label.setText(
                tr("Run {i} of {n}: {folder}").format(i=index + 1, n=total, folder=Path(str(ev.run_dir)).name)
            )
        elif ev.kind == "train":
            fraction = self._run_fraction(ev.event, index)
            if fraction is not None:
                self.run_bar.setValue(int(1000 * fraction))
                self.sweep_bar.setValue(int(1000 * (max(0, index) + fraction) / total))
            if isinstance(ev.event, EvalEvent):
                extra = tr(", validation loss {loss}").format(loss=f"{ev.event.val_loss:.4f}")
                self._set_state(index, "running", extra)
        elif ev.kind == "run_end":  # event None: a run that had finished before (a continued sweep)
            status = ev.event.status if isinstance(ev.event, FinishedEvent) else "finished"
            extra = ""
            if isinstance(ev.event, FinishedEvent) and ev.event.best_val_loss is not None:
                extra = tr(", best validation loss {loss}").format(loss=f"{ev.event.best_val_loss:.4f}")
            self._set_state(index, status if status in STATES else "finished", extra)
            self.run_bar.setValue(1000)
            self.sweep_bar.setValue(int(1000 * (index + 1) / total))
            self.sig_runs_changed.emit()
        elif ev.kind == "done":
            self.sweep_bar.setValue(1000)
            if isinstance(ev.event, dict):
                self.show_results(ev.event)

    def _run_fraction(self, event: Any, index: int) -> float | None:
        """How far the current run is through its budget, from a trainer event (None: not a progress event)."""
        if not isinstance(event, (StepEvent, EvalEvent)) or not 0 <= index < len(self.planned):
            return None
        train = self.planned[index].config.train
        if train.max_time:
            return max(0.0, min(1.0, event.elapsed / train.max_time))
        return max(0.0, min(1.0, event.step / max(1, train.steps)))

    def _on_results(self, results: dict) -> None:
        self.show_results(results)
        self.status_label.setText(tr("The sweep has finished: {folder}").format(folder=str(self.out_dir)))

    def _on_error(self, message: str) -> None:
        self.banner.show_message(user_message(message))
        self.status_label.setText(tr("The sweep stopped with an error"))

    def _on_cancelled(self) -> None:
        self.status_label.setText(tr("Cancelled"))

    def _on_finished(self) -> None:
        for row, state in enumerate(self.queue_states()):
            if state in ("planned", "running"):
                self._set_state(row, "cancelled")
        self._set_running(False)

    # -- results -----------------------------------------------------------------------------------------------
    def show_results(self, results: dict) -> None:
        """Draw ``results`` (the dict of sweep_results) on the charts and the summary line."""
        self.results = results
        axes = list(results.get("axes") or [])
        runs = list(results.get("runs") or [])
        best = results.get("best")
        best_name = best.get("name", "") if isinstance(best, dict) else str(best or "")
        self.summary_label.setText(str(results.get("summary") or ""))
        if results.get("metric") == "bits_per_char":  # a tournament of tokenizers: losses per token do not compare
            self.parallel.set_results(axes, runs, best_name, "bits_per_char", tr("bits per character"))
        else:
            self.parallel.set_results(axes, runs, best_name, "final_val_loss", tr("final validation loss"))
        current = self.scatter_x.currentData()
        self.scatter_x.blockSignals(True)
        self.scatter_x.clear()
        labels = setting_labels()
        for key in axes:
            self.scatter_x.addItem(labels.get(key, key), key)
        self.scatter_x.setCurrentIndex(max(0, self.scatter_x.findData(current)))
        self.scatter_x.blockSignals(False)
        self.draw_scatter()
        key = self._data_scale_key or next((k for k in axes if k.endswith("fraction")), "")
        if key:
            xs = [r.get("settings", {}).get(key) for r in runs]
            ys = [r.get("best_val_loss") for r in runs]
            try:
                knee = duels.data_scale_knee(results)
            except LMStudioError:
                knee = None
            self.scale_chart.set_points(xs, ys, [r.get("name", "") for r in runs], self._best_index(runs), knee)

    def _best_index(self, runs: list[dict]) -> int:
        best = (self.results or {}).get("best")
        name = best.get("name", "") if isinstance(best, dict) else str(best or "")
        return next((i for i, r in enumerate(runs) if r.get("name") == name), -1)

    def draw_scatter(self) -> None:
        if not self.results:
            return
        runs = list(self.results.get("runs") or [])
        key, metric = self.scatter_x.currentData(), self.scatter_y.currentData()
        if not key:
            return
        self.scatter.set_labels(self.scatter_x.currentText(), self.scatter_y.currentText())
        xs = [r.get("settings", {}).get(key) for r in runs]
        ys = [r.get(metric) for r in runs]
        self.scatter.set_points(xs, ys, [r.get("name", "") for r in runs], self._best_index(runs))
