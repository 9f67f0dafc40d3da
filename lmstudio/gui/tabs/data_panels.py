"""The Data tab's panels: statistics (with the line-length histogram), cleaning (with a live before/after
preview on sample lines) and splits (with the resulting sizes). Each is a view over the session. For
translation: the task bar (task, toy task, columns or target file, direction), the side-by-side pair preview
and the pair statistics (lengths per side, the length-ratio histogram, what cleaning dropped)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...app.units import human_bytes, human_count  # noqa: F401  (the Vocabulary tab imports human_count here)
from ...core.config import CleaningConfig, DataConfig
from ...core.data.cleaning import Cleaner
from ...core.data.corpus import BIBLE_EN_ES
from ...core.data.segment import read_user_dict
from ...core.data.splits import SPLIT_NAMES
from ...core.errors import ConfigError, LMStudioError
from ..forms import configure, set_value
from ..i18n import CJK_FONT_ADVICE, QT_TR_NOOP, cjk_font_missing, tr
from ..jobs import PAIR_PREVIEW_ROWS
from ..messages import user_message
from ..session import Session
from ..widgets.charts import HistogramChart
from ..widgets.common import BigNumber
from ..widgets.token_chips import visible


class StatsPanel(QGroupBox):
    FIELDS = (
        ("chars", QT_TR_NOOP("Characters"), QT_TR_NOOP("Characters after cleaning, one newline per line included")),
        ("lines", QT_TR_NOOP("Lines"), QT_TR_NOOP("Lines after cleaning")),
        ("words", QT_TR_NOOP("Words"), QT_TR_NOOP("Whitespace-separated words")),
        (
            "unique_chars",
            QT_TR_NOOP("Distinct characters"),
            QT_TR_NOOP("How many different characters occur: the size of a character vocabulary"),
        ),
        (
            "mean_line_chars",
            QT_TR_NOOP("Mean line length"),
            QT_TR_NOOP("Average characters per line (newline excluded)"),
        ),
        ("max_line_chars", QT_TR_NOOP("Longest line"), QT_TR_NOOP("Characters in the longest line")),
        ("empty_lines", QT_TR_NOOP("Empty lines"), QT_TR_NOOP("Lines that are empty or only whitespace")),
    )

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(tr("Statistics"), parent)
        self.session = session
        self.setToolTip(tr("Counted over the whole corpus after cleaning, on a background thread"))
        grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        for i, (key, name, tip) in enumerate(self.FIELDS):
            label, value = QLabel(tr(name)), (BigNumber("…") if i < 2 else QLabel("…"))
            for w in (label, value):
                w.setToolTip(tr(tip))
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row, col = (0, i) if i < 2 else (1 + (i - 2) // 2, (i - 2) % 2)  # the two headline numbers first
            grid.addWidget(label, row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
            self.values[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.top_chars = QLabel()
        self.top_chars.setWordWrap(True)
        self.top_chars.setToolTip(tr("The most frequent characters (· is a space, ↵ a newline) with their counts"))
        # Chinese or Japanese text: how its words were counted, and what suits it (the Data tab's CJK note)
        self.cjk_note = QLabel()
        self.cjk_note.setObjectName("hint")
        self.cjk_note.setWordWrap(True)
        self.cjk_note.setToolTip(
            tr("Shown when at least 30% of the corpus's characters are Chinese characters or Japanese kana")
        )
        self.cjk_note.hide()
        self.top_words = QLabel()
        self.top_words.setWordWrap(True)
        self.top_words.setToolTip(tr("The most frequent words, lower-cased, with their counts"))
        self.histogram = HistogramChart(
            tr("Line lengths"),
            tr("characters per line"),
            tr("lines"),
            tr("How many lines have each length: long tails suggest cleaning or a max length"),
        )
        # readable in presenter mode's large type while the window still fits a 1080p projector
        self.histogram.setMinimumHeight(100)  # the panel scrolls on a short screen; the chart takes the room left
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.cjk_note)
        layout.addWidget(self.top_chars)
        layout.addWidget(self.top_words)
        layout.addWidget(self.histogram, 1)
        session.sig_stats_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        stats = self.session.stats
        if stats is None:
            for value in self.values.values():
                value.setText("…")
            self.top_chars.setText(tr("Top characters: computing…"))
            self.top_words.setText(tr("Top words: computing…"))
            self.histogram.clear_data()
            return
        for key, value in self.values.items():
            number = getattr(stats, key)
            value.setText(f"{number:,.1f}" if isinstance(number, float) else f"{number:,}")
        self.values["chars"].setText(human_count(stats.chars))
        self.values["chars"].setToolTip(
            tr("{n} characters ({size} as UTF-8)").format(n=f"{stats.chars:,}", size=human_bytes(stats.bytes))
        )
        self.values["lines"].setText(human_count(stats.lines))
        self.values["lines"].setToolTip(tr("{n} lines").format(n=f"{stats.lines:,}"))
        chars = ",  ".join(f"“{visible(c)}” {human_count(n)}" for c, n in stats.top_chars[:12])
        words = ",  ".join(f"{w} {human_count(n)}" for w, n in stats.top_words[:10])
        self.top_chars.setText(tr("<b>Top characters:</b> {chars}").format(chars=_escape(chars)))
        self.show_cjk_note(stats)
        self.top_words.setText(tr("<b>Top words:</b> {words}").format(words=_escape(words)))
        counts, edges = stats.line_length_hist
        self.histogram.set_histogram(counts, edges)

    def show_cjk_note(self, stats) -> None:
        """Say how words were counted in CJK text, what vocabulary suits it, and which font is missing."""
        segmenter = self.session.config.data.segmenter
        if segmenter == "whitespace" and stats.cjk_chars:
            rule = tr("each CJK character counted as one word (no segmenter is set: Words ▸ Chinese words (jieba))")
        elif segmenter == "whitespace":
            rule = tr("whitespace-separated words")
        else:
            rule = tr("words as the {segmenter} segmenter cuts them").format(segmenter=segmenter)
        self.values["words"].setToolTip(tr("Words: {rule}").format(rule=rule))
        if not stats.cjk_chars or not stats.is_cjk:
            self.cjk_note.hide()
            return
        parts = [
            tr(
                "Chinese or Japanese text ({share} CJK characters). Words: {rule}. A character vocabulary suits "
                "it ({n} distinct characters; 5,000 or more is usual for Chinese); for a word vocabulary choose "
                "Words ▸ Chinese words (jieba)."
            ).format(share=f"{stats.cjk_share:.0%}", rule=rule, n=f"{stats.unique_chars:,}")
        ]
        if cjk_font_missing():
            parts.append("<b>" + tr(CJK_FONT_ADVICE) + "</b>")
        self.cjk_note.setText(" ".join(parts))
        self.cjk_note.show()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CleaningPanel(QGroupBox):
    """Cleaning options; every change goes to the session and re-runs the preview on sample lines."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(tr("Cleaning"), parent)
        self.session = session
        self.setToolTip(tr("Applied line by line before statistics, splits and tokenizers"))
        self.checks: dict[str, QCheckBox] = {}
        options = QGridLayout()
        # ranges, choices, tooltips and defaults from the settings' declarations (core.config)
        for i, (key, text) in enumerate(
            (
                ("nfkc", tr("Unicode NFKC")),
                ("lowercase", tr("Lower-case")),
                ("collapse_whitespace", tr("Collapse spaces")),
                ("strip_control", tr("Strip control chars")),
                ("dedupe", tr("Drop duplicates")),
            )
        ):
            box = configure(QCheckBox(text), f"data.cleaning.{key}")
            box.toggled.connect(self._changed)
            self.checks[key] = box
            options.addWidget(box, i // 2, i % 2)
        self.stopwords = configure(
            QComboBox(),
            "data.cleaning.stopwords",
            labels={
                None: tr("Keep stop words"),
                "en": tr("Remove English stop words"),
                "es": tr("Remove Spanish stop words"),
                "zh": tr("Remove Chinese stop words"),
            },
        )
        self.stopwords.currentIndexChanged.connect(self._changed)
        # how words are cut (data.segmenter): stop words, the word statistics and a word tokenizer follow it
        self.segmenter = configure(
            QComboBox(),
            "data.segmenter",
            labels={
                "whitespace": tr("Words between spaces"),
                "jieba": tr("Chinese words (jieba)"),
                "chars": tr("Each CJK character a word"),
            },
        )
        self.segmenter.currentIndexChanged.connect(self._segmenter_changed)
        self.user_dict = configure(QLineEdit(), "data.user_dict")
        self.user_dict.setPlaceholderText(tr("jieba's own dictionary"))
        self.user_dict.editingFinished.connect(self._segmenter_changed)
        self.user_dict_button = QPushButton(tr("Browse…"))
        self.user_dict_button.setToolTip(tr("Choose a jieba user dictionary: one word a line, optionally a frequency"))
        self.user_dict_button.clicked.connect(self._choose_user_dict)
        self.min_chars = configure(QSpinBox(), "data.cleaning.min_line_chars")
        self.max_chars = configure(QSpinBox(), "data.cleaning.max_line_chars")
        for spin in (self.min_chars, self.max_chars):
            spin.valueChanged.connect(self._changed)
        form = QFormLayout()
        words_label = QLabel(tr("Words"))
        words_label.setToolTip(self.segmenter.toolTip())
        form.addRow(words_label, self.segmenter)
        self.user_dict_row = QWidget()
        dict_row = QHBoxLayout(self.user_dict_row)
        dict_row.setContentsMargins(0, 0, 0, 0)
        dict_row.addWidget(self.user_dict, 1)
        dict_row.addWidget(self.user_dict_button)
        self.user_dict_label = QLabel(tr("User dictionary"))
        self.user_dict_label.setToolTip(self.user_dict.toolTip())
        form.addRow(self.user_dict_label, self.user_dict_row)
        form.addRow(self.stopwords)
        lengths = QHBoxLayout()
        lengths.addWidget(QLabel(tr("Line length from")))
        lengths.addWidget(self.min_chars)
        lengths.addWidget(QLabel(tr("to")))
        lengths.addWidget(self.max_chars)
        lengths.addStretch(1)
        form.addRow(lengths)
        self.error = QLabel()
        self.error.setObjectName("hint")
        self.error.setWordWrap(True)
        self.preview = QTableWidget(0, 2)
        self.preview.setHorizontalHeaderLabels([tr("Before"), tr("After")])
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.preview.setToolTip(
            tr("Sample lines of the corpus before and after cleaning; struck-out lines are dropped")
        )
        left = QVBoxLayout()
        left.addLayout(options)
        left.addLayout(form)
        left.addWidget(self.error)
        left.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 0)
        layout.addWidget(self.preview, 1)
        self._loading = False
        session.sig_cleaning_changed.connect(self.load_from_session)
        session.sig_corpus_changed.connect(self.refresh_preview)
        self.load_from_session()

    def config(self) -> CleaningConfig:
        return CleaningConfig(
            **{k: box.isChecked() for k, box in self.checks.items()},
            stopwords=self.stopwords.currentData(),
            min_line_chars=self.min_chars.value(),
            max_line_chars=self.max_chars.value(),
        )

    def load_from_session(self) -> None:
        self._loading = True
        cfg = self.session.cleaning
        for key, box in self.checks.items():
            box.setChecked(bool(getattr(cfg, key)))
        self.stopwords.setCurrentIndex(max(0, self.stopwords.findData(cfg.stopwords)))
        data = self.session.config.data
        self.segmenter.setCurrentIndex(max(0, self.segmenter.findData(data.segmenter)))
        self.user_dict.setText(data.user_dict)
        self._show_user_dict()
        self.min_chars.setValue(cfg.min_line_chars)
        self.max_chars.setValue(cfg.max_line_chars)
        self._loading = False
        self.refresh_preview()

    def _changed(self) -> None:
        if self._loading:
            return
        try:
            cfg = self.config()
        except ConfigError as exc:
            self.error.setText(user_message(str(exc)))
            return
        self.error.clear()
        self.session.set_cleaning(cfg)
        self.refresh_preview()

    def _show_user_dict(self) -> None:
        jieba = self.segmenter.currentData() == "jieba"
        self.user_dict_row.setVisible(jieba)
        self.user_dict_label.setVisible(jieba)

    def _segmenter_changed(self, *_args) -> None:
        self._show_user_dict()
        if self._loading:
            return
        name = self.segmenter.currentData()
        user_dict = self.user_dict.text().strip() if name == "jieba" else ""
        try:
            read_user_dict(user_dict)  # a dictionary that cannot be read is refused, the setting kept as it was
            self.session.set_segmenter(name, user_dict)
        except LMStudioError as exc:
            self.error.setText(user_message(str(exc)))
            return
        self.error.clear()
        self.refresh_preview()

    def _choose_user_dict(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Choose a jieba user dictionary"), self.user_dict.text(), tr("Text files (*.txt);;All files (*)")
        )
        if path:
            self.user_dict.setText(path)
            self._segmenter_changed()

    def refresh_preview(self) -> None:
        preview = self.session.preview  # sample lines read by the worker that opened the corpus
        if self.session.corpus is None or preview is None:
            self.preview.setRowCount(0)
            return
        try:
            rows = Cleaner(self.session.cleaning, self.session.segmenter()).preview(preview.sample_lines)
        except Exception as exc:  # a preview must never take the tab down
            self.error.setText(tr("Preview unavailable: {error}").format(error=exc))
            rows = []
        self.preview.setRowCount(len(rows))
        dim = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for r, (before, after) in enumerate(rows):
            a = QTableWidgetItem(before)
            a.setToolTip(before)
            if after is None:
                b = QTableWidgetItem(tr("(dropped)"))
                font = QFont(b.font())
                font.setItalic(True)
                b.setFont(font)
                b.setForeground(dim)
                font_a = QFont(a.font())
                font_a.setStrikeOut(True)
                a.setFont(font_a)
            else:
                b = QTableWidgetItem(after)
                b.setToolTip(after)
                if after != before:
                    b.setForeground(QColor(self.palette().color(QPalette.ColorRole.Highlight)))
            self.preview.setItem(r, 0, a)
            self.preview.setItem(r, 1, b)

    def preview_rows(self) -> list[tuple[str, str]]:
        return [
            (self.preview.item(r, 0).text(), self.preview.item(r, 1).text()) for r in range(self.preview.rowCount())
        ]


