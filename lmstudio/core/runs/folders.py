"""Run folders on disk: what a run folder holds, checking a new one, cleaning one, loading a run.

A run folder holds ``config.json``, ``tokenizer/``, ``checkpoints/``, ``metrics.csv`` and
``samples.jsonl``. Starting and resuming training in one is :mod:`lmstudio.core.training.launch`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..config import WorkspaceConfig
from ..devices import resolve_device
from ..errors import CheckpointError
from ..locks import (
    RUN_LOCK_FILE,
    is_locked,
    is_temp_file,
    remove_temp_files,
    remove_tree_quietly,
)
from ..models import build_model
from ..tokenizers import Tokenizer, load_tokenizer
from . import checkpoint as ckpt
from . import compressed


@dataclass
class LoadedRun:
    """A trained model ready for generation or evaluation."""

    run_dir: Path
    config: WorkspaceConfig
    model: torch.nn.Module
    tokenizer: Tokenizer
    checkpoint: ckpt.CheckpointInfo
    facts: dict[str, Any]
    source_tokenizer: Tokenizer | None = None  # translation runs: the source side's (the same object when joint)

    @property
    def is_translation(self) -> bool:
        """An encoder-decoder run (``data.task = "translate"``)."""
        return self.config.data.task == "translate"


RUN_ENTRIES = frozenset(
    {
        ckpt.CONFIG_FILE,
        ckpt.TOKENIZER_DIR,
        ckpt.SOURCE_TOKENIZER_DIR,
        ckpt.CHECKPOINTS_DIR,
        "metrics.csv",
        ckpt.SAMPLES_FILE,
        ckpt.PROBES_FILE,
        "tags.json",  # the runs table's tags (app.runs_table)
        ckpt.VIEW_FILE,
        "tensorboard",
        RUN_LOCK_FILE,
    }
)


def _busy(run_dir: Path, new: bool) -> str:
    fix = "wait for it to finish or choose another --out" if new else "wait for it to finish, then resume"
    return f"{run_dir}: being trained by another lmstudio process; {fix}"


def _empty_run_advice(run_dir: Path) -> str:
    return (
        f"{run_dir}: holds a run that saved no checkpoint yet (it stopped before its first save); "
        f"start it again from step 0 with --resume {run_dir}, or replace it with --out {run_dir} --overwrite-empty-run"
    )


def has_checkpoint(run_dir: Path) -> bool:
    return bool(ckpt.list_checkpoints(run_dir))


def check_new_run_dir(out_dir: Path, *, overwrite_empty_run: bool = False, _locked_here: bool = False) -> None:
    """Refuse a folder a new run must not be written into: a file, a run (or one being trained), others' files."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise CheckpointError(f"{out_dir}: exists and is not a folder; choose another --out")
    if not out_dir.is_dir():
        return
    if not _locked_here and is_locked(out_dir / RUN_LOCK_FILE):
        raise CheckpointError(_busy(out_dir, new=True))
    if (out_dir / ckpt.CONFIG_FILE).exists():
        if has_checkpoint(out_dir):
            raise CheckpointError(
                f"{out_dir}: already holds a run; resume it with --resume {out_dir} or choose another --out"
            )
        if not overwrite_empty_run:
            raise CheckpointError(_empty_run_advice(out_dir))
    try:
        foreign = sorted(p.name for p in out_dir.iterdir() if p.name not in RUN_ENTRIES and not is_temp_file(p.name))
    except OSError as exc:
        raise CheckpointError(f"{out_dir}: cannot be read ({exc.strerror or exc}); choose another --out") from None
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise CheckpointError(
            f"{out_dir}: holds files that are not part of an lmstudio run ({shown}); "
            "choose a new or empty folder for --out"
        )


def _remove_empty_run(run_dir: Path) -> None:
    """Delete what a run that saved no checkpoint wrote (only the names a run writes), keeping the lock."""
    for name in sorted(RUN_ENTRIES - {RUN_LOCK_FILE}):
        path = run_dir / name
        if path.is_dir() and not path.is_symlink():
            remove_tree_quietly(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    remove_temp_files(run_dir)


def clean_run_folder(run_dir: Path) -> None:
    """Remove what a killed process left in a run folder: its temporary files and cut-short step folders.

    Call only while holding the run's lock: then no live process is writing them.
    """
    remove_temp_files(run_dir)
    if (run_dir / ckpt.TOKENIZER_DIR).is_dir():
        remove_temp_files(run_dir / ckpt.TOKENIZER_DIR)
    ckpt.remove_incomplete_checkpoints(run_dir)


def run_tokenizer(run_dir: Path, facts: dict[str, Any]) -> Tokenizer:
    tokenizer = load_tokenizer(run_dir / ckpt.TOKENIZER_DIR)
    expected = facts.get("tokenizer_fingerprint")
    if expected and tokenizer.fingerprint() != expected:
        raise CheckpointError(
            f"{run_dir / ckpt.TOKENIZER_DIR}: tokenizer files differ from the ones this run was trained with"
        )
    return tokenizer


def run_source_tokenizer(run_dir: Path, facts: dict[str, Any], target: Tokenizer) -> Tokenizer:
    """A translation run's source tokenizer: ``target`` itself when the run has one joint tokenizer."""
    if not facts.get("source_tokenizer_fingerprint"):
        return target
    path = run_dir / ckpt.SOURCE_TOKENIZER_DIR
    tokenizer = load_tokenizer(path)
    if tokenizer.fingerprint() != facts["source_tokenizer_fingerprint"]:
        raise CheckpointError(f"{path}: tokenizer files differ from the ones this run was trained with")
    return tokenizer


def build_run_model(config: WorkspaceConfig) -> torch.nn.Module:
    """A freshly initialized model of a run's config: a language model, or the encoder-decoder of a translation."""
    if config.data.task == "translate":
        from ..models import build_seq2seq

        return build_seq2seq(config.model)
    return build_model(config.model)


def load_run(run_dir: Path, which: str = "best", device: str | torch.device = "auto") -> LoadedRun:
    """Load a run's model (checkpoint ``best``, ``last`` or ``step-N``) and tokenizer for inference."""
    run_dir = Path(run_dir)
    config, facts = ckpt.read_run_config(run_dir)
    tokenizer = run_tokenizer(run_dir, facts)
    if tokenizer.vocab_size != config.model.vocab_size:
        raise CheckpointError(
            f"{run_dir}: tokenizer has {tokenizer.vocab_size} pieces but the model expects {config.model.vocab_size}"
        )
    source_tokenizer = run_source_tokenizer(run_dir, facts, tokenizer) if config.data.task == "translate" else None
    info = ckpt.resolve_checkpoint(run_dir, which)
    device = resolve_device(device) if isinstance(device, str) else device
    recipe = compressed.read_recipe(info.path)
    if recipe is not None and recipe["kind"] == "quantize":
        device = torch.device("cpu")  # torch's dynamic int8 kernels run on the CPU only
    model = compressed.apply_recipe(info.path, build_run_model(config))  # a trained checkpoint: load_weights
    model.to(device).eval()
    return LoadedRun(run_dir, config, model, tokenizer, info, facts, source_tokenizer)
