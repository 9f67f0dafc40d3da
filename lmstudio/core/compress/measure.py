"""Before/after figures of a model, measured on this machine (nothing estimated).

- size on disk: the bytes of its weights file;
- parameters (every stored weight element, int8 ones included; a tied matrix once) and non-zeros;
- validation loss, perplexity and bits per character (``scoring.evaluate_tokens`` on the run's own val
  split, as ``lmstudio eval`` computes them);
- generation speed: tokens per second of ``generate`` on this device (after one warm-up token; the
  faster of two identical seeded runs);
- peak memory: the model's resident bytes plus the most memory torch held at once above them during
  one evaluation batch (the CUDA allocator's peak on a GPU, the profiler's allocation trace on a CPU);
- the text the model writes for a prompt with a fixed seed (the same seed for both models).
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..config import SampleConfig
from ..inference.generation import generate
from ..inference.metrics import bits_per_char, count_unknown, unknown_token_note
from ..inference.scoring import evaluate_tokens

FIGURES = (
    ("size_bytes", "size on disk"),
    ("parameters", "parameters"),
    ("nonzero", "non-zeros"),
    ("val_loss", "val loss"),
    ("perplexity", "val perplexity"),
    ("bits_per_char", "val bits/char"),
    ("tokens_per_sec", "tokens/s"),
    ("peak_memory_bytes", "peak memory"),
)


def stored_tensors(model: nn.Module) -> list[torch.Tensor]:
    """Every tensor that makes up the model (a shared one once), quantized weights as their int8 values."""
    out, seen = [], set()
    for value in model.state_dict().values():
        tensors = [value] if isinstance(value, torch.Tensor) else []
        if not tensors and isinstance(value, tuple):  # a dynamic int8 Linear's packed (weight, bias)
            tensors = [v for v in value if isinstance(v, torch.Tensor)]
        for t in tensors:
            if t.dim() == 0:  # a dynamic int8 layer's activation scale and zero point: settings, not weights
                continue
            key = (t.data_ptr(), t.numel(), str(t.dtype)) if not t.is_quantized else (id(t),)
            if key not in seen:
                seen.add(key)
                out.append(t.int_repr() if t.is_quantized else t)
    for module in model.modules():  # a dynamic int8 LSTM/GRU keeps its weights out of state_dict's tensors
        if hasattr(module, "_weight_bias") and hasattr(module, "_all_weight_values"):
            wb = module._weight_bias()
            out.extend(t.int_repr() for t in wb["weight"].values())
            out.extend(t for t in wb["bias"].values() if t is not None)
    return out


def count_parameters(model: nn.Module) -> tuple[int, int, int]:
    """(elements, non-zero elements, bytes) over the model's stored tensors."""
    tensors = stored_tensors(model)
    return (
        sum(t.numel() for t in tensors),
        sum(int(torch.count_nonzero(t)) for t in tensors),
        sum(t.numel() * t.element_size() for t in tensors),
    )


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """The profiler's C++ side prints start/stop lines on the process's stderr: not the user's business."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (a GUI without a console): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _peak_above(model: nn.Module, batch: torch.Tensor, device: torch.device) -> int:
    """Most bytes torch held at once, above what it held before, during ``model(batch)``."""
    with torch.inference_mode():
        if device.type == "cuda":
            torch.cuda.synchronize(device)
            before = torch.cuda.memory_allocated(device)
            torch.cuda.reset_peak_memory_stats(device)
            model(batch)
            torch.cuda.synchronize(device)
            return int(torch.cuda.max_memory_allocated(device) - before)
        from torch.profiler import ProfilerActivity, profile

        with _native_stderr_silenced(), profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            model(batch)
        events = sorted(
            (e.start_ns(), e.nbytes()) for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"
        )
    held = peak = 0
    for _, nbytes in events:
        held += nbytes
        peak = max(peak, held)
    return int(peak)


def measure(
    model: nn.Module,
    tokenizer: Any,
    *,
    val_ids: np.ndarray | None,
    chars_per_token: float,
    block_size: int,
    weights_file: Path | None,
    prompt: str,
    new_tokens: int = 64,
    seed: int = 1234,
    max_tokens: int | None = 20_000,
) -> dict[str, Any]:
    """The figures of ``model`` (see the module docstring), as a dict of plain numbers and strings."""
    device = next(model.parameters()).device
    model.eval()
    params, nonzero, resident = count_parameters(model)
    out: dict[str, Any] = {
        "size_bytes": Path(weights_file).stat().st_size if weights_file is not None else None,
        "parameters": params,
        "nonzero": nonzero,
        "device": str(device),
    }
    if val_ids is not None and len(val_ids) > 1:
        r = evaluate_tokens(model, val_ids, block_size, device, max_tokens=max_tokens)
        scored = val_ids[: r["tokens"] + 1]
        note = unknown_token_note(count_unknown(scored, tokenizer), len(scored))
        out.update(
            val_loss=r["loss"],
            perplexity=r["perplexity"],
            val_tokens=r["tokens"],
            bits_per_char=None if note else bits_per_char(r["loss"], chars_per_token),
            bits_per_char_note=note,
        )
        rows = min(16, max(1, (len(val_ids) - 1) // block_size))
        starts = [i * block_size for i in range(rows)]
        batch = torch.from_numpy(
            np.stack([np.asarray(val_ids[s : s + block_size]).astype(np.int64) for s in starts])
        ).to(device)
    else:
        out.update(val_loss=None, perplexity=None, bits_per_char=None, bits_per_char_note="no validation split")
        batch = torch.zeros(1, block_size, dtype=torch.long, device=device)
    out["peak_memory_bytes"] = resident + _peak_above(model, batch, device)
    cfg = SampleConfig(max_new_tokens=new_tokens, temperature=0.8, top_k=0, seed=seed, alternatives=0)
    warm = SampleConfig(max_new_tokens=1, seed=seed, alternatives=0)
    for _ in generate(model, tokenizer, prompt, warm, device):
        pass
    elapsed = math.inf
    for _ in range(2):  # the faster of two identical (seeded) runs: less noise from the rest of the machine
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        pieces = [event.text for event in generate(model, tokenizer, prompt, cfg, device)]
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        elapsed = min(elapsed, time.perf_counter() - start)
    out["tokens_per_sec"] = len(pieces) / elapsed if elapsed > 0 else math.inf
    out["generated_tokens"] = len(pieces)
    out["sample"] = prompt + "".join(pieces)
    return out
