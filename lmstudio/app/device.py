"""The compute device, described as plain data for the window's status bar."""

from __future__ import annotations

import os

from ..core.progress import ProgressCallback


def describe_compute_device(progress: ProgressCallback | None = None) -> dict:
    """The status bar's device, as plain data: ``type`` (cuda, mps, cpu), ``text`` (GPU name, Apple MPS) and
    ``cores``; the window adds the threads training will use (imports torch: run off the GUI thread)."""
    from ..core.devices import describe_device, resolve_device

    device = resolve_device("auto")
    return {"type": device.type, "text": describe_device(device), "cores": os.cpu_count() or 1}
