"""Learning-rate schedules as pure functions of the step (no scheduler object, nothing to checkpoint).

With a time budget the schedule follows the clock instead of the step count: ``time_fraction`` (training
time spent / budget) is the run's progress whenever it is further along than the steps are, so the decay
(or the wsd warm-down) ends when the budget does, however fast the machine is.
"""

from __future__ import annotations

import math


def lr_at(
    step: int,
    *,
    peak: float,
    floor: float,
    warmup: int,
    total: int,
    schedule: str,
    warmdown: float = 0.3,
    time_fraction: float | None = None,
) -> float:
    """The learning rate for optimizer step ``step`` (0-based) out of ``total``.

    Linear warmup from peak/warmup to ``peak`` over ``warmup`` steps, then ``cosine`` or ``linear``
    decay to ``floor`` at the end, ``constant`` at ``peak``, or ``wsd``: ``peak`` until the last
    ``warmdown`` share of the run, then linear to ``floor``. The end is step ``total`` or, when
    ``time_fraction`` is given (a time budget), whichever of the two is nearer.
    """
    if warmup > 0 and step < warmup:
        return peak * (step + 1) / warmup
    if schedule == "constant":
        return peak
    if schedule == "wsd":
        progress = step / max(1, total)
        if time_fraction is not None:
            progress = max(progress, time_fraction)
        progress = min(1.0, max(0.0, progress))
        if warmdown <= 0 or progress < 1.0 - warmdown:
            return peak
        return peak + (floor - peak) * min(1.0, (progress - (1.0 - warmdown)) / warmdown)
    span = max(1, total - warmup)
    progress = (step - warmup) / span
    if time_fraction is not None:
        progress = max(progress, time_fraction)
    progress = min(1.0, max(0.0, progress))
    if schedule == "linear":
        return peak + (floor - peak) * progress
    return floor + 0.5 * (peak - floor) * (1.0 + math.cos(math.pi * progress))
