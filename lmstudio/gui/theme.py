"""Light and dark themes, and presenter mode (large fonts, high contrast) for talks.

Everything is driven by the application palette and font: widgets and charts that draw their own colours
read them from the palette (and restyle on ``QEvent.PaletteChange``), so one call re-themes the window.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLayout

NORMAL_POINT_SIZE = 10
PRESENTER_POINT_SIZE = 17


@dataclass(frozen=True)
class Colors:
    window: str
    base: str
    alt_base: str
    text: str
    button: str
    highlight: str
    highlight_text: str
    link: str
    mid: str
    disabled: str


LIGHT = Colors(
    "#f4f5f7", "#ffffff", "#eef1f5", "#1d2330", "#e9ecf1", "#2f6fde", "#ffffff", "#1f5fc8", "#c5cad3", "#8a909c"
)
DARK = Colors(
    "#23262d", "#1b1d22", "#262a31", "#e4e7ec", "#30343c", "#4c8dff", "#0b0d10", "#7fb0ff", "#464b55", "#7d828c"
)
# Presenter mode: pure black on white (or white on black) and saturated accents read from the back of a room.
LIGHT_CONTRAST = Colors(
    "#ffffff", "#ffffff", "#f0f0f0", "#000000", "#e6e6e6", "#0040c0", "#ffffff", "#0030a0", "#808080", "#505050"
)
DARK_CONTRAST = Colors(
    "#000000", "#000000", "#141414", "#ffffff", "#1e1e1e", "#ffd400", "#000000", "#ffe14d", "#a0a0a0", "#b0b0b0"
)

# Token backgrounds alternate between these (light, dark) pairs so adjacent tokens are told apart.
TOKEN_COLORS_LIGHT = ("#cfe3ff", "#ffe2b8")
TOKEN_COLORS_DARK = ("#294a7a", "#6b4a1c")


def colors_for(theme: str, presenter: bool) -> Colors:
    if theme == "dark":
        return DARK_CONTRAST if presenter else DARK
    return LIGHT_CONTRAST if presenter else LIGHT


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def token_colors(palette: QPalette) -> tuple[QColor, QColor]:
    pair = TOKEN_COLORS_DARK if is_dark(palette) else TOKEN_COLORS_LIGHT
    return QColor(pair[0]), QColor(pair[1])


def accent(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.Highlight)


def build_palette(c: Colors) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.base),
        (role.AlternateBase, c.alt_base),
        (role.Text, c.text),
        (role.Button, c.button),
        (role.ButtonText, c.text),
        (role.Highlight, c.highlight),
        (role.HighlightedText, c.highlight_text),
        (role.Link, c.link),
        (role.ToolTipBase, c.base),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.disabled),
        (role.Mid, c.mid),
        (role.BrightText, "#ff5555"),
    ):
        p.setColor(r, QColor(value))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(c.disabled))
    return p


def apply_theme(app: QApplication, theme: str, presenter: bool) -> None:
    """Set the Fusion style, the palette and the base font size on the whole application."""
    app.setStyle("Fusion")
    colors = colors_for(theme, presenter)
    app.setPalette(build_palette(colors))
    # Fusion draws a check box's frame a shade darker than the window and fills it with Base: on a dark
    # window an unchecked box vanished. Check boxes (and radio buttons) get a light frame and a lifted fill.
    boxes = build_palette(colors)
    if theme == "dark":
        boxes.setColor(QPalette.ColorRole.Window, QColor(colors.disabled).lighter(150))
        boxes.setColor(QPalette.ColorRole.Base, QColor(colors.button))
    for cls in ("QCheckBox", "QRadioButton"):
        app.setPalette(boxes, cls)
    font = QFont(app.font())
    font.setPointSize(PRESENTER_POINT_SIZE if presenter else NORMAL_POINT_SIZE)
    app.setFont(font)
    # Fusion ignores the palette for tooltips on some platforms; a style sheet makes them readable everywhere.
    border = "2px" if presenter else "1px"
    app.setStyleSheet(
        f"QToolTip {{ color: {colors.text}; background-color: {colors.base};"
        f" border: {border} solid {colors.mid}; padding: 4px; }}"
        " QLabel#banner { background: #fde2e1; color: #6b0d0a; border: 1px solid #e8a19d;"
        " border-radius: 4px; padding: 6px; }"
        f" QLabel#hint {{ color: {colors.disabled}; }}"
        # Fusion draws check boxes at a fixed size; scale them with the font so they read on a projector.
        + (" QCheckBox::indicator { width: 22px; height: 22px; }" if presenter else "")
    )
    app.setProperty("lmstudio_theme", theme)
    app.setProperty("lmstudio_presenter", presenter)
    # Widgets that size themselves from the font (headline numbers, table rows, side panels) re-measure now:
    # relying on font-change events alone missed some of them after a style-sheet re-polish.
    import gc

    import shiboken6

    # Walking every widget must not race Python's garbage collector: a parentless widget collected halfway
    # through takes its C++ children with it while the list still holds their wrappers (a crash seen in a
    # test run). Collect first, and keep the collector off until the walk is over.
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        # only our widgets have refresh_theme (looked up on the class, not on a wrapper that may be stale)
        targets = [w for w in app.allWidgets() if hasattr(type(w), "refresh_theme") and shiboken6.isValid(w)]
        for widget in targets:
            if shiboken6.isValid(widget):
                widget.refresh_theme()
        # Layouts of hidden tabs keep the minimum sizes measured in the old font until they are shown, and
        # the tab widget's minimum is the largest of all tabs': re-measure every layout, so leaving presenter
        # mode lets the window be as small as before.
        for widget in app.allWidgets():
            layout = widget.layout() if shiboken6.isValid(widget) else None
            if isinstance(layout, QLayout):
                _invalidate(layout)
    finally:
        if collecting:
            gc.enable()


def _invalidate(layout) -> None:
    layout.invalidate()
    for i in range(layout.count()):
        child = layout.itemAt(i)
        if isinstance(child, QLayout):
            _invalidate(child)
