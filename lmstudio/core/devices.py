"""Compute-device selection at run time: CUDA, then Apple MPS, then CPU; precision and thread count.

Nothing here is decided at install time: the same install uses a GPU where one is present. Importing this
module does not import torch (each function does, when called), so the window can read
:func:`default_threads` while it opens.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

from .errors import TrainingError

if TYPE_CHECKING:
    import torch


def resolve_device(name: str = "auto") -> torch.device:
    """Turn a device setting into a ``torch.device``; ``auto`` prefers CUDA, then MPS, then CPU."""
    import torch

    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise TrainingError("device 'cuda' was asked for but no CUDA GPU is available; use --device auto or cpu")
    if name == "mps" and not _mps_available():
        raise TrainingError("device 'mps' was asked for but Apple MPS is not available; use --device auto or cpu")
    if name not in ("cpu", "cuda", "mps"):
        raise TrainingError(f"unknown device {name!r}; use auto, cpu, cuda or mps")
    return torch.device(name)


def _mps_available() -> bool:
    import torch

    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def describe_device(device: torch.device | str | None = None, threads: int | None = None) -> str:
    """A short human description: the GPU's name, Apple MPS, or the CPU with its thread count (``threads``,
    default: what this thread's torch uses now)."""
    import torch

    device = resolve_device("auto") if device is None else torch.device(device)
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        return f"CUDA: {props.name} ({props.total_memory / 2**30:.0f} GiB)"
    if device.type == "mps":
        return "Apple MPS (Metal)"
    threads, cores = threads or torch.get_num_threads(), os.cpu_count() or 1
    return f"CPU ({threads} thread{'s' if threads != 1 else ''} of {cores} core{'s' if cores != 1 else ''})"


def default_threads() -> int:
    """Training threads when the setting is 0 (auto), for the window and the CLI alike: all cores but one.

    Measured on a 2-core machine: once anything else wants a core (the GUI thread repainting charts, or
    any other program), a step with 2 torch threads becomes ~4.6x slower while 1 thread stays steady,
    because torch's intra-op threads spin-wait on each other. The CLI with all cores fell to 160-670
    tokens/s on a busy machine (1,500 LSTM steps in 621 s instead of ~80 s). So the window and the CLI
    both leave one core free; ``--threads N`` (the setting) asks for more.
    """
    cores = os.cpu_count() or 1
    return max(1, cores - 1)


def is_out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` says a device ran out of memory: CUDA's own error, Python's, or a RuntimeError torch
    raises with no class of its own (the CPU allocator's "DefaultCPUAllocator: can't allocate memory", Apple's
    "MPS backend out of memory"). Loads no torch: an exception from torch means torch is loaded already."""
    if isinstance(exc, MemoryError):
        return True
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(exc, torch.OutOfMemoryError):
        return True
    text = str(exc)
    return isinstance(exc, RuntimeError) and any(
        words in text
        for words in ("DefaultCPUAllocator", "can't allocate memory", "not enough memory", "out of memory")
    )


def resolve_precision(precision: str, device: torch.device) -> torch.dtype:
    """The autocast dtype for a precision setting: fp32 means no autocast."""
    import torch

    if precision == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32
    if precision == "fp16":
        if device.type == "cpu":
            raise TrainingError("precision fp16 needs a GPU; on the CPU use fp32 or bf16")
        return torch.float16
    return {"fp32": torch.float32, "bf16": torch.bfloat16}[precision]


def autocast(device: torch.device, dtype: torch.dtype):
    """An autocast context for ``dtype``, or a no-op for fp32."""
    import torch

    if dtype == torch.float32:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def make_adamw(params, lr: float, betas: tuple[float, float], device: torch.device) -> torch.optim.AdamW:
    """AdamW, fused where this torch build and device support it (about 2x faster steps on CPU here)."""
    import torch

    try:
        return torch.optim.AdamW(params, lr=lr, betas=betas, fused=True)
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.AdamW(params, lr=lr, betas=betas)
