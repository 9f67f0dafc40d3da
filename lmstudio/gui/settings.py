"""GUI preferences in QSettings: window geometry, last folders, theme, recent files. Nothing else.

Runs, tokenizers and corpora live in folders the user sees; QSettings only remembers how the window looked.
``LMSTUDIO_SETTINGS_DIR`` redirects the settings to an INI file in that folder, which the tests use so
they never touch the real user configuration.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from .i18n import tr

ORGANIZATION = "lmstudio"
APPLICATION = "lmstudio"
MAX_RECENT = 8


def open_settings() -> QSettings:
    """The settings store: an INI file under ``LMSTUDIO_SETTINGS_DIR`` if set, else the platform default."""
    folder = os.environ.get("LMSTUDIO_SETTINGS_DIR")
    if folder:
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
        except OSError:  # unusable folder: QSettings reports it as an access error, which the window shows once
            pass
        return QSettings(str(Path(folder) / "lmstudio.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


class Preferences:
    """Typed access to the few values we keep; QSettings returns strings from INI files, hence the casts."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store or open_settings()

    # theme ---------------------------------------------------------------------------------------
    @property
    def theme(self) -> str:
        value = str(self._store.value("view/theme", "light"))
        return value if value in ("light", "dark") else "light"

    @theme.setter
    def theme(self, value: str) -> None:
        self._store.setValue("view/theme", value)

    @property
    def presenter(self) -> bool:
        return str(self._store.value("view/presenter", "false")).lower() in ("true", "1")

    @presenter.setter
    def presenter(self, value: bool) -> None:
        self._store.setValue("view/presenter", bool(value))

    @property
    def language(self) -> str:
        """The window's language chosen in View ▸ Language ("en", "zh_CN"); "" follows the system's."""
        return str(self._store.value("view/language", "") or "")

    @language.setter
    def language(self, value: str) -> None:
        self._store.setValue("view/language", value)

    # the session reopened at start ----------------------------------------------------------------
    @property
    def restore_session(self) -> bool:
        """Reopen the last workspace and run at start (default on)."""
        return str(self._store.value("session/restore", "true")).lower() in ("true", "1")

    @restore_session.setter
    def restore_session(self, value: bool) -> None:
        self._store.setValue("session/restore", bool(value))

    def last_session(self) -> tuple[str, str]:
        """The workspace file and run folder open when the window last closed ("" for none)."""
        return str(self._store.value("session/workspace", "") or ""), str(self._store.value("session/run", "") or "")

    def remember_session(self, workspace: str | Path | None, run: str | Path | None) -> None:
        self._store.setValue("session/workspace", str(Path(workspace).resolve()) if workspace else "")
        self._store.setValue("session/run", str(Path(run).resolve()) if run else "")

    # folders -------------------------------------------------------------------------------------
    def last_folder(self, kind: str) -> str:
        """The folder of the last file of ``kind`` ("corpus", "workspace"); the home folder at first."""
        value = str(self._store.value(f"folders/{kind}", ""))
        return value if value and Path(value).is_dir() else str(Path.home())

    def remember_folder(self, kind: str, path: str | Path) -> None:
        path = Path(path)
        self._store.setValue(f"folders/{kind}", str(path if path.is_dir() else path.parent))

    # recent files --------------------------------------------------------------------------------
    def recent(self, kind: str) -> list[str]:
        value = self._store.value(f"recent/{kind}", [])
        if isinstance(value, str):  # INI stores a one-element list as a plain string
            value = [value] if value else []
        return [str(v) for v in (value or [])]

    def add_recent(self, kind: str, path: str | Path) -> None:
        path = str(Path(path).resolve())
        items = [p for p in self.recent(kind) if p != path]
        self._store.setValue(f"recent/{kind}", [path, *items][:MAX_RECENT])

    def clear_recent(self, kind: str) -> None:
        self._store.setValue(f"recent/{kind}", [])

    # geometry ------------------------------------------------------------------------------------
    def geometry(self):
        return self._store.value("window/geometry")

    def window_state(self):
        return self._store.value("window/state")

    def save_window(self, geometry, state) -> None:
        self._store.setValue("window/geometry", geometry)
        self._store.setValue("window/state", state)

    def sync(self) -> None:
        self._store.sync()

    def save_problem(self) -> str | None:
        """Write pending changes; a sentence saying why they cannot be kept (a read-only settings folder), or None."""
        self._store.sync()
        if self._store.status() == QSettings.Status.NoError and self._store.isWritable():
            return None
        return tr(
            "{file}: lmstudio cannot write its preferences there (the file or its folder is "
            "read-only or not a file). The window size, theme and recent files will not be remembered; everything "
            "else works. Make that folder writable to keep them."
        ).format(file=self._store.fileName())
