"""Export any view of the window for a talk or a paper: PNG at presenter scale, SVG, and token chips as HTML.

A *view* is a chart (any themed pyqtgraph plot: curves, histograms, probability bars, heatmaps), the Train
tab's live charts, token chips, the logit-lens grid, the attention grid or the embedding map. Every view is
drawn by Qt itself (``QWidget.render``) into the target: a ``QImage`` whose device pixel ratio is the scale
(text and lines are drawn at that resolution, not blown up from screen pixels), or a ``QSvgGenerator``
(vector paths and real ``<text>``). pyqtgraph's own SVGExporter is not used: with pyqtgraph 0.14 it raised
(ValueError in correctCoordinates) on our themed plots, and would need a second path for non-plot views.

Token chips also export as standalone HTML: one ``<span>`` per token in the chip's colour, whose ``title``
(the browser's hover tooltip) is the chip's tooltip, so the probabilities stay readable after the talk.

Two ways in: a right click on a view ("Save as PNG…", "Save as SVG…", and "Save as HTML…" for chips) and
:class:`ExportViewDialog` (File ▸ Export view…: every view of the current tab, by name). The right click is
answered by one event filter on the main window (:func:`install_export_menus`): a view's context-menu event,
unanswered by the view, reaches the window, which finds the view under the mouse. The view modules need not
import this one (this one imports them: a call back from their constructors would make an import cycle that
``lint-imports`` forbids), and the Playground's views, defined above this package, get the menu too.
:func:`install_context_menu` gives one widget outside the window the same menu. Files are written atomically;
Qt's save dialog asks before replacing a file, and a failed write names the file and the fix.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QImage, QPainter, QPalette, QRegion
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGraphicsView,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import LMStudioError
from ...core.fileio import atomic_write_bytes
from ..dialogs import show_error
from ..i18n import QT_TR_NOOP, tr
from ..theme import is_dark, token_colors
from .charts import _ThemedPlot
from .heatmap import Heatmap
from .token_chips import TokenChips, describe, token_color, visible
from .train_charts import TrainCharts

SCALES = (1.0, 2.0, 3.0)  # PNG: times the view's size on screen (2×: presenter scale, sharp on a projector)
DEFAULT_SCALE = 2.0
FORMATS = {  # the save dialog's filters (pass through tr() when shown)
    "png": QT_TR_NOOP("PNG image (*.png)"),
    "svg": QT_TR_NOOP("SVG vector image (*.svg)"),
    "html": QT_TR_NOOP("Standalone HTML page (*.html)"),
}
_MENU_FLAG = "lmstudio_export_menu"  # a widget property: the context menu is installed (install once)
_last_folder: Path | None = None  # where the last export went: the next save dialog starts there


# -- which widgets are views, and their names --------------------------------------------------------------
# Views defined above this package (the Playground's grids and map, in lmstudio.gui.tabs) cannot be imported here:
# the tabs import the widgets, and the package graph stays acyclic (lint-imports). They are known by their
# qualified class name instead, and any other view class can be added with :func:`register_view`. The names are
# English here (code compares them) and translated by :func:`view_name`.
_VIEWS_BY_PATH: dict[str, str] = {
    "lmstudio.gui.tabs.playground.lens_view.LogitLensView": QT_TR_NOOP("Logit lens grid"),
    "lmstudio.gui.tabs.playground.lens_view.AttentionGridView": QT_TR_NOOP("Attention grid (every layer and head)"),
    "lmstudio.gui.tabs.playground.embedding_view.EmbeddingMapView": QT_TR_NOOP("Embedding map"),
}
_REGISTERED: dict[type, str] = {}


def register_view(cls: type, name: str) -> None:
    """Make every ``cls`` widget an exportable view called ``name`` (a view module can call this after its
    class)."""
    _REGISTERED[cls] = name


def _registered_name(widget: QWidget) -> str | None:
    for cls in type(widget).__mro__:
        if cls in _REGISTERED:
            return _REGISTERED[cls]
        name = _VIEWS_BY_PATH.get(f"{cls.__module__}.{cls.__qualname__}")
        if name is not None:
            return name
    return None


def is_view(widget: QWidget) -> bool:
    """Whether ``widget`` is one of the exportable views."""
    return isinstance(widget, (_ThemedPlot, TokenChips, TrainCharts)) or _registered_name(widget) is not None


def exportable_views(root: QWidget) -> list[QWidget]:
    """The exportable views under ``root`` (a tab), in widget-tree order, ``root`` itself included when it is one.

    Only views shown within ``root`` count (``isVisibleTo``): a hidden page of a stacked widget, or a chart hidden
    until there is data, is not offered. ``root`` itself need not be on screen (a test's window)."""
    found = [root] if is_view(root) else []
    found += [w for w in root.findChildren(QWidget) if is_view(w) and w.isVisibleTo(root)]
    return found


def _plain(text: str) -> str:
    """A title without its rich-text markup (pyqtgraph titles may hold <span> tags)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", text or ""))).strip()


def view_name(widget: QWidget) -> str:
    """A readable name for ``widget`` in the window's language: a chart's title, "Token chips", "Logit lens grid"…"""
    if isinstance(widget, Heatmap):
        title = _plain(getattr(widget, "_title", ""))
        return tr("Heatmap: {title}").format(title=title) if title else tr("Heatmap")
    if isinstance(widget, _ThemedPlot):
        return _plain(getattr(widget, "_title", "")) or tr("Chart")
    if isinstance(widget, TokenChips):
        return tr("Token chips")
    if isinstance(widget, TrainCharts):
        return tr("Training charts (all)")
    registered = _registered_name(widget)
    return tr(registered) if registered else widget.objectName() or type(widget).__name__


def named_views(root: QWidget) -> list[tuple[str, QWidget]]:
    """:func:`exportable_views` with their names; a name shared by several views gets " (2)", " (3)"…"""
    out: list[tuple[str, QWidget]] = []
    seen: dict[str, int] = {}
    for widget in exportable_views(root):
        name = view_name(widget)
        seen[name] = seen.get(name, 0) + 1
        out.append((name if seen[name] == 1 else f"{name} ({seen[name]})", widget))
    return out


def formats_for(widget: QWidget) -> list[str]:
    """The formats ``widget`` exports to: "png" and "svg" always, "html" for token chips."""
    return ["png", "svg", "html"] if isinstance(widget, TokenChips) else ["png", "svg"]


# -- rendering -----------------------------------------------------------------------------------------------
def _target(widget: QWidget) -> QWidget:
    """What is drawn for ``widget``: a map's plot (not its search box and neighbour list), else the widget."""
    plot = getattr(widget, "plot", None)
    if _registered_name(widget) == "Embedding map" and isinstance(plot, QWidget):
        return plot
    return widget


def _prepare(widget: QWidget) -> None:
    """Bring a view up to date before it is drawn off screen: pending chart data drawn (the Train charts refresh
    on a timer), and each graphics scene prepared (the Train charts paint with Qt's own paintEvent, which skips
    pyqtgraph's per-paint preparation)."""
    if isinstance(widget, TrainCharts):
        widget.refresh()
    views = [widget] if isinstance(widget, QGraphicsView) else []
    for view in views + widget.findChildren(QGraphicsView):
        prepare = getattr(view.scene(), "prepareForPaint", None)
        if callable(prepare):
            prepare()


def _paint(widget: QWidget, painter: QPainter) -> None:
    """Draw ``widget`` and its children at the painter's origin, on the widget's own background."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRect(QPoint(0, 0), widget.size()), widget.palette().color(QPalette.ColorRole.Window))
    flags = QWidget.RenderFlag.DrawChildren | QWidget.RenderFlag.DrawWindowBackground
    # QWidget's render, not QGraphicsView's (which draws the scene, not the widget and its axes' frame)
    QWidget.render(widget, painter, QPoint(), QRegion(), flags)


def _check_size(widget: QWidget, path: Path) -> None:
    if widget.width() < 1 or widget.height() < 1:
        raise LMStudioError(
            tr("{file}: the view has no size yet; show it on screen, then export it again").format(file=path.name)
        )


def render_png(widget: QWidget, scale: float = DEFAULT_SCALE) -> QImage:
    """``widget`` drawn at ``scale`` × its size in device-independent pixels (2×: presenter scale)."""
    target = _target(widget)
    _prepare(target)
    scale = max(0.25, float(scale))
    image = QImage(target.size() * scale, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(scale)
    image.fill(target.palette().color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    try:
        _paint(target, painter)
    finally:
        painter.end()
    return image


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; a failure becomes an LMStudioError naming the file and the fix."""
    global _last_folder
    path = Path(path)
    if path.is_dir():
        raise LMStudioError(tr("{path}: is a folder; type a file name to export to").format(path=path))
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise LMStudioError(
            tr("{path}: cannot write it ({error}); choose another folder or file name").format(
                path=path, error=exc.strerror or exc
            )
        ) from exc
    _last_folder = path.parent


def export_png(widget: QWidget, path: Path | str, scale: float = DEFAULT_SCALE) -> Path:
    """Save ``widget`` as a PNG of ``scale`` × its size (presenter scale by default). Returns the path written.
    Raises LMStudioError when the file cannot be written."""
    path = Path(path)
    _check_size(_target(widget), path)
    image = render_png(widget, scale)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise LMStudioError(
            tr("{file}: the image could not be encoded as PNG; try a smaller scale").format(file=path.name)
        )
    _write(path, bytes(buffer.data()))
    return path


def render_svg(widget: QWidget, title: str = "") -> bytes:
    """``widget`` as an SVG document (vector shapes and text; heatmap images stay bitmaps inside it)."""
    target = _target(widget)
    _prepare(target)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(target.size())
    generator.setViewBox(QRect(QPoint(0, 0), target.size()))
    generator.setTitle(title or view_name(widget))
    generator.setDescription("Exported from lmstudio")
    painter = QPainter(generator)
    try:
        _paint(target, painter)
    finally:
        painter.end()
    return bytes(buffer.data())


def export_svg(widget: QWidget, path: Path | str) -> Path:
    """Save ``widget`` as an SVG file. Returns the path written; raises LMStudioError when it cannot be written."""
    path = Path(path)
    _check_size(_target(widget), path)
    _write(path, render_svg(widget))
    return path


def chips_html(chips: TokenChips, title: str = "") -> str:
    """A standalone HTML page of ``chips``: the prompt as plain text, then one ``<span>`` per token in its chip's
    colour with the chip's tooltip as ``title`` (hover), in the chips' font and palette. Everything is escaped.
    ``title``: the page's title ("Token chips" in the window's language when empty)."""
    title = title or tr("Token chips")
    palette = chips.palette()
    dark = is_dark(palette)
    alternate = token_colors(palette) if chips.mode == "alternate" else None
    base = palette.color(QPalette.ColorRole.Base).name()
    text = palette.color(QPalette.ColorRole.Text).name()
    muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
    highlight = palette.color(QPalette.ColorRole.Highlight).name()
    font = chips.font()
    size = font.pointSizeF() if font.pointSizeF() > 0 else 11.0
    family = html.escape(font.family(), quote=True)
    parts: list[str] = []
    if chips.prefix:
        parts.append(f'<span class="prompt">{html.escape(chips.prefix)}</span>')
    for i, token in enumerate(chips.tokens):
        color: QColor = alternate[i % 2] if alternate else token_color(token, chips.mode, dark)
        label = html.escape(visible(token["text"]) or "∅")
        tip = html.escape(describe(token), quote=True)
        parts.append(f'<span class="chip" style="background:{color.name()}" title="{tip}">{label}</span>')
        if "\n" in token["text"]:  # a newline token ends the line, as it does in the chips
            parts.append("<br>")
    more = chips.token_count() - len(chips.tokens)
    if more > 0:
        note = tr("… and {n} more tokens (not drawn)").format(n=f"{more:,}")
        parts.append(f'<p class="note">{html.escape(note)}</p>')
    if not parts:
        none = tr("(no tokens)")
        parts.append(f'<p class="note">{html.escape(none)}</p>')
    css = (
        f"body {{ background: {base}; color: {text}; font-family: '{family}', sans-serif; font-size: {size:.0f}pt; "
        "line-height: 1.9; margin: 1.5em; }\n"
        f".prompt {{ color: {muted}; white-space: pre-wrap; margin-right: 0.3em; }}\n"
        f".chip {{ color: {text}; border-radius: 3px; padding: 0.1em 0.25em; "
        "margin: 0 1px; white-space: pre; }\n"
        f".chip:hover {{ outline: 2px solid {highlight}; }}\n"
        f".note {{ color: {muted}; }}\n"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        + "".join(parts)
        + "\n</body>\n</html>\n"
    )


def export_html(chips: TokenChips, path: Path | str) -> Path:
    """Save ``chips`` as a standalone HTML page (hover a token for its tooltip). Returns the path written;
    raises LMStudioError when it cannot be written."""
    path = Path(path)
    _write(path, chips_html(chips).encode("utf-8"))
    return path


def export_view(widget: QWidget, path: Path | str, fmt: str, scale: float = DEFAULT_SCALE) -> Path:
    """Export ``widget`` to ``path`` in ``fmt`` ("png", "svg" or "html"). Raises LMStudioError when the format
    does not suit the view or the file cannot be written."""
    if fmt not in formats_for(widget):
        raise LMStudioError(
            tr("{view}: cannot be saved as {format}; choose PNG or SVG").format(
                view=view_name(widget), format=fmt.upper()
            )
        )
    if fmt == "png":
        return export_png(widget, path, scale)
    if fmt == "svg":
        return export_svg(widget, path)
    return export_html(widget, path)  # type: ignore[arg-type]  (formats_for: chips only)


# -- asking for a file ---------------------------------------------------------------------------------------
def _default_path(name: str, fmt: str) -> Path:
    stem = re.sub(r"[^\w-]+", "_", name.lower()).strip("_") or "view"
    return (_last_folder or Path.home()) / f"{stem}.{fmt}"


def save_view_as(
    widget: QWidget, fmt: str, scale: float = DEFAULT_SCALE, parent: QWidget | None = None, name: str = ""
) -> Path | None:
    """Ask for a file (Qt's save dialog: it asks before replacing a file) and export ``widget`` to it.

    Returns the path written, or None when cancelled or failed (a failure is shown in an error dialog)."""
    parent = parent or widget
    name = name or view_name(widget)
    suffix = f".{fmt}"
    path_text, _ = QFileDialog.getSaveFileName(
        parent,
        tr("Save {view} as {format}").format(view=name, format=fmt.upper()),
        str(_default_path(name, fmt)),
        tr(FORMATS[fmt]),
    )
    if not path_text:
        return None
    path = Path(path_text)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)  # the dialog's overwrite question covered the name typed
    try:
        written = export_view(widget, path, fmt, scale)
    except LMStudioError as exc:
        show_error(parent, tr("Cannot export the view"), str(exc))
        return None
    window = parent.window()
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(tr("Exported {path}").format(path=written), 5000)
    return written


