"""The one Session of the window: current corpus, cleaning, splits, tokenizer, model config and run.

Tabs never call each other. They change the session through its methods and react to its ``sig_*``
signals. The session also owns a work folder (temporary, removed on close) where trained tokenizers are
written; split files live in the core's cache (shared with training), keyed by what they depend on.
"""

from __future__ import annotations

import copy
import dataclasses
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from ..core.config import (
    CleaningConfig,
    DataConfig,
    ModelConfig,
    TokenizerConfig,
    TrainConfig,
    WorkspaceConfig,
)
from ..core.data import corpus as core_corpus
from ..core.data.segment import Segmenter, segmenter_for
from ..core.data.split_cache import splits_dir
from ..core.data.stats import CorpusStats
from ..core.errors import ConfigError, LMStudioError
from ..core.keys import digest
from . import jobs
from .i18n import tr
from .workers import WorkerHandle, start_worker

MAX_WORKSPACE_BYTES = 4 * 1024 * 1024  # a workspace is a few KB of settings; anything huge is not one


class Session(QObject):
    sig_step_time_measured = Signal(float)  # the Model tab measured a training step: seconds (the Train tab's budget)
    sig_corpus_changed = Signal()  # a new corpus (or new reading options) is loaded
    sig_corpus_error = Signal(str)  # a corpus could not be opened; the previous one stays
    sig_corpus_opening = Signal(object, str)  # a background open started: its WorkerHandle (progress, Cancel), the path
    sig_cleaning_changed = Signal()
    sig_split_changed = Signal()
    sig_stats_changed = Signal()  # statistics of the (cleaned) corpus arrived or were cleared
    sig_tokenizer_changed = Signal()
    sig_tokenizer_config_changed = Signal()
    sig_model_config_changed = Signal()
    sig_model_validity_changed = Signal()  # the Model tab's fields became valid or invalid (see model_issues)
    sig_train_config_changed = Signal()
    sig_run_changed = Signal()
    sig_workspace_changed = Signal()  # a workspace was opened, saved or started anew (path or all settings)
    sig_modified_changed = Signal(bool)  # the settings differ (True) or no longer differ from the last save/open/new

    def __init__(self, work_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = WorkspaceConfig()
        self.corpus: core_corpus.Corpus | None = None
        self.preview: jobs.CorpusPreview | None = None  # what the Data tab shows of the corpus, read when opened
        self._open_job: WorkerHandle | None = None
        self._previous: tuple | None = None  # (data config, corpus, preview) before the last open, until read through
        self.stats: CorpusStats | None = None
        self.stats_key = ""
        self.tokenizer = None  # lmstudio.core.tokenizers.table.Tokenizer
        self.tokenizer_report: dict[str, Any] | None = None
        self.tokenizer_data_key = ""  # the data_key() the tokenizer was trained on
        self.tokenizer_dir: Path | None = None
        self._split_dir: tuple[str, Path] | None = None  # (data_key(), the core's split folder)
        self.run: Any = None  # set by the Train tab: the Path of the latest run folder
        self.model_issues: list[str] = []  # why the Model tab's fields cannot be trained; empty = valid
        self.workspace_path: Path | None = None
        self._owns_work_dir = work_dir is None
        self.work_dir = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="lmstudio-session-"))
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._saved_state = self._settings_state()  # what the workspace file holds (or the defaults): see is_modified
        self._modified = False
        for signal in (
            self.sig_corpus_changed,
            self.sig_cleaning_changed,
            self.sig_split_changed,
            self.sig_tokenizer_changed,
            self.sig_tokenizer_config_changed,
            self.sig_model_config_changed,
            self.sig_train_config_changed,
        ):
            signal.connect(self.check_modified)

    # convenient views of the config -----------------------------------------------------------------
    @property
    def data_config(self) -> DataConfig:
        return self.config.data

    @property
    def cleaning(self) -> CleaningConfig:
        return self.config.data.cleaning

    @property
    def tokenizer_config(self) -> TokenizerConfig:
        return self.config.tokenizer

    @property
    def model_config(self) -> ModelConfig:
        return self.config.model

    def corpus_name(self) -> str:
        if self.corpus is None:
            return tr("no corpus")
        for name, path in core_corpus.bundled_corpora().items():
            if Path(path).resolve() == Path(self.corpus.path).resolve():
                return name
        return Path(self.corpus.path).name

    # corpus -----------------------------------------------------------------------------------------
    def open_corpus(self, path: str | Path | None = None, **options: Any) -> bool:
        """Open a corpus with DataConfig reading options (format, text_field, column, include, ...) on the
        calling thread: for small files (the bundled corpus), scripts and tests. The window uses
        :meth:`open_corpus_in_background`.

        On failure emits ``sig_corpus_error`` with the reason and keeps the previous corpus; returns False.
        """
        path = Path(path) if path else core_corpus.default_corpus_path()
        try:
            data = dataclasses.replace(self.config.data, corpus=str(path), **options)
            opened = jobs.load_corpus(data)
        except LMStudioError as exc:
            self.sig_corpus_error.emit(str(exc))
            return False
        except OSError as exc:  # permission races and the like, which the core may not wrap
            self.sig_corpus_error.emit(
                tr("{path}: cannot read ({reason})").format(path=path, reason=exc.strerror or exc)
            )
            return False
        self.cancel_open()
        self.apply_opened(opened)
        return True

    def open_corpus_in_background(
        self,
        path: str | Path | None = None,
        *,
        sniff_field: bool = False,
        data: DataConfig | None = None,
        on_opened: Callable[[dict], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        **options: Any,
    ) -> WorkerHandle | None:
        """Open a corpus on a worker (validation, encoding, preview, field choices); the GUI thread stays free.

        When it has opened, ``on_opened(result)`` runs (default: make it the current corpus); on failure
        ``on_error(message)`` (default: ``sig_corpus_error``) and the previous corpus stays. A newer open
        cancels an older one, whose result is then dropped. Returns the job, or None if the options are
        invalid (reported through ``on_error``).
        """
        report_error = on_error or self.sig_corpus_error.emit
        if data is None:
            path = Path(path) if path else core_corpus.default_corpus_path()
            try:
                data = dataclasses.replace(self.config.data, corpus=str(path), **options)
            except (ConfigError, TypeError) as exc:
                report_error(str(exc))
                return None
        self.cancel_open()
        job = start_worker("open-corpus", jobs.load_corpus, copy.deepcopy(data), sniff_field)
        self._open_job = job

        def opened(result: dict) -> None:
            if job is self._open_job:
                (on_opened or self.apply_opened)(result)

        def failed(message: str) -> None:
            if job is self._open_job:
                report_error(message)

        def finished() -> None:
            if job is self._open_job:
                self._open_job = None

        job.sig_result.connect(opened)
        job.sig_error.connect(failed)
        job.sig_finished.connect(finished)
        self.sig_corpus_opening.emit(job, str(data.corpus or core_corpus.default_corpus_path()))
        return job

    def restore_previous_corpus(self) -> bool:
        """Go back to the corpus open before the current one (which turned out unreadable past its start)."""
        if self._previous is None:
            return False
        data, corpus, preview = self._previous
        self._previous = None
        self.config.data = dataclasses.replace(data, cleaning=self.config.data.cleaning)
        self.corpus, self.preview = corpus, preview
        self._clear_stats()
        self.sig_corpus_changed.emit()
        return True

    def cancel_open(self) -> None:
        """Drop the background open in flight, if any (its result will be ignored)."""
        job, self._open_job = self._open_job, None
        if job is not None:
            job.cancel()

    def is_opening(self) -> bool:
        return self._open_job is not None

    def apply_opened(self, result: dict) -> None:
        # The previous corpus is kept until the new one has been read through once (its statistics):
        # a bad byte or record past the part read when opening then brings the previous one back.
        if self.corpus is not None:
            self._previous = (copy.deepcopy(self.config.data), self.corpus, self.preview)
        self.config.data = result["data"]
        self.corpus = result["corpus"]
        self.preview = result["preview"]
        self._clear_stats()
        self.sig_corpus_changed.emit()

    def set_cleaning(self, cleaning: CleaningConfig) -> None:
        if cleaning == self.config.data.cleaning:
            return
        self.config.data.cleaning = cleaning
        self._clear_stats()
        self.sig_cleaning_changed.emit()

    def set_segmenter(self, segmenter: str, user_dict: str = "") -> None:
        """How words are cut (``data.segmenter``, ``data.user_dict``): statistics and stop words follow, as the
        cleaning does. Raises ConfigError (DataConfig's validation) when the pair is unusable."""
        data = dataclasses.replace(self.config.data, segmenter=segmenter, user_dict=user_dict)
        if data == self.config.data:
            return
        self.config.data = data
        self._clear_stats()
        self.sig_cleaning_changed.emit()

    def segmenter(self) -> Segmenter:
        """The segmenter of the data settings with its user dictionary read; CorpusError when that file cannot be
        read (the caller shows why)."""
        return segmenter_for(self.config.data)

    def set_split(self, fractions: tuple[float, float, float], mode: str, block_lines: int, seed: int) -> None:
        """Raises ConfigError (from DataConfig's validation) if the values are unusable."""
        data = dataclasses.replace(
            self.config.data, split_fractions=tuple(fractions), split_mode=mode, block_lines=block_lines, seed=seed
        )
        if data == self.config.data:
            return
        self.config.data = data
        self.sig_split_changed.emit()

    def set_stats(self, stats: CorpusStats, key: str) -> None:
        """Statistics computed by a worker for ``key``; ignored when the corpus or cleaning changed since."""
        if key != self.stats_key_now():
            return
        self._previous = None  # the corpus has been read through: no way back needed
        self.stats, self.stats_key = stats, key
        self.sig_stats_changed.emit()

    def _clear_stats(self) -> None:
        self.stats, self.stats_key = None, ""
        self.sig_stats_changed.emit()

    def _corpus_identity(self) -> dict[str, Any]:
        if self.corpus is None:
            return {}
        ident: dict[str, Any] = {"path": str(Path(self.corpus.path).resolve())}
        try:
            st = Path(self.corpus.path).stat()
            ident.update(size=st.st_size, mtime=st.st_mtime_ns)
        except OSError:
            pass
        d = self.config.data
        ident.update(format=d.format, text_field=d.text_field, column=d.column, include=d.include, target=d.target)
        if d.format == "parallel":  # which column is the text (source side); kept out otherwise so old keys stay
            ident.update(source_column=d.source_column, target_column=d.target_column)
        if d.task == "translate":  # the sides, their direction and a toy task's pairs decide what is tokenized
            ident.update(
                task=d.task,
                reverse=d.reverse,
                toy_task=d.toy_task,
                toy_pairs=d.toy_pairs,
                source_column=d.source_column,
                target_column=d.target_column,
            )
        return ident

    def stats_key_now(self) -> str:
        """Identifies the corpus, its reading options and the cleaning: what the statistics depend on."""
        d = self.config.data
        words = [d.segmenter, d.user_dict]  # how words are cut: the word counts and stop-word removal depend on it
        return digest(
            {"corpus": self._corpus_identity(), "cleaning": dataclasses.asdict(self.cleaning), "words": words}
        )

    def data_key(self) -> str:
        """Identifies the corpus file (path, size, time), reading options, cleaning and split settings: what
        the tokenizer was trained on, for :meth:`tokenizer_is_stale` (cheap: no reading). The split files
        themselves are cached under the core's content key: see :meth:`split_dir`."""
        d = self.config.data
        return digest(
            {
                "stats": self.stats_key_now(),
                "fractions": list(d.split_fractions),
                "mode": d.split_mode,
                "block_lines": d.block_lines,
                "seed": d.seed,
            }
        )

    def split_dir(self) -> Path:
        """The folder of the current split files: the core's cache entry for the data settings
        (:func:`~lmstudio.core.data.split_cache.splits_dir`), the files ``prepare_cached`` trains on too.
        Hashing the corpus's content is done once per corpus, cleaning and split settings."""
        key = self.data_key()
        if self._split_dir is None or self._split_dir[0] != key:
            self._split_dir = (key, splits_dir(self.config.data, corpus=self.corpus))
        return self._split_dir[1]

    def data_snapshot(self) -> DataConfig:
        """A copy of the data settings, safe to hand to a worker thread."""
        return copy.deepcopy(self.config.data)

    # tokenizer --------------------------------------------------------------------------------------
    def set_tokenizer_config(self, cfg: TokenizerConfig) -> None:
        if cfg != self.config.tokenizer:
            self.config.tokenizer = cfg
            self.sig_tokenizer_config_changed.emit()

    def set_tokenizer(
        self, tokenizer, report: dict[str, Any] | None, data_key: str, directory: Path | None = None
    ) -> None:
        self.tokenizer, self.tokenizer_report = tokenizer, report
        self.tokenizer_data_key, self.tokenizer_dir = data_key, directory
        if tokenizer is not None and self.config.model.vocab_size != tokenizer.vocab_size:
            self.config.model = dataclasses.replace(self.config.model, vocab_size=tokenizer.vocab_size)
            self.sig_model_config_changed.emit()
        self.sig_tokenizer_changed.emit()

    def tokenizer_is_stale(self) -> bool:
        """True when the tokenizer was trained on other data than the current corpus/cleaning/splits."""
        return self.tokenizer is not None and self.tokenizer_data_key != self.data_key()

    # model and run (the later tabs) -----------------------------------------------------------------
    def set_model_config(self, cfg: ModelConfig) -> None:
        if cfg != self.config.model:
            self.config.model = cfg
            self.sig_model_config_changed.emit()

    def set_model_issues(self, issues: list[str]) -> None:
        if list(issues) != self.model_issues:
            self.model_issues = list(issues)
            self.sig_model_validity_changed.emit()

    @property
    def model_config_valid(self) -> bool:
        return not self.model_issues

    def set_train_config(self, cfg: TrainConfig) -> None:
        if cfg != self.config.train:
            self.config.train = cfg
            self.sig_train_config_changed.emit()

    def set_run(self, run: Any) -> None:
        self.run = run
        self.sig_run_changed.emit()

    # workspace --------------------------------------------------------------------------------------
    def new_workspace(self) -> None:
        self.config = WorkspaceConfig()
        self.workspace_path = None
        self.set_tokenizer(None, None, "")
        self.open_corpus(None)
        self._announce_all()
        self.mark_saved()

    @staticmethod
    def read_workspace(path: str | Path) -> WorkspaceConfig:
        """Read and validate a whole workspace file without applying anything; ConfigError names what is wrong."""
        from ..core.fileio import check_regular_file

        path = Path(path)
        check_regular_file(path, "workspace file", error=ConfigError)
        if path.stat().st_size > MAX_WORKSPACE_BYTES:
            raise ConfigError(
                tr(
                    "{path}: {size} bytes is far too large for a workspace file; choose an lmstudio workspace .json"
                ).format(path=path, size=f"{path.stat().st_size:,}")
            )
        try:
            return WorkspaceConfig.load(path)
        except ConfigError:
            raise
        except (
            TypeError,
            ValueError,
            KeyError,
            AttributeError,
            RecursionError,
        ) as exc:  # a type the config did not check
            raise ConfigError(
                tr(
                    "{path}: not a valid lmstudio workspace ({error}); fix the value or save the workspace again"
                ).format(path=path, error=exc)
            ) from None

    def load_workspace(self, path: str | Path) -> None:
        """Apply a workspace JSON on the calling thread, all or nothing: raises ConfigError for a bad file and
        CorpusError when its corpus cannot be opened; nothing changes then."""
        loaded = self.read_workspace(path)
        opened = jobs.load_corpus(loaded.data)
        self.apply_workspace(loaded, path, opened)

    def apply_workspace(self, loaded: WorkspaceConfig, path: str | Path, opened: dict) -> None:
        """Make ``loaded`` (already validated) the settings, with its corpus as opened by :func:`jobs.load_corpus`."""
        self.cancel_open()
        self.config = copy.deepcopy(loaded)
        self.workspace_path = Path(path)
        self.set_tokenizer(None, None, "")
        self.apply_opened(opened)
        self._announce_all()
        self.mark_saved()

    def apply_recipe(self, config: WorkspaceConfig, opened: dict) -> None:
        """A recipe's workspace (``app.recipes``) as the settings, with its corpus opened: a new, unsaved
        workspace, as after File ▸ New."""
        self.cancel_open()
        self.config = copy.deepcopy(config)
        self.workspace_path = None
        self.set_tokenizer(None, None, "")
        self.apply_opened(opened)
        self._announce_all()
        self.mark_saved()

    def save_workspace(self, path: str | Path) -> None:
        """Write the workspace JSON (the file ``lmstudio train --config`` reads). Raises OSError."""
        path = Path(path)
        self.workspace_config().save(path)
        self.workspace_path = path
        self.mark_saved()
        self.sig_workspace_changed.emit()

    def workspace_config(self) -> WorkspaceConfig:
        cfg = copy.deepcopy(self.config)
        # The bundled default is saved as "" so the file works on another machine.
        if self.corpus is not None and Path(self.corpus.path).resolve() == core_corpus.default_corpus_path().resolve():
            cfg.data.corpus = ""
        return cfg

    def _announce_all(self) -> None:
        self.sig_cleaning_changed.emit()
        self.sig_split_changed.emit()
        self.sig_tokenizer_config_changed.emit()
        self.sig_model_config_changed.emit()
        self.sig_train_config_changed.emit()
        self.sig_workspace_changed.emit()

    # modified state -------------------------------------------------------------------------------
    def _settings_state(self) -> dict[str, Any]:
        return self.workspace_config().to_dict()

    def is_modified(self) -> bool:
        """Whether the settings differ from what was last saved, opened or started anew (compared afresh: a
        setting changed back counts as unchanged)."""
        return self._settings_state() != self._saved_state

    def check_modified(self) -> None:
        """Recompute the modified state; emits ``sig_modified_changed`` when it flips."""
        modified = self.is_modified()
        if modified != self._modified:
            self._modified = modified
            self.sig_modified_changed.emit(modified)

    def mark_saved(self) -> None:
        """The current settings are what the workspace file holds (or the start's defaults): not modified."""
        self._saved_state = self._settings_state()
        self.check_modified()

    def close(self) -> None:
        """Remove the work folder if the session created it (the window has joined every worker first)."""
        self.cancel_open()
        if self._owns_work_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)
