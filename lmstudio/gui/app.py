"""Create the QApplication, apply the saved theme, show the main window with Tiny Shakespeare loaded.

``LMSTUDIO_QUIT_AFTER_SHOW=1`` makes the app print ``LMSTUDIO_SHOWN <unix time>`` once the window is up
and quit: ``benchmarks/bench_startup.py`` uses it to time startup.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QProcess, QTimer
from PySide6.QtWidgets import QApplication

from .i18n import CJK_FONT_ADVICE, language_refused, resolve_language, set_language
from .settings import APPLICATION, ORGANIZATION, Preferences
from .theme import apply_theme
from .workers import shutdown_all


def main(argv: list[str] | None = None) -> int:
    """Open the main window; ``argv`` is ``[program]`` or ``[program, corpus-or-workspace.json]``.

    Without ``argv`` (the ``lmstudio-gui`` script) it is ``sys.argv``. The ``lmstudio`` command always
    passes its own list, so ``lmstudio gui`` never opens a corpus named "gui".
    """
    return run(list(argv) if argv is not None else sys.argv[:2])


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("lmstudio")
    return app


def run(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    app = create_app(argv)
    prefs = Preferences()
    # the language before any window text is made: LMSTUDIO_LANGUAGE (screenshots, tests), View ▸ Language, the system's
    set_language(resolve_language(os.environ.get("LMSTUDIO_LANGUAGE") or prefs.language or None), check_font=True)
    if language_refused():
        print(f"lmstudio: showing English: {CJK_FONT_ADVICE}", file=sys.stderr)
    apply_theme(app, prefs.theme, prefs.presenter)

    from .main_window import MainWindow  # after the QApplication exists
    from .session import Session

    session = Session()
    window = MainWindow(session, prefs)
    window.sig_closed.connect(app.quit)
    session.open_corpus(None)  # the bundled Tiny Shakespeare (1 MB): the window never opens empty
    session.mark_saved()  # the defaults are nothing to save
    window.show()
    target = Path(argv[1]) if len(argv) > 1 and argv[1] else None
    if target is not None:  # on a worker, after the window is up; a bad file leaves the defaults and says why
        if target.suffix.lower() == ".json":
            window.open_workspace(target)
        else:
            window.tab_widgets[0].open_path(target)
    elif not os.environ.get("LMSTUDIO_QUIT_AFTER_SHOW"):  # the startup benchmark times a fresh window
        window.restore_last_session()
    if os.environ.get("LMSTUDIO_QUIT_AFTER_SHOW"):

        def report_and_quit() -> None:
            print(f"LMSTUDIO_SHOWN {time.time():.6f}", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, report_and_quit)
    code = app.exec()
    # Whatever ended the event loop, no worker thread may outlive it (Qt aborts the process when a running
    # QThread is destroyed): cancel them all and wait, without ever terminating one.
    shutdown_all(None)
    if window.restart_requested:  # View ▸ Language ▸ Restart now: a new process shows the new language
        QProcess.startDetached(sys.executable, ["-m", "lmstudio", "gui"])
    return code
