"""Experiments, Qt-free for the CLI and the window: sweeps at equal budgets, the ready-made duels, and how far
back a trained run uses its context.

Torch loads when a sweep starts training or a run is loaded, not with this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .duels import architecture_duel, data_scale, data_scale_knee, tokenizer_tournament
from .sweep import (
    PlannedRun,
    SweepEvent,
    SweepSpec,
    load_sweep,
    make_spec,
    plan,
    run_sweep,
    save_sweep,
    sweep_results,
)

LONG_RANGE_DISTANCE = 100  # tokens between the two copies of the span, where the window allows
LONG_RANGE_SPAN = 16
MAX_TEXT_TOKENS = 1_000_000  # of the validation text the long-range test draws from


def context_use(
    run_dir: str | Path,
    *,
    distance: int | None = None,
    span: int | None = None,
    trials: int = 32,
    batches: int = 8,
    checkpoint: str = "best",
    device: str = "auto",
    seed: int = 0,
) -> dict[str, Any]:
    """Validation loss by position in the window and the long-range test of a language-model run (see
    :mod:`lmstudio.core.inference.context_use`): {"run", "checkpoint", "step", "arch", "block_size",
    "position_losses": [nats per position], "long_range": {...}}. ``distance`` and ``span`` default to 100 and
    16 tokens, shortened to fit a smaller window; given, they must fit (a clear error says what does)."""
    from ...core.dataset.prepare import prepare_cached
    from ...core.errors import ConfigError, DataError
    from ...core.inference.context_use import long_range_test, position_losses
    from ...core.runs.folders import load_run

    loaded = load_run(Path(run_dir), checkpoint, device)
    if loaded.is_translation:
        raise ConfigError(f"{run_dir}: a translation run; context use is measured on language models (data.task lm)")
    block = loaded.config.model.block_size
    if span is None:
        span = max(2, min(LONG_RANGE_SPAN, block // 8)) if distance is None else LONG_RANGE_SPAN
    if distance is None:
        distance = min(LONG_RANGE_DISTANCE, block - 2 * span)
        if distance < 1:
            raise ConfigError(f"{run_dir}: a window of {block} tokens is too short for the long-range test")
    prepared = prepare_cached(loaded.config, tokenizer=loaded.tokenizer)
    if prepared.store.count("val") <= block:
        raise DataError(
            f"{run_dir}: its validation split holds {prepared.store.count('val'):,} tokens, fewer than a window; "
            "use a larger validation share (data.split_fractions)"
        )
    val_ids = prepared.store.split("val")
    model_device = next(loaded.model.parameters()).device
    losses = position_losses(loaded.model, val_ids, block, batches, model_device)
    text = loaded.tokenizer.decode(val_ids[:MAX_TEXT_TOKENS].tolist())
    long_range = long_range_test(loaded.model, loaded.tokenizer, text, distance, span, trials, seed)
    return {
        "run": str(run_dir),
        "checkpoint": loaded.checkpoint.name,
        "step": loaded.checkpoint.step,
        "arch": loaded.config.model.arch,
        "block_size": block,
        "position_losses": [float(v) for v in losses],
        "long_range": long_range,
    }


__all__ = [
    "PlannedRun",
    "SweepEvent",
    "SweepSpec",
    "architecture_duel",
    "context_use",
    "data_scale",
    "data_scale_knee",
    "load_sweep",
    "make_spec",
    "plan",
    "run_sweep",
    "save_sweep",
    "sweep_results",
    "tokenizer_tournament",
]
