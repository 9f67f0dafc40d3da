"""The device's measured matmul peak, the denominator of MFU (model FLOPs utilisation).

MFU = training FLOPs per token (:func:`lmstudio.core.models.stats.flops_per_token`) x tokens per second
/ the FLOPs per second the device reaches on a large square matrix product. A datasheet peak says little
about a laptop CPU (turbo, AVX width, thread count), so the peak is *measured*: square matmuls of a few
sizes in the dtype training computes in, the best rate of several timed rounds. It is measured once per
machine, device, dtype, thread count and torch version, and cached as JSON in the cache folder
(:func:`lmstudio.core.paths.cache_root`); a damaged cache file is measured again, never trusted.
"""

from __future__ import annotations

import json
import math
import time
from typing import TYPE_CHECKING

from .fileio import atomic_write_text
from .paths import cache_root

if TYPE_CHECKING:
    import torch

CACHE_FILE = "matmul_peak.json"
_memo: dict[str, float] = {}


def peak_key(device: torch.device, dtype: torch.dtype) -> str:
    """What the peak depends on: the device (the GPU's name, or the CPU and its thread count), the dtype
    and the torch version."""
    import platform

    import torch

    from .devices import describe_device

    where = describe_device(device)
    if device.type == "cpu":
        where = f"{platform.machine()} {platform.processor() or ''} {where}".strip()
    return f"{where} | {str(dtype).removeprefix('torch.')} | torch {torch.__version__}"


def measure_matmul_peak(device: torch.device, dtype: torch.dtype, seconds: float = 0.1) -> float:
    """FLOPs per second of the best timed round of square matmuls (n = 256, 512, 1024 on a CPU, where
    cache-sized products run fastest; 2048, 4096, 8192 on a GPU), three rounds of at least ``seconds``
    each per size: about 1 s on a CPU."""
    import torch

    sizes = (256, 512, 1024) if device.type == "cpu" else (2048, 4096, 8192)
    best = 0.0
    # a generator of its own: measuring must not move the global random state (dropout masks, batches)
    generator = torch.Generator(device=device).manual_seed(0)
    for n in sizes:
        a = torch.randn(n, n, device=device, generator=generator).to(dtype)
        b = torch.randn(n, n, device=device, generator=generator).to(dtype)
        out = torch.empty(n, n, device=device, dtype=dtype)
        torch.matmul(a, b, out=out)  # warm-up: kernels chosen, memory touched
        _sync(device)
        for _ in range(3):
            reps, start = 0, time.perf_counter()
            while True:
                torch.matmul(a, b, out=out)
                reps += 1
                if reps % 4 == 0 or device.type == "cpu":
                    _sync(device)
                    elapsed = time.perf_counter() - start
                    if elapsed >= seconds:
                        break
            best = max(best, 2 * n**3 * reps / elapsed)
        del a, b, out
    return best


def _sync(device: torch.device) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def _read_table() -> dict:
    """The cache file's table of peaks; empty when it is missing or damaged (never trusted half-read)."""
    try:
        table = json.loads((cache_root() / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return table if isinstance(table, dict) else {}


def cached_peak(device: torch.device, dtype: torch.dtype) -> float | None:
    """The peak already known for this device, dtype and thread count (this process or the cache file), or
    None when :func:`matmul_peak` would have to measure it."""
    key = peak_key(device, dtype)
    if key not in _memo:
        try:
            value = float(_read_table()[key]["flops_per_sec"])
        except (KeyError, TypeError, ValueError):
            return None
        if not (math.isfinite(value) and value > 0):
            return None
        _memo[key] = value
    return _memo[key]


def matmul_peak(device: torch.device, dtype: torch.dtype) -> float:
    """The cached measured peak for this device, dtype and the current thread count (measured now, about
    1 s on a CPU, the first time). Never raises for an unreadable or unwritable cache: it measures again."""
    known = cached_peak(device, dtype)
    if known is not None:
        return known
    value = measure_matmul_peak(device, dtype)
    key = peak_key(device, dtype)
    _memo[key] = value
    table = _read_table()
    table[key] = {"flops_per_sec": value, "measured": time.strftime("%Y-%m-%d %H:%M")}
    try:
        path = cache_root() / CACHE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(table, indent=2) + "\n")
    except OSError:
        pass  # a read-only cache folder: the peak is measured again next time, MFU still reported
    return value


def mfu(flops_per_token: float, tokens_per_sec: float, peak: float) -> float:
    """Model FLOPs utilisation in [0, 1+]: the share of the measured peak the training reaches (NaN when
    there is no peak)."""
    if not peak or not math.isfinite(peak):
        return math.nan
    return flops_per_token * tokens_per_sec / peak
