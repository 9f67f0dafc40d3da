"""Small dialogs: errors (non-blocking), keyboard shortcuts, about."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .i18n import tr


def show_error(parent: QWidget, title: str, message: str) -> QMessageBox:
    """A window-modal warning that does not block the event loop (workers keep reporting meanwhile)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setObjectName("errorDialog")
    box.open()
    return box


class ShortcutsDialog(QDialog):
    """Lists every shortcut of the window's actions, built from the actions themselves so it stays true."""

    def __init__(self, actions: list[QAction], extra: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Keyboard shortcuts"))
        rows = [
            (a.text().replace("&", "").rstrip("."), a.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
            for a in actions
            if not a.shortcut().isEmpty()
        ]
        rows += extra
        table = QTableWidget(len(rows), 2, self)
        table.setHorizontalHeaderLabels([tr("Action"), tr("Shortcut")])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        for r, (name, keys) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(name))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        table.setToolTip(tr("Every keyboard shortcut of the window"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.table = table
        self.resize(460, 420)


def about_text() -> str:
    from .. import __version__

    return f"<h3>lmstudio {__version__}</h3>" + tr(
        "<p>A desktop workbench for training language models from scratch and looking inside them: "
        "load a corpus, build a vocabulary, choose an architecture, watch training live, and explore "
        "what the model writes token by token.</p>"
        "<p>Built on PyTorch, SentencePiece, PySide6 (Qt) and pyqtgraph. MIT licence.</p>"
    )


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, tr("About lmstudio"), about_text())


def make_label(text: str, tooltip: str, object_name: str = "") -> QLabel:
    label = QLabel(text)
    label.setToolTip(tooltip)
    if object_name:
        label.setObjectName(object_name)
    return label
