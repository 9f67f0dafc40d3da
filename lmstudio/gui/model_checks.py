"""What the Model tab shows and checks, as plain functions (no Qt): validation of a model's settings
against the data, its costs, and a measured training step (run on a worker).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from ..core.config import ModelConfig, TrainConfig
from ..core.errors import ConfigError
from ..core.progress import ProgressCallback, report

FALLBACK_VOCAB = 65  # Tiny Shakespeare's characters: used for the estimates before any vocabulary exists


@dataclass
class ModelCheck:
    """The outcome of checking the Model tab's fields: a config when they are valid, and the problems."""

    config: ModelConfig | None
    issues: list[str] = field(default_factory=list)  # blocking problems, each naming the setting and the fix
    notes: list[str] = field(default_factory=list)  # informative, not blocking

    @property
    def valid(self) -> bool:
        return self.config is not None and not self.issues


def estimate_vocab(
    tokenizer_vocab: int | None, tokenizer_kind: str, tokenizer_size: int, unique_chars: int | None
) -> tuple[int, str]:
    """The vocabulary size the model will get, and where the figure comes from."""
    if tokenizer_vocab:
        return tokenizer_vocab, "from the trained vocabulary"
    if tokenizer_kind == "char":
        if unique_chars:
            return unique_chars, "estimated: distinct characters of the corpus"
        return FALLBACK_VOCAB, "estimated (no corpus statistics yet)"
    return tokenizer_size, "estimated: the tokenizer's target size"


def estimate_split_tokens(chars: int | None, fraction: float, chars_per_token: float | None, kind: str) -> int | None:
    """Approximate tokens of a split from corpus characters, or None when unknown."""
    if not chars:
        return None
    cpt = chars_per_token or (1.0 if kind == "char" else 4.0)
    return int(chars * fraction / max(cpt, 1e-9))


def check_model(values: dict[str, Any], vocab_size: int, val_tokens: int | None = None) -> ModelCheck:
    """Build a ModelConfig from the tab's values; collect every problem instead of stopping at the first."""
    issues: list[str] = []
    arch = values.get("arch", "transformer")
    if arch == "transformer":
        heads, width = int(values.get("n_head", 1)), int(values.get("d_model", 1))
        if heads >= 1 and width % heads:
            lower, upper = width - width % heads, width + heads - width % heads
            issues.append(
                f"Width {width} is not divisible by {heads} heads: use {lower or upper} or {upper}, or change the heads."
            )
        elif values.get("positions") == "rotary" and heads and (width // heads) % 2:
            issues.append(
                f"Rotary positions need an even head size; {width} / {heads} = {width // heads}. Change the width or heads."
            )
    block = int(values.get("block_size", 1))
    if val_tokens is not None and block + 1 > val_tokens:
        issues.append(
            f"Block size {block} is larger than the validation split (about {val_tokens} tokens): "
            f"lower the block size or use a larger corpus."
        )
    try:
        cfg = ModelConfig(**{**values, "vocab_size": vocab_size})
    except ConfigError as exc:
        if not issues:
            from .messages import user_message

            issues.append(user_message(str(exc)))
        return ModelCheck(None, issues)
    except (TypeError, ValueError) as exc:
        return ModelCheck(None, issues + [f"model: {exc}"])
    notes = []
    if arch != "transformer" and cfg.block_size > 512:
        notes.append("Recurrent networks backpropagate through every step of the block: long blocks train slowly.")
    return ModelCheck(cfg, issues, notes)


def model_costs(cfg: ModelConfig, batch_size: int) -> dict[str, int]:
    """Parameters, memory (weights, gradients, optimizer, activations) and training FLOPs per token."""
    from ..core.models.stats import flops_per_token, memory_estimate, parameter_count

    memory = memory_estimate(cfg, batch_size=batch_size)
    return {
        "parameters": parameter_count(cfg),
        "flops_per_token": flops_per_token(cfg),
        **{f"memory_{k}": v for k, v in memory.items()},
    }


def human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


def human_number(n: float) -> str:
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            return f"{n / div:.2f}{suffix}"
    return f"{n:.0f}"


def measure_step_time(
    model_cfg: ModelConfig, train_cfg: TrainConfig, steps: int = 5, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Time full training steps (forward, backward, AdamW) on random tokens on the configured device."""
    import torch

    from ..core.devices import (
        autocast,
        default_threads,
        describe_device,
        make_adamw,
        resolve_device,
        resolve_precision,
    )
    from ..core.models import build_model

    device = resolve_device(train_cfg.device)
    dtype = resolve_precision(train_cfg.precision, device)
    threads_before = torch.get_num_threads()
    torch.set_num_threads(train_cfg.threads or default_threads(True))
    try:
        model = build_model(model_cfg).to(device).train()
        opt = make_adamw(model.parameters(), 1e-4, (0.9, 0.99), device)
        gen = torch.Generator().manual_seed(0)
        shape = (train_cfg.batch_size, model_cfg.block_size)
        x = torch.randint(0, model_cfg.vocab_size, shape, generator=gen).to(device)
        y = torch.randint(0, model_cfg.vocab_size, shape, generator=gen).to(device)

        def one_step() -> None:
            with autocast(device, dtype):
                _, loss = model(x, y)
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
            if device.type == "cuda":
                torch.cuda.synchronize()

        times = []
        total = steps + 2
        for i in range(total):
            if report(progress, i, total, "timing a training step") is False:
                break
            t0 = time.perf_counter()
            one_step()
            if i >= 2:  # the first steps allocate and warm caches
                times.append(time.perf_counter() - t0)
        report(progress, total, total, "done")
        if not times:
            times = [math.nan]
        times.sort()
        median = times[len(times) // 2]
        return {
            "seconds_per_step": median,
            "tokens_per_sec": shape[0] * shape[1] / median,
            "device": describe_device(device),
            "batch_size": shape[0],
            "block_size": shape[1],
        }
    finally:
        torch.set_num_threads(threads_before)
