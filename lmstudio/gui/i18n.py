"""The window's languages: every string it shows goes through :func:`tr`, and a Qt translator installed at start
(from the system locale, or the language chosen in View ▸ Language) gives its translation.

Sources are extracted by ``pyside6-lupdate`` into ``resources/i18n/lmstudio_<lang>.ts`` and compiled by
``pyside6-lrelease`` into the ``.qm`` files loaded here (``make translations`` does both). The rules for code:

- ``tr("literal text")``, never ``tr(f"...")``: lupdate reads the literal, so the runtime text must equal it.
  Numbers and names go in with ``tr("{n} steps").format(n=...)``; translations keep every ``{placeholder}``.
- A text defined at import time (a module constant) is marked with :func:`QT_TR_NOOP` where it is written and
  passed through ``tr(CONSTANT)`` where it is shown (the translator is installed after imports).
- One context for the whole window: the same English gives the same translation everywhere.
"""

from __future__ import annotations

import locale
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ..core.paths import resources_dir

# The languages the window ships in: code -> the language's own name (what the menu shows)
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
SOURCE_LANGUAGE = "en"
CATALOG = "lmstudio"  # resources/i18n/lmstudio_<code>.qm

_installed: list[QTranslator] = []


def tr(text: str, disambiguation: str | None = None) -> str:
    """``text`` in the window's language (``text`` itself in English or where no translation exists).

    ``disambiguation`` tells apart two uses of the same English that other languages say differently
    (``tr("Step", "button")``: one step, not the axis)."""
    return QCoreApplication.translate("", text, disambiguation)


def QT_TR_NOOP(text: str) -> str:  # noqa: N802 (the name lupdate looks for)
    """Marks ``text`` for extraction without translating it now: pass it through :func:`tr` when shown."""
    return text


CJK_FONT_ADVICE = QT_TR_NOOP(
    "No font with Chinese characters is installed, so they would show as boxes: install Noto Sans CJK (on Linux "
    "the fonts-noto-cjk package; Windows and macOS include one) and restart lmstudio"
)


def cjk_font_missing() -> bool:
    """Whether no installed font covers Chinese (Simplified or Traditional) or Japanese."""
    from PySide6.QtGui import QFontDatabase

    ws = QFontDatabase.WritingSystem
    return not any(QFontDatabase.families(w) for w in (ws.SimplifiedChinese, ws.TraditionalChinese, ws.Japanese))


def i18n_dir() -> Path:
    """The folder of the ``.ts`` sources and compiled ``.qm`` catalogs."""
    return resources_dir() / "i18n"


def catalog_path(code: str) -> Path:
    return i18n_dir() / f"{CATALOG}_{code}.qm"


def system_language() -> str:
    """The shipped language closest to the system's: ``zh_CN`` for any Chinese locale, else English.

    ``LANGUAGE``/``LC_ALL``/``LC_MESSAGES``/``LANG`` are read first (as gettext does), then Qt's system locale."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return _closest(value.split(":")[0])
    try:
        return _closest(QLocale.system().name() or (locale.getlocale()[0] or ""))
    except (ValueError, TypeError):
        return SOURCE_LANGUAGE


def _closest(name: str) -> str:
    name = name.split(".")[0].replace("-", "_")
    if name.lower().startswith("zh"):
        return "zh_CN"
    return SOURCE_LANGUAGE


def resolve_language(preference: str | None) -> str:
    """The language to use: the saved choice when it is one that ships, else the system's."""
    return preference if preference in LANGUAGES else system_language()


def install_language(code: str) -> bool:
    """Install the translators for ``code`` (lmstudio's catalog and Qt's own, for its dialogs and buttons),
    replacing any installed before. False when lmstudio's catalog for ``code`` is missing (English is shown)."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code == SOURCE_LANGUAGE:
        return True
    ours = QTranslator(app)
    if not ours.load(str(catalog_path(code))):
        return False
    qt = QTranslator(app)
    if qt.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    app.installTranslator(ours)
    _installed.append(ours)
    return True


def current_language() -> str:
    """The language installed now (``en`` when none is)."""
    return _current[0]


_current = [SOURCE_LANGUAGE]


_refused = [""]


def language_refused() -> str:
    """The language :func:`set_language` fell back from for want of a font that draws it ("" when none)."""
    return _refused[0]


def set_language(code: str, check_font: bool = False) -> str:
    """Install ``code`` (falling back to English when its catalog is missing, or with ``check_font`` when no
    installed font draws Chinese: a window of boxes helps nobody); returns the language in use."""
    _refused[0] = ""
    if check_font and code == "zh_CN" and cjk_font_missing():
        _refused[0], code = code, SOURCE_LANGUAGE
    used = code if code in LANGUAGES and install_language(code) else SOURCE_LANGUAGE
    if used == SOURCE_LANGUAGE and code != SOURCE_LANGUAGE:
        install_language(SOURCE_LANGUAGE)
    _current[0] = used
    return used


# ---- building the catalogs (make translations) -------------------------------------------------------------------
def data_sources() -> list[str]:
    """Texts the window shows that are data of the Qt-free layers, so lupdate cannot find them in a ``tr()``
    call: the settings' help, units and notes (the tooltips of every settings form; ``core.config``) and a few
    labels of ``app``. :func:`write_data_sources` lists them for lupdate."""
    from dataclasses import fields

    from ..app.compress import METHODS
    from ..app.recipes import RECIPES
    from ..app.train_metrics import BPC_NA_REASON, MFU_TIP
    from ..core import config

    out: list[str] = []
    for cls in (
        config.CleaningConfig,
        config.DataConfig,
        config.TokenizerConfig,
        config.ModelConfig,
        config.TrainConfig,
        config.SampleConfig,
    ):
        for f in fields(cls):
            s = f.metadata.get("setting")
            if s is not None:
                out.extend(t for t in (s.help, s.unit, s.zero, s.null, s.note) if t)
    out.extend(label for _key, label, _kind in METHODS)
    out.extend(text for recipe in RECIPES.values() for text in (recipe.title, recipe.summary))
    out.extend([BPC_NA_REASON, MFU_TIP, "n/a"])
    return list(dict.fromkeys(out))


def write_data_sources(path: Path) -> None:
    """A Python file of ``QT_TR_NOOP("...")`` lines, one per :func:`data_sources` text, for lupdate to read."""
    import json

    lines = ["# generated by `python -m lmstudio.gui.i18n`: the data texts lupdate cannot see (not imported)"]
    lines += [f"QT_TR_NOOP({json.dumps(text, ensure_ascii=False)})" for text in data_sources()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":  # make translations: python -m lmstudio.gui.i18n build/i18n/data_sources.py
    import sys

    write_data_sources(Path(sys.argv[1] if len(sys.argv) > 1 else "build/i18n/data_sources.py"))
