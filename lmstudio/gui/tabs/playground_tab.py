"""Old home of the Playground tab, kept while ``main_window`` imports it from here: it lives in
:mod:`lmstudio.gui.tabs.playground` now."""

from .playground.tab import DEFAULT_PROMPT, PlaygroundTab

__all__ = ["DEFAULT_PROMPT", "PlaygroundTab"]
