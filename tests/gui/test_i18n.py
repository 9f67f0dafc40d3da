"""The window in Simplified Chinese: every tr() text has a translation, the catalogs are current, and the window
starts in zh_CN with no English left in its menus and tabs (issue 17)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenu, QTabWidget

from lmstudio.gui import i18n

REPO = Path(__file__).resolve().parents[2]
TS = REPO / "resources" / "i18n" / "lmstudio_zh_CN.ts"
BIN = Path(sys.executable).parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
CJK = re.compile(r"[\u3400-\u9fff]")
# names, units and identifiers that stay as they are in Chinese software
KEEP = {
    "tiny", "shakespeare", "unicode", "nfkc", "muon", "dropout", "png", "csv", "svg", "html", "auto", "adamw",
    "wsd", "cosine", "linear", "constant", "char", "word", "bpe", "unigram", "transformer", "rnn", "gru", "lstm",
    "gelu", "relu2", "gelu_tanh", "learned", "rotary", "cpu", "gpu", "cuda", "mps", "fp32", "bf16", "fp16", "onnx",
    "hugging", "face", "lmstudio", "utf", "top", "json", "txt", "ctrl", "shift", "bleu", "chrf", "mfu", "nats",
    "exp", "loss", "bits", "whitespace", "jieba", "chars", "lines", "blocks", "int8", "sentencepiece", "gltr",
    "english", "pca", "umap", "tsv", "jsonl", "validated", "while", "reading", "bahdanau", "luong", "none", "with",
}  # fmt: skip


def _lupdate(*args: str) -> None:
    exe = shutil.which("pyside6-lupdate", path=str(BIN)) or shutil.which("pyside6-lupdate")
    assert exe, "pyside6-lupdate (PySide6) is missing"
    subprocess.run([exe, *args], check=True, capture_output=True, timeout=120)


def _messages(path: Path) -> list[tuple[str, str | None, str | None, str | None]]:
    """(source, comment, translation, type) of every message of a .ts file."""
    out = []
    for m in ET.parse(path).getroot().iter("message"):
        t = m.find("translation")
        out.append((m.findtext("source"), m.findtext("comment"), t.text, t.get("type")))
    return out


def test_every_tr_text_of_the_window_has_a_chinese_translation(tmp_path):
    """lupdate over the sources into a copy of the shipped .ts: any text new or unfinished is listed."""
    data = tmp_path / "data_sources.py"
    i18n.write_data_sources(data)
    ts = tmp_path / "check.ts"
    shutil.copy(TS, ts)
    _lupdate("-extensions", "py", "-locations", "none", "-no-obsolete",
             str(REPO / "lmstudio" / "gui"), str(REPO / "lmstudio" / "core" / "config.py"),
             str(REPO / "lmstudio" / "core" / "inference" / "lens.py"), str(data), "-ts", str(ts))  # fmt: skip
    lacking = [src for src, _c, text, kind in _messages(ts) if kind in ("unfinished", "vanished") or not text]
    assert not lacking, f"{len(lacking)} texts lack a translation (run `make translations`, translate them): {lacking}"
    shipped = {(src, c) for src, c, _t, _k in _messages(TS)}
    current = {(src, c) for src, c, _t, _k in _messages(ts)}
    assert shipped == current, f"the .ts is stale; run `make translations`: {sorted(shipped ^ current)[:20]}"


def test_translations_keep_every_placeholder_and_tag():
    for src, _c, text, _k in _messages(TS):
        assert sorted(PLACEHOLDER.findall(src)) == sorted(PLACEHOLDER.findall(text or "")), (src, text)
        assert sorted(re.findall(r"</?([a-zA-Z]+)", src)) == sorted(re.findall(r"</?([a-zA-Z]+)", text or "")), src


def test_the_compiled_catalog_is_the_sources(tmp_path):
    qm = tmp_path / "x.qm"
    exe = shutil.which("pyside6-lrelease", path=str(BIN)) or shutil.which("pyside6-lrelease")
    subprocess.run([exe, str(TS), "-qm", str(qm)], check=True, capture_output=True, timeout=60)
    assert qm.read_bytes() == i18n.catalog_path("zh_CN").read_bytes(), "run `make translations`"


def test_no_f_string_is_passed_to_tr():
    """lupdate reads the literal: an f-string's runtime text never matches it, so it would stay English."""
    found = []
    for path in (REPO / "lmstudio" / "gui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args:
                if isinstance(node.args[0], ast.JoinedStr):
                    found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not found


@pytest.mark.parametrize(
    ("env", "expected"),
    [("zh_CN.UTF-8", "zh_CN"), ("zh_TW.UTF-8", "zh_CN"), ("de_DE.UTF-8", "en"), ("C", "en")],
)
def test_the_language_follows_the_system_locale(monkeypatch, env, expected):
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", env)
    assert i18n.system_language() == expected
    assert i18n.resolve_language(None) == expected
    assert i18n.resolve_language("en") == "en"


def _english_left(text: str) -> bool:
    text = re.sub(r"<[^>]+>|&\w+;|\(&\w\)|&", " ", text)
    if not text.strip() or CJK.search(text):
        return False
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9_]{2,}", text)]
    return any(w not in KEEP for w in words)