# -- context menu ----------------------------------------------------------------------------------------------
def context_menu(widget: QWidget, parent: QWidget | None = None) -> QMenu:
    """The export menu of ``widget``: Save as PNG… (presenter scale), Save as SVG…, and Save as HTML… for chips."""
    menu = QMenu(parent or widget)
    menu.setToolTipsVisible(True)
    actions: dict[str, tuple[str, str]] = {
        "png": (
            tr("Save as PNG…"),
            tr("Save this view as a PNG image at {scale}× its size (presenter scale)").format(
                scale=f"{DEFAULT_SCALE:.0f}"
            ),
        ),
        "svg": (tr("Save as SVG…"), tr("Save this view as an SVG vector image (sharp at any size, editable)")),
        "html": (
            tr("Save as HTML…"),
            tr("Save the tokens as a web page: each token in its colour, its numbers on hover"),
        ),
    }
    for fmt in formats_for(widget):
        text, tip = actions[fmt]
        action = menu.addAction(text)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False, fmt=fmt: save_view_as(widget, fmt))
    return menu


def install_context_menu(widget: QWidget) -> None:
    """Give ``widget`` a right-click menu that exports it (see :func:`context_menu`). Installing twice is harmless
    (a subclass's constructor and its base's may both call it)."""
    if widget.property(_MENU_FLAG):
        return
    widget.setProperty(_MENU_FLAG, True)
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(pos: QPoint) -> None:
        menu = context_menu(widget)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(widget.mapToGlobal(pos))

    widget.customContextMenuRequested.connect(show)


