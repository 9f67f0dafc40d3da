"""Run folders: configs, tokenizer, safetensors weights and resumable training state.

Layout of a run folder::

    config.json                     every setting (WorkspaceConfig) + format version + vocabulary facts
    tokenizer/                      the tokenizer's own plain files
    metrics.csv, samples.jsonl      what training measured and wrote
    checkpoints/index.json          pointers: {"last": "step-N", "best": "step-M" or "best", ...}
    checkpoints/step-N/model.safetensors, training_state.pt, meta.json
    checkpoints/best/model.safetensors, meta.json   (best weights when they are not a step folder)

Every file is written atomically and the index last, so a crash mid-save leaves the previous checkpoint
in force. ``training_state.pt`` holds only tensors, numbers and strings and is read with
``torch.load(weights_only=True)`` and no fallback: a crafted pickle is refused without running anything.
"""

from __future__ import annotations

import json
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .config import FORMAT_VERSION, WorkspaceConfig
from .errors import CheckpointError, ConfigError
from .fileio import atomic_path, atomic_write_text

CONFIG_FILE = "config.json"
TOKENIZER_DIR = "tokenizer"
CHECKPOINTS_DIR = "checkpoints"
INDEX_FILE = "index.json"
WEIGHTS_FILE = "model.safetensors"
STATE_FILE = "training_state.pt"
META_FILE = "meta.json"
KEEP_LAST = 3  # step folders kept besides the best one; older ones are pruned


# ---------------------------------------------------------------- run config

def write_run_config(run_dir: Path, config: WorkspaceConfig, extra: dict[str, Any]) -> None:
    """Write ``config.json``: the workspace settings plus facts such as the tokenizer fingerprint."""
    values = config.to_dict()
    values["run"] = {"format_version": FORMAT_VERSION, **extra}
    atomic_write_text(Path(run_dir) / CONFIG_FILE, json.dumps(values, indent=2, ensure_ascii=False) + "\n")


def read_run_config(run_dir: Path) -> tuple[WorkspaceConfig, dict[str, Any]]:
    """Read ``config.json`` of a run folder: the workspace config and the run facts."""
    path = Path(run_dir) / CONFIG_FILE
    if not Path(run_dir).is_dir():
        raise CheckpointError(f"{run_dir}: no such run folder; give the folder that `lmstudio train --out` wrote")
    if not path.is_file():
        raise CheckpointError(f"{path}: missing; {run_dir} is not an lmstudio run folder")
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: unreadable or corrupt ({exc})") from None
    if not isinstance(values, dict) or "run" not in values:
        raise CheckpointError(f"{path}: not an lmstudio run config (no 'run' section)")
    run = values.pop("run")
    try:
        config = WorkspaceConfig.from_dict(values, str(path))
    except ConfigError as exc:
        raise CheckpointError(str(exc)) from None
    return config, run


# ---------------------------------------------------------------- checkpoints

@dataclass
class CheckpointInfo:
    name: str  # "step-N" or "best"
    path: Path
    step: int
    val_loss: float | None


def checkpoints_dir(run_dir: Path) -> Path:
    return Path(run_dir) / CHECKPOINTS_DIR


def read_index(run_dir: Path) -> dict[str, Any]:
    path = checkpoints_dir(run_dir) / INDEX_FILE
    if not path.is_file():
        return {}
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: corrupt checkpoint index ({exc}); delete it to fall back to the step folders") from None
    return index if isinstance(index, dict) else {}


def list_checkpoints(run_dir: Path) -> list[CheckpointInfo]:
    """Every complete checkpoint of a run (weights and meta present), oldest first, then ``best``."""
    found = []
    root = checkpoints_dir(run_dir)
    if not root.is_dir():
        return []
    for folder in sorted(root.iterdir()):
        meta_path = folder / META_FILE
        if not folder.is_dir() or not (folder / WEIGHTS_FILE).is_file() or not meta_path.is_file():
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        found.append(CheckpointInfo(folder.name, folder, int(meta.get("step", 0)), meta.get("val_loss")))
    found.sort(key=lambda c: (c.name == "best", c.step))
    return found


def resolve_checkpoint(run_dir: Path, which: str = "best") -> CheckpointInfo:
    """Find a checkpoint by ``best``, ``last`` or ``step-N`` (or ``N``)."""
    run_dir = Path(run_dir)
    index = read_index(run_dir)
    available = {c.name: c for c in list_checkpoints(run_dir)}
    if not available:
        raise CheckpointError(f"{checkpoints_dir(run_dir)}: no checkpoint saved yet; train the run first")
    name = which
    if which in ("best", "last"):
        name = index.get(which) or ("best" if which == "best" and "best" in available else None)
        if name is None:  # no index: newest step folder
            steps = [c for c in available.values() if c.name != "best"]
            name = max(steps, key=lambda c: c.step).name if steps else "best"
        if which == "best" and name not in available:
            name = index.get("last", name)
    elif which.isdigit():
        name = f"step-{int(which)}"
    if name not in available:
        raise CheckpointError(
            f"{run_dir}: no checkpoint {which!r}; available: {', '.join(sorted(available))}"
        )
    return available[name]


