"""The progress-callback convention shared by every long operation in the core.

A callback is ``progress(done, total, message) -> bool | None``: ``total`` may be ``None`` when unknown.
Returning ``False`` asks the operation to stop; it then raises :class:`~lmstudio.core.errors.Cancelled`.
The GUI's workers pass a callback that reports to the progress bar and returns the Cancel flag.
"""

from __future__ import annotations

from typing import Callable, Optional

from .errors import Cancelled

ProgressCallback = Callable[[float, Optional[float], str], Optional[bool]]


def report(progress: ProgressCallback | None, done: float, total: float | None, message: str = "") -> None:
    """Call ``progress`` if given; raise :class:`Cancelled` when it returns ``False``."""
    if progress is not None and progress(done, total, message) is False:
        raise Cancelled(f"{message or 'operation'} cancelled")