class SplitPanel(QGroupBox):
    """Train/validation/test fractions (test is the remainder) and the resulting sizes."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(tr("Split"), parent)
        self.session = session
        self.setToolTip(tr("How the cleaned lines are divided for training, validation and the final test"))

        def percent(tip: str) -> QDoubleSpinBox:
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 100.0)
            spin.setDecimals(1)
            spin.setSingleStep(1.0)
            spin.setSuffix(" %")
            spin.setToolTip(tip)
            return spin

        self.train = percent(tr("Share of lines the model learns from"))
        self.val = percent(tr("Share of lines held out to measure progress during training (validation loss)"))
        self.test = percent(tr("The remainder: held out for a final, untouched measurement"))
        self.test.setReadOnly(True)
        self.test.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
        self.mode = configure(
            QComboBox(), "data.split_mode", labels={"lines": tr("Random lines"), "blocks": tr("Contiguous blocks")}
        )
        self.block_lines = configure(QSpinBox(), "data.block_lines")
        self.seed = configure(QSpinBox(), "data.seed")
        self.sizes = QLabel()
        self.sizes.setWordWrap(True)
        self.sizes.setToolTip(
            tr("Sizes estimated from the statistics; exact sizes are known once the splits are written")
        )
        layout = QVBoxLayout(self)
        for widgets in (
            ((tr("Train"), self.train), (tr("Validation"), self.val), (tr("Test"), self.test)),
            (("", self.mode), (tr("Lines per block"), self.block_lines), (tr("Seed"), self.seed)),
        ):
            row = QHBoxLayout()
            for name, widget in widgets:
                if name:
                    label = QLabel(name)
                    label.setToolTip(widget.toolTip())
                    row.addWidget(label)
                row.addWidget(widget)
                row.addSpacing(12)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addWidget(self.sizes)
        self._loading = False
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self._commit)
        for w in (self.train, self.val, self.block_lines, self.seed):
            w.valueChanged.connect(self._changed)
        self.mode.currentIndexChanged.connect(self._changed)
        session.sig_split_changed.connect(self.load_from_session)
        session.sig_stats_changed.connect(self.update_sizes)
        self.load_from_session()

    def load_from_session(self) -> None:
        self._loading = True
        d = self.session.data_config
        self.train.setValue(d.split_fractions[0] * 100)
        self.val.setValue(d.split_fractions[1] * 100)
        self.test.setValue(max(0.0, 100 - self.train.value() - self.val.value()))
        self.mode.setCurrentIndex(max(0, self.mode.findData(d.split_mode)))
        self.block_lines.setValue(d.block_lines)
        self.block_lines.setEnabled(d.split_mode == "blocks")
        self.seed.setValue(d.seed)
        self._loading = False
        self.update_sizes()

    def fractions(self) -> tuple[float, float, float]:
        train, val = round(self.train.value(), 1), round(self.val.value(), 1)
        return train / 100, val / 100, round(100 - train - val, 1) / 100

    def _changed(self) -> None:
        if self._loading:
            return
        self.test.setValue(max(0.0, 100 - self.train.value() - self.val.value()))
        self.block_lines.setEnabled(self.mode.currentData() == "blocks")
        self._timer.start()

    def _commit(self) -> None:
        try:
            self.session.set_split(
                self.fractions(), self.mode.currentData(), self.block_lines.value(), self.seed.value()
            )
        except ConfigError as exc:
            self.sizes.setText(f"<span style='color:#c0392b'>{_escape(user_message(str(exc)))}</span>")
            return
        self.update_sizes()

    def update_sizes(self) -> None:
        stats = self.session.stats
        fractions = self.session.data_config.split_fractions
        if stats is None:
            corpus = self.session.corpus
            no_pairs = self.session.data_config.task == "translate" and corpus is not None and not corpus.is_parallel
            self.sizes.setText(
                tr("Sizes: once there are pairs (a target file, source and target columns, or a toy task)")
                if no_pairs
                else tr("Sizes: waiting for the statistics…")
            )
            return
        parts = []
        for name, frac in zip(SPLIT_NAMES, fractions):
            parts.append(
                tr("<b>{split}</b> ≈ {lines} lines, {chars} chars").format(
                    split=tr(SPLIT_LABELS.get(name, name)),
                    lines=human_count(stats.lines * frac),
                    chars=human_count(stats.chars * frac),
                )
            )
        self.sizes.setText(" · ".join(parts))


# -- translation ------------------------------------------------------------------------------------------
SPLIT_LABELS = {"train": QT_TR_NOOP("train"), "val": QT_TR_NOOP("val"), "test": QT_TR_NOOP("test")}
# the texts below are shown through tr() (marked here: the translator is installed after imports)
TASK_LABELS = {"lm": QT_TR_NOOP("Language model"), "translate": QT_TR_NOOP("Source → target (translation)")}
TOY_LABELS = {
    None: QT_TR_NOOP("No toy task"),
    "reverse": QT_TR_NOOP("Reverse a string"),
    "sort": QT_TR_NOOP("Sort its characters"),
    "copy": QT_TR_NOOP("Copy it"),
    "dates": QT_TR_NOOP("Normalise dates"),
}
TOY_SIDES = {
    "reverse": (QT_TR_NOOP("string"), QT_TR_NOOP("reversed")),
    "sort": (QT_TR_NOOP("string"), QT_TR_NOOP("sorted")),
    "copy": (QT_TR_NOOP("string"), QT_TR_NOOP("copy")),
    "dates": (QT_TR_NOOP("date"), QT_TR_NOOP("ISO 8601 date")),
}
# the columns the names hold for
BUNDLED_SIDES = {BIBLE_EN_ES: (("1", "2"), (QT_TR_NOOP("English"), QT_TR_NOOP("Spanish")))}


def _translated(labels: dict) -> dict:
    """A table of marked texts in the window's language (same keys)."""
    return {key: tr(text) for key, text in labels.items()}


