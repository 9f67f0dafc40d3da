"""Pause, resume, stop, single step and learning-rate changes for a running trainer, from any thread."""

from __future__ import annotations

import math
import threading


class TrainingControl:
    """Thread-safe flags the loop checks once per step: pause, resume, stop, single step, new lr."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._stop = False
        self._single_steps = 0
        self._new_lr: float | None = None

    def pause(self) -> None:
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def step_once(self) -> None:
        """While paused, let exactly one more optimizer step run."""
        with self._cond:
            self._single_steps += 1
            self._cond.notify_all()

    def set_lr(self, lr: float) -> None:
        """Change the peak learning rate from the next step on (the schedule keeps its shape)."""
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError("learning rate must be a positive number")
        with self._cond:
            self._new_lr = lr

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stop_requested(self) -> bool:
        return self._stop

    def wait_turn(self) -> bool:
        """Block while paused (unless a single step is granted). Return False when a stop is requested."""
        with self._cond:
            while self._paused and not self._stop and self._single_steps == 0:
                self._cond.wait(0.2)
            if self._single_steps and self._paused:
                self._single_steps -= 1
            return not self._stop

    def take_step_grant(self) -> bool:
        """Consume one single step granted while paused, if any (several processes: rank 0 passes it on)."""
        with self._cond:
            if self._single_steps:
                self._single_steps -= 1
                return True
            return False

    def take_lr(self) -> float | None:
        with self._cond:
            lr, self._new_lr = self._new_lr, None
            return lr
