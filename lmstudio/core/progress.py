"""The progress-callback convention shared by every long operation in the core.

A callback is ``progress(done, total, message) -> bool | None``: ``total`` may be ``None`` when unknown.
Returning ``False`` asks the operation to stop; it then raises :class:`~lmstudio.core.errors.Cancelled`.
The GUI's workers pass a callback that reports to the progress bar and returns the Cancel flag.
:class:`EtaEstimator` is the remaining-time estimate the CLI's progress bar and the Train tab show.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import Cancelled

ProgressCallback = Callable[[float, float | None, str], bool | None]


def report(progress: ProgressCallback | None, done: float, total: float | None, message: str = "") -> None:
    """Call ``progress`` if given; raise :class:`Cancelled` when it returns ``False``."""
    if progress is not None and progress(done, total, message) is False:
        raise Cancelled(f"{message or 'operation'} cancelled")


def stage(progress: ProgressCallback | None, name: str) -> ProgressCallback | None:
    """``progress`` for one stage of a longer operation: its messages prefixed with ``name``."""
    if progress is None:
        return None
    return lambda done, total, message="": progress(done, total, f"{name}: {message}" if message else name)


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

    def __init__(
        self,
        min_seconds: float = ETA_MIN_SECONDS,
        min_fraction: float = ETA_MIN_FRACTION,
        smoothing: float = ETA_SMOOTHING,
    ) -> None:
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
