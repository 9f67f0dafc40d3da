"""A finished run replayed in the Train tab (:mod:`lmstudio.app.replay`), dressed as a training job: the tab
drives it with the same Pause, Resume, Step and Stop buttons and draws its events with the same code as a live
run's. A QTimer on the GUI thread hands out the events that are due; nothing trains, nothing loads a model."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from ..app.replay import Replay, ReplayClock

TICK_MS = 40  # 25 updates a second: smooth charts, little GUI time


class ReplayJob(QObject):
    """Plays ``replay`` at ``speed`` x its training pace. The signals are a TrainingJob's."""

    sig_events = Signal(object)
    sig_progress = Signal(float, float, str)
    sig_result = Signal(object)
    sig_error = Signal(str)
    sig_finished = Signal()

    def __init__(self, replay: Replay, speed: float) -> None:
        super().__init__()
        self.replay = replay
        self.run_dir = Path(replay.run_dir)
        self.clock = ReplayClock(replay, speed)
        self.finished = False
        self.paused = False
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0

    @property
    def speed(self) -> float:
        return self.clock.speed

    def start(self) -> None:
        self.sig_events.emit([self.replay.info])
        self._last = time.monotonic()
        self._timer.start()

    def is_running(self) -> bool:
        return not self.finished

    def _tick(self) -> None:
        now = time.monotonic()
        dt, self._last = now - self._last, now
        if not self.paused:
            self._emit(self.clock.advance(dt))
        if self.clock.done:
            self._end()

    def _emit(self, events: list) -> None:
        if events:
            self.sig_events.emit(events)

    def _end(self) -> None:
        if self.finished:
            return
        self.finished = True
        self._timer.stop()
        final = next((e for _, e in reversed(self.replay.timeline) if type(e).__name__ == "FinishedEvent"), None)
        self.sig_result.emit(final)
        self.sig_finished.emit()

    # the buttons
    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        self._last = time.monotonic()

    def step_once(self) -> None:
        self._emit(self.clock.next_step())
        if self.clock.done:
            QTimer.singleShot(0, self._end)  # after the button's own handler, as a training job would end

    def stop(self) -> None:
        """Jump to the end: every remaining event at once (the charts then show the whole run)."""
        self._emit(self.clock.rest())
        QTimer.singleShot(0, self._end)  # after the tab has recorded the stop

    def cancel(self) -> None:
        self.stop()

    def set_lr(self, lr: float) -> None:
        """A replay shows the learning rates the run had; nothing to change."""
