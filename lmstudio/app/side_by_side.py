"""Side by side: one prompt, one set of sampling settings and one seed through several models.

The Playground's Compare page puts two checkpoints of the loaded run next to each other; for a talk the
same comparison is wanted across runs ("the LSTM and the Transformer on the same prompt") and along one
run ("how the writing evolved": every checkpoint in a column). Each entry is a ``(run_dir, checkpoint)``
pair; entries are loaded one at a time (only one model is in memory at once) and each is prompted through
its own tokenizer, so runs with different vocabularies compare fairly on the same text. With a fixed seed
every entry draws the same random numbers: the differences come from the weights alone.

Translation (encoder-decoder) runs are refused: they continue no prompt, they translate a source text,
and the Translate page compares their outputs. Local Hugging Face GPT-2 folders are accepted (their one
checkpoint is named ``hf``), as the Playground loads them.

Qt-free: the GUI runs :func:`generate_side_by_side` on a worker thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.config import SampleConfig
from ..core.errors import CheckpointError, ConfigError

Entry = tuple[str, str]  # (run folder, checkpoint name: "best", "last", "step-N", "hf" ...)


def _hf_folder(run_dir: Path) -> bool:
    from ..core.models.hf_import import is_hf_folder

    return is_hf_folder(run_dir)


def refuse_translation(run_dir: str | Path) -> None:
    """Raise a :class:`ConfigError` when ``run_dir`` holds a translation run (read from its config only:
    no weights are loaded); missing or foreign folders raise the loader's :class:`CheckpointError`."""
    from ..core.runs.checkpoint import read_run_config

    run_dir = Path(run_dir)
    if _hf_folder(run_dir):
        return
    config, _ = read_run_config(run_dir)
    if config.data.task == "translate":
        raise ConfigError(
            f"{run_dir}: a translation run (data.task = translate) has no prompt to continue; "
            "compare it on the Translate page, or choose a language-model run"
        )


def checkpoint_choices(run_dir: str | Path) -> list[tuple[str, str]]:
    """What a user can pick from a run: ``(label, name)``, "best" and "last" first, then each step oldest
    first (with its validation loss). Refuses translation runs and folders that are not runs."""
    from ..core.runs.checkpoint import list_checkpoints

    run_dir = Path(run_dir)
    refuse_translation(run_dir)
    if _hf_folder(run_dir):
        return [("hf (imported Hugging Face weights)", "hf")]
    found = list_checkpoints(run_dir)
    if not found:
        raise CheckpointError(f"{run_dir}: no checkpoint saved yet; train the run first or choose another run")
    items = [("best", "best"), ("last", "last")]
    for c in found:
        if c.name != "best":
            loss = f", val loss {c.val_loss:.3f}" if c.val_loss is not None else ""
            items.append((f"step {c.step}{loss}", c.name))
    return items


def every_checkpoint(run_dir: str | Path) -> list[Entry]:
    """Every checkpoint of one run, oldest step first, then ``best`` when it is distinct (its step is not one
    of the step checkpoints kept: the same step means the same weights, shown once)."""
    from ..core.runs.checkpoint import list_checkpoints

    run_dir = Path(run_dir)
    refuse_translation(run_dir)
    if _hf_folder(run_dir):
        return [(str(run_dir), "hf")]
    found = list_checkpoints(run_dir)  # oldest first, then best
    if not found:
        raise CheckpointError(f"{run_dir}: no checkpoint saved yet; train the run first or choose another run")
    steps = [c for c in found if c.name != "best"]
    entries = [(str(run_dir), c.name) for c in steps]
    best = next((c for c in found if c.name == "best"), None)
    if best is not None and best.step not in {c.step for c in steps}:
        entries.append((str(run_dir), "best"))
    return entries


def _load(run_dir: Path, name: str, device: str):
    if _hf_folder(run_dir):
        from ..core.export.hf_import import load_hf_folder

        return load_hf_folder(run_dir, device)
    from ..core.runs.folders import load_run

    return load_run(run_dir, name, device)


def generate_side_by_side(
    entries: Sequence[Entry],
    prompt: str,
    cfg: SampleConfig,
    device: str = "cpu",
    progress=None,
    beam_width: int = 0,
) -> list[dict[str, Any]]:
    """Generate from each ``(run_dir, checkpoint)`` entry with the same prompt, settings and seed (with
    ``beam_width`` > 0, each entry's best beam: beam search draws nothing at random).

    Returns one dict per entry, in order: ``run`` (the folder), ``name`` (the checkpoint), ``step``,
    ``tokens`` (token records, each with its probability), ``mean_logprob`` (nats per generated token),
    ``arch`` and ``parameters``. ``progress(done, total, message)`` returning False stops after the entry
    under way. A translation run among the entries is refused before any model is loaded.
    """
    from .playground import beams, stream_generation

    if not entries:
        raise ConfigError("side by side: no checkpoint chosen; choose at least one run and checkpoint")
    if beam_width <= 0 and cfg.seed is None:
        raise ConfigError("side by side: sampling needs a fixed seed (seed) so that every model draws alike")
    for run_dir, _ in entries:  # refuse before spending minutes on the entries before it
        refuse_translation(run_dir)
    import torch

    from ..core.inference.context import prompt_ids

    out: list[dict[str, Any]] = []
    for run_dir, name in entries:
        loaded = _load(Path(run_dir), name, device)
        context = prompt_ids(loaded.tokenizer, prompt)  # each run through its own tokenizer
        tokens: list[dict] = []
        stopped = False
        with torch.no_grad():
            if beam_width > 0:
                found = beams(loaded.model, loaded.tokenizer, context, beam_width, cfg.max_new_tokens, cfg.alternatives)
                tokens = found[0]["tokens"] if found else []
            else:
                done = stream_generation(loaded.model, loaded.tokenizer, context, cfg, tokens.extend, progress=progress)
                stopped = done["stopped"]
        out.append(
            {
                "run": str(run_dir),
                "name": name,
                "step": loaded.checkpoint.step,
                "tokens": tokens,
                "mean_logprob": sum(t["logprob"] for t in tokens) / max(1, len(tokens)),
                "arch": loaded.config.model.arch,
                "parameters": int(loaded.model.num_parameters()),
            }
        )
        del loaded  # one model in memory at a time
        message = f"generated with {Path(run_dir).name}/{name}"
        if stopped or (progress is not None and progress(len(out), len(entries), message) is False):
            break
    return out
