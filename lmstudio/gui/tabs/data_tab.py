"""The Data tab: open a corpus (file, folder, .jsonl field, .csv/.tsv column, bundled, drag and drop),
see its encoding, a preview of its start, statistics, cleaning and splits.

The task bar switches between a language model and source → target (translation). For translation the pairs
come from a toy task, the source and target columns of a table or a second, line-aligned target file; the
direction can be swapped; the tab shows the first pairs side by side after cleaning and pair statistics. A
change of these settings re-opens the corpus with them (on a worker), so a bad choice (one column, a column
that does not exist, files of different line counts) leaves the previous state and says why.

A file that cannot be read leaves the previous corpus loaded and says why in a banner and a dialog.
Opening (validation, encoding, preview, field choices) and statistics run on workers with progress and
Cancel, so a large file never blocks the window; statistics re-run when the corpus or the cleaning changes.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...app.units import human_bytes
from ...core.config import DataConfig
from ...core.data import corpus as core_corpus
from ...core.data import formats
from ...core.data.toy_tasks import toy_read_options
from ...core.errors import ConfigError
from .. import drops, jobs
from ..dialogs import show_error
from ..i18n import QT_TR_NOOP, tr
from ..messages import user_message
from ..session import Session
from ..settings import Preferences
from ..widgets.common import Banner, ProgressRow, SidePanelScroll
from ..workers import WorkerHandle, start_worker
from .data_panels import CleaningPanel, PairPreview, PairStatsPanel, SplitPanel, StatsPanel, TaskBar, side_names
from .health_panel import HealthPanel

PREVIEW_CHARS = jobs.PREVIEW_CHARS
ENCODINGS = (
    "auto",
    "utf-8",
    "cp1252",
    "latin-1",
    "utf-16",
    "cp1250",
    "cp1251",
    "iso-8859-15",
    "shift_jis",
    "gb18030",
    "big5",
    "euc-kr",
    "koi8-r",
)
# file dialog filters, shown through tr() (the translator is installed after imports)
FILE_FILTER = QT_TR_NOOP("Text corpora (*.txt *.text *.md *.jsonl *.ndjson *.csv *.tsv *.tab);;All files (*)")
TARGET_FILTER = QT_TR_NOOP("Text files (*.txt *.text *.de *.en *.es *.fr *.it *.pt *.cs);;All files (*)")
# banner messages (the tab recognises its own by their start, in the window's language)
STATS_FAILED = QT_TR_NOOP("Statistics failed: {message}")
PAIRS_FAILED = QT_TR_NOOP("Pairs could not be read: {message}")
NOT_KEPT = QT_TR_NOOP("{message}\n\n{failed} was not kept; the corpus loaded before ({current}) is loaded again.")
READING_KEYS = ("corpus", "format", "text_field", "column", "include", "target", "source_column", "target_column")


class DataTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.prefs = Preferences()
        self.setAcceptDrops(True)
        self._stats_job: WorkerHandle | None = None
        self._open_job: WorkerHandle | None = None
        self._pairs_job: WorkerHandle | None = None
        self._toy_job: WorkerHandle | None = None
        self._before_toy: DataConfig | None = None  # the reading settings a toy task replaced (to go back to)
        self._closed = False

        self.open_file_button = QPushButton(tr("Open file…"))
        self.open_file_button.setToolTip(
            tr("Open a text, .jsonl, .csv or .tsv file (Ctrl+Shift+O); you can also drop a file on this tab")
        )
        self.open_file_button.clicked.connect(self.open_file_dialog)
        self.open_folder_button = QPushButton(tr("Open folder…"))
        self.open_folder_button.setToolTip(tr("Read every text file in a folder (recursively) as one corpus"))
        self.open_folder_button.clicked.connect(self.open_folder_dialog)
        self.include_edit = QLineEdit(DataConfig().include)
        self.include_edit.setMaximumWidth(140)
        self.include_edit.setToolTip(
            tr(
                "Folders: which files to read, as glob patterns separated by ; (for example *.txt;*.md). "
                "Press Enter to re-read the open folder with them."
            )
        )
        self.include_edit.returnPressed.connect(self._on_include_changed)
        self.include_label = QLabel(tr("files"))
        self.include_label.setToolTip(self.include_edit.toolTip())
        self.bundled = QComboBox()
        self.bundled.addItem(tr("Bundled corpora…"), None)
        for name, path in core_corpus.bundled_corpora().items():
            self.bundled.addItem(name, str(path))
        self.bundled.setToolTip(tr("Corpora that come with lmstudio, ready to use"))
        self.bundled.activated.connect(self._on_bundled)
        self.field_label = QLabel()
        self.field_combo = QComboBox()
        self.field_combo.setMinimumContentsLength(14)
        self.field_combo.activated.connect(self._on_field_chosen)
        self.field_label.setToolTip(tr("Which field or column of each record holds the text"))
        self.field_combo.setToolTip(self.field_label.toolTip())
        top = QHBoxLayout()
        for w in (self.open_file_button, self.open_folder_button, self.include_label, self.include_edit, self.bundled):
            top.addWidget(w)
        top.addSpacing(16)
        top.addWidget(self.field_label)
        top.addWidget(self.field_combo)
        top.addStretch(1)
        self.info = QLabel()
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.setToolTip(tr("The corpus file, its format, the detected text encoding and its size on disk"))
        self.info.setWordWrap(True)
        self.banner = Banner()
        self.progress = ProgressRow(tr("computing the statistics"))
        self.progress.sig_cancel.connect(self.cancel_stats)
        self.open_progress = ProgressRow(tr("opening the corpus"))
        self.open_progress.sig_cancel.connect(self.cancel_open)
        self.pairs_progress = ProgressRow(tr("reading the pairs"))
        self.pairs_progress.sig_cancel.connect(self.cancel_pairs)
        self.task_bar = TaskBar()
        self.task_bar.sig_task.connect(self._on_task_chosen)
        self.task_bar.sig_toy.connect(self._on_toy_chosen)
        self.task_bar.sig_toy_pairs.connect(self._on_toy_pairs)
        self.task_bar.sig_columns.connect(self._on_columns_chosen)
        self.task_bar.sig_choose_target.connect(self.choose_target_file)
        self.task_bar.sig_clear_target.connect(lambda: self.apply_data(format="auto", target=""))
        self.task_bar.sig_reverse.connect(lambda checked: self.apply_data(reverse=checked))

        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setToolTip(
            tr("The first {n} characters of the corpus as read (before cleaning)").format(n=f"{PREVIEW_CHARS:,}")
        )
        self.preview_note = QLabel()
        self.preview_note.setObjectName("hint")
        self.preview_note.setWordWrap(True)
        preview_box = QWidget()
        pv = QVBoxLayout(preview_box)
        pv.setContentsMargins(0, 0, 0, 0)
        title = QLabel(tr("<b>Preview</b>"))
        title.setToolTip(self.preview.toolTip())
        pv.addWidget(title)
        pv.addWidget(self.preview, 1)
        pv.addWidget(self.preview_note)
        self.stats_panel = StatsPanel(session)
        self.pair_preview = PairPreview()
        self.pair_stats = PairStatsPanel()
        self.cleaning_panel = CleaningPanel(session)
        self.split_panel = SplitPanel(session)
        self.preview_tabs = QTabWidget()  # translation: the pairs first, the text as read beside them
        self.preview_tabs.addTab(self.pair_preview, tr("Pairs"))
        self.preview_tabs.addTab(preview_box, tr("Text"))
        self.preview_tabs.setTabToolTip(0, self.pair_preview.table.toolTip())
        self.preview_tabs.setTabToolTip(1, self.preview.toolTip())
        self.preview_tabs.setToolTip(tr("The pairs after cleaning, or the corpus's text as read"))
        side = QWidget()
        sv = QVBoxLayout(side)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.addWidget(self.pair_stats, 1)
        sv.addWidget(self.stats_panel, 1)

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.preview_tabs)
        self.health_panel = HealthPanel(session)
        self.side_tabs = QTabWidget()  # the statistics, and the data health report beside them
        self.side_tabs.addTab(SidePanelScroll(side), tr("Statistics"))  # scrolls rather than make the window taller
        self.side_tabs.addTab(SidePanelScroll(self.health_panel), tr("Health"))
        self.side_tabs.setTabToolTip(0, tr("Counted over the whole corpus after cleaning, on a background thread"))
        self.side_tabs.setTabToolTip(1, self.health_panel.toolTip())
        self.side_tabs.setToolTip(tr("Statistics of the cleaned corpus, or its data health report"))
        upper.addWidget(self.side_tabs)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        lower = QWidget()
        lo = QHBoxLayout(lower)  # side by side: the lower half stays short enough for a 720-pixel screen
        lo.setContentsMargins(0, 0, 0, 0)
        lo.addWidget(self.cleaning_panel, 1)
        lo.addWidget(self.split_panel, 0)
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(upper)
        vertical.addWidget(SidePanelScroll(lower))
        vertical.setStretchFactor(0, 3)
        vertical.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.task_bar)
        layout.addWidget(self.info)
        layout.addWidget(self.banner)
        layout.addWidget(self.open_progress)
        layout.addWidget(self.progress)
        layout.addWidget(self.pairs_progress)
        layout.addWidget(vertical, 1)

        self._stats_timer = QTimer(self, singleShot=True, interval=300)  # debounce: typing in a spin box
        self._stats_timer.timeout.connect(self.start_stats)
        self._stats_timer.timeout.connect(self.start_pairs)
        QShortcut(QKeySequence("Ctrl+Shift+O"), self, self.open_file_dialog)
        session.sig_corpus_changed.connect(self._on_corpus_changed)
        session.sig_corpus_error.connect(self._on_corpus_error)
        session.sig_corpus_opening.connect(self._on_opening)
        session.sig_cleaning_changed.connect(self._stats_timer.start)
        session.sig_split_changed.connect(self._on_split_changed)
        self._set_field_chooser(None)
        self._build_encoding_chooser(top)
        self._show_task()
        if session.corpus is not None:
            self._on_corpus_changed()

    def shortcuts(self) -> list[tuple[str, str]]:
        return [(tr("Open a corpus file (Data tab)"), "Ctrl+Shift+O")]

    # opening ----------------------------------------------------------------------------------------
    def open_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Open corpus"), self.prefs.last_folder("corpus"), tr(FILE_FILTER)
        )
        if path:
            self.open_path(path)

    def open_folder_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Open corpus folder"), self.prefs.last_folder("corpus"))
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path, field: str | None = None, task: str | None = None) -> WorkerHandle | None:
        """Open a file or folder with fresh reading options, on a worker: the window stays responsive, the
        previous corpus stays until the new one has opened, and a failure shows what is wrong. Returns the
        job (its ``sig_finished`` ends the open) or None when nothing was started.

        A file replaces a toy task; ``task`` sets the task too (the bundled pairs open for translation). For
        translation a table is read as pairs (columns 0 → 1 until others are chosen)."""
        if self._closed:
            return None
        path = Path(path)
        task = task or self.session.data_config.task
        include = self.include_edit.text().strip() or DataConfig().include
        # a new file is detected afresh: an encoding forced for the previous one (cp1252 decodes almost any
        # bytes) would silently garble a UTF-8 file; the chooser then re-reads this one if needed
        options: dict = {
            "format": "auto",
            "text_field": field or "text",
            "column": "",
            "include": include,
            "target": "",
            "encoding": "auto",
            "task": task,
            "toy_task": None,
        }
        if formats.kind_of(path) in ("csv", "tsv"):
            options["column"] = field or ""
            if task == "translate":
                options.update(format="parallel", source_column="0", target_column="1")
        for name, bundled_path in core_corpus.bundled_corpora().items():
            if Path(bundled_path).resolve() == path.resolve():  # e.g. the Bible TSV is read as a parallel corpus
                bundled = core_corpus.bundled_read_options(name)
                options.update(
                    format=bundled.format, source_column=bundled.source_column, target_column=bundled.target_column
                )

        def opened(result: dict) -> None:
            self._before_toy = None
            self.session.apply_opened(result)
            self.prefs.remember_folder("corpus", path)
            self.prefs.add_recent("corpus", path)

        return self.session.open_corpus_in_background(path, sniff_field=field is None, on_opened=opened, **options)

    def reopen(self, **options) -> WorkerHandle | None:
        """Read the current corpus again with changed reading options (field, column, include, encoding)."""
        corpus = self.session.corpus
        if corpus is None or self._closed:
            return None
        return self.session.open_corpus_in_background(corpus.path, **options)

    def _on_opening(self, job: WorkerHandle, path: str) -> None:
        self._open_job = job
        opening = tr("Opening {name}…").format(name=Path(path).name)
        self.open_progress.start(opening)
        self.open_progress.update_progress(0, -1, opening)
        job.sig_progress.connect(self.open_progress.update_progress)
        job.sig_finished.connect(lambda: self._open_finished(job))

    def _open_finished(self, job: WorkerHandle) -> None:
        if job is self._open_job:
            self._open_job = None
            self.open_progress.finish()

    def _on_corpus_error(self, message: str) -> None:
        self.banner.show_message(message)
        current = self.session.corpus_name()
        show_error(
            self,
            tr("Cannot open this corpus"),
            tr("{message}\n\nThe corpus loaded before ({current}) is still loaded.").format(
                message=message, current=current
            )
            if self.session.corpus
            else message,
        )

    def is_opening(self) -> bool:
        return self._open_job is not None or self._toy_job is not None

    def cancel_open(self) -> None:
        """Cancel: the corpus loaded before stays; the worker's late result is dropped."""
        if self._toy_job is not None:
            self._toy_job.cancel()
            self._toy_job = None
        self.session.cancel_open()
        self._open_job = None
        self.open_progress.finish()
        self._show_task()  # the task bar shows the settings still in force

    def _on_include_changed(self) -> None:
        corpus = self.session.corpus
        if corpus is not None and corpus.format == "folder":
            self.reopen(include=self.include_edit.text().strip() or DataConfig().include)

    def _on_bundled(self, index: int) -> None:
        path = self.bundled.itemData(index)
        name = self.bundled.itemText(index)
        self.bundled.setCurrentIndex(0)
        if path:  # the English–Spanish pairs are there to train a translator: they open for that task
            self.open_path(path, task="translate" if name == core_corpus.BIBLE_EN_ES else None)

    def _on_field_chosen(self, index: int) -> None:
        corpus = self.session.corpus
        if corpus is None:
            return
        value = self.field_combo.itemData(index)
        if corpus.is_parallel and not corpus.two_files:  # a parallel table reads its source column as text
            d = self.session.data_config
            self.reopen(**core_corpus.parallel_columns_for_text(value, d.source_column, d.target_column))
            return
        key = "text_field" if formats.kind_of(Path(corpus.path)) == "jsonl" else "column"
        self.reopen(**{key: value})

    def _set_field_chooser(self, preview) -> None:
        """Fill the field/column chooser from the choices read when the corpus was opened (no file access here)."""
        kind = preview.kind if preview is not None else ""
        self.field_combo.clear()
        for value, label in preview.choices if preview is not None else []:
            self.field_combo.addItem(label, value)
        if kind == "jsonl":
            self.field_label.setText(tr("Text field:"))
            self.field_combo.setCurrentIndex(max(0, self.field_combo.findData(self.session.data_config.text_field)))
        elif kind in ("csv", "tsv"):
            corpus = self.session.corpus
            parallel = corpus is not None and corpus.is_parallel and not corpus.two_files
            self.field_label.setText(tr("Column:"))
            current = self.session.data_config.source_column if parallel else self.session.data_config.column
            self.field_combo.setCurrentIndex(max(0, self.field_combo.findData(current)))
            if self.session.data_config.task == "translate":
                kind = ""  # the task bar's source and target columns choose instead
        visible = bool(kind)
        self.field_label.setVisible(visible)
        self.field_combo.setVisible(visible)

    # encoding ---------------------------------------------------------------------------------------
    def _build_encoding_chooser(self, top: QHBoxLayout) -> None:
        self.encoding_label = QLabel(tr("Encoding:"))
        self.encoding_combo = QComboBox()
        self.encoding_combo.setEditable(True)
        self.encoding_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for name in ENCODINGS:
            self.encoding_combo.addItem(name)
        self.encoding_combo.setMinimumContentsLength(9)
        tip = tr(
            "How the corpus's bytes are read as text. auto: UTF-8 (with or without a byte-order mark) when the "
            "file is valid UTF-8, else the likeliest legacy encoding, reported beside this box with its confidence. "
            "Choose or type another (cp1252 for Western European Windows files, latin-1, cp1250 for Central "
            "European, shift_jis, gb18030, ...) when the preview shows wrong letters; the corpus is then read again."
        )
        self.encoding_combo.setToolTip(tip)
        self.encoding_label.setToolTip(tip)
        self.encoding_combo.activated.connect(self._on_encoding_chosen)
        self.encoding_combo.lineEdit().editingFinished.connect(self._on_encoding_chosen)
        self.encoding_note = QLabel()
        self.encoding_note.setObjectName("hint")
        self.encoding_note.setToolTip(tr("The encoding the corpus was read with, and how sure the detection was"))
        index = top.count() - 1  # before the stretch
        for offset, w in enumerate((self.encoding_label, self.encoding_combo, self.encoding_note)):
            top.insertWidget(index + offset, w)
        self._show_encoding()

    def encoding_choice(self) -> str:
        return self.encoding_combo.currentText().strip() or "auto"

    def _on_encoding_chosen(self, *_args) -> None:
        choice = self.encoding_choice()
        if (
            self.session.corpus is not None
            and choice != self.session.data_config.encoding
            and not self.session.is_opening()
        ):
            self.reopen(encoding=choice)

    def _show_encoding(self) -> None:
        self.encoding_combo.blockSignals(True)
        self.encoding_combo.setCurrentText(self.session.data_config.encoding)
        self.encoding_combo.blockSignals(False)
        corpus = self.session.corpus
        self.encoding_note.setText(
            "" if corpus is None else tr("read as {encoding}").format(encoding=corpus.encoding_note or corpus.encoding)
        )

    # drag and drop ----------------------------------------------------------------------------------
    # a run folder or a workspace file is left to the window (it opens them in the Playground, as the workspace)
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        path = drops.dropped_path(event.mimeData())
        if path is not None and drops.drop_kind(path) == "corpus":
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = drops.dropped_path(event.mimeData())
        if path is not None and drops.drop_kind(path) == "corpus":
            event.acceptProposedAction()
            self.open_path(path)
        else:
            event.ignore()

    # reacting to the session ------------------------------------------------------------------------
    def _on_corpus_changed(self) -> None:
        corpus = self.session.corpus
        self.banner.clear()
        if corpus is None:
            return
        path = Path(corpus.path)
        files = getattr(corpus, "files", None) or [path]
        where = tr("{n} files in {folder}").format(n=len(files), folder=path) if len(files) > 1 else str(path)
        self.info.setText(
            tr("<b>{name}</b> — {where}<br>Format: {format} · Encoding: {encoding} · {size}").format(
                name=self.session.corpus_name(),
                where=_escape(where),
                format=corpus.format,
                encoding=_escape(corpus.encoding_note or corpus.encoding),
                size=human_bytes(corpus.size_bytes),
            )
        )
        preview = self.session.preview
        text = preview.head if preview is not None else ""
        self.preview.setPlainText(text)
        more = corpus.size_bytes > len(text.encode("utf-8", errors="replace"))
        self.preview_note.setText(
            tr("Showing the first {n} characters.").format(n=f"{len(text):,}")
            if more
            else tr("Showing the whole corpus.")
        )
        self._set_field_chooser(preview)
        self._show_encoding()
        self._show_task()
        if not self._closed:
            self._stats_timer.start()

    # statistics -------------------------------------------------------------------------------------
    def start_stats(self) -> None:
        if self.session.corpus is None or self._closed:
            return
        if self.session.data_config.task == "translate" and not self.session.corpus.is_parallel:
            return  # no pairs yet (a target file is missing): the pair preview says so; the core would refuse
        self.cancel_stats()
        key = self.session.stats_key_now()
        job = start_worker("stats", jobs.corpus_stats, self.session.data_snapshot(), key)
        self._stats_job = job
        self.progress.start(tr("Computing statistics…"))
        job.sig_progress.connect(self.progress.update_progress)
        job.sig_result.connect(self._on_stats)
        job.sig_error.connect(lambda message: self._on_stats_error(message, job.error_class))
        job.sig_finished.connect(lambda: self._stats_finished(job))

    def cancel_stats(self) -> None:
        if self._stats_job is not None:
            self._stats_job.cancel()

    def _stats_finished(self, job: WorkerHandle) -> None:
        if job is self._stats_job:
            self._stats_job = None
            self.progress.finish()

    def _on_stats(self, result) -> None:
        key, stats = result
        if self.banner.text().startswith(_prefix(STATS_FAILED)):  # counted now: that message no longer holds
            self.banner.clear()
        self.session.set_stats(stats, key)
        if self.session.stats is not None:  # counted for the current settings: the health report follows
            self.health_panel.refresh()

    def _on_split_changed(self) -> None:
        """The split settings changed: the statistics still hold, the leakage between the splits does not."""
        if self.session.stats is not None and not self._closed:
            self.health_panel.refresh()

    def _on_stats_error(self, message: str, error_class: str = "") -> None:
        if error_class == "CorpusError":  # unreadable past the part checked when it opened
            failed = self.session.corpus_name()
            if self.session.restore_previous_corpus():
                message = tr(NOT_KEPT).format(message=message, failed=failed, current=self.session.corpus_name())
            self.banner.show_message(message)
            show_error(self, tr("Cannot read this corpus"), message)
            return
        self.banner.show_message(tr(STATS_FAILED).format(message=message))
        show_error(self, tr("Statistics failed"), message)

    def stats_running(self) -> bool:
        return self._stats_job is not None

    # translation: task, pairs, direction --------------------------------------------------------------
    def _show_task(self) -> None:
        d, corpus = self.session.data_config, self.session.corpus
        self.task_bar.show_state(d, corpus, self.session.preview, self.session.corpus_name())
        translate = d.task == "translate"
        self.preview_tabs.setTabVisible(0, translate)
        self.preview_tabs.tabBar().setVisible(translate)  # a language model: the text preview alone, as before
        self.preview_tabs.setCurrentIndex(0 if translate else 1)
        self.pair_stats.setVisible(translate)
        self.stats_panel.setVisible(not translate)
        self.side_tabs.setTabVisible(1, not translate)  # data health is for a language model's corpus
        if translate:
            self.health_panel.cancel()
        if not translate:
            self.cancel_pairs()

    def apply_data(self, **changes) -> WorkerHandle | None:
        """Re-open the corpus with changed data settings (task, direction, columns, target file, toy task): the
        settings take effect once it has opened; a failure keeps the previous state and shows why."""
        if self._closed:
            return None
        try:
            data = dataclasses.replace(self.session.data_config, **changes)
        except (ConfigError, TypeError) as exc:
            self._refuse(user_message(str(exc)))
            return None
        if data.task == "translate" and data.toy_task:
            return self._open_toy(data)
        return self.session.open_corpus_in_background(data=data, on_opened=self._opened, on_error=self._open_failed)

    def _opened(self, result: dict) -> None:
        if not result["data"].toy_task:
            self._before_toy = None
        self.session.apply_opened(result)

    def _open_failed(self, message: str) -> None:
        self._on_corpus_error(message)
        self._show_task()

    def _refuse(self, message: str) -> None:
        self.banner.show_message(message)
        self._show_task()

    def _on_task_chosen(self, task: str) -> None:
        d = self.session.data_config
        if task == d.task:
            return
        if task == "lm":
            if d.toy_task:
                self._leave_toy(task="lm")
            else:
                self.apply_data(task="lm")
            return
        changes: dict = {"task": "translate"}
        corpus, preview = self.session.corpus, self.session.preview
        if corpus is not None and not corpus.is_parallel and preview is not None and preview.kind in ("csv", "tsv"):
            columns = [value for value, _ in preview.choices if value]  # read as pairs: the text column → the next
            source = d.column if d.column in columns else (columns[0] if columns else "0")
            target = next((c for c in columns if c != source), "1")
            changes.update(format="parallel", source_column=source, target_column=target)
        self.apply_data(**changes)

    def _on_toy_chosen(self, toy: str | None) -> None:
        d = self.session.data_config
        if toy == d.toy_task:
            return
        if toy is None:
            self._leave_toy()
        else:
            self.apply_data(task="translate", toy_task=toy, toy_pairs=self.task_bar.toy_pairs.value())

    def _on_toy_pairs(self, n: int) -> None:
        d = self.session.data_config
        if d.toy_task and n != d.toy_pairs:
            self.apply_data(toy_pairs=n)

    def _leave_toy(self, **changes) -> WorkerHandle | None:
        """Back from a toy task to the corpus it replaced (the bundled English–Spanish pairs if none is known)."""
        before = self._before_toy
        if before is not None:
            reading = {key: getattr(before, key) for key in READING_KEYS}
            reading["encoding"] = before.encoding
        else:
            bundled = core_corpus.bundled_read_options(core_corpus.BIBLE_EN_ES)
            reading = dict(
                corpus=str(core_corpus.bundled_corpora()[core_corpus.BIBLE_EN_ES]),
                format=bundled.format,
                source_column=bundled.source_column,
                target_column=bundled.target_column,
                target="",
                column="",
                encoding="auto",
            )
        return self.apply_data(toy_task=None, **reading, **changes)

    def _open_toy(self, data: DataConfig) -> WorkerHandle | None:
        """Generate the toy task's pairs on a worker (once: they are cached), then open them as the corpus."""
        if not self.session.data_config.toy_task and self._before_toy is None:
            self._before_toy = copy.deepcopy(self.session.data_config)
        self.cancel_open()
        job = start_worker("toy-corpus", jobs.toy_corpus, data.toy_task, data.toy_pairs, data.seed)
        self._toy_job = job
        self.open_progress.start(tr("Generating the {task} pairs…").format(task=data.toy_task))
        self.open_progress.update_progress(
            0, -1, tr("Generating {n} {task} pairs…").format(n=f"{data.toy_pairs:,}", task=data.toy_task)
        )
        job.sig_progress.connect(self.open_progress.update_progress)
        job.sig_result.connect(lambda path: self._toy_ready(job, data, path))
        job.sig_error.connect(lambda message: self._toy_failed(job, message))
        job.sig_finished.connect(lambda: self._toy_finished(job))
        self._show_task()
        return job

    def _toy_ready(self, job: WorkerHandle, data: DataConfig, path: str) -> None:
        if job is not self._toy_job or self._closed:
            return
        toy = toy_read_options()
        data = dataclasses.replace(
            data,
            corpus=path,
            format=toy.format,
            source_column=toy.source_column,
            target_column=toy.target_column,
            target="",
            column="",
            encoding="auto",
        )
        self.session.open_corpus_in_background(data=data, on_opened=self._opened, on_error=self._open_failed)

    def _toy_failed(self, job: WorkerHandle, message: str) -> None:
        if job is self._toy_job:
            self._open_failed(message)

    def _toy_finished(self, job: WorkerHandle) -> None:
        if job is self._toy_job:
            self._toy_job = None
            if self._open_job is None:
                self.open_progress.finish()

    def _on_columns_chosen(self, source: str, target: str) -> None:
        d = self.session.data_config
        if (source, target) == (d.source_column, d.target_column):
            return
        if source == target:
            self._refuse(
                tr(
                    "The source and target columns are both {column}: choose two different columns "
                    "(or a target file for a two-file corpus)"
                ).format(column=repr(source))
            )
            return
        self.apply_data(format="parallel", source_column=source, target_column=target, column="")

    def choose_target_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Target file (line-aligned with the corpus)"), self.prefs.last_folder("corpus"), tr(TARGET_FILTER)
        )
        if path:
            self.set_target_file(path)

    def set_target_file(self, path: str | Path) -> WorkerHandle | None:
        """Two line-aligned files: the corpus is the source side, ``path`` the target side."""
        return self.apply_data(format="parallel", target=str(path), toy_task=None)

    def start_pairs(self) -> None:
        """Read the cleaned pairs on a worker: the side-by-side preview and the pair statistics."""
        if self.session.corpus is None or self._closed or self.session.data_config.task != "translate":
            return
        self.cancel_pairs()
        self.pair_stats.clear()
        names = self._side_names()
        self.pair_preview.show_note(tr("Reading the pairs…"), names)
        key = self._pairs_key()
        job = start_worker("pairs", jobs.pair_preview, self.session.data_snapshot(), key)
        self._pairs_job = job
        self.pairs_progress.start(tr("Reading the pairs…"))
        job.sig_progress.connect(self.pairs_progress.update_progress)
        job.sig_result.connect(self._on_pairs)
        job.sig_error.connect(lambda message: self._on_pairs_error(job, message, job.error_class))
        job.sig_finished.connect(lambda: self._pairs_finished(job))

    def _side_names(self) -> tuple[str, str]:
        preview = self.session.preview
        choices = preview.choices if preview is not None else []
        return side_names(self.session.data_config, self.session.corpus, self.session.corpus_name(), choices)

    def _pairs_key(self) -> str:
        d = self.session.data_config
        return f"{self.session.stats_key_now()}|{d.task}|{d.reverse}|{d.toy_task}|{d.toy_pairs}|{d.seed}"

    def cancel_pairs(self) -> None:
        if self._pairs_job is not None:
            self._pairs_job.cancel()

    def pairs_running(self) -> bool:
        return self._pairs_job is not None

    def _pairs_finished(self, job: WorkerHandle) -> None:
        if job is self._pairs_job:
            self._pairs_job = None
            self.pairs_progress.finish()

    def _on_pairs(self, result: dict) -> None:
        if result["key"] != self._pairs_key():  # the settings changed meanwhile: a newer read follows
            return
        if self.banner.text().startswith(_prefix(PAIRS_FAILED)):
            self.banner.clear()
        names = self._side_names()
        self.pair_preview.show_pairs(result["rows"], names, result["kept"])
        self.pair_stats.show_result(result)

    def _on_pairs_error(self, job: WorkerHandle, message: str, error_class: str = "") -> None:
        if job is not self._pairs_job:
            return
        message = user_message(message)
        names = self._side_names()
        self.pair_preview.show_note(message, names)
        self.pair_stats.clear("–")
        if error_class == "ConfigError":  # not a parallel corpus (yet): what to choose, not a failure
            return
        if error_class == "CorpusError":  # a ragged row past the part checked when it opened
            failed = self.session.corpus_name()
            if self.session.restore_previous_corpus():
                message = tr(NOT_KEPT).format(message=message, failed=failed, current=self.session.corpus_name())
        self.banner.show_message(tr(PAIRS_FAILED).format(message=message))

    # closing ------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """The window is closing: no more timers or jobs; cancel what runs (the window joins it)."""
        self._closed = True
        self._stats_timer.stop()
        self.cancel_stats()
        self.cancel_pairs()
        self.health_panel.shutdown()
        if self._toy_job is not None:
            self._toy_job.cancel()
        self.session.cancel_open()


def _prefix(template: str) -> str:
    """The start of a banner message made from ``template`` (in the window's language), before its message."""
    return tr(template).split("{message}", 1)[0]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
