"""Compare: models side by side on the same prompt, settings and seed.

Three modes (issue 16, "for talks"): two checkpoints of the loaded run (``sig_compare``, shown by
:meth:`CheckpointComparePanel.show_result`); a checkpoint of the loaded run against one of another run (an
LSTM against a Transformer, say); and every checkpoint of the loaded run, one column each, to show how the
writing evolved. The last two emit ``sig_side_by_side`` with ``(run folder, checkpoint)`` entries for
:func:`lmstudio.app.side_by_side.generate_side_by_side`, whose results :meth:`show_side_by_side` draws as
columns (scrolled horizontally), each headed by its step and coloured by probability as everywhere else.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ....app import side_by_side
from ....core.errors import LMStudioError
from ...i18n import QT_TR_NOOP, tr
from ...run_folders import runs_folder
from ...widgets.common import scrolled
from ...widgets.token_chips import TokenChips

PAIR, OTHER_RUN, EVERY = "pair", "run", "every"
MODES = (
    (
        PAIR,
        QT_TR_NOOP("Two checkpoints of this run"),
        QT_TR_NOOP("Two checkpoints of the loaded run, e.g. an early step against the best"),
    ),
    (
        OTHER_RUN,
        QT_TR_NOOP("Another run"),
        QT_TR_NOOP(
            "A checkpoint of the loaded run against a checkpoint of another run (another architecture or tokenizer: "
            "each reads the prompt through its own tokenizer)"
        ),
    ),
    (
        EVERY,
        QT_TR_NOOP("Every checkpoint of this run"),
        QT_TR_NOOP(
            "One column per checkpoint of the loaded run, oldest first: how the writing evolved as training went on"
        ),
    ),
)
COLUMN_WIDTH = 300  # px: about 40 characters of chips per line, and a few columns on a laptop screen
SAME_WEIGHTS_NOTE = QT_TR_NOOP("Same prompt, settings and seed: differences come from the weights alone.")


class CheckpointComparePanel(QWidget):
    """Models side by side: two checkpoints of the loaded run, a checkpoint of another run, or every
    checkpoint of the loaded run (the Vocabulary tab compares two tokenizers)."""

    sig_compare = Signal(str, str)  # two checkpoint names of the loaded run
    sig_side_by_side = Signal(list)  # [(run folder, checkpoint name)], in column order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run_dir: str | None = None  # the loaded run (set_checkpoints)
        self.other_run: str | None = None  # the run chosen in "Another run"
        self.mode = QComboBox()
        self.mode.setToolTip(tr("What to put side by side"))
        for key, text, tip in MODES:
            self.mode.addItem(tr(text), key)
            self.mode.setItemData(self.mode.count() - 1, tr(tip), Qt.ItemDataRole.ToolTipRole)
        self.left = QComboBox()
        self.left.setToolTip(tr("First checkpoint (e.g. an early step)"))
        self.right = QComboBox()
        self.right.setToolTip(tr("Second checkpoint (e.g. the best)"))
        self.run_button = QPushButton(tr("Choose run…"))
        self.run_button.setToolTip(
            tr("Choose another run folder to compare with (the dialog opens in the runs folder)")
        )
        self.run_button.clicked.connect(self.choose_run)
        self.other_label = QLabel(tr("no run chosen"))
        self.other_label.setToolTip(tr("The other run: its folder name"))
        self.other = QComboBox()
        self.other.setToolTip(tr("The other run's checkpoint"))
        self.button = QPushButton(tr("Compare"))
        self.button.setToolTip(tr("Generate from both checkpoints with the same prompt, settings and seed"))
        self.button.clicked.connect(self._on_button)
        self.note = QLabel(tr(SAME_WEIGHTS_NOTE))
        self.note.setWordWrap(True)
        self.note.setToolTip(tr("What was compared"))
        self.chips = [TokenChips(tr("Tokens from this checkpoint, coloured by its own probability")) for _ in range(2)]
        self.titles = [QLabel("–"), QLabel("–")]
        self.column_titles: list[QLabel] = []
        self.column_chips: list[TokenChips] = []

        top = QHBoxLayout()
        mode_label = QLabel(tr("Side by side"))
        mode_label.setToolTip(self.mode.toolTip())
        top.addWidget(mode_label)
        top.addWidget(self.mode)
        self.left_label, self.right_label = QLabel("A"), QLabel("B")
        for label, w in ((self.left_label, self.left), (self.right_label, self.right)):
            label.setToolTip(w.toolTip())
            top.addWidget(label)
            top.addWidget(w)
        for w in (self.run_button, self.other_label, self.other, self.button):
            top.addWidget(w)
        top.addStretch(1)

        pair = QWidget()
        grid = QGridLayout(pair)
        grid.setContentsMargins(0, 0, 0, 0)
        for col, (title, chips) in enumerate(zip(self.titles, self.chips)):
            title.setToolTip(tr("Checkpoint, its step, and its mean log-probability per generated token"))
            grid.addWidget(title, 0, col)
            area = scrolled(chips, 200)
            area.setToolTip(tr("What this checkpoint wrote; hover a token for its probability"))
            grid.addWidget(area, 1, col)
        self.columns_widget = QWidget()
        self.columns_layout = QHBoxLayout(self.columns_widget)
        self.columns_layout.setContentsMargins(0, 0, 0, 0)
        self.columns_layout.addStretch(1)
        self.columns_area = QScrollArea()
        self.columns_area.setWidgetResizable(True)
        self.columns_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.columns_area.setWidget(self.columns_widget)
        self.columns_area.setToolTip(tr("One column per model; scroll sideways for more"))
        self.pages = QStackedWidget()
        self.pages.addWidget(pair)
        self.pages.addWidget(self.columns_area)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.pages, 1)
        self.mode.currentIndexChanged.connect(self._on_mode)
        self._on_mode()

    # -- choosing -----------------------------------------------------------------------------------------
    def current_mode(self) -> str:
        return self.mode.currentData()

    def set_mode(self, mode: str) -> None:
        self.mode.setCurrentIndex(max(0, self.mode.findData(mode)))

    def set_checkpoints(self, items: list[tuple[str, str]], run_dir: str | None = None) -> None:
        """items: (label, name), "best" and "last" first, then the steps oldest first. Defaults: the
        oldest step kept against the best. ``run_dir``: the loaded run (needed by the other two modes)."""
        if run_dir is not None:
            self.run_dir = str(run_dir)
        names = [name for _, name in items]
        steps = [n for n in names if n not in ("best", "last")]
        for box, default in ((self.left, steps[0] if steps else "last"), (self.right, "best")):
            current = box.currentData()
            box.clear()
            for label, name in items:
                box.addItem(label, name)
            index = box.findData(current if current in names else default)
            box.setCurrentIndex(max(0, index))

    def choose_run(self) -> None:
        """Ask for another run folder (starting in the runs folder) and list its checkpoints."""
        start = self.other_run or str(runs_folder())
        folder = QFileDialog.getExistingDirectory(self, tr("Choose a run folder to compare with"), start)
        if folder:
            self.set_other_run(folder)

    def set_other_run(self, run_dir: str) -> bool:
        """Use ``run_dir`` as the other run; a folder that is not a language-model run is refused in the note
        (the previous choice stays). Returns whether it was taken."""
        try:
            items = side_by_side.checkpoint_choices(run_dir)
        except LMStudioError as exc:
            self.note.setText(tr("Not compared: {reason}").format(reason=exc))
            return False
        self.other_run = str(run_dir)
        self.other_label.setText(Path(run_dir).name)
        self.other_label.setToolTip(tr("The other run: {folder}").format(folder=run_dir))
        self.other.clear()
        for label, name in items:
            self.other.addItem(label, name)
        self.other.setCurrentIndex(max(0, self.other.findData("best")))
        self.note.setText(tr(SAME_WEIGHTS_NOTE))
        return True

    def entries(self) -> list[tuple[str, str]]:
        """The (run folder, checkpoint) pairs the current mode would generate from; raises an
        :class:`LMStudioError` saying what is missing."""
        from ....core.errors import ConfigError

        mode = self.current_mode()
        if mode == PAIR:
            return [(self.run_dir or "", self.left.currentData()), (self.run_dir or "", self.right.currentData())]
        if not self.run_dir:
            raise ConfigError(tr("no run loaded: load a run on the Generate page first"))
        if mode == OTHER_RUN:
            if not self.other_run:
                raise ConfigError(tr("no other run chosen: press “Choose run…” and pick a run folder"))
            return [(self.run_dir, self.left.currentData()), (self.other_run, self.other.currentData())]
        return side_by_side.every_checkpoint(self.run_dir)

    def _on_mode(self, _index: int = 0) -> None:
        mode = self.current_mode()
        self.right.setVisible(mode == PAIR)
        self.right_label.setVisible(mode == PAIR)
        self.left.setVisible(mode != EVERY)
        self.left_label.setVisible(mode != EVERY)
        self.left_label.setText("A" if mode == PAIR else tr("This run"))
        for w in (self.run_button, self.other_label, self.other):
            w.setVisible(mode == OTHER_RUN)
        if mode == EVERY:
            self.button.setText(tr("Generate with every checkpoint"))
            self.button.setToolTip(
                tr(
                    "Generate from every checkpoint of the loaded run, oldest first, with the same prompt, settings "
                    "and seed: one column each"
                )
            )
        else:
            self.button.setText(tr("Compare"))
            self.button.setToolTip(tr("Generate from both checkpoints with the same prompt, settings and seed"))
        self.mode.setToolTip(tr(dict((k, tip) for k, _, tip in MODES)[mode]))

    def _on_button(self) -> None:
        if self.current_mode() == PAIR:
            self.sig_compare.emit(self.left.currentData(), self.right.currentData())
            return
        try:
            entries = self.entries()
        except LMStudioError as exc:
            self.note.setText(tr("Not compared: {reason}").format(reason=exc))
            return
        self.sig_side_by_side.emit(entries)

    # -- results ------------------------------------------------------------------------------------------
    def show_result(self, results: list[dict], prompt: str, seed: int | None, beam_width: int = 0) -> None:
        """Two checkpoints of the loaded run (``sig_compare``'s job)."""
        self.pages.setCurrentIndex(0)
        for title, chips, r in zip(self.titles, self.chips, results):
            title.setText(
                tr("<b>{name}</b> (step {step}) · mean log P per token {logprob} nats").format(
                    name=r["name"], step=r["step"], logprob=f"{r['mean_logprob']:.3f}"
                )
            )
            chips.set_tokens(r["tokens"], prompt)
        self.note.setText(_note(seed, beam_width))

    def show_side_by_side(
        self, results: list[dict], prompt: str = "", seed: int | None = None, beam_width: int = 0
    ) -> None:
        """One column per result of :func:`~lmstudio.app.side_by_side.generate_side_by_side`, headed by its
        step, in the order given (the columns scroll sideways when they do not fit)."""
        self.pages.setCurrentIndex(1)
        while self.columns_layout.count():
            item = self.columns_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.column_titles, self.column_chips = [], []
        runs = {r["run"] for r in results}
        for r in results:
            column = QWidget()
            column.setFixedWidth(COLUMN_WIDTH)
            box = QVBoxLayout(column)
            box.setContentsMargins(0, 0, 0, 0)
            title = QLabel(_heading(r, several_runs=len(runs) > 1))
            title.setWordWrap(True)
            title.setToolTip(
                tr(
                    "{run} · checkpoint {name}: its step, architecture, size and mean log-probability per "
                    "generated token (higher: the model found its own text likelier)"
                ).format(run=r["run"], name=r["name"])
            )
            chips = TokenChips(tr("Tokens from this checkpoint, coloured by its own probability"))
            chips.set_tokens(r["tokens"], prompt)
            area = scrolled(chips, 200)
            area.setToolTip(tr("What this checkpoint wrote; hover a token for its probability"))
            box.addWidget(title)
            box.addWidget(area, 1)
            self.columns_layout.addWidget(column)
            self.column_titles.append(title)
            self.column_chips.append(chips)
        self.columns_layout.addStretch(1)
        self.note.setText(_note(seed, beam_width, len(results), several_runs=len(runs) > 1))


def _heading(r: dict, several_runs: bool) -> str:
    run = f"{Path(r['run']).name} · " if several_runs else ""
    name = "" if r["name"] == f"step-{r['step']}" else f" ({r['name']})"
    return tr(
        "<b>step {step}</b>{name}<br>{run}{arch}, {parameters} parameters<br>mean log P {logprob} nats/token"
    ).format(
        step=r["step"],
        name=name,
        run=run,
        arch=r["arch"],
        parameters=f"{r['parameters']:,}",
        logprob=f"{r['mean_logprob']:.3f}",
    )


def _note(seed: int | None, beam_width: int, n: int = 2, several_runs: bool = False) -> str:
    if beam_width:
        if several_runs:
            text = (
                tr(
                    "Beam search (width {width}), the best beam of both: differences come from the models "
                    "(architecture, tokenizer, data, training)."
                )
                if n == 2
                else tr(
                    "Beam search (width {width}), the best beam of each: differences come from the models "
                    "(architecture, tokenizer, data, training)."
                )
            )
        elif n == 2:
            text = tr("Beam search (width {width}), the best beam of both: differences come from the weights alone.")
        else:
            text = tr("Beam search (width {width}), the best beam of each: differences come from the weights alone.")
        return text.format(width=beam_width)
    if several_runs:
        text = tr(
            "Same prompt, settings and seed {seed}: differences come from the models "
            "(architecture, tokenizer, data, training)."
        )
    else:
        text = tr("Same prompt, settings and seed {seed}: differences come from the weights alone.")
    return text.format(seed=seed)
