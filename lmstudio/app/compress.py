"""What the Compress tab computes, as plain functions (no Qt): a run's facts and compressed checkpoints, the
compression itself (:func:`lmstudio.core.compress.pipeline.compress_run`) with its stages reported as progress,
and the before/after figures as table rows.

Torch is imported inside the functions, which run on the GUI's worker threads (the window keeps torch off its
startup path). Only plain data comes back: numbers, strings, lists and dicts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (key, label, kind) in the order the method list shows them
METHODS = (
    ("int8", "Quantize: dynamic int8", "quantize"),
    ("int8-weight", "Quantize: weight-only int8", "quantize"),
    ("int4-weight", "Quantize: weight-only int4", "quantize"),
    ("l1", "Prune: L1 unstructured", "prune"),
    ("heads", "Prune: attention heads", "prune"),
    ("channels", "Prune: MLP channels", "prune"),
)
STRUCTURED = ("heads", "channels")
LOWER_IS_BETTER = {
    "size_bytes",
    "parameters",
    "nonzero",
    "val_loss",
    "perplexity",
    "bits_per_char",
    "peak_memory_bytes",
}
Progress = Callable[..., Any]


def method_kind(method: str) -> str:
    return next(kind for key, _label, kind in METHODS if key == method)


def method_reasons(arch: str | None) -> dict[str, str | None]:
    """Each method -> ``None`` when it can run on this platform for a run of ``arch``, else why not.

    Quantizations: what this torch offers (``available_quantizations``, a one-layer trial, not a guess).
    Heads and channels: a Transformer's (the core refuses them for the recurrent nets with the same reason).
    """
    from ..core.compress.quantize import available_quantizations

    out: dict[str, str | None] = dict(available_quantizations())
    for key in ("l1", *STRUCTURED):
        out[key] = None
    if arch is not None and arch != "transformer":
        for key in STRUCTURED:
            units = "attention heads" if key == "heads" else "MLP channels"
            out[key] = f"removes {units} of a Transformer; this run is {arch} (use L1 unstructured)"
    return out


def method_descriptions() -> dict[str, str]:
    """The core's one-line description of each method (the method list's tooltips)."""
    from ..core.compress.methods import PRUNE_METHODS, QUANTIZATIONS

    return {**QUANTIZATIONS, **PRUNE_METHODS}


def run_info(run_dir: str | Path, progress: Progress | None = None) -> dict[str, Any]:
    """What the tab shows of a run before compressing it: its architecture and task, the trained checkpoints
    (the ones that can be compressed), its compressed checkpoints with their stored figures, and which methods
    this platform runs. A folder that is not a run raises the core's :class:`CheckpointError`."""
    from ..core.compress.pipeline import list_compressed
    from ..core.runs import checkpoint as ckpt

    run_dir = Path(run_dir)
    config, _facts = ckpt.read_run_config(run_dir)
    arch = config.model.arch
    trained = [(c.name, c.step, c.val_loss) for c in ckpt.list_checkpoints(run_dir)]
    return {
        "run_dir": str(run_dir),
        "arch": arch,
        "task": config.data.task,
        "parameters_note": f"{arch}, {config.model.n_layer} layer(s), d_model {config.model.d_model}",
        "checkpoints": trained,
        "compressed": compressed_checkpoints(run_dir, list_compressed(run_dir)),
        "reasons": method_reasons(arch),
        "descriptions": method_descriptions(),
    }


