"""Old home of ``visible``, kept while the Data tab's panels import it from here: the one token widget and
``visible`` live in :mod:`lmstudio.gui.widgets.token_chips` now."""

from .token_chips import visible

__all__ = ["visible"]