def side_names(data: DataConfig, corpus, corpus_name: str, choices: list[tuple[str, str]]) -> tuple[str, str]:
    """What the two sides of the pairs are, in the chosen direction: "English", "Spanish" for the bundled pairs,
    the column (its header name, or "column 1") of a table, the file names of two files, the toy task's."""
    if data.toy_task:
        sides = TOY_SIDES.get(data.toy_task)
        names = (tr(sides[0]), tr(sides[1])) if sides else (tr("source"), tr("target"))
    elif corpus_name in BUNDLED_SIDES and (data.source_column, data.target_column) == BUNDLED_SIDES[corpus_name][0]:
        names = tuple(tr(side) for side in BUNDLED_SIDES[corpus_name][1])
    elif corpus is not None and corpus.two_files:
        names = (Path(corpus.path).name, Path(data.target).name)
    elif corpus is not None and corpus.is_parallel:
        labels = {value: label.split(":", 1)[0] for value, label in choices if value}

        def name(column: str) -> str:
            return labels.get(column, column if not column.isdigit() else tr("column {number}").format(number=column))

        names = (name(data.source_column), name(data.target_column))
    else:
        names = (tr("source"), tr("target"))
    return (names[1], names[0]) if data.reverse else names


class TaskBar(QWidget):
    """The task (language model or source → target) and, for translation, where the pairs come from: a toy
    task, the source and target columns of a table or the target file of two line-aligned files, and the
    direction. It shows the session's settings; the tab applies a change by re-opening the corpus."""

    sig_task = Signal(str)
    sig_toy = Signal(object)  # a toy task, or None
    sig_toy_pairs = Signal(int)
    sig_columns = Signal(str, str)  # source, target
    sig_choose_target = Signal()
    sig_clear_target = Signal()
    sig_reverse = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = configure(QComboBox(), "data.task", labels=_translated(TASK_LABELS))
        self.task.activated.connect(lambda _i: self.sig_task.emit(self.task.currentData()))
        task_label = QLabel(tr("Task:"))
        task_label.setToolTip(self.task.toolTip())
        self.offer = QLabel()
        self.offer.setObjectName("hint")
        self.offer.setToolTip(tr("This corpus holds pairs: choose Source → target to train a translator on them"))

        self.toy = configure(QComboBox(), "data.toy_task", labels=_translated(TOY_LABELS))
        self.toy.activated.connect(lambda _i: self.sig_toy.emit(self.toy.currentData()))
        self.toy_pairs = configure(QSpinBox(), "data.toy_pairs")
        self.toy_pairs.setGroupSeparatorShown(True)
        self.toy_pairs.setSuffix(tr(" pairs"))
        self.toy_pairs.setKeyboardTracking(False)  # one new corpus when the number is typed, not per digit
        self.toy_pairs.valueChanged.connect(self.sig_toy_pairs.emit)

        self.source_column = configure(QComboBox(), "data.source_column", default=False)
        self.target_column = configure(QComboBox(), "data.target_column", default=False)
        for combo in (self.source_column, self.target_column):
            combo.activated.connect(self._columns_chosen)
        for combo in (self.toy, self.source_column, self.target_column):  # long column samples: no wider than this
            combo.setMinimumContentsLength(11)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.source_label = QLabel(tr("Source:"))
        self.source_label.setToolTip(self.source_column.toolTip())
        self.target_label = QLabel(tr("Target:"))
        self.target_label.setToolTip(self.target_column.toolTip())

        self.target_file = QLineEdit()
        self.target_file.setReadOnly(True)
        self.target_file.setPlaceholderText(tr("no target file"))
        self.target_file.setMinimumWidth(120)
        self.target_file.setToolTip(
            tr(
                "Two-file parallel corpus: the target-language file, line-aligned with the corpus (the source); "
                "line n of one translates line n of the other"
            )
        )
        self.target_button = QPushButton(tr("Target file…"))
        self.target_button.setToolTip(self.target_file.toolTip())
        self.target_button.clicked.connect(self.sig_choose_target.emit)
        self.clear_target = QToolButton()
        self.clear_target.setText("✕")
        self.clear_target.setToolTip(tr("Forget the target file: read the corpus as plain text again"))
        self.clear_target.clicked.connect(self.sig_clear_target.emit)

        self.reverse = configure(QCheckBox(tr("Swap sides")), "data.reverse")
        self.reverse.toggled.connect(self.sig_reverse.emit)
        self.direction = QLabel()
        self.direction.setObjectName("direction")
        self.direction.setToolTip(tr("The direction the model learns: from the left side to the right side"))

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(task_label)
        row.addWidget(self.task)
        row.addWidget(self.offer)
        self.translate_box = QWidget()
        box_row = QHBoxLayout(self.translate_box)
        box_row.setContentsMargins(12, 0, 0, 0)
        self._table_widgets = (self.source_label, self.source_column, self.target_label, self.target_column)
        self._file_widgets = (self.target_button, self.target_file, self.clear_target)
        for w in (self.toy, self.toy_pairs, *self._table_widgets, *self._file_widgets):  # the toy choices say it
            box_row.addWidget(w)
        box_row.addSpacing(12)
        box_row.addWidget(self.reverse)
        box_row.addWidget(self.direction)
        row.addWidget(self.translate_box)
        row.addStretch(1)

    def show_state(self, data: DataConfig, corpus, preview, corpus_name: str) -> None:
        """Show the session's data settings (no signal is emitted)."""
        translate = data.task == "translate"
        set_value(self.task, data.task)
        set_value(self.toy, data.toy_task)
        set_value(self.toy_pairs, data.toy_pairs)
        self.toy_pairs.setVisible(bool(data.toy_task))  # a count of the corpus's pairs it is not
        set_value(self.reverse, data.reverse)
        parallel = corpus is not None and corpus.is_parallel
        self.offer.setText(
            tr("This corpus holds pairs: choose Source → target to train a translator")
            if parallel and not translate
            else ""
        )
        self.offer.setVisible(bool(self.offer.text()))
        choices = preview.choices if preview is not None else []
        table = not data.toy_task and preview is not None and preview.kind in ("csv", "tsv")
        two_files = not data.toy_task and corpus is not None and not table and corpus.format in ("text", "parallel")
        for combo, current in ((self.source_column, data.source_column), (self.target_column, data.target_column)):
            combo.blockSignals(True)
            combo.clear()
            for value, label in choices:
                if value:
                    combo.addItem(label, value)
            if combo.findData(current) < 0:
                combo.addItem(current, current)
            combo.setCurrentIndex(combo.findData(current))
            combo.blockSignals(False)
        for w in self._table_widgets:
            w.setVisible(table)
        for w in self._file_widgets:
            w.setVisible(two_files)
        self.target_file.setText(Path(data.target).name if data.target else "")
        self.target_file.setToolTip(data.target or self.target_button.toolTip())
        self.clear_target.setEnabled(bool(data.target))
        self.translate_box.setVisible(translate)  # last: shown with its children as they will be (no wider)
        source, target = side_names(data, corpus, corpus_name, choices)
        self.direction.setText(f"<b>{_escape(_short(source))} → {_escape(_short(target))}</b>")
        self.direction.setToolTip(
            tr("The direction the model learns: from {source} (read) to {target} (written)").format(
                source=source, target=target
            )
        )

    def _columns_chosen(self, *_args) -> None:
        self.sig_columns.emit(self.source_column.currentData(), self.target_column.currentData())


