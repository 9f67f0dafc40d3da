"""The main window: tabs in pipeline order, menus, status bar with the compute device, shortcuts.

Tabs are built from a list of (title, factory) pairs, :data:`TABS`, in pipeline order (Data, Vocabulary,
Model, Train, Compress, Playground); Ctrl+1..9 switch to the tab at that index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from ..app.recipes import RECIPES, recipe_config
from ..core.errors import LMStudioError
from . import drops, i18n, jobs, workers
from .dialogs import ShortcutsDialog, show_about, show_error
from .i18n import QT_TR_NOOP, tr
from .session import Session
from .settings import Preferences
from .tabs.compress_tab import CompressTab
from .tabs.data_tab import DataTab
from .tabs.model_tab import ModelTab
from .tabs.playground import PlaygroundTab
from .tabs.runs_tab import RunsTab
from .tabs.sweep_page import SweepPage
from .tabs.train_tab import TrainTab
from .tabs.vocab_tab import VocabularyTab
from .theme import apply_theme
from .widgets.common import SidePanelScroll
from .widgets.view_export import ExportViewDialog, install_export_menus, open_export_dialog
from .workers import WorkerHandle, start_worker

TabFactory = Callable[[Session], QWidget]
TABS: list[tuple[str, TabFactory, str]] = [  # titles and tips are translated where the tabs are added
    (QT_TR_NOOP("Data"), DataTab, QT_TR_NOOP("Load, clean and split a text corpus")),
    (QT_TR_NOOP("Vocabulary"), VocabularyTab, QT_TR_NOOP("Build a tokenizer and look at its vocabulary")),
    (QT_TR_NOOP("Model"), ModelTab, QT_TR_NOOP("Choose an architecture and see what it costs")),
    (QT_TR_NOOP("Train"), TrainTab, QT_TR_NOOP("Train the model and watch it learn live")),
    (
        QT_TR_NOOP("Compress"),
        CompressTab,
        QT_TR_NOOP("Quantize or prune a trained run and compare it before and after, measured"),
    ),
    (
        QT_TR_NOOP("Playground"),
        PlaygroundTab,
        QT_TR_NOOP("Generate text and see every token's probability, branch, score text, look inside"),
    ),
    (
        QT_TR_NOOP("Runs"),
        lambda session: runs_and_sweeps(session),
        QT_TR_NOOP("Every run in one table, and sweeps, duels and tournaments run unattended at equal compute"),
    ),
]


def runs_and_sweeps(session: Session) -> RunsTab:
    """The Runs tab: the runs table, and the Sweeps page beside it (a finished sweep run refreshes the table)."""
    tab = RunsTab(session)
    sweeps = SweepPage(session)
    scroll = SidePanelScroll(sweeps)  # the page's forms and charts scroll on a 720-pixel screen
    tab.pages.addTab(scroll, tr("Sweeps"))
    tab.pages.setTabToolTip(
        tab.pages.indexOf(scroll),
        tr("Plan a sweep over any settings, or a ready-made duel, run it unattended and read the answer"),
    )
    sweeps.sig_runs_changed.connect(tab.refresh)
    tab.sweep_page = sweeps
    return tab


WORKSPACE_FILTER = QT_TR_NOOP("lmstudio workspace (*.json);;All files (*)")
CLOSE_JOIN_MS = 400  # closing waits this long on the GUI thread for workers, then hides and waits on the event loop


def ask_save_changes(parent: QWidget, name: str) -> QMessageBox.StandardButton:
    """Asked before unsaved settings would be lost (quit, New, Open): Save, Discard or Cancel."""
    return QMessageBox.question(
        parent,
        tr("Unsaved changes"),
        tr("The settings of {name} have changed since they were last saved. Save them?").format(name=name),
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )


class MainWindow(QMainWindow):
    sig_closed = Signal()  # closed for good, every worker joined (a deferred close ends with the window hidden,
    # which Qt does not count as the last window closing: the application connects this to quit)

    def __init__(
        self,
        session: Session,
        prefs: Preferences | None = None,
        probe_device: bool = True,
        tabs: list[tuple[str, TabFactory, str]] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.prefs = prefs or Preferences()
        self.setAcceptDrops(
            True
        )  # a corpus, run folder or workspace dropped anywhere (the Data tab takes corpora itself)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tab_widgets: list[QWidget] = []
        for title, factory, tip in tabs if tabs is not None else TABS:
            widget = factory(session)
            self.tab_widgets.append(widget)
            index = self.tabs.addTab(widget, tr(title))
            self.tabs.setTabToolTip(index, f"{tr(tip)} (Ctrl+{index + 1})")
        self.setCentralWidget(self.tabs)
        self._connect_runs_to_playground()
        self._device_job: WorkerHandle | None = None
        self._close_state = "open"  # open, stopping (workers being joined), closed
        self._told_prefs_problem = False
        self.restart_requested = False  # View ▸ Language ▸ Restart now: the application starts again after closing
        self._build_actions()
        self._build_menus()
        install_export_menus(self)  # right click on any chart, chips, grid or map: Save as PNG/SVG(/HTML)
        self.export_view_dialog: ExportViewDialog | None = None
        self._build_status_bar()
        session.sig_workspace_changed.connect(self._update_title)
        session.sig_modified_changed.connect(self.setWindowModified)
        session.sig_corpus_changed.connect(self._update_corpus_label)
        session.sig_train_config_changed.connect(self._update_device_label)
        session.sig_corpus_changed.connect(self.check_preferences_saved)  # the Data tab has just added a recent file
        self._update_title()
        self._update_corpus_label()
        screen = self.screen().availableGeometry()  # a 1280x720 or 1366x768 screen gets a window that fits it
        self.resize(min(1360, screen.width()), min(860, screen.height() - 40))
        if self.prefs.geometry() is not None:
            self.restoreGeometry(self.prefs.geometry())
        if probe_device:  # torch takes ~1 s to import: after the window is up, on a worker
            QTimer.singleShot(150, self.probe_device)

    def _connect_runs_to_playground(self) -> None:
        """Runs tab ▸ Open in Playground loads the run there and shows it."""
        runs = next((w for w in self.tab_widgets if isinstance(w, RunsTab)), None)
        playground = next((w for w in self.tab_widgets if isinstance(w, PlaygroundTab)), None)
        if runs is None or playground is None:
            return

        def open_run(path: str) -> None:
            self.tabs.setCurrentWidget(playground)
            playground.load_run(path, "best")

        runs.sig_open_in_playground.connect(open_run)

    # actions and menus --------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip or re.sub(r"\(&\w\)", "", text).replace("&", ""))  # "Open(&O)": no "(O)" left
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_actions(self) -> None:
        Std = QKeySequence.StandardKey
        self.act_new = self._action(
            tr("&New workspace"),
            self.new_workspace,
            Std.New,
            tr("Start over with default settings and Tiny Shakespeare"),
        )
        self.act_open = self._action(
            tr("&Open workspace..."), self.open_workspace_dialog, Std.Open, tr("Open a workspace JSON file")
        )
        self.act_save = self._action(
            tr("&Save workspace"), self.save_workspace, Std.Save, tr("Save the settings to the workspace file")
        )
        self.act_save_as = self._action(
            tr("Save workspace &as..."),
            self.save_workspace_as,
            Std.SaveAs,
            tr("Save the settings to a new workspace JSON file"),
        )
        self.act_quit = self._action(tr("&Quit"), self.close, Std.Quit, tr("Close lmstudio"))
        self.act_export_view = self._action(
            tr("&Export view..."),
            self.export_view,
            "Ctrl+Shift+E",
            tr("Save a chart, token chips, heatmap, grid or map of this tab as PNG (presenter scale), SVG or HTML"),
        )
        self.act_restore = self._action(
            tr("Reopen last workspace and run at start"),
            self._on_restore_toggled,
            None,
            tr("When lmstudio starts, open the workspace and the run that were open when it last closed"),
            True,
        )
        self.act_restore.setChecked(self.prefs.restore_session)
        self.act_dark = self._action(
            tr("&Dark theme"),
            self._on_theme_toggled,
            "Ctrl+Shift+D",
            tr("Switch between the light and dark theme"),
            True,
        )
        self.act_presenter = self._action(
            tr("&Presenter mode"),
            self._on_theme_toggled,
            "Ctrl+Shift+P",
            tr("Large fonts and high contrast for talks and projectors"),
            True,
        )
        self.act_dark.setChecked(self.prefs.theme == "dark")
        self.act_presenter.setChecked(self.prefs.presenter)
        self.act_shortcuts = self._action(
            tr("&Keyboard shortcuts"), self.show_shortcuts, Std.HelpContents, tr("List every keyboard shortcut")
        )
        self.act_about = self._action(tr("&About lmstudio"), lambda: show_about(self), None, tr("Version and credits"))
        self.tab_actions: list[QAction] = []
        for i in range(min(self.tabs.count(), 9)):
            act = self._action(
                tr("Go to {tab}").format(tab=self.tabs.tabText(i)),
                lambda _=False, i=i: self.tabs.setCurrentIndex(i),
                f"Ctrl+{i + 1}",
                tr("Show the {tab} tab").format(tab=self.tabs.tabText(i)),
            )
            self.tab_actions.append(act)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(tr("&File"))
        file_menu.addAction(self.act_new)
        self.recipe_menu = QMenu(tr("New from &recipe"), self)
        self.recipe_menu.setToolTipsVisible(True)
        self.recipe_actions: dict[str, QAction] = {}
        for name, recipe in RECIPES.items():
            act = self.recipe_menu.addAction(tr(recipe.title), lambda name=name: self.new_from_recipe(name))
            act.setToolTip(tr(recipe.summary))
            act.setStatusTip(tr(recipe.summary))
            self.recipe_actions[name] = act
        file_menu.addMenu(self.recipe_menu)
        file_menu.addAction(self.act_open)
        self.recent_menu = QMenu(tr("Open &recent"), self)
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.act_save, self.act_save_as])
        file_menu.addSeparator()
        file_menu.addAction(self.act_export_view)
        file_menu.addSeparator()
        file_menu.addAction(self.act_restore)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        view_menu = bar.addMenu(tr("&View"))
        view_menu.addActions([self.act_dark, self.act_presenter])
        view_menu.addMenu(self._build_language_menu())
        view_menu.addSeparator()
        view_menu.addActions(self.tab_actions)
        help_menu = bar.addMenu(tr("&Help"))
        help_menu.addActions([self.act_shortcuts, self.act_about])
        self._fill_recent_menu()

    def export_view(self) -> ExportViewDialog:
        """File ▸ Export view: choose one of the current tab's views and save it as PNG, SVG or HTML."""
        self.export_view_dialog = open_export_dialog(self.tabs.currentWidget(), self)
        return self.export_view_dialog

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        workspaces = self.prefs.recent("workspace")
        corpora = self.prefs.recent("corpus")
        for path in workspaces:
            act = self.recent_menu.addAction(
                tr("Workspace: {name}").format(name=Path(path).name), lambda p=path: self.open_workspace(p)
            )
            act.setToolTip(path)
        if workspaces and corpora:
            self.recent_menu.addSeparator()
        for path in corpora:
            act = self.recent_menu.addAction(
                tr("Corpus: {name}").format(name=Path(path).name), lambda p=path: self._open_recent_corpus(p)
            )
            act.setToolTip(path)
        if not workspaces and not corpora:
            self.recent_menu.addAction(tr("(no recent files)")).setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(tr("Clear recent files"), self._clear_recent)

    def _clear_recent(self) -> None:
        self.prefs.clear_recent("workspace")
        self.prefs.clear_recent("corpus")

    def _open_recent_corpus(self, path: str) -> None:
        self.tabs.setCurrentIndex(0)
        open_path = getattr(self.tab_widgets[0], "open_path", None)
        if open_path is not None:
            open_path(path)
        else:
            self.session.open_corpus_in_background(path, format="auto")

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.corpus_label = QLabel()
        self.corpus_label.setToolTip(tr("The corpus every tab works on"))
        self.device_label = QLabel(tr("Device: detecting…"))
        self.device_label.setToolTip(
            tr("Where training will run: the GPU if there is one, else Apple MPS, else the CPU")
        )
        self.prefs_label = QLabel()
        self.prefs_label.setObjectName("hint")
        self.prefs_label.setToolTip(tr("Window size, theme and recent files could not be saved"))
        self.prefs_label.hide()
        status.addPermanentWidget(self.prefs_label)
        # Chinese asked for (View ▸ Language or the system) but no font draws it: English, and the font to install
        self.font_label = QLabel(tr("Chinese needs a font"))
        self.font_label.setObjectName("hint")
        self.font_label.setToolTip(tr(i18n.CJK_FONT_ADVICE))
        self.font_label.setVisible(i18n.language_refused() != "")
        status.addPermanentWidget(self.font_label)
        status.addPermanentWidget(self.corpus_label)
        status.addPermanentWidget(self.device_label)

    # device -------------------------------------------------------------------------------------------
    @Slot()
    def probe_device(self) -> None:
        self._device_job = start_worker("device", jobs.describe_compute_device)
        self._device_job.sig_result.connect(self._on_device_probed)
        self._device_job.sig_error.connect(
            lambda msg: self.device_label.setText(tr("Device: unknown (PyTorch failed to load)"))
        )

    def _on_device_probed(self, device: dict) -> None:
        self._device = device
        self._update_device_label()

    def _update_device_label(self) -> None:
        """On the CPU, the threads training really uses: the Train tab's setting, or its automatic choice
        (``core.devices.default_threads``), not the count torch had on the probing thread."""
        device = getattr(self, "_device", None)
        if device is None:
            return
        if device["type"] != "cpu":
            self.device_label.setText(tr("Device: {device}").format(device=device["text"]))
            return
        from ..core.devices import default_threads

        threads, cores = self.session.config.train.threads or default_threads(), device["cores"]
        if threads == 1:
            text = tr("Device: CPU ({threads} training thread of {cores} core)")
            if cores != 1:
                text = tr("Device: CPU ({threads} training thread of {cores} cores)")
        elif cores == 1:
            text = tr("Device: CPU ({threads} training threads of {cores} core)")
        else:
            text = tr("Device: CPU ({threads} training threads of {cores} cores)")
        self.device_label.setText(text.format(threads=threads, cores=cores))

    # workspace ----------------------------------------------------------------------------------------
    def _update_title(self) -> None:
        path = self.session.workspace_path
        name = path.name if path else tr("Untitled workspace")
        self.setWindowTitle(f"{name}[*] — lmstudio")  # [*]: Qt's modified marker
        self.setWindowModified(self.session.is_modified())

    def _update_corpus_label(self) -> None:
        self.corpus_label.setText(tr("Corpus: {name}").format(name=self.session.corpus_name()))

    def confirm_discard_changes(self) -> bool:
        """Before unsaved settings would be lost: True to go on (saved or discarded), False to stay."""
        if not self.session.is_modified():
            return True
        path = self.session.workspace_path
        answer = ask_save_changes(self, path.name if path else tr("this untitled workspace"))
        if answer == QMessageBox.StandardButton.Save:
            return self.save_workspace()
        return answer == QMessageBox.StandardButton.Discard

    def new_workspace(self) -> None:
        if not self.confirm_discard_changes():
            return
        self.session.new_workspace()
        self.tabs.setCurrentIndex(0)

    def new_from_recipe(self, name: str) -> None:
        """File ▸ New from recipe: a ready-made workspace (corpus, tokenizer, model, training), opened like a
        workspace file (its corpus on a worker) but unsaved; the Train tab is shown, ready to Start."""
        if not self.confirm_discard_changes():
            return
        config = recipe_config(name)
        title = tr(RECIPES[name].title)

        def opened(result: dict) -> None:
            self.session.apply_recipe(config, result)
            train_tab = next((w for w in self.tab_widgets if isinstance(w, TrainTab)), None)
            if train_tab is not None:
                self.tabs.setCurrentWidget(train_tab)
            self.statusBar().showMessage(
                tr("{recipe}: press Start to train ({summary})").format(recipe=title, summary=tr(RECIPES[name].summary))
            )

        def failed(message: str) -> None:
            show_error(self, tr("Cannot open the recipe"), message)

        self.statusBar().showMessage(tr("Opening {name}: reading its corpus…").format(name=title))
        self.session.open_corpus_in_background(data=config.data, on_opened=opened, on_error=failed)

    def open_workspace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Open workspace"), self.prefs.last_folder("workspace"), tr(WORKSPACE_FILTER)
        )
        if path:
            self.open_workspace(path)

    def open_workspace(self, path: str | Path, quiet: bool = False) -> bool:
        """Validate the whole file, then open its corpus on a worker, then apply everything at once.

        Nothing changes unless all of it is usable: a wrong type, a bad value or an unreadable corpus
        shows a dialog naming the file and what is wrong. Returns False when the file itself is refused;
        True when it is valid and its corpus is being opened (``session.sig_workspace_changed`` follows).
        Unsaved settings are offered to be saved first. ``quiet`` (reopening the last session at start):
        no dialogs, a status-bar message instead.
        """
        path = Path(path)
        if not quiet and not self.confirm_discard_changes():
            return False
        report = (
            (
                lambda title, text: self.statusBar().showMessage(
                    tr("{title}: {message}").format(title=title, message=text.splitlines()[0]), 15000
                )
            )
            if quiet
            else (lambda title, text: show_error(self, title, text))
        )
        try:
            loaded = self.session.read_workspace(path)
        except LMStudioError as exc:
            report(tr("Cannot open workspace"), tr("{error}\n\nNothing was changed.").format(error=exc))
            return False

        def opened(result: dict) -> None:
            self.session.apply_workspace(loaded, path, result)
            self.prefs.remember_folder("workspace", path)
            self.prefs.add_recent("workspace", path)
            self.check_preferences_saved()
            self.statusBar().showMessage(tr("Opened {path}").format(path=path), 5000)

        def failed(message: str) -> None:
            report(
                tr("Cannot open workspace"),
                tr("{path}: its corpus cannot be opened, so nothing was changed.\n\n{message}").format(
                    path=path, message=message
                ),
            )

        self.statusBar().showMessage(tr("Opening {name}: reading its corpus…").format(name=path.name))
        self.session.open_corpus_in_background(data=loaded.data, on_opened=opened, on_error=failed)
        return True

    def save_workspace(self) -> bool:
        if self.session.workspace_path is None:
            return self.save_workspace_as()
        return self._save_to(self.session.workspace_path)

    def save_workspace_as(self) -> bool:
        start = str(Path(self.prefs.last_folder("workspace")) / "workspace.json")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save workspace as"), start, tr(WORKSPACE_FILTER))
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self._save_to(Path(path))

    def _save_to(self, path: Path) -> bool:
        try:
            self.session.save_workspace(path)
        except OSError as exc:
            show_error(
                self,
                tr("Cannot save workspace"),
                tr("{path}: {error}. Choose another folder.").format(path=path, error=exc.strerror or exc),
            )
            return False
        self.prefs.remember_folder("workspace", path)
        self.prefs.add_recent("workspace", path)
        self.check_preferences_saved()
        self.statusBar().showMessage(tr("Saved {path}").format(path=path), 5000)
        return True

    def _on_restore_toggled(self) -> None:
        self.prefs.restore_session = self.act_restore.isChecked()
        self.check_preferences_saved()

    def current_run(self) -> Path | None:
        """The run open now: the one the Playground shows, else the last one trained."""
        for widget in self.tab_widgets:
            loaded = getattr(widget, "loaded", None)
            if getattr(loaded, "run_dir", None) is not None:
                return Path(loaded.run_dir)
        return Path(self.session.run) if self.session.run is not None else None

    def restore_last_session(self) -> None:
        """Reopen the workspace and run open when the window last closed (the preference). Files that have gone
        or cannot be read leave the defaults and say so in the status bar, never in a dialog."""
        if not self.prefs.restore_session:
            return
        workspace, run = self.prefs.last_session()
        gone = []
        if workspace:
            if Path(workspace).is_file():
                self.open_workspace(workspace, quiet=True)
            else:
                gone.append(tr("workspace {path}").format(path=workspace))
        if run:
            if (Path(run) / "config.json").is_file():
                self.session.set_run(Path(run))
            else:
                gone.append(tr("run {path}").format(path=run))
        if gone:
            self.statusBar().showMessage(
                tr("Not reopened (no longer there): {items}").format(items="; ".join(gone)), 15000
            )

    # drag and drop ------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt)
        if drops.dropped_path(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 (Qt)
        if drops.dropped_path(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt)
        path = drops.dropped_path(event.mimeData())
        if path is None:
            return
        event.acceptProposedAction()
        self.open_dropped(path)

    def open_dropped(self, path: str | Path) -> None:
        """A run folder opens in the Playground, a workspace file as the workspace, anything else as a corpus."""
        path = Path(path)
        kind = drops.drop_kind(path)
        if kind == "workspace":
            self.open_workspace(path)
            return
        if kind == "run":
            target = next((w for w in self.tab_widgets if hasattr(w, "load_run")), None)
            if target is not None:
                self.tabs.setCurrentWidget(target)
                target.load_run(str(path), "best")
                return
        data_tab = next((w for w in self.tab_widgets if hasattr(w, "open_path")), None)
        if data_tab is not None:
            self.tabs.setCurrentWidget(data_tab)
            data_tab.open_path(path)
        else:
            self.session.open_corpus_in_background(path, format="auto")

    # view ---------------------------------------------------------------------------------------------
    def _build_language_menu(self) -> QMenu:
        """View ▸ Language: the system's language or one that ships; the choice applies at the next start
        (the window offers to restart now: the workspace and the run open again, as after any restart)."""
        menu = QMenu(tr("&Language"), self)
        menu.setToolTipsVisible(True)
        group = QActionGroup(menu)
        group.setExclusive(True)
        chosen = self.prefs.language if self.prefs.language in i18n.LANGUAGES else ""
        system = i18n.LANGUAGES[i18n.system_language()]
        self.language_actions: dict[str, QAction] = {}
        for code, name in [("", tr("System ({language})").format(language=system)), *i18n.LANGUAGES.items()]:
            act = menu.addAction(name)
            act.setCheckable(True)
            act.setChecked(code == chosen)
            act.setToolTip(
                tr("Show lmstudio in the system's language")
                if not code
                else tr("Show lmstudio in {language}").format(language=name)
            )
            act.triggered.connect(lambda _=False, code=code: self.choose_language(code))
            group.addAction(act)
            self.language_actions[code] = act
        return menu

    def choose_language(self, code: str) -> None:
        """Remember ``code`` ("" = the system's) for the next start and offer to restart now."""
        self.prefs.language = code
        self.check_preferences_saved()
        wanted = i18n.resolve_language(code or None)
        if wanted == i18n.current_language():
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(tr("Language"))
        box.setText(
            tr("lmstudio will be shown in {language} from its next start. Restart now?").format(
                language=i18n.LANGUAGES[wanted]
            )
        )
        restart = box.addButton(tr("Restart now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is restart:
            self.restart_requested = True
            self.close()
            if self._close_state == "open":  # the user kept the window (unsaved settings, a training run)
                self.restart_requested = False

    def _on_theme_toggled(self) -> None:
        theme = "dark" if self.act_dark.isChecked() else "light"
        presenter, was_presenter = self.act_presenter.isChecked(), self.prefs.presenter
        if presenter and not was_presenter:
            self._size_before_presenter = self.size()  # a small screen's window may have to grow for large type
        self.prefs.theme, self.prefs.presenter = theme, presenter
        apply_theme(QApplication.instance(), theme, presenter)
        before = getattr(self, "_size_before_presenter", None)
        if not presenter and was_presenter and before is not None:
            self._size_before_presenter = None
            self.layout().activate()  # the minimum size of the smaller type first, then the size from before
            self.resize(before)  # leaving presenter mode gives the window its size back
            QTimer.singleShot(0, lambda: self.resize(before))  # again once queued layout requests have run
        self.check_preferences_saved()

    def check_preferences_saved(self) -> None:
        """Write the preferences now; if they cannot be written (a read-only settings folder), say so once."""
        problem = self.prefs.save_problem()
        if problem and not self._told_prefs_problem:
            self._told_prefs_problem = True
            self.prefs_label.setText(tr("Preferences not saved"))
            self.prefs_label.setToolTip(problem)
            self.prefs_label.show()
            show_error(self, tr("Preferences cannot be saved"), problem)

    def show_shortcuts(self) -> ShortcutsDialog:
        actions = [
            self.act_new,
            self.act_open,
            self.act_save,
            self.act_save_as,
            self.act_quit,
            self.act_dark,
            self.act_presenter,
            *self.tab_actions,
            self.act_shortcuts,
        ]
        extra = []
        for widget in self.tab_widgets:
            extra += getattr(widget, "shortcuts", lambda: [])()
        dialog = ShortcutsDialog(actions, extra, self)
        dialog.open()
        return dialog

    # closing ------------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask (training), then stop every worker cooperatively and join it; never terminate a thread.

        A worker inside a long core call may need a moment to reach its next Cancel check (training saves
        a checkpoint first): the window then hides at once and finishes closing when the last thread has
        ended, so closing neither freezes the window nor destroys a running thread.
        """
        if self._close_state == "open":
            if not self.confirm_discard_changes():
                event.ignore()
                return
            # a tab with work in flight (training) may ask first
            for widget in self.tab_widgets:
                confirm = getattr(widget, "confirm_close", None)
                if confirm is not None and not confirm():
                    event.ignore()
                    return
            self._close_state = "stopping"
            self.prefs.save_window(self.saveGeometry(), self.saveState())
            self.prefs.remember_session(self.session.workspace_path, self.current_run())
            self.prefs.sync()
            for widget in self.tab_widgets:  # stop timers and refuse new work
                shutdown = getattr(widget, "shutdown", None)
                if shutdown is not None:
                    shutdown()
            workers.begin_shutdown()
        if self._close_state == "stopping":
            if not workers.join_all(CLOSE_JOIN_MS if self.isVisible() else 1):
                event.ignore()
                self.hide()
                QTimer.singleShot(50, self.close)
                return
            self._close_state = "closed"
            # deliver the joined workers' last queued signals while new jobs are still refused (a finished
            # training run would otherwise make the Playground load it after the window closed)
            QApplication.sendPostedEvents()
            workers.end_shutdown()
            for widget in self.tab_widgets:  # charts emptied while alive, not left to Qt's teardown order
                dispose = getattr(widget, "dispose_views", None)
                if dispose is not None:
                    dispose()
            self.session.close()
            QTimer.singleShot(0, self.sig_closed.emit)
        super().closeEvent(event)

    def is_closing(self) -> bool:
        return self._close_state != "open"
