"""Compress a run: load a checkpoint, quantize or prune it (optionally fine-tune), save the result as a
new checkpoint of the run, and measure both models.

The new checkpoint is ``checkpoints/<name>/`` (see :mod:`.recipe` for what it holds). It is written
into a hidden folder beside it and renamed at the end, under the run's lock; an existing checkpoint of
that name is never replaced, and the run's trained checkpoints and index are never touched. The
"after" figures are measured on the model read back from the saved files, so they are the figures of
what the Playground, ``sample`` and ``eval`` will load.

Only language-model runs are compressed here (a translation run's encoder-decoder is refused with a
message).
"""

from __future__ import annotations

import copy
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetensors import SafetensorError
from safetensors.torch import save_file

from ..config import FORMAT_VERSION
from ..dataset.prepare import prepare_cached
from ..devices import resolve_device
from ..errors import Cancelled, CheckpointError, ConfigError
from ..locks import RUN_LOCK_FILE, describe_write_error, is_locked, lock_run_folder, remove_tree_quietly
from ..runs import checkpoint as ckpt
from ..runs.compressed import RECIPE_KEY, apply_recipe, quantized_tensors, read_recipe
from ..runs.folders import LoadedRun, build_run_model, load_run, run_tokenizer
from .measure import measure
from .prune import PRUNE_METHODS, Pruned, check_sparsity, finetune, prune_model
from .quantize import QUANTIZATIONS, check_quantization, quantize_model

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_RESERVED = re.compile(r"^(step-\d+|\d+|best|last|index\.json)$")


@dataclass
class CompressResult:
    run_dir: Path
    source: str  # the checkpoint compressed
    name: str  # the new checkpoint's name
    folder: Path
    recipe: dict[str, Any]
    before: dict[str, Any]
    after: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    finetune_losses: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": str(self.run_dir),
            "source_checkpoint": self.source,
            "checkpoint": self.name,
            "folder": str(self.folder),
            "recipe": self.recipe,
            "before": self.before,
            "after": self.after,
            "notes": self.notes,
            "finetune_losses": self.finetune_losses,
        }


def default_name(quantize: str | None, prune: str | None, sparsity: float | None, global_: bool, steps: int) -> str:
    if quantize:
        return quantize
    name = f"{prune}-{round((sparsity or 0) * 100)}"
    return name + ("-global" if global_ else "") + (f"-ft{steps}" if steps else "")


def check_name(run_dir: Path, name: str) -> Path:
    """The folder of a new compressed checkpoint ``name``; refused when taken or not a plain name."""
    if not _NAME.match(name) or _RESERVED.match(name):
        raise ConfigError(
            f"--out-name {name!r}: give a plain name of letters, digits, '-', '_' or '.' (at most 64), "
            "not step-N, N, best or last"
        )
    folder = ckpt.checkpoints_dir(run_dir) / name
    if folder.exists():
        raise CheckpointError(f"{folder}: already exists; choose another --out-name or delete that folder first")
    return folder