def compressed_checkpoints(run_dir: Path, recipes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One plain row per compressed checkpoint: name, what was done, and the figures measured when it was made
    (``meta.json``'s ``measured``, as table rows; ``None`` when absent)."""
    import json

    from ..core.runs import checkpoint as ckpt

    rows = []
    for name, recipe in recipes.items():
        folder = ckpt.checkpoints_dir(run_dir) / name
        try:
            meta = json.loads((folder / ckpt.META_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            meta = {}
        measured = meta.get("measured") if isinstance(meta, dict) else None
        rows.append(
            {
                "name": name,
                "recipe": recipe,
                "what": describe_recipe(recipe),
                "source": recipe.get("source_checkpoint", "?"),
                "rows": table_rows(measured.get("before", {}), measured.get("after", {}))
                if isinstance(measured, dict)
                else None,
            }
        )
    return rows


def describe_recipe(recipe: dict[str, Any]) -> str:
    """A compressed checkpoint's recipe in words: "dynamic int8", "L1 unstructured, 50 % per layer, fine-tuned 20"."""
    if recipe.get("kind") == "quantize":
        return f"{'dynamic ' if recipe.get('method') == 'int8' else ''}{recipe.get('method')}"
    label = dict((k, label) for k, label, _ in METHODS).get(recipe.get("method", ""), str(recipe.get("method")))
    text = label.removeprefix("Prune: ")
    sparsity = recipe.get("sparsity")
    if isinstance(sparsity, (int, float)):
        text += f", {sparsity * 100:.0f} % {'global' if recipe.get('global') else 'per layer'}"
    achieved = recipe.get("achieved_sparsity")
    if isinstance(achieved, (int, float)):
        text += f" ({achieved * 100:.1f} % of the prunable weights zeroed)"
    if recipe.get("finetune_steps"):
        text += f", fine-tuned {recipe['finetune_steps']} steps"
    return text


def stages(method: str, finetune_steps: int) -> int:
    """How many stages ``compress_run`` reports for this method (its ``log`` calls)."""
    return 5 + (1 if method_kind(method) == "prune" and finetune_steps else 0)


def compress(
    run_dir: str | Path,
    method: str,
    *,
    sparsity: float | None = None,
    global_: bool = False,
    finetune_steps: int = 0,
    checkpoint: str = "best",
    out_name: str | None = None,
    device: str = "cpu",
    prompt: str = "\n",
    new_tokens: int = 64,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run :func:`compress_run` with ``method`` (a quantization or a pruning method); each stage is a progress
    report (``progress(done, total, message)``; returning ``False`` cancels: the core raises ``Cancelled`` and
    writes nothing). Returns the result as plain data, with the stage log and the table rows."""
    from ..core.compress.pipeline import compress_run

    total = stages(method, finetune_steps)
    lines: list[str] = []
    state = {"done": 0, "message": "starting"}

    def log(message: str) -> None:
        if lines:
            state["done"] = min(state["done"] + 1, total - 1)
        lines.append(message)
        state["message"] = message
        if progress is not None:
            progress(state["done"], total, message)

    def cancelled() -> bool:
        return progress is not None and progress(state["done"], total, state["message"]) is False

    quantize = method_kind(method) == "quantize"
    result = compress_run(
        Path(run_dir),
        quantize=method if quantize else None,
        prune=None if quantize else method,
        sparsity=None if quantize else sparsity,
        global_=False if quantize else global_,
        finetune_steps=0 if quantize else finetune_steps,
        checkpoint=checkpoint,
        out_name=out_name or None,
        device=device,
        prompt=prompt,
        new_tokens=new_tokens,
        log=log,
        cancelled=cancelled,
    )
    out = result.to_dict()
    out.update(
        log=lines,
        what=describe_recipe(result.recipe),
        rows=table_rows(result.before, result.after),
        before_sample=result.before.get("sample", ""),
        after_sample=result.after.get("sample", ""),
    )
    return out


# -- the before/after table ---------------------------------------------------------------------------------
def format_bytes(n: float | None) -> str:
    if n is None:
        return "n/a"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def format_figure(key: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if key in ("size_bytes", "peak_memory_bytes"):
        return format_bytes(value)
    if isinstance(value, int):
        return f"{value:,}"
    if key in ("val_loss", "bits_per_char"):
        return f"{value:.4f}"
    return f"{value:,.2f}" if key == "perplexity" else f"{value:,.1f}"


def change(key: str, before: Any, after: Any) -> tuple[str, bool | None]:
    """The change from ``before`` to ``after`` in percent, and whether it is for the better (``None``: no change
    or not comparable)."""
    numbers = all(isinstance(v, (int, float)) and math.isfinite(v) for v in (before, after))
    if not numbers or before == 0:
        return "", None
    if after == before:
        return "same", None
    pct = (after / before - 1) * 100
    better = (after < before) == (key in LOWER_IS_BETTER)
    return (f"{pct:+.2f} %" if abs(pct) < 1 else f"{pct:+.1f} %"), better


def table_rows(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per measured figure (``core.compress.measure.FIGURES``): label, both values as text, the change."""
    from ..core.compress.measure import FIGURES

    rows = []
    for key, label in FIGURES:
        b, a = before.get(key), after.get(key)
        text, better = change(key, b, a)
        rows.append(
            {
                "key": key,
                "label": label,
                "before": format_figure(key, b),
                "after": format_figure(key, a),
                "change": text,
                "better": better,
                "before_value": b,
                "after_value": a,
            }
        )
    return rows
