"""The Data tab's Health page: duplicates, near-duplicates, leakage between the splits, script mix, markup.

The report (:func:`lmstudio.core.data.health.data_health`) reads the whole corpus twice, so it runs on a worker
with progress and Cancel, after the statistics and only while the page is shown (a hidden page is marked stale
and computed when it is opened). Each finding lists its count and share, its examples (expand the row), and
buttons that apply its fix through the session's existing settings (dedupe, the split mode, the shortest
line); the statistics and this report then recompute, as after any change of the cleaning or the split.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.data.health import Finding, Fix, HealthReport
from ...core.errors import ConfigError
from .. import jobs
from ..i18n import QT_TR_NOOP, tr
from ..messages import user_message
from ..session import Session
from ..widgets.common import ProgressRow
from ..workers import WorkerHandle, start_worker

# kind -> (title, what it means and why it matters)
KINDS = {
    "duplicates": (
        QT_TR_NOOP("Duplicate lines"),
        QT_TR_NOOP("Lines that repeat an earlier line exactly: they weigh that text more than the rest"),
    ),
    "near_duplicates": (
        QT_TR_NOOP("Near-duplicate lines"),
        QT_TR_NOOP(
            "Lines whose character 5-grams overlap an earlier line's by 80% or more (MinHash, verified exactly). "
            "Dedupe drops exact copies only: edit near-duplicates out of the corpus"
        ),
    ),
    "leak_lines": (
        QT_TR_NOOP("Validation/test lines also in train"),
        QT_TR_NOOP(
            "Leakage: the model is scored on lines it trained on, which flatters the validation loss. "
            "Dedupe keeps one copy of each line; blocks keep nearby repeats on one side"
        ),
    ),
    "leak_ngrams": (
        QT_TR_NOOP("Validation/test lines sharing 50 characters with train"),
        QT_TR_NOOP(
            "Leakage: a stretch of 50 characters of the line occurs in the training text. Splitting in "
            "blocks of lines keeps neighbouring text on one side"
        ),
    ),
    "other_script": (
        QT_TR_NOOP("Lines of another script"),
        QT_TR_NOOP(
            "Lines whose letters are mostly of another script than the corpus's main one (another language, "
            "or a transliteration): no setting drops them; remove them from the corpus if they do not belong"
        ),
    ),
    "markup": (
        QT_TR_NOOP("Markup lines"),
        QT_TR_NOOP("Lines that are more than half tags, brackets, entities or URLs"),
    ),
    "numbers": (
        QT_TR_NOOP("Number lines"),
        QT_TR_NOOP("Lines that are more than half digits (verse or page numbers, tables)"),
    ),
}
SPLIT_WORDS = {"train": QT_TR_NOOP("train"), "val": QT_TR_NOOP("validation"), "test": QT_TR_NOOP("test")}
SCRIPTS = {
    "Latin": QT_TR_NOOP("Latin"),
    "Greek": QT_TR_NOOP("Greek"),
    "Cyrillic": QT_TR_NOOP("Cyrillic"),
    "Armenian": QT_TR_NOOP("Armenian"),
    "Hebrew": QT_TR_NOOP("Hebrew"),
    "Arabic": QT_TR_NOOP("Arabic"),
    "Indic": QT_TR_NOOP("Indic"),
    "Thai": QT_TR_NOOP("Thai"),
    "Georgian": QT_TR_NOOP("Georgian"),
    "Hangul": QT_TR_NOOP("Hangul"),
    "Kana": QT_TR_NOOP("Kana"),
    "CJK": QT_TR_NOOP("CJK"),
    "Other": QT_TR_NOOP("Other"),
}
TRANSLATE_NOTE = QT_TR_NOOP(
    "Data health checks a language-model corpus; for translation the pair statistics show what the cleaning dropped."
)


class HealthPanel(QWidget):
    """The findings of the data health report, with one-click fixes through the session's settings."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report: HealthReport | None = None
        self._job: WorkerHandle | None = None
        self._key = ""  # what the shown report was computed for
        self._stale = True
        self._closed = False
        self.setToolTip(
            tr("Duplicates, leakage between the splits, script mix and markup in the cleaned corpus and its split")
        )
        self.summary = QLabel(tr("The report is computed when the statistics are ready."))
        self.summary.setWordWrap(True)
        self.summary.setToolTip(tr("What the data health report found, or why there is none"))
        self.check_button = QPushButton(tr("Check again"))
        self.check_button.setToolTip(tr("Compute the data health report again with the current settings"))
        self.check_button.clicked.connect(self.start)
        self.progress = ProgressRow(tr("the data health report"), stacked=True)
        self.progress.sig_cancel.connect(self.cancel)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([tr("Finding"), tr("Lines"), tr("Share")])
        self.tree.setToolTip(
            tr("Expand a finding for its examples (line number and split); hover it for what it means")
        )
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.fixes = QWidget()
        self.fixes.setToolTip(tr("Apply a fix: the statistics and this report are computed again"))
        self.fix_row = QHBoxLayout(self.fixes)
        self.fix_row.setContentsMargins(0, 0, 0, 0)
        self.fix_buttons: dict[tuple[str, object], QPushButton] = {}
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.fixes)
        session.sig_cleaning_changed.connect(self._show_fix_states)
        session.sig_split_changed.connect(self._show_fix_states)

    # computing --------------------------------------------------------------------------------------
    def key_now(self) -> str:
        d = self.session.data_config
        return f"{self.session.stats_key_now()}|{d.split_fractions}|{d.split_mode}|{d.block_lines}|{d.seed}"

    def refresh(self) -> None:
        """The corpus, its cleaning or its split changed (the statistics are in): compute now if shown, else later."""
        self._stale = True
        if self.isVisible():
            self.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale and self.session.stats is not None and self._job is None:
            self.start()

    def start(self) -> WorkerHandle | None:
        if self._closed or self.session.corpus is None:
            return None
        if self.session.data_config.task == "translate":
            self._clear(tr(TRANSLATE_NOTE))
            self._stale = False
            return None
        self.cancel()
        key = self.key_now()
        job = start_worker("health", jobs.corpus_health, self.session.data_snapshot(), key)
        self._job = job
        self._stale = False
        self.check_button.setEnabled(False)
        self.progress.start(tr("Checking the data's health…"))
        job.sig_progress.connect(self.progress.update_progress)
        job.sig_result.connect(lambda result: self._on_result(job, result))
        job.sig_error.connect(lambda message: self._on_error(job, message))
        job.sig_cancelled.connect(lambda: self._on_cancelled(job))
        job.sig_finished.connect(lambda: self._finished(job))
        return job

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def running(self) -> bool:
        return self._job is not None

    def shutdown(self) -> None:
        self._closed = True
        self.cancel()

    def _finished(self, job: WorkerHandle) -> None:
        if job is self._job:
            self._job = None
            self.progress.finish()
            self.check_button.setEnabled(True)

    def _on_result(self, job: WorkerHandle, result: tuple[str, HealthReport]) -> None:
        key, report = result
        if job is not self._job or key != self.key_now():  # the settings changed meanwhile: a newer check follows
            self._stale = True
            return
        self.show_report(report, key)

    def _on_error(self, job: WorkerHandle, message: str) -> None:
        if job is self._job:
            self._clear(tr("The data health report failed: {message}").format(message=user_message(message)))

    def _on_cancelled(self, job: WorkerHandle) -> None:
        if job is self._job:
            self._stale = True
            self.summary.setText(tr("Cancelled. Press Check again to compute the report."))

    # showing ----------------------------------------------------------------------------------------
    def _clear(self, message: str) -> None:
        self.report, self._key = None, ""
        self.tree.clear()
        self._set_fixes([])
        self.summary.setText(message)

    def show_report(self, report: HealthReport, key: str = "") -> None:
        self.report, self._key = report, key
        self.tree.clear()
        for finding in report.findings:
            self.tree.addTopLevelItem(self._finding_item(finding))
        val = report.leakage.get("val", {})
        parts = [
            tr("{n} lines checked.").format(n=f"{report.lines:,}"),
            tr("Validation lines also in train: {n} ({share}).").format(
                n=f"{int(val.get('in_train', 0)):,}", share=f"{val.get('in_train_share', 0.0):.1%}"
            ),
        ]
        if report.main_script:
            mix = ", ".join(
                f"{tr(SCRIPTS.get(name, name))} {share:.1%}" for name, share in list(report.scripts.items())[:3]
            )
            parts.append(tr("Letters by script: {mix}.").format(mix=mix))
        if report.notes:
            parts.append(tr("On a corpus this large some figures are capped or sampled."))
        self.summary.setText(" ".join(parts))
        fixes: list[Fix] = []
        for finding in report.findings:
            for fix in finding.fixes:
                if finding.count and all((f.setting, f.value) != (fix.setting, fix.value) for f in fixes):
                    fixes.append(fix)
        self._set_fixes(fixes)

    def _finding_item(self, finding: Finding) -> QTreeWidgetItem:
        title, tip = KINDS.get(finding.kind, (finding.kind, ""))
        item = QTreeWidgetItem([tr(title), f"{finding.count:,}", f"{finding.share:.1%}"])
        tooltip = tr(tip) if tip else ""
        if finding.fixes and finding.count:
            tooltip += "\n" + tr("Fix: {fixes}").format(fixes="; ".join(self._fix_text(f) for f in finding.fixes))
        for column in range(3):
            item.setToolTip(column, tooltip)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
        item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
        for example in finding.examples:
            where = tr("line {line} ({split})").format(
                line=example.line, split=tr(SPLIT_WORDS.get(example.split, example.split))
            )
            if finding.kind == "duplicates":
                text = tr("{where}, {count} times: {text}").format(where=where, count=example.count, text=example.text)
            elif finding.kind == "near_duplicates":
                text = tr("{where} ≈ line {other} ({similarity:.0%}): {text}").format(
                    where=where, other=example.other_line, similarity=example.similarity, text=example.text
                )
            else:
                text = tr("{where}: {text}").format(where=where, text=example.text)
            child = QTreeWidgetItem([text, "", ""])
            child.setToolTip(0, example.other_text or example.text)
            item.addChild(child)
        return item

    # fixes ------------------------------------------------------------------------------------------
    def _fix_text(self, fix: Fix) -> str:
        if fix.setting == "data.cleaning.dedupe":
            return tr("Drop duplicate lines")
        if fix.setting == "data.split_mode":
            return tr("Split in blocks of lines")
        if fix.setting == "data.cleaning.min_line_chars":
            return tr("Drop lines under {n} characters").format(n=fix.value)
        return f"{fix.setting} = {fix.value}"

    def _set_fixes(self, fixes: list[Fix]) -> None:
        for button in self.fix_buttons.values():
            self.fix_row.removeWidget(button)
            button.deleteLater()
        self.fix_buttons = {}
        for fix in fixes:
            button = QPushButton(self._fix_text(fix))
            button.setToolTip(
                tr("Sets {setting} to {value}; the statistics and this report are computed again").format(
                    setting=fix.setting, value=fix.value
                )
            )
            button.clicked.connect(lambda _=False, f=fix: self.apply_fix(f))
            self.fix_row.addWidget(button)
            self.fix_buttons[(fix.setting, fix.value)] = button
        self.fixes.setVisible(bool(fixes))
        self._show_fix_states()

    def _current(self, setting: str) -> object:
        d = self.session.data_config
        if setting == "data.split_mode":
            return d.split_mode
        if setting.startswith("data.cleaning."):
            return getattr(d.cleaning, setting.rsplit(".", 1)[1], None)
        return None

    def _show_fix_states(self) -> None:
        """A fix already in the settings is shown disabled (its report is being computed again)."""
        for (setting, value), button in self.fix_buttons.items():
            button.setEnabled(self._current(setting) != value)

    def fix_button(self, setting: str) -> QPushButton | None:
        return next((b for (s, _), b in self.fix_buttons.items() if s == setting), None)

    def apply_fix(self, fix: Fix) -> None:
        """Apply ``fix`` through the session (the Cleaning and Split panels show it; statistics recompute)."""
        d = self.session.data_config
        try:
            if fix.setting == "data.split_mode":
                self.session.set_split(d.split_fractions, str(fix.value), d.block_lines, d.seed)
            elif fix.setting.startswith("data.cleaning."):
                name = fix.setting.rsplit(".", 1)[1]
                self.session.set_cleaning(dataclasses.replace(d.cleaning, **{name: fix.value}))
        except (ConfigError, TypeError) as exc:
            self.summary.setText(user_message(str(exc)))
            return
        self._show_fix_states()
