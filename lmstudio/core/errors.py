"""The exception types users see.

Every message names the file or setting at fault and says what to do about it; the CLI prints
``str(error)`` on one line and exits with code 2, the GUI shows it in a dialog or in the tab.
"""

from __future__ import annotations


class LMStudioError(Exception):
    """Base class of every error caused by user input rather than by a bug."""


class ConfigError(LMStudioError, ValueError):
    """A setting is missing, of the wrong type or out of range."""


class CorpusError(LMStudioError):
    """A corpus file or folder cannot be read: missing, empty, binary, undecodable."""


class TokenizerError(LMStudioError):
    """A tokenizer cannot be trained, loaded or applied with the given settings."""


class DataError(LMStudioError):
    """Token data is unusable, for example a split too short for the block size."""


class CheckpointError(LMStudioError):
    """A run folder or checkpoint is missing, truncated, corrupt, foreign or mismatched."""


class TrainingError(LMStudioError):
    """Training had to stop: non-finite loss, out of memory, an unusable device."""


class Cancelled(LMStudioError):
    """A long operation was cancelled by the user through its progress callback."""
