"""The Playground tab: load a trained run, generate with every token's probability on show, branch
from any alternative, step one token at a time, score any text, look inside the model, and compare
two checkpoints. With a translation run (an encoder-decoder) loaded it becomes the Translate mode: the
source text is translated token by token with the same chips, alternatives, branching and step mode, beams
list with their scores, Score gives log P(target | source), and the Alignment page shows the cross-attention;
the pages that only make sense for a language model are disabled, saying why, until one is loaded again.

The tab only wires views to jobs: the computing lives in :mod:`lmstudio.app.playground` (plain
functions, Qt-free, tested headless) and runs on worker threads; recomputing one token's logits to
draw its distribution is a single forward over one window and runs on the GUI thread. The pages, one
module each: :mod:`.controls` (run, checkpoint, decoding settings), :mod:`.generation_view` (chips,
branches, probabilities), :mod:`.inside` (Score, attention and hidden states), :mod:`.compare`.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ....core.data.cleaning import clean_text, cleaning_summary
from ....core.data.segment import segmenter_for
from ....core.errors import LMStudioError
from ...export_dialog import NOT_EXPORTABLE_COMPRESSED, NOT_EXPORTABLE_HF, open_export_dialog
from ...i18n import QT_TR_NOOP, tr
from ...session import Session
from ...widgets.common import Banner, SidePanelScroll
from ...workers import WorkerHandle, start_worker
from .compare import CheckpointComparePanel
from .controls import DecodingForm, SourceBar
from .embedding_page import EmbeddingPage
from .generation_view import GeneratePage
from .inside import InsidePanel, ScorePanel
from .lens_page import LensPage
from .streaming import GenerationJob
from .translate_view import AlignmentPanel

DEFAULT_PROMPT = "ROMEO:\n"
EXPORT_TIP = QT_TR_NOOP("Export the loaded checkpoint as a Hugging Face folder (transformers) or as ONNX")
LM_ONLY_REASON = {  # why a page is disabled while a translation run is loaded
    "inside": QT_TR_NOOP(
        "Not for a translation run: this view reads a decoder-only language model's self-attention and "
        "hidden states; the encoder-decoder's cross-attention is on the Alignment page"
    ),
    "compare": QT_TR_NOOP(
        "Not for a translation run yet: Compare generates from a prompt with a language model's "
        "checkpoints; load a language-model run to compare"
    ),
}
MEMORIZATION_LABELS = {  # app.playground.memorization_of's labels, as shown
    "seen in train": QT_TR_NOOP("seen in train"),
    "seen in validation": QT_TR_NOOP("seen in validation"),
}


def _jobs():
    """The Playground's computations; imported on first use because they import torch (~1 s), which the
    window keeps off its startup path. The first use is the load job, on a worker thread."""
    from ....app import playground

    return playground


def _load(run_dir: str, which: str, progress=None):
    _jobs().use_gui_threads()
    return _jobs().load(run_dir, which, progress=progress)


class PlaygroundTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.loaded: Any = None  # lmstudio.core.runs.folders.LoadedRun
        self.branches: list = []  # app.playground.Branch
        self.current = -1  # index of the branch on show
        self.shown = -1  # token index in the probability view (len(tokens): the next token)
        self.pinned = -1
        self._job: GenerationJob | WorkerHandle | None = None
        self._logits_cache: dict[tuple[int, int], Any] = {}  # (branch, position) -> logits
        self.knockout = None  # the heads and layers switched off in the loaded model (Lens & heads page)
        self._leaned_cache: dict[tuple, list[float]] = {}  # (branch, token, method, length) -> weights
        self._memorization: Any = None  # the loaded run's memorization index (opened on a worker at load)
        self.memorized: dict | None = None  # where the shown branch repeats the corpus verbatim
        self._step_generators: dict[int, Any] = {}  # branch -> torch.Generator of step mode
        self._closed = False
        self.translation = False  # a translation run is loaded: the Translate mode
        self._texts = {False: DEFAULT_PROMPT, True: ""}  # the prompt / source text typed in each mode
        self._aligned: tuple | None = None  # (branch, tokens) the Alignment page shows

        self.banner = Banner()
        self.source = SourceBar()
        self.source.sig_use_current.connect(self.use_current_run)
        self.source.sig_browse.connect(self.browse_run)
        self.source.sig_load.connect(self.load_run)
        self.prompt = QPlainTextEdit(DEFAULT_PROMPT)
        self.prompt.setToolTip(tr("The text the model continues (Ctrl+Return generates)"))
        self.prompt.setMaximumHeight(110)
        self.cleaning_note = QLabel()
        self.cleaning_note.setObjectName("hint")
        self.cleaning_note.setWordWrap(True)
        self.cleaning_note.setToolTip(
            tr(
                "The run's corpus was cleaned before training; the prompt and the Score text are "
                "cleaned the same way before the model reads them"
            )
        )
        self.cleaning_note.hide()
        self.form = DecodingForm()
        self.form.temperature.valueChanged.connect(self._on_form_temperature)
        self.generate_button = self._button(
            tr("Generate"), tr("Generate from the prompt, streaming each token (Ctrl+Return)"), self.generate
        )
        self.stop_button = self._button(tr("Stop"), tr("Stop generating; the tokens so far stay (Esc)"), self.stop)
        self.next_button = self._button(
            tr("Next token"),
            tr(
                "Step mode: add one token to the shown text (or start from the prompt), "
                "then show the next token's distribution (Ctrl+Right)"
            ),
            self.step,
        )
        self.clear_button = self._button(tr("Clear branches"), tr("Forget every generated branch"), self.clear_branches)
        self.export_button = self._button(tr("Export…"), tr(EXPORT_TIP), self.export_dialog)
        self.export: Any = None  # the open ExportDialog
        # why Export… is off ("" when it is on), in English: translated where shown
        self._export_reason = QT_TR_NOOP("Load a run first: Export… writes the loaded run's checkpoint")

        self.page = GeneratePage()
        self.page.chips.sig_hovered.connect(self._on_hover)
        self.page.chips.sig_clicked.connect(self._on_click)
        self.page.sig_branch_selected.connect(self.show_branch)
        self.page.prob.sig_branch.connect(self.branch_from)
        self.page.prob.sig_temperature.connect(self._on_slider_temperature)
        self.score_panel = ScorePanel()
        self.score_panel.sig_score.connect(self.score)
        self.inside = InsidePanel()
        self.inside.sig_refresh.connect(self.look_inside)
        self.lens_page = LensPage()
        self.lens_page.sig_refresh.connect(self.look_through_layers)
        self.lens_page.sig_knockout.connect(self.set_knockout)
        self.embedding_page = EmbeddingPage()
        self.embedding_page.sig_refresh.connect(self.draw_embedding_map)
        self.compare_panel = CheckpointComparePanel()
        self.compare_panel.sig_compare.connect(self.compare)
        self.compare_panel.sig_side_by_side.connect(self.side_by_side)
        self.alignment = AlignmentPanel()
        self.pages = QTabWidget()
        for widget, title, tip in (
            (self.page, tr("Generate"), tr("Generate, see every token's probability, branch and step")),
            (
                self.score_panel,
                tr("Score"),
                tr("Colour any text by its surprisal; log-probability, perplexity, bits per character"),
            ),
            (
                self.inside,
                tr("Inside the model"),
                tr("Attention maps (Transformer) or hidden states (RNN, GRU, LSTM)"),
            ),
            (
                self.lens_page,
                tr("Lens && heads"),  # "&&": a literal ampersand in a tab title
                tr(
                    "What every layer predicts (logit lens), every attention head at once, and heads or layers "
                    "switched off"
                ),
            ),
            (
                self.embedding_page,
                tr("Embedding map"),
                tr("The token embeddings in 2-D, their nearest neighbours, and the run's checkpoints animated"),
            ),
            (
                self.compare_panel,
                tr("Compare"),
                tr(
                    "Checkpoints or runs side by side on the same prompt and seed: two checkpoints, another run, or "
                    "every checkpoint of this run in columns"
                ),
            ),
            (  # last, so the language model's pages keep their places; shown for a translation run only
                self.alignment,
                tr("Alignment"),
                tr("Translation runs: which source tokens the decoder read while writing each output token"),
            ),
        ):
            self.pages.setTabToolTip(self.pages.addTab(widget, title), tip)
        self.pages.setTabVisible(self.pages.indexOf(self.alignment), False)
        self.pages.currentChanged.connect(lambda _i: self._refresh_alignment())
        self.prompt_label = QLabel(tr("Prompt"), toolTip=self.prompt.toolTip())
        # what the Translate mode changes, as a language model has it (restored exactly when one is loaded again)
        self._lm_texts = {
            "prompt_label": self.prompt_label.text(),
            "prompt_tip": self.prompt.toolTip(),
            "generate": self.generate_button.text(),
            "generate_tip": self.generate_button.toolTip(),
            "page": self.pages.tabText(0),
            "page_tip": self.pages.tabToolTip(0),
            "inside_tip": self.pages.tabToolTip(self.pages.indexOf(self.inside)),
            "compare_tip": self.pages.tabToolTip(self.pages.indexOf(self.compare_panel)),
        }

        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.prompt_label)
        side.addWidget(self.prompt)
        side.addWidget(self.cleaning_note)
        side.addWidget(self.form)
        for pair in ((self.generate_button, self.stop_button), (self.next_button, self.clear_button)):
            row = QHBoxLayout()
            for button in pair:
                row.addWidget(button)
            side.addLayout(row)
        side.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(SidePanelScroll(left))  # the controls scroll on a short screen
        split.addWidget(self.pages)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.source, 1)
        top.addWidget(self.export_button)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        for keys, slot in (("Ctrl+Return", self.generate), ("Esc", self.stop), ("Ctrl+Right", self.step)):
            shortcut = QShortcut(QKeySequence(keys), self, slot)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        session.sig_run_changed.connect(self._on_session_run)
        self.page.prob.set_temperature(self.form.temperature.value())
        self._update_buttons()

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def shortcuts(self) -> list[tuple[str, str]]:
        return [
            (tr("Generate (Playground)"), "Ctrl+Return"),
            (tr("Stop generating (Playground)"), "Esc"),
            (tr("Next token, step mode (Playground)"), "Ctrl+Right"),
        ]

    # state ----------------------------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._job is not None

    def _update_buttons(self) -> None:
        ready = self.loaded is not None and not self.is_busy()
        for w in (
            self.generate_button,
            self.next_button,
            self.score_panel.button,
            self.inside.button,
            self.compare_panel.button,
            self.page.prob.branch_button,
        ):
            w.setEnabled(ready)
        self.clear_button.setEnabled(not self.is_busy() and bool(self.branches))
        self.stop_button.setEnabled(isinstance(self._job, GenerationJob))
        self.source.setEnabled(not self.is_busy())
        self.source.current_button.setEnabled(not self.is_busy() and self.session.run is not None)
        self.export_button.setEnabled(ready and not self._export_reason)
        self.export_button.setToolTip(
            tr("Not available: {reason}").format(reason=tr(self._export_reason))
            if self._export_reason
            else tr(EXPORT_TIP)
        )

    def _start(self, job: GenerationJob | WorkerHandle, on_result=None) -> None:
        self._job = job
        self.banner.clear()
        job.sig_error.connect(self._on_error)
        if on_result is not None:
            job.sig_result.connect(on_result)
        job.sig_finished.connect(self._on_job_finished)
        self._update_buttons()

    def _open_memorization(self, loaded) -> None:
        """Open (or build, once) the index of the run's training text on a worker; the Generate page then says
        when an output repeats it verbatim. Runs whose data is gone simply go unchecked."""
        self._memorization = None
        if loaded.is_translation:
            return

        def done(index) -> None:
            if self.loaded is loaded:
                self._memorization = index

        handle = start_worker(
            "playground-memorization",
            _jobs().memorization_index,
            loaded.config,
            loaded.facts,
            loaded.tokenizer,
        )
        handle.sig_result.connect(done)  # queued to this thread: connected before it can arrive

    def _check_memorized(self) -> None:
        """Say on the Generate page whether the shown branch is new or repeats the corpus (and where)."""
        if self._memorization is None or not (0 <= self.current < len(self.branches)):
            self.memorized = None
            return
        found = _jobs().memorization_of(self._memorization, self.branches[self.current])
        self.memorized = found
        if not found:
            return
        if found["label"] == "new":
            note = tr("new: no run of tokens repeats the training or validation text")
        else:
            lines = sorted({line for *_, line in found["spans"] if line})
            if not lines:
                note = tr("{label}: {share} of its tokens verbatim")
            elif len(lines) == 1:
                note = tr("{label}: {share} of its tokens verbatim, corpus line {lines}")
            else:
                note = tr("{label}: {share} of its tokens verbatim, corpus lines {lines}")
            label = found["label"]
            note = note.format(
                label=tr(MEMORIZATION_LABELS[label]) if label in MEMORIZATION_LABELS else label,
                share=f"{found['covered']:.0%}",
                lines=", ".join(f"{n:,}" for n in lines[:4]),
            )
        self.page.status.setText(f"{self.page.status.text()} · {note}")

    def _on_job_finished(self, *_args) -> None:
        job, self._job = self._job, None
        if isinstance(job, GenerationJob) and 0 <= self.current < len(self.branches):
            self.page.update_branch(self.current, self.branches[self.current])
            r = job.result or {}
            n = len(self.branches[self.current].tokens)
            stopped = job.outcome == "stopped"
            if job.outcome == "error":
                text = tr("Generation failed after {n} tokens: see the message above.")
            elif r.get("seconds"):
                text = (
                    tr("Stopped: {n} tokens at {speed} tokens/s.")
                    if stopped
                    else tr("Done: {n} tokens at {speed} tokens/s.")
                )
            else:
                text = tr("Stopped: {n} tokens.") if stopped else tr("Done: {n} tokens.")
            speed = f"{r['tokens'] / r['seconds']:.0f}" if r.get("seconds") else ""
            self.page.status.setText(text.format(n=n, speed=speed))
            if job.outcome != "error" and not self.translation:
                self._check_memorized()
        self._update_buttons()
        self._refresh_alignment()

    def _refresh_alignment(self) -> None:
        """Translate mode: draw the cross-attention of the shown branch on the Alignment page, when that page is
        on show and the branch changed since (one teacher-forced pass, like a token's logits: a fast path on
        the GUI thread; never while the branch is still streaming)."""
        if not self.translation or self.loaded is None or self.pages.currentWidget() is not self.alignment:
            return
        if isinstance(self._job, GenerationJob) or not (0 <= self.current < len(self.branches)):
            return
        branch = self.branches[self.current]
        key = (self.current, len(branch.tokens), branch.source)
        if key == self._aligned:
            return
        self._aligned = key
        try:
            data = _jobs().alignment(self.loaded.model, *self._tokenizers(), branch.source, branch.ids())
        except Exception as exc:  # noqa: BLE001  (a message, not a crash)
            self.banner.show_message(tr("Could not compute the alignment: {error}").format(error=exc))
            return
        self.alignment.show_alignment(data)

    def _on_error(self, message: str) -> None:
        self.banner.show_message(message)
        self.page.status.setText(tr("Failed: see the message above."))

    def stop(self) -> None:
        if isinstance(self._job, GenerationJob):
            self._job.stop()

    # loading ----------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """The window is closing: start nothing more (a run finishing now is not loaded)."""
        self._closed = True

    def _on_session_run(self) -> None:
        self._update_buttons()
        if self.loaded is None and self.session.run is not None and not self.is_busy() and not self._closed:
            self.use_current_run()

    def use_current_run(self) -> None:
        if self.session.run is not None:
            self.load_run(str(self.session.run), "best")

    def browse_run(self) -> None:
        start = self.source.run_dir or str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, tr("Open run folder"), start)
        if folder:
            self.load_run(folder, "best")

    def load_run(self, run_dir: str, which: str = "best") -> None:
        if self.is_busy():
            return
        name = Path(run_dir).name
        self.page.status.setText(tr("Loading {name} ({which})…").format(name=name, which=which))
        handle = start_worker("playground-load", _load, str(run_dir), which)
        self._start(handle, self._on_loaded)
        handle.sig_error.connect(
            lambda _message: self.page.status.setText(  # never left saying "Loading…"
                (
                    tr(
                        "Could not load {name} ({which}): see the message above. "
                        "The model loaded before is still in use."
                    )
                    if self.loaded is not None
                    else tr(
                        "Could not load {name} ({which}): see the message above. "
                        "Choose another run folder or checkpoint."
                    )
                ).format(name=name, which=which)
            )
        )

    def _on_loaded(self, result: dict) -> None:
        self.loaded = loaded = result["loaded"]
        self._export_reason = self._why_not_exportable(loaded)
        self._logits_cache.clear()
        self._leaned_cache.clear()
        cfg = loaded.config.model
        self.lens_page.set_model(cfg.arch, cfg.n_layer, cfg.n_head)  # a new model: every head and layer on
        self.knockout = None
        self._open_memorization(loaded)
        if not loaded.is_translation:
            self._restore_view()
        self.source.set_checkpoints(
            str(loaded.run_dir), result["checkpoints"], result.get("which", loaded.checkpoint.name)
        )
        if loaded.is_translation:
            src = loaded.source_tokenizer
            vocab = (
                tr("joint {kind} vocabulary of {size}").format(
                    kind=loaded.tokenizer.kind, size=f"{loaded.tokenizer.vocab_size:,}"
                )
                if src is loaded.tokenizer
                else tr("{kind} vocabularies of {source_size} (source) and {target_size} (target)").format(
                    kind=src.kind, source_size=f"{src.vocab_size:,}", target_size=f"{loaded.tokenizer.vocab_size:,}"
                )
            )
            shape = tr("{arch} encoder-decoder, attention {attention}").format(arch=cfg.arch, attention=cfg.attention)
        else:
            vocab = tr("{kind} vocabulary of {size}").format(
                kind=loaded.tokenizer.kind, size=f"{loaded.tokenizer.vocab_size:,}"
            )
            shape = cfg.arch
        self.source.info.setText(
            tr(
                "{shape}, {layers} layer(s) × {width}, {parameters} parameters · {vocab} · weights of step {step}"
            ).format(
                shape=shape,
                layers=cfg.n_layer,
                width=cfg.d_model,
                parameters=f"{loaded.model.num_parameters():,}",
                vocab=vocab,
                step=loaded.checkpoint.step,
            )
        )
        if loaded.is_translation != self.translation or self.branches:
            self._forget_branches()  # another model: the old numbers no longer describe it (the load job is
            # still on, so clear_branches, which waits for no job, would refuse)
        self._set_mode(loaded.is_translation)
        self._fit_default_prompt(loaded)
        items = [
            (self.source.checkpoint.itemText(i), self.source.checkpoint.itemData(i))
            for i in range(self.source.checkpoint.count())
        ]
        self.compare_panel.set_checkpoints(items, run_dir=str(loaded.run_dir))
        loaded_text = (
            tr("Loaded {run} ({checkpoint}). Type a source text and press Translate.")
            if self.translation
            else tr("Loaded {run} ({checkpoint}). Type a prompt and press Generate.")
        )
        self.page.status.setText(loaded_text.format(run=loaded.run_dir.name, checkpoint=loaded.checkpoint.name))
        summary = cleaning_summary(loaded.config.data.cleaning)
        note = tr("Cleaned like the corpus: {summary}").format(summary=summary) if summary else ""
        for label in (self.cleaning_note, self.score_panel.cleaning_note):
            label.setText(note)
            label.setVisible(bool(note))

    def export_dialog(self) -> None:
        if self.loaded is None or self._export_reason:
            return
        self.export = open_export_dialog(self, Path(self.loaded.run_dir), self.loaded.checkpoint.name)

    @staticmethod
    def _why_not_exportable(loaded: Any) -> str:
        """ "" when the loaded checkpoint can be exported, else why not (the button's tooltip says so)."""
        from ....core.export.hf_import import CHECKPOINT_NAME
        from ....core.runs.compressed import read_recipe

        if loaded.checkpoint.name == CHECKPOINT_NAME and Path(loaded.checkpoint.path) == Path(loaded.run_dir):
            return NOT_EXPORTABLE_HF
        try:
            recipe = read_recipe(loaded.checkpoint.path)
        except Exception:  # noqa: BLE001  (an unreadable meta.json: the export itself would say so)
            recipe = None
        return NOT_EXPORTABLE_COMPRESSED if recipe is not None else ""

    def _fit_default_prompt(self, loaded: Any) -> None:
        """The untouched default prompt (Shakespeare's "ROMEO:") becomes the run's own sample prompt when the
        run's vocabulary cannot spell it (a Chinese run would start from <unk>)."""
        if self.translation or self.prompt.toPlainText() != DEFAULT_PROMPT:
            return
        tok = loaded.tokenizer
        try:
            unknown = tok.unk_id in tok.encode(DEFAULT_PROMPT)
        except Exception:  # noqa: BLE001  (a tokenizer failing here keeps the prompt as it was)
            return
        if unknown:
            self.prompt.setPlainText(loaded.config.train.sample_prompt or "\n")

    def _set_mode(self, translation: bool) -> None:
        """The Translate mode for an encoder-decoder run, or the language model's Playground, exactly as it was
        (the text typed in each mode is kept for the next time that mode is on)."""
        if translation != self.translation:
            self._texts[self.translation] = self.prompt.toPlainText()
            self.translation = translation
            text = self._texts[translation] or _jobs().example_source(self.loaded.config.data)
            self.prompt.setPlainText(text)
        lm = self._lm_texts
        pages = self.pages
        inside, compare = pages.indexOf(self.inside), pages.indexOf(self.compare_panel)
        if translation:
            self.prompt_label.setText(tr("Source text"))
            self.prompt.setToolTip(tr("The text to translate (Ctrl+Return translates)"))
            self.generate_button.setText(tr("Translate"))
            self.generate_button.setToolTip(
                tr("Translate the source text, streaming each output token with its probability (Ctrl+Return)")
            )
            pages.setTabText(0, tr("Translate"))
            pages.setTabToolTip(
                0, tr("The translation token by token: probabilities, alternatives, branches, step mode and beams")
            )
            pages.setTabToolTip(inside, tr(LM_ONLY_REASON["inside"]))
            pages.setTabToolTip(compare, tr(LM_ONLY_REASON["compare"]))
        else:
            self.prompt_label.setText(lm["prompt_label"])
            self.prompt.setToolTip(lm["prompt_tip"])
            self.generate_button.setText(lm["generate"])
            self.generate_button.setToolTip(lm["generate_tip"])
            pages.setTabText(0, lm["page"])
            pages.setTabToolTip(0, lm["page_tip"])
            pages.setTabToolTip(inside, lm["inside_tip"])
            pages.setTabToolTip(compare, lm["compare_tip"])
        self.prompt_label.setToolTip(self.prompt.toolTip())
        pages.setTabEnabled(inside, not translation)
        pages.setTabEnabled(compare, not translation)
        pages.setTabEnabled(pages.indexOf(self.lens_page), not translation)  # a language model's layers
        pages.setTabVisible(pages.indexOf(self.alignment), translation)
        if not pages.isTabEnabled(pages.currentIndex()) or not pages.isTabVisible(pages.currentIndex()):
            pages.setCurrentIndex(0)
        self.form.set_translation(translation)
        self.page.set_translation(translation)
        example = ""
        if translation and self.loaded is not None and self.loaded.config.data.toy_task == "reverse":
            example = self.prompt.toPlainText()[::-1]
        self.score_panel.set_translation(translation, example)
        self.alignment.clear()
        self._aligned = None

    def _tokenizers(self) -> tuple:
        """What the jobs take after the model: the tokenizer, or the source's and the target's."""
        if self.translation:
            return (self.loaded.source_tokenizer, self.loaded.tokenizer)
        return (self.loaded.tokenizer,)

    def _label(self, token_id: int) -> str:
        if self.translation and token_id == self.loaded.tokenizer.eos_id:
            return _jobs().EOS_TEXT
        return _jobs().display_text(self.loaded.tokenizer, token_id)

    def cleaned(self, text: str) -> str:
        """``text`` cleaned as the loaded run's corpus was (lower-case, NFKC, stop words…), so that what the
        user types meets the vocabulary the model learned."""
        if self.loaded is None:
            return text
        return clean_text(
            text, self.loaded.config.data.cleaning, segmenter_for(self.loaded.config.data, self.loaded.tokenizer)
        )

    def prompt_text(self) -> str:
        return self.cleaned(self.prompt.toPlainText())

    # generation -------------------------------------------------------------------------------------------
    def _new_branch(
        self,
        name: str,
        context: list[int],
        tokens: list[dict] | None = None,
        parent: int | None = None,
        fork_at: int = 0,
        source: str | None = None,
    ) -> int:
        self.branches.append(_jobs().Branch(name, context, list(tokens or []), parent, fork_at, source))
        self.page.add_branch(self.branches[-1])
        self.page.update_branch(len(self.branches) - 1, self.branches[-1])  # a beam arrives with its tokens
        self.show_branch(len(self.branches) - 1)
        return len(self.branches) - 1

    def generate(self) -> None:
        if self.loaded is None or self.is_busy():
            return
        if self.translation:
            self.translate()
            return
        prompt = self.prompt_text()
        context = _jobs().prompt_ids(self.loaded.tokenizer, prompt)
        cfg = self.form.sample_config()
        if self.form.decoding() == "beam":
            self.page.status.setText(tr("Beam search…"))
            handle = start_worker(
                "playground-beams",
                _jobs().gui_job(_jobs().beams),
                self.loaded.model,
                self.loaded.tokenizer,
                context,
                self.form.beam_width.value(),
                cfg.max_new_tokens,
                cfg.alternatives,
            )
            self._start(handle, lambda found: self._on_beams(context, found))
            return
        self._new_branch(self._branch_name(cfg.seed), context)
        self._stream(_jobs().stream_generation, context, cfg)

    def _source_ok(self, source: str) -> bool:
        """A source the model can read; otherwise a message in the banner (empty, or longer than the model takes)."""
        if not source.strip():
            self.banner.show_message(tr("Type a source text to translate."))
            return False
        try:
            _jobs().translation_source_ids(self.loaded.source_tokenizer, source, self.loaded.model)
        except Exception as exc:  # noqa: BLE001  (ConfigError: too long for the model; a message, not a crash)
            self.banner.show_message(tr("Cannot translate this source: {error}").format(error=exc))
            return False
        return True

    def translate(self) -> None:
        """Translate mode's Generate: stream the translation of the source text, or list the beams."""
        source = self.prompt_text()
        if not self._source_ok(source):
            return
        cfg = self.form.sample_config()
        if self.form.decoding() == "beam":
            self.page.status.setText(tr("Beam search…"))
            handle = start_worker(
                "playground-beams",
                _jobs().gui_job(_jobs().translation_beams),
                self.loaded.model,
                *self._tokenizers(),
                source,
                self.form.beam_width.value(),
                self.form.alpha.value(),
                alternatives=cfg.alternatives,
            )
            self._start(handle, lambda found: self._on_translation_beams(source, found))
            return
        self._new_branch(self._branch_name(cfg.seed), [], source=source)
        self._stream(_jobs().stream_translation, source, cfg)

    def _branch_name(self, seed: int | None) -> str:
        """A sampled or greedy branch's name: its number, the decoding mode and the seed."""
        text = tr("{n}: {mode}, random seed") if seed is None else tr("{n}: {mode}, seed {seed}")
        return text.format(n=len(self.branches) + 1, mode=self.form.mode.currentText().lower(), seed=seed)

    def _on_translation_beams(self, source: str, found: list[dict]) -> None:
        for rank, beam in enumerate(found, 1):
            name = (
                tr("beam {rank}: score {score}, log P {logprob}")
                if beam["finished"]
                else tr("beam {rank}: score {score}, log P {logprob} (cut: length limit)")
            )
            self._new_branch(
                name.format(rank=rank, score=f"{beam['score']:.2f}", logprob=f"{beam['logprob']:.2f}"),
                [],
                beam["tokens"],
                source=source,
            )
        if found:
            self.show_branch(len(self.branches) - len(found))
        self.page.status.setText(
            tr(
                "Beam search: {n} hypotheses, best first. Score = log P / ((5 + length) / 6)^α with "
                "α = {alpha} (it ranks them); log P = the raw total in nats, <eos> included."
            ).format(n=len(found), alpha=f"{self.form.alpha.value():.1f}")
        )

    def _stream(self, fn, *args) -> None:
        index = self.current
        job = GenerationJob("playground-generate", _jobs().gui_job(fn), self.loaded.model, *self._tokenizers(), *args)
        job.sig_tokens.connect(lambda batch: self._on_tokens(index, batch))
        self.page.status.setText(tr("Generating…"))
        self._start(job)

    def _on_tokens(self, index: int, batch: list[dict]) -> None:
        branch = self.branches[index]
        branch.tokens.extend(batch)
        if index == self.current:
            self.page.chips.append_tokens(batch)

    def _on_beams(self, context: list[int], found: list[dict]) -> None:
        for rank, beam in enumerate(found, 1):
            self._new_branch(
                tr("beam {rank}: log P = {logprob}").format(rank=rank, logprob=f"{beam['logprob']:.2f}"),
                context,
                beam["tokens"],
            )
        if found:
            self.show_branch(len(self.branches) - len(found))
        self.page.status.setText(
            tr("Beam search: {n} beams, best first (total log-probability in nats).").format(n=len(found))
        )

    def branch_from(self, token_id: int) -> None:
        """Continue the shown branch with ``token_id`` at the shown position instead of what came there."""
        if self.loaded is None or self.is_busy() or not (0 <= self.current < len(self.branches)):
            return
        parent = self.branches[self.current]
        at = self.shown if self.shown >= 0 else len(parent.tokens)
        if self.translation:
            self._branch_translation(parent, at, token_id)
            return
        if at >= len(parent.tokens):  # the next token: step mode's choice, no new branch
            self._append_tokens(
                _jobs().forced_tokens(
                    self.loaded.model, self.loaded.tokenizer, parent.ids(), [token_id], self.form.alternatives.value()
                )
            )
            return
        text = _jobs().display_text(self.loaded.tokenizer, token_id)
        cfg = self.form.sample_config()
        context = parent.ids(at)
        self._new_branch(
            tr("{n}: “{text}” at token {position}").format(n=len(self.branches) + 1, text=text, position=at + 1),
            parent.context_ids,
            parent.tokens[:at],
            self.current,
            at,
        )
        self._stream(_jobs().continue_branch, context, token_id, cfg)

    def _branch_translation(self, parent, at: int, token_id: int) -> None:
        """Branching in the Translate mode: ``translate_stream`` again with prefix_ids = the output before
        token ``at`` and the chosen alternative."""
        eos = token_id == self.loaded.tokenizer.eos_id
        if at >= len(parent.tokens):  # the next token: step mode's choice, no new branch
            if eos:
                self.page.status.setText(tr("The translation ends here (<eos> chosen)."))
                return
            self._append_tokens(
                _jobs().forced_translation_tokens(
                    self.loaded.model,
                    *self._tokenizers(),
                    parent.source,
                    parent.ids(),
                    [token_id],
                    self.form.alternatives.value(),
                )
            )
            return
        name = tr("{n}: <eos>: ends at token {position}") if eos else tr("{n}: “{text}” at token {position}")
        self._new_branch(
            name.format(n=len(self.branches) + 1, text="" if eos else self._label(token_id), position=at + 1),
            [],
            parent.tokens[:at],
            self.current,
            at,
            source=parent.source,
        )
        self._stream(_jobs().continue_translation, parent.source, parent.ids(at), token_id, self.form.sample_config())

    def clear_branches(self) -> None:
        if not self.is_busy():
            self._forget_branches()

    def _forget_branches(self) -> None:
        self.branches, self.current, self.shown, self.pinned = [], -1, -1, -1
        self._logits_cache.clear()
        self._step_generators.clear()
        self.page.clear_branches()
        self.page.chips.set_tokens([])
        self._clear_token_details()
        self.alignment.clear()
        self._aligned = None
        self._update_buttons()

    def _clear_token_details(self) -> None:
        """The probability view described a token of the branch shown before: empty it."""
        self.page.prob.show_token(tr("Hover or click a token to see its alternatives."), None)
        self.page.prob.show_distributions([], None)

    def show_branch(self, index: int) -> None:
        self.current = index
        branch = self.branches[index]
        if branch.source is not None:
            prefix = f"{branch.source} → "
        else:
            prefix = self.loaded.tokenizer.decode(branch.context_ids) if self.loaded else ""
        self.page.chips.set_tokens(branch.tokens, prefix)
        self.page.select_branch(index)
        self.shown = self.pinned = -1
        self._clear_token_details()
        self._update_buttons()
        self._refresh_alignment()

    # step mode ----------------------------------------------------------------------------------------------
    def step(self) -> None:
        if self.loaded is None or self.is_busy():
            return
        if not (0 <= self.current < len(self.branches)):
            if self.translation:
                if not self._source_ok(self.prompt_text()):
                    return
                self._new_branch(
                    tr("{n}: step by step").format(n=len(self.branches) + 1), [], source=self.prompt_text()
                )
            else:
                context = _jobs().prompt_ids(self.loaded.tokenizer, self.prompt_text())
                self._new_branch(tr("{n}: step by step").format(n=len(self.branches) + 1), context)
        branch = self.branches[self.current]
        if self.current not in self._step_generators:
            seed = self.form.sample_config().seed
            self._step_generators[self.current] = _jobs().new_generator(
                random.randrange(2**31) if seed is None else seed
            )
        cfg = self.form.sample_config(
            temperature=self.page.prob.temperature_value() if self.form.decoding() == "sample" else None
        )
        logits = self._logits(self.current, len(branch.tokens))
        if branch.source is not None:
            token = _jobs().step_translation(
                self.loaded.model, *self._tokenizers(), branch, cfg, self._step_generators[self.current], logits
            )
            if token is None:
                self.page.status.setText(
                    tr("Step mode: the model ended the translation (<eos>) after {n} tokens.").format(
                        n=len(branch.tokens)
                    )
                )
            else:
                self._append_tokens([token])
            return
        self._append_tokens(
            [
                _jobs().step_token(
                    self.loaded.model, self.loaded.tokenizer, branch, cfg, self._step_generators[self.current], logits
                )
            ]
        )

    def _append_tokens(self, tokens: list[dict]) -> None:
        branch = self.branches[self.current]
        branch.tokens.extend(tokens)
        self.page.chips.append_tokens(tokens)
        self.page.update_branch(self.current, branch)
        self.show_position(len(branch.tokens))
        self.page.status.setText(
            tr(
                "Step mode: {n} tokens. The view shows the next token's distribution; "
                "drag the temperature or press Next token."
            ).format(n=len(branch.tokens))
        )
        self._refresh_alignment()

    # probabilities ----------------------------------------------------------------------------------------
    def _logits(self, branch_index: int, position: int):
        key = (branch_index, position)
        if key not in self._logits_cache:
            if len(self._logits_cache) > 512:
                self._logits_cache.clear()
            branch = self.branches[branch_index]
            if branch.source is not None:
                self._logits_cache[key] = _jobs().translation_token_logits(
                    self.loaded.model, *self._tokenizers(), branch, position
                )
            else:
                self._logits_cache[key] = _jobs().token_logits(self.loaded.model, branch, position)
        return self._logits_cache[key]

    def _on_hover(self, index: int) -> None:
        self.show_position(index if index >= 0 else self.pinned)
        self._show_leaned_on(index if index >= 0 else self.pinned)

    def _show_leaned_on(self, index: int) -> None:
        """Underline the earlier tokens the prediction of token ``index`` leaned on (the Leaned on choice)."""
        chips, method = self.page.chips, self.page.lean.currentData()
        if (
            method == "off"
            or self.loaded is None
            or self.translation
            or self.is_busy()
            or not (0 <= self.current < len(self.branches))
            or not (0 <= index < len(self.branches[self.current].tokens))
        ):
            chips.set_shading(None)
            return
        if method == "attention" and self.loaded.config.model.arch != "transformer":
            method = "gradient"  # a recurrent net has no attention: the gradient says the same for any model
        key = (self.current, index, method, len(self.branches[self.current].tokens))
        weights = self._leaned_cache.get(key)
        if weights is None:
            try:
                weights = _jobs().leaned_on(self.loaded.model, self.branches[self.current], index, method)
            except LMStudioError as exc:
                self.banner.show_message(str(exc))
                return
            self._leaned_cache[key] = weights
        chips.set_shading(weights)

    def _on_click(self, index: int) -> None:
        self.pinned = index
        self.show_position(index)

    def show_position(self, index: int) -> None:
        """Fill the probability view for token ``index`` of the shown branch (len: the next token)."""
        self.shown = index
        if self.loaded is None or not (0 <= self.current < len(self.branches)) or index < 0:
            return
        branch = self.branches[self.current]
        if index > len(branch.tokens):
            return
        logits = self._logits(self.current, index)
        if index < len(branch.tokens):
            token = branch.tokens[index]
            heading = tr("Token {position}: “{text}” · model probability {probability}, rank {rank}").format(
                position=index + 1, text=token["text"], probability=f"{token['raw_prob']:.2%}", rank=token["rank"]
            )
        else:
            alternatives = _jobs().translation_alternatives if self.translation else _jobs().next_alternatives
            token = {
                "id": -1,
                "alternatives": alternatives(logits, self.loaded.tokenizer, self.form.alternatives.value()),
            }
            heading = tr("Next token (after {n} generated): choose one to continue, or press Next token").format(
                n=index
            )
        self.page.prob.show_token(heading.replace("\n", "↵"), token)
        self._draw_distribution()

    def _draw_distribution(self) -> None:
        if self.shown < 0 or not (0 <= self.current < len(self.branches)) or self.loaded is None:
            return
        branch = self.branches[self.current]
        if self.shown > len(branch.tokens):
            return
        cfg = self.form.sample_config(
            temperature=self.page.prob.temperature_value() if self.form.decoding() == "sample" else None
        )
        dist = _jobs().distributions(self._logits(self.current, self.shown), cfg, branch.ids(self.shown))
        self.page.prob.show_distributions([self._label(i) for i in dist["ids"]], dist)

    def _on_slider_temperature(self, value: float) -> None:
        self.form.temperature.blockSignals(True)
        self.form.temperature.setValue(value)
        self.form.temperature.blockSignals(False)
        self._draw_distribution()

    def _on_form_temperature(self, value: float) -> None:
        self.page.prob.set_temperature(value)
        self._draw_distribution()

    # score, inside, compare ---------------------------------------------------------------------------------
    def score(self, text: str) -> None:
        if self.loaded is None or self.is_busy():
            return
        if self.translation:  # log P(target | source): the source is the source text on the left
            self._start(
                start_worker(
                    "playground-score",
                    _jobs().gui_job(_jobs().score_pair),
                    self.loaded.model,
                    *self._tokenizers(),
                    self.prompt_text(),
                    self.cleaned(text),
                ),
                self.score_panel.show_result,
            )
            return
        self._start(
            start_worker(
                "playground-score",
                _jobs().gui_job(_jobs().score),
                self.loaded.model,
                self.loaded.tokenizer,
                self.cleaned(text),
            ),
            self.score_panel.show_result,
        )

    def current_ids(self) -> list[int]:
        if 0 <= self.current < len(self.branches):
            return self.branches[self.current].ids()
        return _jobs().prompt_ids(self.loaded.tokenizer, self.prompt_text())

    def look_inside(self) -> None:
        if self.loaded is None or self.is_busy() or self.translation:  # a language model's page
            return
        self._start(
            start_worker(
                "playground-inspect",
                _jobs().gui_job(_jobs().inspect),
                self.loaded.model,
                self.loaded.tokenizer,
                self.current_ids(),
            ),
            self.inside.show_data,
        )

    def look_through_layers(self) -> None:
        """The logit lens, then (a Transformer) every head's attention, of the current text."""
        if self.loaded is None or self.is_busy() or self.translation:  # a language model's page
            return
        ids = self.current_ids()
        transformer = self.loaded.config.model.arch == "transformer"

        def after_lens(data: dict) -> None:
            self.lens_page.show_lens(data)
            if transformer:
                self._start(
                    start_worker(
                        "playground-heads",
                        _jobs().gui_job(_jobs().heads),
                        self.loaded.model,
                        self.loaded.tokenizer,
                        ids,
                    ),
                    self.lens_page.show_heads,
                )

        self._start(
            start_worker(
                "playground-lens", _jobs().gui_job(_jobs().lens), self.loaded.model, self.loaded.tokenizer, ids
            ),
            lambda data: QTimer.singleShot(0, lambda: after_lens(data)),  # after this job has finished
        )

    def draw_embedding_map(self) -> None:
        if self.loaded is None or self.is_busy():
            return
        loaded = self.loaded
        self._start(
            start_worker(
                "playground-embedding-map",
                _jobs().gui_job(_jobs().embedding_map),
                str(loaded.run_dir),
                loaded.model,
                loaded.tokenizer,
                loaded.config,
                loaded.facts,
            ),
            self.embedding_page.show_map,
        )

    def side_by_side(self, entries: list) -> None:
        """The Compare page's "Another run" and "Every checkpoint of this run": each (run folder, checkpoint) with
        the same prompt, settings and seed, one column each."""
        if self.loaded is None or self.is_busy() or self.translation:
            return
        from ....app.side_by_side import generate_side_by_side

        cfg, prompt, device, width = self._same_seed_settings()
        handle = start_worker(
            "playground-side-by-side",
            _jobs().gui_job(generate_side_by_side),
            list(entries),
            prompt,
            cfg,
            device,
            beam_width=width,
        )
        self._start(
            handle,
            lambda results: self.compare_panel.show_side_by_side(results, prompt, None if width else cfg.seed, width),
        )

    def set_knockout(self, knockout) -> None:
        """Heads or layers switched off in the loaded model: generation, Score and the views run without them."""
        if self.loaded is None:
            return
        from ....core.inference.lens import apply_knockout

        if self.is_busy():  # a job is using the model: try again when it is done
            QTimer.singleShot(200, lambda: self.set_knockout(self.lens_page.knockouts.knockout()))
            return
        apply_knockout(self.loaded.model, knockout)
        self._logits_cache.clear()  # cached logits were computed with the old switches
        self._leaned_cache.clear()
        self.knockout = knockout
        self._save_view()

    def _save_view(self) -> None:
        """Remember the switches with the run (its ``playground.json``): they come back when it is loaded again.
        Only in an lmstudio run folder: a Hugging Face folder someone gave you is left as it was."""
        from ....core.errors import LMStudioError
        from ....core.runs import checkpoint as ckpt

        run_dir = Path(self.loaded.run_dir)
        if not (run_dir / ckpt.CONFIG_FILE).is_file() or not (run_dir / ckpt.CHECKPOINTS_DIR).is_dir():
            return
        view = ckpt.read_view(run_dir)
        if self.knockout:
            view["knockout"] = self.knockout.to_dict()
        else:
            view.pop("knockout", None)
        try:
            ckpt.write_view(run_dir, view)
        except LMStudioError as exc:
            self.banner.show_message(
                tr("The switched-off heads were not saved with the run: {error}").format(error=exc)
            )

    def _restore_view(self) -> None:
        """The switches saved with the loaded run (see _save_view), applied; a saved view that no longer fits the
        model is set aside with a note."""
        from ....core.errors import LMStudioError
        from ....core.inference.lens import KnockOut, apply_knockout
        from ....core.runs import checkpoint as ckpt

        saved = ckpt.read_view(Path(self.loaded.run_dir)).get("knockout")
        if not saved or self.loaded.config.model.arch != "transformer":
            return
        try:
            knockout = KnockOut.from_dict(saved)
            self.lens_page.knockouts.set_knockout(knockout)
            apply_knockout(self.loaded.model, knockout)
        except LMStudioError as exc:
            self.banner.show_message(
                tr("The saved switched-off heads do not fit this model and were left off: {error}").format(error=exc)
            )
            return
        self.knockout = knockout
        self.lens_page.grid.set_knocked_out(knockout)
        self.lens_page.knockout_note.setText(
            tr("Off (saved with the run): {switches}").format(switches=knockout.describe(tr)) if knockout else ""
        )

    def _same_seed_settings(self) -> tuple:
        """What every side of a comparison generates with: the settings with a fixed seed (one drawn now when the
        form leaves it free: every side must draw the same random numbers), the prompt, the device and the beam
        width (0: sampling)."""
        cfg = self.form.sample_config()
        if cfg.seed is None:
            cfg.seed = random.randrange(2**31)
        device = str(_jobs().model_device(self.loaded.model))
        width = self.form.beam_width.value() if self.form.decoding() == "beam" else 0
        return cfg, self.prompt_text(), device, width

    def compare(self, first: str, second: str) -> None:
        if self.loaded is None or self.is_busy() or self.translation:  # a language model's page
            return
        cfg, prompt, device, width = self._same_seed_settings()
        handle = start_worker(
            "playground-compare",
            _jobs().gui_job(_jobs().compare),
            str(self.loaded.run_dir),
            [first, second],
            prompt,
            cfg,
            device,
            beam_width=width,
        )
        self._start(
            handle, lambda results: self.compare_panel.show_result(results, prompt, None if width else cfg.seed, width)
        )
