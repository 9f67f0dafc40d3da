"""Learning-rate schedules as pure functions of the step (no scheduler object, nothing to checkpoint)."""

from __future__ import annotations

import math


def lr_at(step: int, *, peak: float, floor: float, warmup: int, total: int, schedule: str) -> float:
    """The learning rate for optimizer step ``step`` (0-based) out of ``total``.

    Linear warmup from peak/warmup to ``peak`` over ``warmup`` steps, then ``cosine`` or ``linear``
    decay to ``floor`` at ``total``, or ``constant`` at ``peak``.
    """
    if warmup > 0 and step < warmup:
        return peak * (step + 1) / warmup
    if schedule == "constant":
        return peak
    span = max(1, total - warmup)
    progress = min(1.0, max(0.0, (step - warmup) / span))
    if schedule == "linear":
        return peak + (floor - peak) * progress
    return floor + 0.5 * (peak - floor) * (1.0 + math.cos(math.pi * progress))