def _short(name: str, limit: int = 24) -> str:
    """A side's name short enough for the task bar (a long file name would widen the window)."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


class PairPreview(QWidget):
    """The first pairs after cleaning, source and target side by side, in the chosen direction."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([tr("Source"), tr("Target")])
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(
            tr(
                "The first {n} pairs as the model will see them: after cleaning, in the chosen "
                "direction (the left side is read, the right side is written)"
            ).format(n=PAIR_PREVIEW_ROWS)
        )
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)

    def show_pairs(self, rows: list[tuple[str, str]], names: tuple[str, str], kept: int) -> None:
        self.table.setHorizontalHeaderLabels(list(names))
        self.table.setRowCount(len(rows))
        for r, pair in enumerate(rows):
            for c, text in enumerate(pair):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.note.setText(
            tr("Showing the first {shown} of {kept} pairs after cleaning.").format(
                shown=f"{len(rows):,}", kept=f"{kept:,}"
            )
        )

    def show_note(self, text: str, names: tuple[str, str] | None = None) -> None:
        """No pairs to show (yet): say why."""
        self.table.setHorizontalHeaderLabels(list(names or (tr("Source"), tr("Target"))))
        self.table.setRowCount(0)
        self.note.setText(text)

    def rows(self) -> list[tuple[str, str]]:
        return [(self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())]

    def header(self) -> tuple[str, str]:
        return tuple(self.table.horizontalHeaderItem(c).text() for c in range(2))


