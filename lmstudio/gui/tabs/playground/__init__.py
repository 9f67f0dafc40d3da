"""The Playground tab, one module per concern: the tab's wiring (:mod:`.tab`), its controls, the generation
view, inside the model, compare, and the streaming job. Its computations are Qt-free, in
:mod:`lmstudio.app.playground`."""

from .tab import DEFAULT_PROMPT, PlaygroundTab

__all__ = ["DEFAULT_PROMPT", "PlaygroundTab"]
