"""The Data tab's panels: statistics (with the line-length histogram), cleaning (with a live before/after
preview on sample lines) and splits (with the resulting sizes). Each is a view over the session."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...app.units import human_bytes, human_count  # noqa: F401  (the Vocabulary tab imports human_count here)
from ...core.config import CleaningConfig
from ...core.data.cleaning import Cleaner
from ...core.data.splits import SPLIT_NAMES
from ...core.errors import ConfigError
from ..forms import configure
from ..messages import user_message
from ..session import Session
from ..widgets.charts import HistogramChart
from ..widgets.common import BigNumber
from ..widgets.token_chips import visible


class StatsPanel(QGroupBox):
    FIELDS = (
        ("chars", "Characters", "Characters after cleaning, one newline per line included"),
        ("lines", "Lines", "Lines after cleaning"),
        ("words", "Words", "Whitespace-separated words"),
        (
            "unique_chars",
            "Distinct characters",
            "How many different characters occur: the size of a character vocabulary",
        ),
        ("mean_line_chars", "Mean line length", "Average characters per line (newline excluded)"),
        ("max_line_chars", "Longest line", "Characters in the longest line"),
        ("empty_lines", "Empty lines", "Lines that are empty or only whitespace"),
    )

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Statistics", parent)
        self.session = session
        self.setToolTip("Counted over the whole corpus after cleaning, on a background thread")
        grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        for i, (key, name, tip) in enumerate(self.FIELDS):
            label, value = QLabel(name), (BigNumber("…") if i < 2 else QLabel("…"))
            for w in (label, value):
                w.setToolTip(tip)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row, col = (0, i) if i < 2 else (1 + (i - 2) // 2, (i - 2) % 2)  # the two headline numbers first
            grid.addWidget(label, row, col * 2)
            grid.addWidget(value, row, col * 2 + 1)
            self.values[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.top_chars = QLabel()
        self.top_chars.setWordWrap(True)
        self.top_chars.setToolTip("The most frequent characters (· is a space, ↵ a newline) with their counts")
        self.top_words = QLabel()
        self.top_words.setWordWrap(True)
        self.top_words.setToolTip("The most frequent words, lower-cased, with their counts")
        self.histogram = HistogramChart(
            "Line lengths",
            "characters per line",
            "lines",
            "How many lines have each length: long tails suggest cleaning or a max length",
        )
        # readable in presenter mode's large type while the window still fits a 1080p projector
        self.histogram.setMinimumHeight(100)  # the panel scrolls on a short screen; the chart takes the room left
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
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
            self.top_chars.setText("Top characters: computing…")
            self.top_words.setText("Top words: computing…")
            self.histogram.clear_data()
            return
        for key, value in self.values.items():
            number = getattr(stats, key)
            value.setText(f"{number:,.1f}" if isinstance(number, float) else f"{number:,}")
        self.values["chars"].setText(human_count(stats.chars))
        self.values["chars"].setToolTip(f"{stats.chars:,} characters ({human_bytes(stats.bytes)} as UTF-8)")
        self.values["lines"].setText(human_count(stats.lines))
        self.values["lines"].setToolTip(f"{stats.lines:,} lines")
        chars = ",  ".join(f"“{visible(c)}” {human_count(n)}" for c, n in stats.top_chars[:12])
        words = ",  ".join(f"{w} {human_count(n)}" for w, n in stats.top_words[:10])
        self.top_chars.setText(f"<b>Top characters:</b> {_escape(chars)}")
        self.top_words.setText(f"<b>Top words:</b> {_escape(words)}")
        counts, edges = stats.line_length_hist
        self.histogram.set_histogram(counts, edges)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CleaningPanel(QGroupBox):
    """Cleaning options; every change goes to the session and re-runs the preview on sample lines."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Cleaning", parent)
        self.session = session
        self.setToolTip("Applied line by line before statistics, splits and tokenizers")
        self.checks: dict[str, QCheckBox] = {}
        options = QGridLayout()
        # ranges, choices, tooltips and defaults from the settings' declarations (core.config)
        for i, (key, text) in enumerate(
            (
                ("nfkc", "Unicode NFKC"),
                ("lowercase", "Lower-case"),
                ("collapse_whitespace", "Collapse spaces"),
                ("strip_control", "Strip control chars"),
                ("dedupe", "Drop duplicates"),
            )
        ):
            box = configure(QCheckBox(text), f"data.cleaning.{key}")
            box.toggled.connect(self._changed)
            self.checks[key] = box
            options.addWidget(box, i // 2, i % 2)
        self.stopwords = configure(
            QComboBox(),
            "data.cleaning.stopwords",
            labels={None: "Keep stop words", "en": "Remove English stop words", "es": "Remove Spanish stop words"},
        )
        self.stopwords.currentIndexChanged.connect(self._changed)
        self.min_chars = configure(QSpinBox(), "data.cleaning.min_line_chars")
        self.max_chars = configure(QSpinBox(), "data.cleaning.max_line_chars")
        for spin in (self.min_chars, self.max_chars):
            spin.valueChanged.connect(self._changed)
        form = QFormLayout()
        form.addRow(self.stopwords)
        lengths = QHBoxLayout()
        lengths.addWidget(QLabel("Line length from"))
        lengths.addWidget(self.min_chars)
        lengths.addWidget(QLabel("to"))
        lengths.addWidget(self.max_chars)
        lengths.addStretch(1)
        form.addRow(lengths)
        self.error = QLabel()
        self.error.setObjectName("hint")
        self.error.setWordWrap(True)
        self.preview = QTableWidget(0, 2)
        self.preview.setHorizontalHeaderLabels(["Before", "After"])
        self.preview.verticalHeader().hide()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.preview.setToolTip("Sample lines of the corpus before and after cleaning; struck-out lines are dropped")
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

    def refresh_preview(self) -> None:
        preview = self.session.preview  # sample lines read by the worker that opened the corpus
        if self.session.corpus is None or preview is None:
            self.preview.setRowCount(0)
            return
        try:
            rows = Cleaner(self.session.cleaning).preview(preview.sample_lines)
        except Exception as exc:  # a preview must never take the tab down
            self.error.setText(f"Preview unavailable: {exc}")
            rows = []
        self.preview.setRowCount(len(rows))
        dim = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for r, (before, after) in enumerate(rows):
            a = QTableWidgetItem(before)
            a.setToolTip(before)
            if after is None:
                b = QTableWidgetItem("(dropped)")
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
        super().__init__("Split", parent)
        self.session = session
        self.setToolTip("How the cleaned lines are divided for training, validation and the final test")

        def percent(tip: str) -> QDoubleSpinBox:
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 100.0)
            spin.setDecimals(1)
            spin.setSingleStep(1.0)
            spin.setSuffix(" %")
            spin.setToolTip(tip)
            return spin

        self.train = percent("Share of lines the model learns from")
        self.val = percent("Share of lines held out to measure progress during training (validation loss)")
        self.test = percent("The remainder: held out for a final, untouched measurement")
        self.test.setReadOnly(True)
        self.test.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
        self.mode = configure(
            QComboBox(), "data.split_mode", labels={"lines": "Random lines", "blocks": "Contiguous blocks"}
        )
        self.block_lines = configure(QSpinBox(), "data.block_lines")
        self.seed = configure(QSpinBox(), "data.seed")
        self.sizes = QLabel()
        self.sizes.setWordWrap(True)
        self.sizes.setToolTip("Sizes estimated from the statistics; exact sizes are known once the splits are written")
        layout = QVBoxLayout(self)
        for widgets in (
            (("Train", self.train), ("Validation", self.val), ("Test", self.test)),
            (("", self.mode), ("Lines per block", self.block_lines), ("Seed", self.seed)),
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
            self.sizes.setText("Sizes: waiting for the statistics…")
            return
        parts = []
        for name, frac in zip(SPLIT_NAMES, fractions):
            parts.append(
                f"<b>{name}</b> ≈ {human_count(stats.lines * frac)} lines, {human_count(stats.chars * frac)} chars"
            )
        self.sizes.setText(" · ".join(parts))