def compress_run(
    run_dir: Path,
    *,
    quantize: str | None = None,
    prune: str | None = None,
    sparsity: float | None = None,
    global_: bool = False,
    finetune_steps: int = 0,
    finetune_lr: float | None = None,
    checkpoint: str = "best",
    out_name: str | None = None,
    device: str = "cpu",
    prompt: str = "\n",
    new_tokens: int = 64,
    seed: int = 1234,
    max_tokens: int | None = 20_000,
    log: Callable[[str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CompressResult:
    """Compress checkpoint ``checkpoint`` of ``run_dir`` (see the module docstring).

    ``log(message)`` hears each stage; ``cancelled()`` is asked between stages (and fine-tune steps):
    when it says yes, :class:`Cancelled` is raised and nothing is written.
    """

    def say(message: str) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled("compression cancelled; nothing was written")
        if log is not None:
            log(message)

    run_dir = Path(run_dir)
    if (quantize is None) == (prune is None):
        raise ConfigError("compress: give either --quantize METHOD or --prune METHOD --sparsity S (one of them)")
    if quantize is not None:
        check_quantization(quantize)
        if finetune_steps:
            raise ConfigError("--finetune-steps: recovery fine-tuning follows pruning; leave it out with --quantize")
    else:
        if prune not in PRUNE_METHODS:
            raise ConfigError(f"--prune {prune}: unknown; choose one of {', '.join(PRUNE_METHODS)}")
        if sparsity is None:
            raise ConfigError(f"--prune {prune}: give --sparsity, the fraction to prune (such as 0.5)")
        check_sparsity(sparsity)
        if finetune_steps < 0:
            raise ConfigError(f"--finetune-steps {finetune_steps}: give 0 (no fine-tune) or more steps")
    config, _ = ckpt.read_run_config(run_dir)
    if config.data.task == "translate":
        raise ConfigError(
            f"{run_dir}: is a translation run (an encoder-decoder); compress works on language-model runs"
        )
    info = ckpt.resolve_checkpoint(run_dir, checkpoint)  # "no checkpoint saved yet; train the run first"
    busy = f"{run_dir}: being trained by another lmstudio process; compress it when training ends"
    if is_locked(run_dir / RUN_LOCK_FILE):
        raise CheckpointError(busy)
    name = out_name or default_name(quantize, prune, sparsity, global_, finetune_steps)
    folder = check_name(run_dir, name)

    say(f"loading {run_dir} ({info.name})")
    loaded = load_run(run_dir, info.name, "cpu" if quantize else device)
    prepared = prepare_cached(loaded.config, tokenizer=loaded.tokenizer)
    val = prepared.store.split("val") if prepared.store.count("val") > 1 else None
    figures = dict(
        val_ids=val,
        chars_per_token=prepared.chars_per_token("val"),
        block_size=loaded.config.model.block_size,
        prompt=prompt,
        new_tokens=new_tokens,
        seed=seed,
        max_tokens=max_tokens,
    )
    say("measuring the original")
    before = measure(loaded.model, loaded.tokenizer, weights_file=info.path / ckpt.WEIGHTS_FILE, **figures)

    losses: list[float] = []
    if quantize is not None:
        say(f"quantizing ({QUANTIZATIONS[quantize]})")
        q = quantize_model(loaded.model, quantize)
        recipe: dict[str, Any] = {"kind": "quantize", "method": quantize, "modules": q.modules}
        tensors = quantized_tensors(q.model, q.modules)
        notes = q.notes
        asked = resolve_device(device)
        if asked.type != "cpu":
            notes.append(f"measured on the CPU, both models (not {asked}): torch's int8 kernels run on the CPU only")
    else:
        say(f"pruning ({PRUNE_METHODS[prune]}), sparsity {sparsity}")
        model = copy.deepcopy(loaded.model)
        pruned: Pruned = prune_model(model, prune, sparsity, global_)
        notes = pruned.notes
        if finetune_steps:
            train = loaded.config.train
            lr = finetune_lr or train.min_lr or train.lr
            say(f"fine-tuning {finetune_steps} steps (lr {lr:g}), the pruned weights kept at zero")
            losses = finetune(
                model,
                pruned.masks,
                prepared.store.split("train"),
                steps=finetune_steps,
                block_size=loaded.config.model.block_size,
                batch_size=train.batch_size,
                lr=lr,
                seed=seed,
                cancelled=cancelled,
            )
            notes.append(
                f"fine-tuned {len(losses)} steps at lr {lr:g}: training loss {losses[0]:.4f} → {losses[-1]:.4f}"
            )
        recipe = {**pruned.recipe(), "finetune_steps": len(losses)}
        tensors = _untied(model.state_dict())
        notes.append("pruned weights are stored dense (zeros included): the file is as large as the original's")
    recipe["source_checkpoint"] = info.name

    say("saving")
    lock = lock_run_folder(run_dir, busy)
    work = folder.with_name(f".{name}.{secrets.token_hex(4)}.partial")
    try:
        if folder.exists():
            raise CheckpointError(f"{folder}: already exists; choose another --out-name or delete that folder first")
        target = work / ckpt.WEIGHTS_FILE
        try:
            work.mkdir(parents=True)
            save_file(tensors, str(target), metadata={"format": "pt", "lmstudio_compression": recipe["kind"]})
            meta = {"step": info.step, "val_loss": None, "format_version": FORMAT_VERSION, RECIPE_KEY: recipe}
            target = work / ckpt.META_FILE
            target.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        except (OSError, SafetensorError) as exc:
            raise CheckpointError(f"compressed checkpoint not saved: {describe_write_error(target, exc)}") from None
        say("reading the saved checkpoint back and measuring it")
        reloaded = apply_recipe(work, build_run_model(loaded.config))
        if not quantize:
            reloaded.to(next(loaded.model.parameters()).device)
        after = measure(reloaded.eval(), loaded.tokenizer, weights_file=work / ckpt.WEIGHTS_FILE, **figures)
        meta.update(val_loss=after["val_loss"], measured={"before": _plain(before), "after": _plain(after)})
        try:
            (work / ckpt.META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
            os.replace(work, folder)
        except OSError as exc:
            raise CheckpointError(f"compressed checkpoint not saved: {describe_write_error(folder, exc)}") from None
    finally:
        if work.exists():
            remove_tree_quietly(work)
        lock.release()
    return CompressResult(run_dir, info.name, name, folder, recipe, before, after, notes, losses)


def _untied(state: dict[str, Any]) -> dict[str, Any]:
    """CPU copies safetensors can store: a tied matrix (embedding and head) is written under both names."""
    out, seen = {}, set()
    for key, value in state.items():
        value = value.detach()
        ptr = value.data_ptr()
        out[key] = value.to("cpu", copy=True) if ptr in seen else value.to("cpu").contiguous()
        seen.add(ptr)
    return out


def _plain(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in figures.items() if k != "sample"}


def is_compressed(run_dir: Path, name: str) -> bool:
    folder = ckpt.checkpoints_dir(run_dir) / name
    return (folder / ckpt.META_FILE).is_file() and read_recipe(folder) is not None


def list_compressed(run_dir: Path) -> dict[str, dict[str, Any]]:
    """The compressed checkpoints of a run: name -> recipe."""
    out = {}
    root = ckpt.checkpoints_dir(run_dir)
    if not root.is_dir():
        return out
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.name.startswith(".") and (folder / ckpt.META_FILE).is_file():
            try:
                recipe = read_recipe(folder)
            except CheckpointError:
                continue
            if recipe is not None and (folder / ckpt.WEIGHTS_FILE).is_file():
                out[folder.name] = recipe
    return out


def load_compressed(run_dir: Path, name: str, device: str = "cpu") -> LoadedRun:
    """A compressed checkpoint of a run, ready for generation and evaluation (int8 ones on the CPU)."""
    import torch

    run_dir = Path(run_dir)
    config, facts = ckpt.read_run_config(run_dir)
    folder = ckpt.checkpoints_dir(run_dir) / name
    if not (folder / ckpt.META_FILE).is_file() or not (folder / ckpt.WEIGHTS_FILE).is_file():
        raise CheckpointError(
            f"{folder}: no compressed checkpoint {name!r}; available: {', '.join(list_compressed(run_dir)) or 'none'}"
        )
    recipe = read_recipe(folder)
    if recipe is None:
        raise CheckpointError(f"{folder}: not a compressed checkpoint; load it with load_run")
    tokenizer = run_tokenizer(run_dir, facts)
    meta = json.loads((folder / ckpt.META_FILE).read_text(encoding="utf-8"))
    model = apply_recipe(folder, build_run_model(config))
    target = torch.device("cpu") if recipe["kind"] == "quantize" else resolve_device(device)
    model.to(target).eval()
    val_loss = meta.get("val_loss")
    info = ckpt.CheckpointInfo(name, folder, int(meta.get("step", 0)), None if val_loss is None else float(val_loss))
    return LoadedRun(run_dir, config, model, tokenizer, info, facts)