def save_checkpoint(
    run_dir: Path,
    step: int,
    weights: dict[str, torch.Tensor],
    training_state: dict[str, Any] | None,
    val_loss: float | None,
    best: bool = False,
    name: str | None = None,
) -> CheckpointInfo:
    """Write ``weights`` (a state dict, as safetensors), training state and meta into ``checkpoints/step-N``; update the index.

    ``best=True`` also points the index's ``best`` at it. ``name="best"`` writes best weights alone.
    """
    run_dir = Path(run_dir)
    name = name or f"step-{step}"
    folder = checkpoints_dir(run_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in weights.items()}
    tensors = _untie(tensors)
    with atomic_path(folder / WEIGHTS_FILE) as tmp:
        save_file(tensors, str(tmp), metadata={"format": "pt", "lmstudio_step": str(step)})
    if training_state is not None:
        with atomic_path(folder / STATE_FILE) as tmp:
            torch.save(training_state, tmp)
    meta = {"step": step, "val_loss": val_loss, "format_version": FORMAT_VERSION}
    atomic_write_text(folder / META_FILE, json.dumps(meta) + "\n")

    index = read_index(run_dir)
    if name != "best":
        index["last"] = name
    if best:
        index["best"] = name
        index["best_val_loss"] = val_loss
        index["best_step"] = step
    atomic_write_text(checkpoints_dir(run_dir) / INDEX_FILE, json.dumps(index, indent=2) + "\n")
    _prune(run_dir, index)
    return CheckpointInfo(name, folder, step, val_loss)


def _untie(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """safetensors refuses tensors that share memory (tied embeddings): store a copy of the repeats."""
    seen: dict[int, str] = {}
    out = {}
    for key, value in tensors.items():
        ptr = value.data_ptr()
        out[key] = value.clone() if ptr in seen and value.numel() else value
        seen.setdefault(ptr, key)
    return out


def _prune(run_dir: Path, index: dict[str, Any]) -> None:
    keep = {index.get("last"), index.get("best"), "best"}
    steps = [c for c in list_checkpoints(run_dir) if c.name.startswith("step-")]
    for ckpt in steps[:-KEEP_LAST]:
        if ckpt.name not in keep:
            shutil.rmtree(ckpt.path, ignore_errors=True)


def load_weights(path: Path, model: torch.nn.Module, device: torch.device | str = "cpu") -> None:
    """Load ``model.safetensors`` into ``model``, naming the file and what differs on mismatch."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: missing weights file")
    try:
        tensors = load_file(str(path), device=str(device))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path}: truncated or not a safetensors file ({exc})") from None
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    if missing or unexpected:
        raise CheckpointError(
            f"{path}: weights are for another architecture (missing {', '.join(missing[:4]) or 'none'}; "
            f"unexpected {', '.join(unexpected[:4]) or 'none'})"
        )
    for key, value in expected.items():
        if tuple(tensors[key].shape) != tuple(value.shape):
            raise CheckpointError(
                f"{path}: {key} has shape {tuple(tensors[key].shape)} but the model expects {tuple(value.shape)}"
                " (another vocabulary or model size); load it with the run's own config"
            )
    model.load_state_dict(tensors)


def load_training_state(path: Path) -> dict[str, Any]:
    """Read ``training_state.pt`` with ``weights_only=True``; never fall back to full unpickling."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: missing training state; this checkpoint holds weights only and cannot be resumed")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise CheckpointError(
            f"{path}: refused: it holds objects other than tensors and numbers, which could run code "
            f"({str(exc).splitlines()[0][:200]}); only use checkpoints you made yourself"
        ) from None
    except (RuntimeError, OSError, EOFError, ValueError, AttributeError) as exc:
        raise CheckpointError(f"{path}: truncated or corrupt training state ({exc})") from None
    if not isinstance(state, dict) or "step" not in state:
        raise CheckpointError(f"{path}: not an lmstudio training state (no step)")
    return state


def append_sample(run_dir: Path, step: int, text: str) -> None:
    """Append the evaluation sample of ``step`` to ``samples.jsonl`` (the Train tab's time-lapse)."""
    with open(Path(run_dir) / "samples.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"step": step, "text": text}, ensure_ascii=False) + "\n")


def read_samples(run_dir: Path) -> list[dict[str, Any]]:
    path = Path(run_dir) / "samples.jsonl"
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut by a crash
    return out


__all__ = [
    "CheckpointInfo", "append_sample", "list_checkpoints", "load_training_state",
    "load_weights", "read_index", "read_run_config", "read_samples", "resolve_checkpoint", "save_checkpoint",
    "write_run_config",
]