@pytest.fixture
def chinese():
    assert i18n.set_language("zh_CN") == "zh_CN"
    yield
    i18n.set_language("en")


def test_the_window_starts_in_chinese_with_no_english_in_menus_and_tabs(qtbot, chinese, tmp_path):
    from lmstudio.gui.main_window import MainWindow
    from lmstudio.gui.session import Session
    from lmstudio.gui.settings import Preferences

    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    window = MainWindow(Session(), prefs, probe_device=False)
    qtbot.addWidget(window)
    left = []

    def menu_texts(menu: QMenu, where: str) -> None:
        menu.aboutToShow.emit()  # the recent-files menu fills itself when shown
        for act in menu.actions():
            if act.isSeparator():
                continue
            if _english_left(act.text()):
                left.append(f"{where} ▸ {act.text()}")
            if act.menu() is not None:
                menu_texts(act.menu(), f"{where} ▸ {act.text()}")

    for act in window.menuBar().actions():
        if _english_left(act.text()):
            left.append(f"menu {act.text()}")
        menu_texts(act.menu(), act.text())
    tabs = window.tabs
    for i in range(tabs.count()):
        for text in (tabs.tabText(i), tabs.tabToolTip(i)):
            if _english_left(text):
                left.append(f"tab {i}: {text}")
        page = tabs.widget(i)
        for w in page.findChildren(QAbstractButton) + page.findChildren(QLabel) + page.findChildren(QGroupBox):
            texts = [w.title() if isinstance(w, QGroupBox) else w.text(), w.toolTip()]
            for text in texts:
                if _english_left(text):
                    left.append(f"{tabs.tabText(i)} {type(w).__name__}: {text[:80]}")
        for inner in page.findChildren(QTabWidget):
            for j in range(inner.count()):
                if _english_left(inner.tabText(j)):
                    left.append(f"{tabs.tabText(i)} page {inner.tabText(j)}")
    assert window.menuBar().actions()[0].text() == "文件(&F)"
    assert not left, "English left in the Chinese window:\n" + "\n".join(left)


def test_view_language_remembers_the_choice(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from lmstudio.gui.main_window import MainWindow
    from lmstudio.gui.session import Session
    from lmstudio.gui.settings import Preferences

    prefs = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    window = MainWindow(Session(), prefs, probe_device=False)
    qtbot.addWidget(window)
    assert set(window.language_actions) == {"", "en", "zh_CN"}
    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or 0)
    window.language_actions["zh_CN"].trigger()
    assert prefs.language == "zh_CN" and asked and "简体中文" in asked[0]
    assert not window.restart_requested  # "Later": nothing closes
