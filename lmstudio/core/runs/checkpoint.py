"""Run folders: configs, tokenizer, safetensors weights and resumable training state.

Layout of a run folder::

    config.json                     every setting (WorkspaceConfig) + format version + vocabulary facts
    tokenizer/                      the tokenizer's own plain files
    metrics.csv, samples.jsonl      what training measured and wrote
    checkpoints/index.json          pointers: {"last": "step-N", "best": "step-M" or "best", ...}
    checkpoints/step-N/model.safetensors, training_state.pt, meta.json
    checkpoints/best/model.safetensors, meta.json   (best weights when they are not a step folder)

Every file is written atomically and the index last, so a crash mid-save leaves the previous checkpoint
in force; a failed save (disk full) removes the step folder it made and says which file and what to do.
Only complete checkpoints (weights and a valid meta) are listed or loaded; the leftovers of a killed
save are removed by the next process that owns the run (``runs``, under the run folder's lock).
``training_state.pt`` holds only tensors, numbers and strings and is read with
``torch.load(weights_only=True)`` and no fallback: a crafted pickle is refused without running anything.
"""

from __future__ import annotations

import json
import pickle
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from ..config import FORMAT_VERSION, WorkspaceConfig
from ..errors import CheckpointError, ConfigError
from ..fileio import atomic_path, atomic_write_text
from ..locks import describe_write_error, remove_temp_files, remove_tree_quietly

