"""What the window and the command line tell a user about an exception the core did not expect. Qt-free, so
the training child process (:mod:`lmstudio.app.train_process`) words its failures as the window would."""

from __future__ import annotations

import errno

from ..core.devices import is_out_of_memory  # torch-free to import


def describe_exception(exc: BaseException) -> str:
    """A sentence for an exception the core did not turn into an :class:`LMStudioError`: what happened,
    what to do, and the exception's own text (never just its class name)."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, MemoryError):
        return "Out of memory. Try a smaller corpus, vocabulary, batch or model."
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        if exc.errno == errno.ENOSPC:
            return (
                f"{where}the disk is full. Free some space (or choose a folder on another disk) and try again; "
                f"files written before stay as they were."
            )
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return f"{where}permission denied ({exc.strerror or text}). Choose a folder you can write to."
        return f"{where}{exc.strerror or text}. Check the file or folder and try again."
    lowered = text.lower()
    if "nan" in lowered and ("inf" in lowered or "probability" in lowered):
        return (
            "The model produced numbers that are not numbers (NaN or infinity): its weights are broken, usually "
            "by a training run that diverged. Load an earlier checkpoint, or train again with a lower learning "
            f"rate. ({type(exc).__name__}: {text})"
        )
    if is_out_of_memory(exc):
        return f"Out of memory on the device. Use a smaller batch, block size or model. ({type(exc).__name__}: {text})"
    return (
        f"Something went wrong that lmstudio did not expect: {text} ({type(exc).__name__}). "
        "Nothing was saved by this step; the details are printed in the terminal. "
        "Please report it if it happens again."
    )
