"""Start, resume and load runs: the glue between prepared data, models, checkpoints and the trainer.

The CLI and the GUI's Train and Playground tabs go through these functions, so both build the same
run folder from the same config.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch

from . import checkpoint as ckpt
from .config import WorkspaceConfig
from .devices import resolve_device
from .errors import CheckpointError
from .models import build_model
from .pipeline import Prepared, prepare_cached
from .progress import ProgressCallback
from .tokenizer import Tokenizer, load_tokenizer
from .training import Trainer, TrainingControl


@dataclass
class LoadedRun:
    """A trained model ready for generation or evaluation."""

    run_dir: Path
    config: WorkspaceConfig
    model: torch.nn.Module
    tokenizer: Tokenizer
    checkpoint: ckpt.CheckpointInfo
    facts: dict[str, Any]


def check_new_run_dir(out_dir: Path) -> None:
    out_dir = Path(out_dir)
    if (out_dir / ckpt.CONFIG_FILE).exists():
        raise CheckpointError(f"{out_dir}: already holds a run; resume it with --resume {out_dir} or choose another --out")
    if out_dir.exists() and not out_dir.is_dir():
        raise CheckpointError(f"{out_dir}: exists and is not a folder; choose another --out")


def new_trainer(
    config: WorkspaceConfig,
    out_dir: Path,
    *,
    prepared: Prepared | None = None,
    control: TrainingControl | None = None,
    interactive: bool = False,
    progress: ProgressCallback | None = None,
) -> Trainer:
    """Prepare the data (cached), build the model from the seed, write the run folder, return a trainer."""
    out_dir = Path(out_dir)
    check_new_run_dir(out_dir)
    prepared = prepared or prepare_cached(config, progress=progress)
    config.model = replace(config.model, vocab_size=prepared.tokenizer.vocab_size)
    torch.manual_seed(config.train.seed)
    model = build_model(config.model)
    # the trainer checks the splits against the block size before anything is written
    trainer = Trainer(config, model, prepared.store, out_dir, tokenizer=prepared.tokenizer,
                      chars_per_token=prepared.chars_per_token("val"), control=control, interactive=interactive)
    out_dir.mkdir(parents=True, exist_ok=True)
    prepared.tokenizer.save(out_dir / ckpt.TOKENIZER_DIR)
    ckpt.write_run_config(out_dir, config, _facts(prepared, model))
    return trainer


def _facts(prepared: Prepared, model: torch.nn.Module) -> dict[str, Any]:
    return {
        "tokenizer_fingerprint": prepared.tokenizer.fingerprint(),
        "vocab_size": prepared.tokenizer.vocab_size,
        "parameters": sum(p.numel() for p in model.parameters()),
        "chars_per_token": {s: prepared.chars_per_token(s) for s in ("train", "val")},
    }


def resume_trainer(
    run_dir: Path,
    *,
    steps: int | None = None,
    control: TrainingControl | None = None,
    interactive: bool = False,
    progress: ProgressCallback | None = None,
) -> Trainer:
    """Continue a run from its last checkpoint, to its configured number of steps or to ``steps``."""
    run_dir = Path(run_dir)
    config, facts = ckpt.read_run_config(run_dir)
    tokenizer = _run_tokenizer(run_dir, facts)
    last = ckpt.resolve_checkpoint(run_dir, "last")
    state = ckpt.load_training_state(last.path / ckpt.STATE_FILE)
    if steps is not None:
        if steps <= int(state["step"]):
            raise CheckpointError(f"{run_dir}: already at step {state['step']}; give --steps above that to continue")
        config.train = replace(config.train, steps=steps)
        ckpt.write_run_config(run_dir, config, facts)
    elif int(state["step"]) >= config.train.steps:
        raise CheckpointError(f"{run_dir}: already finished its {config.train.steps} steps; give --steps N to continue further")
    prepared = prepare_cached(config, tokenizer=tokenizer, progress=progress)
    model = build_model(config.model)
    ckpt.load_weights(last.path / ckpt.WEIGHTS_FILE, model)
    return Trainer(config, model, prepared.store, run_dir, tokenizer=tokenizer,
                   chars_per_token=prepared.chars_per_token("val"), control=control, interactive=interactive, resume=state)


def _run_tokenizer(run_dir: Path, facts: dict[str, Any]) -> Tokenizer:
    tokenizer = load_tokenizer(run_dir / ckpt.TOKENIZER_DIR)
    expected = facts.get("tokenizer_fingerprint")
    if expected and tokenizer.fingerprint() != expected:
        raise CheckpointError(f"{run_dir / ckpt.TOKENIZER_DIR}: tokenizer files differ from the ones this run was trained with")
    return tokenizer


def load_run(run_dir: Path, which: str = "best", device: str | torch.device = "auto") -> LoadedRun:
    """Load a run's model (checkpoint ``best``, ``last`` or ``step-N``) and tokenizer for inference."""
    run_dir = Path(run_dir)
    config, facts = ckpt.read_run_config(run_dir)
    tokenizer = _run_tokenizer(run_dir, facts)
    if tokenizer.vocab_size != config.model.vocab_size:
        raise CheckpointError(
            f"{run_dir}: tokenizer has {tokenizer.vocab_size} pieces but the model expects {config.model.vocab_size}"
        )
    info = ckpt.resolve_checkpoint(run_dir, which)
    device = resolve_device(device) if isinstance(device, str) else device
    model = build_model(config.model)
    ckpt.load_weights(info.path / ckpt.WEIGHTS_FILE, model)
    model.to(device).eval()
    return LoadedRun(run_dir, config, model, tokenizer, info, facts)
