"""A dependency-free terminal progress bar (stderr), redrawn at most ten times a second."""

from __future__ import annotations

import sys
import time

from ..app.units import human_duration as format_duration
from ..core.progress import EtaEstimator


class ProgressBar:
    def __init__(self, label: str = "", stream=None, min_interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.min_interval = min_interval
        self.start = time.perf_counter()
        self._last = 0.0
        self._shown = False
        self._interactive = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._eta = EtaEstimator()

    def update(self, done: float, total: float | None, message: str = "", force: bool = False) -> None:
        now = time.perf_counter()
        eta = self._eta.update(now, done, total) if total else None  # every update, drawn or not
        if not force and now - self._last < (self.min_interval if self._interactive else 5.0):
            return
        self._last = now
        elapsed = now - self.start
        text = message or self.label
        if total:
            frac = min(1.0, done / total)
            bar = "#" * int(frac * 24)
            line = f"[{bar:<24}] {frac * 100:5.1f}% {text}  ETA {format_duration(eta) if eta is not None else '--:--'}"
        else:
            line = f"{text}  {format_duration(elapsed)}"
        if self._interactive:
            self.stream.write("\r" + line[:118].ljust(118))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown and self._interactive:
            self.stream.write("\n")
            self.stream.flush()
        self._shown = False

    def callback(self, done, total, message=""):
        """As a core progress callback."""
        self.update(done, total, message)
        return None