DROP_REASONS = {  # how many pairs, by reason (shown through tr())
    "cleaning": QT_TR_NOOP("{n} outside the line length limits"),
    "empty": QT_TR_NOOP("{n} a side empty"),
    "duplicate": QT_TR_NOOP("{n} duplicates"),
}


class PairStatsPanel(QGroupBox):
    """Pair-aware statistics (translation): lengths per side, the target/source length ratio, what cleaning dropped."""

    TIP = QT_TR_NOOP("Counted over the pairs after cleaning, in the chosen direction, on a background thread")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Pair statistics"), parent)
        self.setToolTip(tr(self.TIP))
        grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        fields = (
            (
                "pairs",
                tr("Pairs"),
                tr("Pairs kept after cleaning: what training splits into train, validation and test"),
            ),
            (
                "dropped",
                tr("Dropped"),
                tr("Pairs the cleaning left out (either side dropped or empty, or a duplicate pair)"),
            ),
            ("source_mean", tr("Source mean length"), tr("Average characters per source sentence")),
            ("source_max", tr("Longest source"), tr("Characters in the longest source sentence")),
            ("target_mean", tr("Target mean length"), tr("Average characters per target sentence")),
            ("target_max", tr("Longest target"), tr("Characters in the longest target sentence")),
            ("words", tr("Words per pair"), tr("Average whitespace-separated words: source → target")),
            ("ratio", tr("Median length ratio"), tr("Median of target characters / source characters")),
        )
        for i, (key, name, tip) in enumerate(fields):
            label, value = QLabel(name), (BigNumber("…") if i < 2 else QLabel("…"))
            for w in (label, value):
                w.setToolTip(tip)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, i // 2, (i % 2) * 2)
            grid.addWidget(value, i // 2, (i % 2) * 2 + 1)
            self.values[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.dropped_detail = QLabel()
        self.dropped_detail.setWordWrap(True)
        self.dropped_detail.setToolTip(tr("Why pairs were dropped by the cleaning options (below), by reason"))
        self.histogram = HistogramChart(
            tr("Length ratio (target / source)"),
            tr("target characters ÷ source characters"),
            tr("pairs"),
            tr(
                "How many pairs have each ratio of target to source length: pairs far from the bulk are often "
                "misaligned or not translations"
            ),
        )
        self.histogram.setMinimumHeight(100)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.dropped_detail)
        layout.addWidget(self.histogram, 1)
        self.clear()

    def clear(self, text: str = "…") -> None:
        self._ratio_counts: list[int] = []
        for value in self.values.values():
            value.setText(text)
        self.dropped_detail.setText("")
        self.histogram.clear_data()

    def show_result(self, result: dict) -> None:
        stats, dropped = result["stats"], result["dropped"]
        self.values["pairs"].setText(human_count(result["kept"]))
        self.values["pairs"].setToolTip(tr("{n} pairs kept after cleaning").format(n=f"{result['kept']:,}"))
        total_dropped = sum(dropped.values())
        self.values["dropped"].setText(human_count(total_dropped))
        detail = ", ".join(
            tr(DROP_REASONS[reason]).format(n=f"{n:,}") if reason in DROP_REASONS else f"{n:,} {reason}"
            for reason, n in sorted(dropped.items())
        )
        self.dropped_detail.setText(
            tr("<b>Dropped by cleaning:</b> {detail}").format(detail=detail)
            if detail
            else tr("No pair dropped by cleaning.")
        )
        if not stats.get("pairs"):
            for key in ("source_mean", "source_max", "target_mean", "target_max", "words", "ratio"):
                self.values[key].setText("–")
            self.histogram.clear_data()
            return
        src, tgt = stats["source_chars"], stats["target_chars"]
        self.values["source_mean"].setText(f"{src['mean']:,.1f}")
        self.values["source_max"].setText(f"{src['max']:,}")
        self.values["target_mean"].setText(f"{tgt['mean']:,.1f}")
        self.values["target_max"].setText(f"{tgt['max']:,}")
        self.values["words"].setText(f"{stats['source_words']:.1f} → {stats['target_words']:.1f}")
        self.values["ratio"].setText(f"{stats['ratio_median']:.2f}")
        sampled = (
            tr("; lengths of the first {n} pairs").format(n=f"{result['measured']:,}")
            if result["measured"] < result["kept"]
            else ""
        )
        self.setToolTip(tr(self.TIP) + sampled)
        counts = stats["ratio_counts"]
        self._ratio_counts = list(counts)
        self.histogram.set_histogram(counts, list(range(len(counts) + 1)))  # one bar per bin, equal widths
        self.histogram.getPlotItem().getAxis("bottom").setTicks([_ratio_ticks(stats["ratio_bins"])])

    def ratio_counts(self) -> list[int]:
        return list(self._ratio_counts)


def _ratio_ticks(bins: list[float]) -> list[tuple[float, str]]:
    """The irregular ratio bins' edges under equal-width bars: 0, 0.5, 0.67, ..., 2, ∞."""
    return [(float(i), "∞" if edge == float("inf") else f"{edge:g}") for i, edge in enumerate(bins)]