def view_at(widget: QWidget | None) -> QWidget | None:
    """The exportable view ``widget`` belongs to: itself or its nearest view ancestor (None: not in a view)."""
    while widget is not None:
        if is_view(widget):
            return widget
        widget = widget.parentWidget()
    return None


class _ViewMenuFilter(QObject):
    """Watches one window's context-menu events: a right click on a view that nothing under the mouse answered
    (charts, chips, grids and maps have no menu of their own) reaches the window, and is answered with the view's
    export menu. One filter on the window serves every view, those of the Playground included."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        if event.type() != QEvent.Type.ContextMenu or not isinstance(watched, QWidget):
            return False
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            under = QApplication.widgetAt(event.globalPos())
        else:
            under = QApplication.focusWidget()
        view = view_at(under)
        if view is None or view.window() is not watched:
            return False
        menu = context_menu(view, watched)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(event.globalPos())
        event.accept()
        return True


def install_export_menus(window: QWidget) -> QObject:
    """Give every view of ``window`` (present and future) its export context menu; returns the event filter."""
    existing = window.findChild(_ViewMenuFilter)
    if existing is not None:
        return existing
    watcher = _ViewMenuFilter(window)
    window.installEventFilter(watcher)
    return watcher


# -- File ▸ Export view… -------------------------------------------------------------------------------------
class ExportViewDialog(QDialog):
    """Export one of a tab's views: which view (by name), which format, and for PNG, which scale.

    ``root`` is the tab whose views are offered (:func:`named_views`, taken when the dialog opens)."""

    def __init__(self, root: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export view"))
        self.root = root
        self.views = named_views(root)
        self.last_path: Path | None = None
        self.view_box = QComboBox()
        self.view_box.setToolTip(tr("The view to export: every chart, token view, grid and map shown in this tab"))
        for name, _ in self.views:
            self.view_box.addItem(name)
        self.format_box = QComboBox()
        self.format_box.setToolTip(
            tr(
                "PNG: a picture for slides; SVG: vector graphics, sharp at any size; HTML (token chips): a web page "
                "where hovering a token shows its numbers"
            )
        )
        self.scale_box = QComboBox()
        self.scale_box.setToolTip(
            tr("PNG only: the image's size, as a multiple of the view's size on screen (2×: presenter)")
        )
        for s in SCALES:
            self.scale_box.addItem(f"{s:.0f}×", s)
        self.scale_box.setCurrentIndex(SCALES.index(DEFAULT_SCALE))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setToolTip(tr("What will be exported"))
        form = QFormLayout()
        form.addRow(tr("View"), self.view_box)
        form.addRow(tr("Format"), self.format_box)
        form.addRow(tr("Scale"), self.scale_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setToolTip(tr("Close without exporting more"))
        self.export_button = QPushButton(tr("Export…"))
        self.export_button.setToolTip(tr("Choose a file and export the chosen view to it"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export_chosen)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.view_box.currentIndexChanged.connect(self._update_formats)
        self.format_box.currentIndexChanged.connect(self._update_scale)
        self._update_formats()

    def names(self) -> list[str]:
        """The names of the views offered, in order."""
        return [name for name, _ in self.views]

    def chosen(self) -> tuple[str, QWidget] | None:
        i = self.view_box.currentIndex()
        return self.views[i] if 0 <= i < len(self.views) else None

    def chosen_format(self) -> str:
        return self.format_box.currentData() or "png"

    def chosen_scale(self) -> float:
        return float(self.scale_box.currentData() or DEFAULT_SCALE)

    def select(self, name: str, fmt: str = "png", scale: float = DEFAULT_SCALE) -> None:
        """Choose the view called ``name``, the format and the scale (as a user would in the boxes)."""
        self.view_box.setCurrentIndex(self.names().index(name))
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(fmt)))
        self.scale_box.setCurrentIndex(max(0, self.scale_box.findData(float(scale))))

    def _update_formats(self) -> None:
        chosen = self.chosen()
        previous = self.chosen_format() if self.format_box.count() else "png"
        self.format_box.blockSignals(True)
        self.format_box.clear()
        for fmt in formats_for(chosen[1]) if chosen else ["png", "svg"]:
            self.format_box.addItem(fmt.upper(), fmt)
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(previous)))
        self.format_box.blockSignals(False)
        self.export_button.setEnabled(chosen is not None)
        self.view_box.setEnabled(chosen is not None)
        if chosen is None:
            self.note.setText(tr("This tab shows no chart, token view, grid or map to export."))
        self._update_scale()

    def _update_scale(self) -> None:
        chosen = self.chosen()
        self.scale_box.setEnabled(chosen is not None and self.chosen_format() == "png")
        if chosen is not None:
            size = _target(chosen[1]).size()
            self.note.setText(
                tr("{view}: {width} × {height} on screen.").format(
                    view=chosen[0], width=size.width(), height=size.height()
                )
            )

    def export_chosen(self) -> Path | None:
        """Ask for a file and export the chosen view; returns the path written (None: cancelled or failed)."""
        chosen = self.chosen()
        if chosen is None:
            return None
        name, widget = chosen
        self.last_path = save_view_as(widget, self.chosen_format(), self.chosen_scale(), parent=self, name=name)
        return self.last_path


def open_export_dialog(root: QWidget, parent: QWidget) -> ExportViewDialog:
    """Open :class:`ExportViewDialog` for ``root`` (window-modal, not blocking the event loop)."""
    dialog = ExportViewDialog(root, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
