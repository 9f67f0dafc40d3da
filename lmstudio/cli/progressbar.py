"""A dependency-free terminal progress bar (stderr), redrawn at most ten times a second."""

from __future__ import annotations

import sys
import time


ETA_MIN_SECONDS = 5.0  # no ETA before this long since the first update...
ETA_MIN_FRACTION = 0.03  # ...unless this much of the work is done already
ETA_SMOOTHING = 0.3  # weight of the newest rate in the moving average
ETA_RATE_INTERVAL = 0.5  # seconds of work per rate sample (single steps are too short to time steadily)


class EtaEstimator:
    """A remaining-time estimate that settles before it is shown.

    The first steps are slow (data loading, the evaluation at step 0, warm-up) and a busy machine makes the
    rate jump: the first ETA of a 621 s run read 1:20:57. So nothing is estimated until ``min_seconds``
    have passed since the first update or ``min_fraction`` of the work is done, the rate is measured from
    the first update (not from the start), and it is an exponential moving average of the rates between
    updates. Pure: times are passed in.
    """

    def __init__(self, min_seconds: float = ETA_MIN_SECONDS, min_fraction: float = ETA_MIN_FRACTION,
                 smoothing: float = ETA_SMOOTHING) -> None:
        self.min_seconds, self.min_fraction, self.smoothing = min_seconds, min_fraction, smoothing
        self._first: tuple[float, float] | None = None
        self._last: tuple[float, float] | None = None
        self.rate: float | None = None  # smoothed units of work per second

    def update(self, now: float, done: float, total: float) -> float | None:
        """Seconds left, or None while the estimate has not settled."""
        if self._first is None:
            self._first = self._last = (now, done)
            return None
        t0, d0 = self._last
        if now - t0 >= ETA_RATE_INTERVAL and done > d0:
            rate = (done - d0) / (now - t0)
            self.rate = rate if self.rate is None else self.smoothing * rate + (1 - self.smoothing) * self.rate
            self._last = (now, done)
        settled = now - self._first[0] >= self.min_seconds or (total > 0 and done / total >= self.min_fraction)
        if not settled or not self.rate:
            return None
        return max(0.0, total - done) / self.rate


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


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
