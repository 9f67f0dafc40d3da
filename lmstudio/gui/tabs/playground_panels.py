"""Old home of the Playground's Score page, kept while a test imports ``formula_html`` from here: it lives in
:mod:`lmstudio.gui.tabs.playground.inside` now."""

from .playground.inside import formula_html

__all__ = ["formula_html"]
