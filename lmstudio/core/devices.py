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


def resolve_precision(precision: str, device: torch.device, arch: str = "") -> torch.dtype:
    """The autocast dtype for a precision setting: fp32 means no autocast. ``arch``: the model's, when known.

    ``auto`` picks per device: on a CUDA GPU bf16 where the hardware has it (Ampere and newer: the range of
    fp32, so no loss scaling), else fp16 (the trainer then scales the loss with a ``GradScaler``); older GPUs
    only emulate bf16, slowly, so emulation does not count. On Apple MPS and the CPU fp32, where half-precision
    autocast is slower or unsupported for training.
    """
    import torch

    if precision == "auto":
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported(including_emulation=False) else torch.float16
        return torch.float32
    if precision == "fp16":
        if device.type == "cpu":
            raise TrainingError("precision fp16 needs a GPU; on the CPU use fp32 or bf16")
        return torch.float16
    if precision == "bf16" and device.type == "cpu" and arch == "lstm":
        # torch's CPU LSTM under bf16 autocast fails in oneDNN at the first step ("could not create a primitive
        # descriptor for the LSTM forward propagation primitive"), measured with torch 2.13; GRU and RNN train
        raise TrainingError(
            "precision bf16 with an LSTM fails on the CPU (torch has no bf16 LSTM kernel there); "
            "use precision fp32 (or auto), or a GRU"
        )
    return {"fp32": torch.float32, "bf16": torch.bfloat16}[precision]


def configure_backends(device: torch.device | str) -> None:
    """Backend switches for fast training on ``device``; call once before training (idempotent).

    On CUDA: fp32 matrix products may use TF32 tensor cores (Ampere and newer: 10 mantissa bits, far below
    the noise of training, several times the fp32 rate), and cuDNN's autotuner stays off, since it searches
    again for every new shape and evaluation, generation and a last short batch change the shapes. cuDNN's
    own TF32 switches (convolutions, recurrent layers) are on by default in torch and left alone. TF32 is set
    through ``torch.set_float32_matmul_precision``, which keeps torch's two TF32 APIs (``allow_tf32`` and
    ``fp32_precision``) consistent: setting one of them directly makes reading the other raise since torch
    2.9. On MPS and the CPU nothing is changed.
    """
    import torch

    if torch.device(device).type != "cuda":
        return
    torch.set_float32_matmul_precision("high")
    torch.backends.cudnn.benchmark = False


def compile_wins(device: torch.device | str) -> bool:
    """Whether ``train.compile`` set to auto should ``torch.compile`` the model on ``device``.

    True on CUDA when Triton (the code generator of torch.compile's GPU kernels) can be imported; False on
    MPS (Inductor's Metal back end is still experimental) and on the CPU (measured separately: the compile
    time outweighs the gain of short runs there).
    """
    import torch

    if torch.device(device).type != "cuda":
        return False
    try:
        import triton  # noqa: F401
    except Exception:  # noqa: BLE001 (missing, or installed but broken: either way compile cannot run)
        return False
    return True


def device_memory(device: torch.device | str) -> int | None:
    """Bytes of memory ``device`` has for training, or None when it cannot be told.

    A CUDA GPU: its total memory. Apple MPS: the Metal working-set limit where torch reports it, else the
    system's RAM (the GPU shares it). The CPU: the system's RAM, from psutil when installed, else from
    ``os.sysconf`` (Linux, macOS); None elsewhere (Windows without psutil).
    """
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return int(torch.cuda.get_device_properties(device).total_memory)
    if device.type == "mps":
        recommended = getattr(getattr(torch, "mps", None), "recommended_max_memory", None)
        with contextlib.suppress(Exception):  # noqa: BLE001 (an older torch or no Metal device: use the RAM)
            if recommended is not None and (found := int(recommended())) > 0:
                return found
    return system_memory()


def system_memory() -> int | None:
    """Total physical RAM in bytes (psutil, else ``os.sysconf``), or None when neither can tell."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        with contextlib.suppress(Exception):  # noqa: BLE001 (a psutil that cannot read this system)
            return int(psutil.virtual_memory().total)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows) or no such name here
        return None
    return int(total) if total > 0 else None


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
