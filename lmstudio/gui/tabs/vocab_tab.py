"""The Vocabulary tab: choose char/word/BPE/unigram and its options, train on a worker, then explore the
vocabulary (table, segmentation, statistics) and compare two trained tokenizers on the same text.

Training writes the train/val/test splits of the current corpus into the session's work folder (reused
while the corpus, cleaning and split settings stay the same) and the tokenizer beside them.
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.config import TokenizerConfig
from ...core.data.segment import Segmenter
from ...core.errors import ConfigError, LMStudioError
from .. import jobs
from ..forms import configure
from ..i18n import QT_TR_NOOP, tr
from ..messages import user_message
from ..session import Session
from ..widgets.charts import CurveChart, HistogramChart
from ..widgets.common import Banner, BigNumber, ProgressRow, SidePanelScroll
from ..widgets.train_form import start_from_of
from ..workers import WorkerHandle, start_worker
from .data_panels import human_count
from .vocab_views import DEFAULT_TEXT, SegmentationPanel, VocabularyTable, random_sample

KINDS = (
    (
        "char",
        QT_TR_NOOP("Characters"),
        QT_TR_NOOP("One token per character: tiny vocabulary, long sequences, never unknown on its own text"),
    ),
    (
        "word",
        QT_TR_NOOP("Words"),
        QT_TR_NOOP("One token per word or punctuation mark: short sequences, but unseen words become <unk>"),
    ),
    (
        "bpe",
        "BPE",
        QT_TR_NOOP(
            "SentencePiece byte-pair encoding: merges frequent pairs into sub-words; unknown text falls back to bytes"
        ),
    ),
    (
        "unigram",
        QT_TR_NOOP("Unigram"),
        QT_TR_NOOP("SentencePiece unigram: a sub-word vocabulary pruned from a large candidate set by likelihood"),
    ),
)
_run_ids = itertools.count(1)


class VocabularyTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._job: WorkerHandle | None = None
        self.history: list[dict[str, Any]] = []  # trained tokenizers of this session, for Compare

        # settings ---------------------------------------------------------------------------------
        # ranges, choices, tooltips and defaults from the settings' declarations (core.config)
        self.kind = configure(QComboBox(), "tokenizer.kind", labels={key: tr(name) for key, name, _ in KINDS})
        for key, _, tip in KINDS:
            self.kind.setItemData(self.kind.findData(key), tr(tip), Qt.ItemDataRole.ToolTipRole)
        self.vocab_size = configure(QSpinBox(), "tokenizer.vocab_size")
        self.min_frequency = configure(QSpinBox(), "tokenizer.min_frequency")
        self.coverage = configure(QDoubleSpinBox(), "tokenizer.character_coverage")
        self.byte_fallback = configure(QCheckBox(tr("Byte fallback")), "tokenizer.byte_fallback")
        self.shared = configure(QCheckBox(tr("One vocabulary for both sides")), "tokenizer.shared")
        self.shared.toggled.connect(self._on_shared)
        self.translate_note = QLabel(
            tr(
                "Translation: training builds its tokenizer (or one per side) from both sides of the training pairs "
                "with these settings; this tab trains on the source side, to look at it."
            )
        )
        self.translate_note.setObjectName("hint")
        self.translate_note.setWordWrap(True)
        self.translate_note.setToolTip(tr("What a translation run's tokenizers are trained on"))
        self.start_from_note = QLabel()
        self.start_from_note.setObjectName("hint")
        self.start_from_note.setWordWrap(True)
        self.start_from_note.setToolTip(
            tr("The Train tab's Start from is set: a run started from trained weights uses their tokenizer")
        )
        self.start_from_note.hide()
        self.train_button = QPushButton(tr("Train vocabulary"))
        self.train_button.setDefault(True)
        self.train_button.setToolTip(tr("Split the corpus and train this tokenizer on the train split (Ctrl+Return)"))
        self.train_button.clicked.connect(self.train)
        self.progress = ProgressRow(
            tr("training the tokenizer"), stacked=True
        )  # the side panel is narrow: text above the bar
        self.progress.sig_cancel.connect(self.cancel)
        self.status = QLabel(tr("No vocabulary yet: choose a kind and press Train."))
        self.status.setWordWrap(True)
        self.status.setToolTip(tr("What was trained, on what, and how long it took"))
        self.stale = QLabel()
        self.stale.setObjectName("hint")
        self.stale.setWordWrap(True)
        settings = QGroupBox(tr("Tokenizer"))
        settings.setToolTip(tr("What kind of vocabulary to build and how large"))
        form = QFormLayout(settings)
        form.addRow(tr("Kind"), self.kind)
        form.addRow(tr("Vocabulary size"), self.vocab_size)
        form.addRow(tr("Min. word frequency"), self.min_frequency)
        form.addRow(tr("Character coverage"), self.coverage)
        form.addRow(self.byte_fallback)
        form.addRow(self.shared)
        form.addRow(self.translate_note)
        form.addRow(self.start_from_note)
        form.addRow(self.train_button)
        form.addRow(self.progress)
        form.addRow(self.status)
        form.addRow(self.stale)
        for w in (self.kind, self.vocab_size, self.min_frequency, self.coverage, self.byte_fallback):
            w.setEnabled(True)
        self.kind_help = QLabel()
        self.kind_help.setObjectName("hint")
        self.kind_help.setWordWrap(True)
        self.kind_help.setToolTip(tr("What the chosen kind of tokenizer does"))
        form.insertRow(1, self.kind_help)
        self.kind.currentIndexChanged.connect(self._update_enabled)

        # summary numbers ----------------------------------------------------------------------------
        summary = QGroupBox(tr("Summary"))
        summary.setToolTip(tr("Measured on the splits of the current corpus"))
        grid = QGridLayout(summary)
        self.numbers: dict[str, QLabel] = {}
        for row, (key, name, tip) in enumerate(
            (
                ("vocab_size", tr("Pieces"), tr("Entries in the vocabulary, special tokens included")),
                (
                    "chars_per_token",
                    tr("Chars per token"),
                    tr("Characters of the train split divided by its tokens: higher means shorter sequences"),
                ),
                (
                    "unk_rate",
                    tr("Unknown rate"),
                    tr("Share of validation tokens that are <unk>: text the vocabulary cannot spell"),
                ),
                ("byte_rate", tr("Byte tokens"), tr("Share of train tokens spelled as single bytes (byte fallback)")),
                ("train_tokens", tr("Train tokens"), tr("Tokens in the train split: what one epoch of training reads")),
                ("unused_pieces", tr("Unused pieces"), tr("Pieces that never occur in the train split")),
            )
        ):
            label, value = QLabel(name), (BigNumber("–") if row < 3 else QLabel("–"))
            label.setToolTip(tip)
            value.setToolTip(tip)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
            self.numbers[key] = value
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(settings)
        lv.addWidget(summary)
        lv.addStretch(1)
        self.left = left
        self.refresh_theme()

        # explore page ---------------------------------------------------------------------------------
        self.table = VocabularyTable()
        self.segmentation = SegmentationPanel(tr("Segmentation"))
        self.segmentation.sig_sample_requested.connect(
            lambda: self.segmentation.set_text(
                random_sample(
                    self.session.preview, cleaning=self.session.cleaning, segmenter=self.segmentation.segmenter
                )
            )
        )
        self.length_chart = HistogramChart(
            tr("Piece lengths"),
            tr("characters per piece"),
            tr("pieces"),
            tr("How many vocabulary pieces have each length"),
        )
        self.coverage_chart = CurveChart(
            tr("Coverage"),
            tr("top-n pieces (log scale)"),
            tr("% of train tokens"),
            tr("Share of the train split's tokens covered by the n most frequent pieces"),
            log_x=True,
        )
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(self.segmentation)
        top.setSizes([380, 620])
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.length_chart)
        charts.addWidget(self.coverage_chart)
        explore = QSplitter(Qt.Orientation.Vertical)
        explore.addWidget(top)
        explore.addWidget(charts)
        explore.setSizes([520, 260])

        # compare page -----------------------------------------------------------------------------
        self.compare = TokenizerComparePanel(session)
        self.pages = QTabWidget()
        self.pages.addTab(explore, tr("Explore"))
        self.pages.addTab(self.compare, tr("Compare"))
        self.pages.setTabToolTip(0, tr("The current vocabulary: its pieces, how it splits text and its statistics"))
        self.pages.setTabToolTip(1, tr("Two trained tokenizers side by side on the same text"))

        self.banner = Banner()
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(SidePanelScroll(left))  # scrolls on a short screen instead of growing the window
        body.addWidget(self.pages)
        body.setStretchFactor(0, 0)
        body.setStretchFactor(1, 1)
        body.setSizes([340, 1100])
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(body, 1)

        QShortcut(QKeySequence("Ctrl+Return"), self, self.train)
        session.sig_corpus_changed.connect(self._clear_banner_if_resolved)
        for signal in (
            self.kind.currentIndexChanged,
            self.vocab_size.valueChanged,
            self.min_frequency.valueChanged,
            self.coverage.valueChanged,
            self.byte_fallback.toggled,
        ):
            signal.connect(self._clear_banner_if_resolved)
        session.sig_tokenizer_changed.connect(self._show_tokenizer)
        session.sig_tokenizer_config_changed.connect(self._load_config)
        for sig in (session.sig_corpus_changed, session.sig_cleaning_changed, session.sig_split_changed):
            sig.connect(self._update_stale)
        for sig in (session.sig_corpus_changed, session.sig_workspace_changed):
            sig.connect(self._show_task)
        for sig in (session.sig_cleaning_changed, session.sig_workspace_changed):
            sig.connect(self._apply_cleaning)
        self._apply_cleaning()
        self._load_config()
        self._show_tokenizer()
        self._show_task()
        self.start_from = start_from_of(session)
        self.start_from.sig_changed.connect(self._show_start_from)
        self._show_start_from()

    def shortcuts(self) -> list[tuple[str, str]]:
        return [(tr("Train the vocabulary (Vocabulary tab)"), "Ctrl+Return")]

    def _apply_cleaning(self) -> None:
        """Typed and sampled text is cleaned like the corpus (the Data tab's cleaning) before it is split."""
        cleaning = self.session.cleaning
        try:
            segmenter = self.session.segmenter()
        except LMStudioError:  # an unreadable user dictionary: the Data tab says so; cut words without it here
            segmenter = Segmenter(self.session.config.data.segmenter)
        self.segmentation.set_cleaning(cleaning, segmenter)
        for side in self.compare.sides:
            side.set_cleaning(cleaning, segmenter)

    def refresh_theme(self) -> None:
        # The side panel holds wrapped explanations: give it about 36 characters of the current font.
        self.left.setMinimumWidth(max(330, self.fontMetrics().averageCharWidth() * 36))

    # settings ---------------------------------------------------------------------------------------
    def _load_config(self) -> None:
        cfg = self.session.tokenizer_config
        self.kind.setCurrentIndex(max(0, self.kind.findData(cfg.kind)))
        self.vocab_size.setValue(cfg.vocab_size)
        self.min_frequency.setValue(cfg.min_frequency)
        self.coverage.setValue(cfg.character_coverage)
        self.byte_fallback.setChecked(cfg.byte_fallback)
        self.shared.setChecked(cfg.shared)
        self._update_enabled()

    def _show_task(self) -> None:
        """The translation settings show only while the task is translate."""
        translate = self.session.config.data.task == "translate"
        self.shared.setVisible(translate)
        self.translate_note.setVisible(translate)

    def _show_start_from(self) -> None:
        """A run started from trained weights keeps their tokenizer: this tab's vocabulary is not used for it."""
        sf = self.start_from
        self.start_from_note.setVisible(sf.source is not None)
        if sf.source is not None:
            self.start_from_note.setText(
                tr(
                    "Start from is set (Train tab): the {tokenizer} of {source} fixes the "
                    "vocabulary of the run, so the settings here are not used for it. Clear Start from to train "
                    "with this tab's vocabulary."
                ).format(tokenizer=sf.tokenizer_text(), source=sf.describe())
            )

    def _on_shared(self, checked: bool) -> None:
        """Joint or per-side vocabularies are a choice of the translation run itself: it applies at once."""
        cfg = self.session.tokenizer_config
        if cfg.shared != checked:
            self.session.set_tokenizer_config(dataclasses.replace(cfg, shared=checked))

    def _update_enabled(self) -> None:
        kind = self.kind.currentData()
        self.kind_help.setText(tr(next(tip for key, _, tip in KINDS if key == kind)))
        self.vocab_size.setEnabled(kind != "char")
        self.min_frequency.setEnabled(kind == "word")
        self.coverage.setEnabled(kind in ("bpe", "unigram"))
        self.byte_fallback.setEnabled(kind in ("bpe", "unigram"))

    def config(self) -> TokenizerConfig:
        return TokenizerConfig(
            kind=self.kind.currentData(),
            vocab_size=self.vocab_size.value(),
            min_frequency=self.min_frequency.value(),
            character_coverage=round(self.coverage.value(), 4),
            byte_fallback=self.byte_fallback.isChecked(),
            shared=self.shared.isChecked(),
        )

    # training ---------------------------------------------------------------------------------------
    def train(self) -> None:
        if self._job is not None:
            return
        if self.session.corpus is None:
            self._show_banner(tr("Load a corpus on the Data tab first."), "corpus")
            return
        try:
            cfg = self.config()
        except ConfigError as exc:
            self._show_banner(user_message(str(exc)), "settings")
            return
        self._show_banner("", "")
        self.session.set_tokenizer_config(cfg)
        n = next(_run_ids)
        out_dir = self.session.work_dir / "tokenizers" / f"{n:03d}-{cfg.kind}"
        self._pending = {"data_key": self.session.data_key(), "corpus": self.session.corpus_name(), "n": n}
        self._job = job = start_worker("tokenizer", jobs.train_vocabulary, self.session.data_snapshot(), cfg, out_dir)
        self.progress.start(tr("Preparing…"))
        self.train_button.setEnabled(False)
        job.sig_progress.connect(self.progress.update_progress)
        job.sig_result.connect(self._on_trained)
        job.sig_error.connect(self._on_error)
        job.sig_cancelled.connect(
            lambda: self.status.setText(tr("Training cancelled; the previous vocabulary is kept."))
        )
        job.sig_finished.connect(self._on_finished)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def is_training(self) -> bool:
        return self._job is not None

    def _on_finished(self) -> None:
        self._job = None
        self.progress.finish()
        self.train_button.setEnabled(True)

    def _on_error(self, message: str) -> None:
        # once, in the banner above the tab (a dialog on top said the same again)
        self._show_banner(tr("Training the tokenizer failed: {error}").format(error=user_message(message)), "training")

    def _show_banner(self, text: str, cause: str) -> None:
        """Show (or with "" clear) the banner, remembering its cause so it goes once the cause is gone."""
        self._banner_cause = cause if text else ""
        if text:
            self.banner.show_message(text)
        else:
            self.banner.clear()

    def _clear_banner_if_resolved(self) -> None:
        """A corpus arrived, or the settings became valid: the banner that asked for them has done its work."""
        cause = getattr(self, "_banner_cause", "")
        if cause == "corpus" and self.session.corpus is not None:
            self._show_banner("", "")
        elif cause == "settings":
            try:
                self.config()
            except ConfigError:
                return
            self._show_banner("", "")

    def _on_trained(self, result: dict[str, Any]) -> None:
        from ...core.tokenizers import load_tokenizer

        try:
            tok = load_tokenizer(Path(result["directory"]))
        except LMStudioError as exc:
            self._on_error(str(exc))
            return
        report = result["report"]
        cfg = result["config"]
        label = tr("#{number} {kind} · {pieces} pieces · {corpus}").format(
            number=self._pending["n"], kind=cfg.kind, pieces=f"{tok.vocab_size:,}", corpus=self._pending["corpus"]
        )
        self.history.append({"label": label, "tokenizer": tok, "report": report})
        self.compare.set_history(self.history)
        self.status.setText(
            tr(
                "Trained a {kind} vocabulary of {pieces} pieces on the train split of "
                "{corpus} ({chars} chars) in {seconds} s."
            ).format(
                kind=self.kind.itemText(max(0, self.kind.findData(cfg.kind))),
                pieces=f"{tok.vocab_size:,}",
                corpus=self._pending["corpus"],
                chars=human_count(report.get("train_chars", 0)),
                seconds=f"{result['seconds_total']:.1f}",
            )
        )
        self.session.set_tokenizer(tok, report, self._pending["data_key"], Path(result["directory"]))

    # showing ----------------------------------------------------------------------------------------
    def _show_tokenizer(self) -> None:
        tok, report = self.session.tokenizer, self.session.tokenizer_report
        if tok is None or report is None:
            self.table.set_pieces([])
            self.segmentation.set_tokenizer(None)
            self.length_chart.clear_data()
            self.coverage_chart.set_curve([], [])
            for value in self.numbers.values():
                value.setText("–")
            self._update_stale()
            return
        pieces = report["pieces"]
        self.table.set_pieces(pieces)
        self.segmentation.set_tokenizer(tok, {p["id"]: p["frequency"] for p in pieces})
        hist = report["token_length_hist"]
        self.length_chart.set_histogram(hist["counts"], hist["edges"])
        coverage = report["coverage"]
        self.coverage_chart.set_curve(range(1, len(coverage) + 1), [100 * c for c in coverage])
        split = "val" if report.get("unk_rate_split", "val") == "val" else "train"
        self.numbers["vocab_size"].setText(f"{tok.vocab_size:,}")
        self.numbers["chars_per_token"].setText(f"{report['chars_per_token']:.2f}")
        self.numbers["unk_rate"].setText(f"{100 * report['unk_rate']:.2f} %")
        self.numbers["unk_rate"].setToolTip(
            tr("Share of val tokens that are <unk>") if split == "val" else tr("Share of train tokens that are <unk>")
        )
        self.numbers["byte_rate"].setText(f"{100 * report.get('byte_rate', 0.0):.2f} %")
        self.numbers["train_tokens"].setText(human_count(report.get("train_tokens", 0)))
        self.numbers["unused_pieces"].setText(f"{report.get('unused_pieces', 0):,}")
        self._update_stale()

    def _update_stale(self) -> None:
        stale = self.session.tokenizer_is_stale()
        self.stale.setText(
            tr("The corpus, cleaning or split changed since this vocabulary was trained; train again to update it.")
            if stale
            else ""
        )
        self.stale.setVisible(stale)


class TokenizerComparePanel(QWidget):
    """Two trained tokenizers on the same text: token counts and segmentations side by side."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._history: list[dict[str, Any]] = []
        self.text = QPlainTextEdit(DEFAULT_TEXT)
        self.text.setMaximumHeight(100)
        self.text.setToolTip(tr("The text both tokenizers split"))
        self.sample_button = QPushButton(tr("Random sample"))
        self.sample_button.setToolTip(tr("Replace the text with a few random lines of the corpus"))
        self.sample_button.clicked.connect(
            lambda: self.text.setPlainText(random_sample(self.session.preview, cleaning=self.session.cleaning))
        )
        self.choosers = [QComboBox(), QComboBox()]
        self.sides = [SegmentationPanel("A", editable=False), SegmentationPanel("B", editable=False)]
        self.verdict = QLabel(tr("Train two vocabularies (for example char and BPE) to compare them here."))
        self.verdict.setWordWrap(True)
        font = self.verdict.font()
        font.setBold(True)
        self.verdict.setFont(font)
        self.verdict.setToolTip(tr("How the two token counts compare on this text"))
        row = QHBoxLayout()
        columns = QSplitter(Qt.Orientation.Horizontal)
        for side, (chooser, panel) in zip("AB", zip(self.choosers, self.sides)):
            chooser.setToolTip(tr("Tokenizer {side}: any vocabulary trained in this session").format(side=side))
            chooser.currentIndexChanged.connect(self.refresh)
            label = QLabel(f"{side}:")
            label.setToolTip(chooser.toolTip())
            row.addWidget(label)
            row.addWidget(chooser, 1)
            columns.addWidget(panel)
        row.addWidget(self.sample_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.text)
        layout.addWidget(self.verdict)
        layout.addWidget(columns, 1)
        self.text.textChanged.connect(self.refresh)

    def set_history(self, history: list[dict[str, Any]]) -> None:
        self._history = history
        for i, chooser in enumerate(self.choosers):
            chooser.blockSignals(True)
            chooser.clear()
            for entry in history:
                chooser.addItem(entry["label"])
            # A: the one before the newest; B: the newest
            chooser.setCurrentIndex(max(0, len(history) - 2 + i) if history else -1)
            chooser.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        text = self.text.toPlainText()
        counts = []
        for chooser, panel in zip(self.choosers, self.sides):
            i = chooser.currentIndex()
            if 0 <= i < len(self._history):
                entry = self._history[i]
                freq = {p["id"]: p["frequency"] for p in entry["report"]["pieces"]}
                panel.title.setText(f"<b>{entry['label']}</b>")
                panel.input.setPlainText(text)
                panel.set_tokenizer(entry["tokenizer"], freq)
                counts.append(panel.view.token_count())
            else:
                panel.set_tokenizer(None)
        if len(counts) == 2 and all(counts):
            a, b = counts
            ratio = a / b
            self.verdict.setText(
                tr("A: {a} tokens · B: {b} tokens — A needs {ratio}× the tokens of B for this text.").format(
                    a=f"{a:,}", b=f"{b:,}", ratio=f"{ratio:.2f}"
                )
            )