CONFIG_FILE = "config.json"
TOKENIZER_DIR = "tokenizer"
SOURCE_TOKENIZER_DIR = "source_tokenizer"  # translation runs with one tokenizer per side: the source's
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
    path = Path(run_dir) / CONFIG_FILE
    try:
        atomic_write_text(path, json.dumps(values, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise CheckpointError(describe_write_error(path, exc)) from None


def read_run_config(run_dir: Path) -> tuple[WorkspaceConfig, dict[str, Any]]:
    """Read ``config.json`` of a run folder: the workspace config and the run facts."""
    path = Path(run_dir) / CONFIG_FILE
    if Path(run_dir).exists() and not Path(run_dir).is_dir():
        raise CheckpointError(
            f"{run_dir}: is a file, not a run folder; give the folder that `lmstudio train --out` wrote"
        )
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
    if not isinstance(run, dict):
        raise CheckpointError(f"{path}: 'run' must be a JSON object, not {_json_type(run)}; the file is damaged")
    try:
        config = WorkspaceConfig.from_dict(values, str(path))
    except ConfigError as exc:
        message = str(exc)
        raise CheckpointError(message if str(path) in message else f"{path}: {message}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise CheckpointError(f"{path}: a setting has the wrong type ({exc}); fix or restore the file") from None
    return config, run


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(
        type(value), "a number"
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------- checkpoints


@dataclass
class CheckpointInfo:
    name: str  # "step-N" or "best"
    path: Path
    step: int
    val_loss: float | None


_CHECKPOINT_NAME = re.compile(r"^(step-\d+|best)$")
_CHECKPOINT_FILES = {WEIGHTS_FILE, STATE_FILE, META_FILE}
_COMPRESSED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")  # checkpoints/<name>/ of `lmstudio compress`


def checkpoints_dir(run_dir: Path) -> Path:
    return Path(run_dir) / CHECKPOINTS_DIR


def read_index(run_dir: Path) -> dict[str, Any]:
    """``checkpoints/index.json``, checked: ``last``/``best`` name checkpoints, the numbers are numbers."""
    path = checkpoints_dir(run_dir) / INDEX_FILE
    if not path.is_file():
        return {}
    fix = "delete it to fall back to the step folders"
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: corrupt checkpoint index ({exc}); {fix}") from None
    if not isinstance(index, dict):
        raise CheckpointError(
            f"{path}: corrupt checkpoint index (a JSON object expected, found {_json_type(index)}); {fix}"
        )
    for key in ("last", "best"):
        value = index.get(key)
        if value is not None and not (isinstance(value, str) and _CHECKPOINT_NAME.match(value)):
            raise CheckpointError(
                f"{path}: corrupt checkpoint index ({key!r} is {json.dumps(value)}, "
                f'not a checkpoint name like "step-100"); {fix}'
            )
    for key, ok in (("best_step", _is_int), ("best_val_loss", _is_number)):
        value = index.get(key)
        if value is not None and not ok(value):
            raise CheckpointError(
                f"{path}: corrupt checkpoint index ({key!r} is {json.dumps(value)}, not a number); {fix}"
            )
    return index


def _read_meta(folder: Path) -> tuple[CheckpointInfo | None, str]:
    """The checkpoint in ``folder``, or ``None`` and why it is not a complete one."""
    meta_path = folder / META_FILE
    if not (folder / WEIGHTS_FILE).is_file():
        return None, f"{WEIGHTS_FILE} is missing"
    if not meta_path.is_file():
        return None, f"{META_FILE} is missing"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"{META_FILE} is corrupt ({exc})"
    if not isinstance(meta, dict):
        return None, f"{META_FILE} holds {_json_type(meta)}, not a JSON object"
    step, val_loss = meta.get("step", 0), meta.get("val_loss")
    if not _is_int(step) or step < 0:
        return None, f"{META_FILE}: 'step' is {json.dumps(step)}, not a whole number"
    if val_loss is not None and not _is_number(val_loss):
        return None, f"{META_FILE}: 'val_loss' is {json.dumps(val_loss)}, not a number"
    return CheckpointInfo(folder.name, folder, step, None if val_loss is None else float(val_loss)), ""


def _checkpoint_folders(run_dir: Path) -> list[Path]:
    root = checkpoints_dir(run_dir)
    try:
        return [p for p in sorted(root.iterdir()) if _CHECKPOINT_NAME.match(p.name) and p.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise CheckpointError(f"{root}: cannot be read ({exc.strerror or exc})") from None


def list_checkpoints(run_dir: Path) -> list[CheckpointInfo]:
    """Every complete checkpoint of a run (weights and a valid meta present), oldest first, then ``best``."""
    found = [info for info, _ in map(_read_meta, _checkpoint_folders(run_dir)) if info is not None]
    found.sort(key=lambda c: (c.name == "best", c.step))
    return found


def incomplete_checkpoints(run_dir: Path) -> dict[str, str]:
    """Checkpoint folders that are not complete (a save cut short, a damaged meta): name -> why."""
    out = {}
    for folder in _checkpoint_folders(run_dir):
        info, why = _read_meta(folder)
        if info is None:
            out[folder.name] = why
    return out


def remove_incomplete_checkpoints(run_dir: Path) -> list[Path]:
    """Delete step folders left by a save that was cut short (kill -9, power loss).

    Only while owning the run (its lock), only folders the index does not point at, and only when they
    hold nothing but the files a save writes.
    """
    try:
        index = read_index(run_dir)
    except CheckpointError:
        return []
    removed = []
    for folder in _checkpoint_folders(run_dir):
        remove_temp_files(folder)
        info, _ = _read_meta(folder)
        if info is not None or folder.name in (index.get("last"), index.get("best")):
            continue
        try:
            names = {p.name for p in folder.iterdir()}
        except OSError:
            continue
        if names <= _CHECKPOINT_FILES:
            remove_tree_quietly(folder)
            removed.append(folder)
    remove_temp_files(checkpoints_dir(run_dir))
    return removed


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
    if name not in available and _COMPRESSED_NAME.match(which) and not _CHECKPOINT_NAME.match(which):
        info, _ = _read_meta(checkpoints_dir(run_dir) / which)  # a compressed checkpoint (lmstudio compress)
        if info is not None:
            return info
    if name not in available:
        broken = incomplete_checkpoints(run_dir)
        pointed = f" ({which!r} points at {name})" if name != which else ""
        why = f"; {name} is incomplete: {broken[name]}" if name in broken else ""
        raise CheckpointError(
            f"{run_dir}: no checkpoint {which!r}{pointed}{why}; available: {', '.join(sorted(available))}"
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
    """Write ``weights`` (a state dict, as safetensors), training state and meta into ``checkpoints/step-N``;
    update the index.

    ``best=True`` also points the index's ``best`` at it. ``name="best"`` writes best weights alone.
    A failed write (disk full, permissions) raises :class:`CheckpointError` naming the file; a folder
    this save created is removed and the index is left as it was, so the previous checkpoint stays in force.
    """
    run_dir = Path(run_dir)
    name = name or f"step-{step}"
    folder = checkpoints_dir(run_dir) / name
    index = read_index(run_dir)
    previous = index.get("last")
    created = not folder.exists()
    target = folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tensors = {k: v.detach().to("cpu").contiguous() for k, v in weights.items()}
        tensors = _untie(tensors)
        target = folder / WEIGHTS_FILE
        with atomic_path(target) as tmp:
            save_file(tensors, str(tmp), metadata={"format": "pt", "lmstudio_step": str(step)})
        if training_state is not None:
            target = folder / STATE_FILE
            with atomic_path(target) as tmp:
                torch.save(training_state, tmp)
        elif (folder / STATE_FILE).exists():  # never leave another save's state beside these weights
            target = folder / STATE_FILE
            target.unlink()
        target = folder / META_FILE
        meta = {"step": step, "val_loss": val_loss, "format_version": FORMAT_VERSION}
        atomic_write_text(target, json.dumps(meta) + "\n")
        if name != "best":
            index["last"] = name
        if best:
            index["best"] = name
            index["best_val_loss"] = val_loss
            index["best_step"] = step
        target = checkpoints_dir(run_dir) / INDEX_FILE
        atomic_write_text(target, json.dumps(index, indent=2) + "\n")
    except BaseException as exc:
        if created:  # no empty or half-written step folder is left behind
            remove_tree_quietly(folder)
        if not isinstance(exc, (OSError, SafetensorError)) and not (
            isinstance(exc, RuntimeError) and _is_write_failure(exc)
        ):
            raise
        kept = f"; the previous checkpoint ({previous}) is kept" if previous and previous != name else ""
        raise CheckpointError(
            f"checkpoint at step {step} not saved: {describe_write_error(target, exc)}{kept}"
        ) from None
    _prune(run_dir, index)
    return CheckpointInfo(name, folder, step, val_loss)


def _is_write_failure(exc: RuntimeError) -> bool:
    """torch.save reports a failed write (disk full) as a RuntimeError from its zip writer."""
    text = str(exc)
    return "PytorchStreamWriter" in text or "file write failed" in text or "No space left" in text


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
    except (SafetensorError, OSError, ValueError, RuntimeError, TypeError) as exc:
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
    for key, value in tensors.items():
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            earlier = _earlier_checkpoints(path)
            raise CheckpointError(
                f"{path}: holds non-finite weights (NaN/inf, first in {key}) — the run diverged before this save; "
                f"load an earlier checkpoint: {earlier or 'none is left; train again with a lower learning rate'}"
            )
    try:
        model.load_state_dict(tensors)
    except (RuntimeError, ValueError) as exc:
        raise CheckpointError(f"{path}: weights do not fit this model ({str(exc).splitlines()[0][:200]})") from None


def _earlier_checkpoints(weights_path: Path) -> str:
    """The other complete checkpoints of the run a weights file belongs to (for advice), or ''."""
    folder = weights_path.parent
    if folder.parent.name != CHECKPOINTS_DIR:
        return ""
    try:
        others = [c.name for c in list_checkpoints(folder.parent.parent) if c.name != folder.name]
    except CheckpointError:
        return ""
    return ", ".join(others)


def load_training_state(path: Path) -> dict[str, Any]:
    """Read ``training_state.pt`` with ``weights_only=True``; never fall back to full unpickling."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            f"{path}: missing training state; this checkpoint holds weights only and cannot be resumed"
        )
    corrupt = "corrupt or truncated training state"
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        text = str(exc)
        if "Unsupported global" in text or "not an allowed global" in text:
            detail = next(
                (line.strip() for line in text.splitlines() if "Unsupported global" in line), text.splitlines()[0]
            )
            raise CheckpointError(
                f"{path}: refused: it holds objects other than tensors and numbers, which could run code "
                f"({detail[:200]}); only use checkpoints you made yourself"
            ) from None
        raise CheckpointError(
            f"{path}: {corrupt} (not a file torch.save wrote); resume from another checkpoint"
        ) from None
    except (
        RuntimeError,
        OSError,
        EOFError,
        ValueError,
        AttributeError,
        TypeError,
        IndexError,
        KeyError,
        MemoryError,
        OverflowError,
    ) as exc:
        reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise CheckpointError(f"{path}: {corrupt} ({reason}); resume from another checkpoint") from None
    if not isinstance(state, dict) or "step" not in state:
        raise CheckpointError(f"{path}: not an lmstudio training state (no step)")
    for key, ok in (("step", _is_int), ("tokens", _is_int), ("elapsed", _is_number)):
        if key in state and not ok(state[key]):
            raise CheckpointError(f"{path}: not an lmstudio training state ({key!r} is {state[key]!r}, not a number)")
    if state["step"] < 0:
        raise CheckpointError(f"{path}: not an lmstudio training state (step {state['step']})")
    return state


SAMPLES_FILE = "samples.jsonl"


def append_sample(run_dir: Path, step: int, text: str, memorization: dict | None = None) -> None:
    """Append the evaluation sample of ``step`` to ``samples.jsonl`` (the Train tab's time-lapse), with where it
    repeats the training text when that was checked."""
    path = Path(run_dir) / SAMPLES_FILE
    row: dict[str, Any] = {"step": step, "text": text}
    if memorization is not None:
        row["memorization"] = memorization
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise CheckpointError(describe_write_error(path, exc)) from None


def read_samples(run_dir: Path) -> list[dict[str, Any]]:
    path = Path(run_dir) / SAMPLES_FILE
    if not path.is_file():
        return []
    out = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    for line in text.splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a crash
        if isinstance(row, dict) and _is_int(row.get("step")) and isinstance(row.get("text"), str):
            out.append(row)
    return out


def truncate_samples(run_dir: Path, after_step: int) -> None:
    """Keep only the samples and probes up to ``after_step`` (a resume from there writes the later ones again).

    ``after_step == 0`` keeps none: training from step 0 writes the step-0 sample again.
    """
    for name, read in ((SAMPLES_FILE, read_samples), (PROBES_FILE, read_probes)):
        path = Path(run_dir) / name
        if not path.is_file():
            continue
        keep = [] if after_step <= 0 else [row for row in read(run_dir) if row["step"] <= after_step]
        try:
            atomic_write_text(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in keep))
        except OSError as exc:
            raise CheckpointError(describe_write_error(path, exc)) from None


PROBES_FILE = "probes.jsonl"
VIEW_FILE = "playground.json"  # how the Playground last looked at this run (the heads and layers switched off)
PROBE_KEYS = {"tokens": list, "probs": list, "prompt": str, "top_tokens": list, "top_probs": list}


def read_view(run_dir: Path) -> dict[str, Any]:
    """The Playground's saved view of a run ({} when none, or unreadable: a view is a convenience, not data)."""
    try:
        doc = json.loads((Path(run_dir) / VIEW_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def write_view(run_dir: Path, view: dict[str, Any]) -> None:
    """Save the Playground's view of a run (atomically); CheckpointError naming the file when it cannot."""
    path = Path(run_dir) / VIEW_FILE
    try:
        atomic_write_text(path, json.dumps(view, indent=1) + "\n")
    except OSError as exc:
        raise CheckpointError(describe_write_error(path, exc)) from None


def append_probe(run_dir: Path, record: dict[str, Any]) -> None:
    """Append one evaluation's probes (a :class:`~lmstudio.core.training.events.ProbeEvent` as a dict) to
    ``probes.jsonl``: what the Train tab's scrubber and a replay of the run show."""
    path = Path(run_dir) / PROBES_FILE
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise CheckpointError(describe_write_error(path, exc)) from None


def read_probes(run_dir: Path) -> list[dict[str, Any]]:
    """The probes of every evaluation of a run, in order; lines cut by a crash or of another shape are skipped."""
    path = Path(run_dir) / PROBES_FILE
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if (
            isinstance(row, dict)
            and _is_int(row.get("step"))
            and all(isinstance(row.get(k), t) for k, t in PROBE_KEYS.items())
            and len(row["tokens"]) == len(row["probs"])
            and len(row["top_tokens"]) == len(row["top_probs"])
        ):
            out.append(row)
    return out


__all__ = [
    "CheckpointInfo",
    "append_probe",
    "append_sample",
    "incomplete_checkpoints",
    "list_checkpoints",
    "load_training_state",
    "load_weights",
    "read_probes",
    "read_index",
    "read_run_config",
    "read_samples",
    "remove_incomplete_checkpoints",
    "resolve_checkpoint",
    "save_checkpoint",
    "truncate_samples",
    "write_run_config",
]
