"""The model card (README.md) of an exported folder: what the model is, what it was trained on and how,
what it measured, the command that trains it again, and how to load it."""

from __future__ import annotations

import math
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from ..config import WorkspaceConfig, default_of, value_text
from ..runs.folders import LoadedRun
from ..training.metrics_log import read_metrics_rows

CONFIG_COPY = "lmstudio_config.json"  # the run's settings, beside the card: `lmstudio train --config` reads it
_SECTIONS = ("data", "tokenizer", "model", "train")
_DERIVED = frozenset({"model.vocab_size", "model.source_vocab_size"})  # set from the tokenizer, not chosen


def _float(text: Any) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def training_summary(run_dir: Path) -> dict[str, Any]:
    """What ``metrics.csv`` says: best validation loss (and its step, perplexity, bits per character),
    the last step and tokens seen, the last training loss. Keys are absent when the file lacks them."""
    path = Path(run_dir) / "metrics.csv"
    if not path.is_file():
        return {}
    rows = read_metrics_rows(path)
    out: dict[str, Any] = {}
    evaluated = [r for r in rows if _float(r.get("val_loss")) is not None]
    if evaluated:
        best = min(evaluated, key=lambda r: _float(r["val_loss"]))
        loss = _float(best["val_loss"])
        out["best_val_loss"] = loss
        out["best_val_step"] = int(_float(best.get("step")) or 0)
        out["best_val_perplexity"] = _float(best.get("val_perplexity")) or (math.exp(loss) if loss < 700 else None)
        bpc = _float(best.get("bits_per_char"))
        if bpc is not None:
            out["best_bits_per_char"] = bpc
    if rows:
        last = rows[-1]
        for key, name in (("step", "last_step"), ("tokens", "tokens_seen"), ("elapsed", "train_seconds")):
            value = _float(last.get(key))
            if value is not None:
                out[name] = int(value) if key != "elapsed" else value
        losses = [_float(r.get("train_loss")) for r in rows if _float(r.get("train_loss")) is not None]
        if losses:
            out["last_train_loss"] = losses[-1]
    return out


def _changed(config: WorkspaceConfig) -> list[tuple[str, str]]:
    """(setting, value) of every setting that differs from its default, section by section."""
    out = []
    for section in _SECTIONS:
        obj = getattr(config, section)
        for f in fields(obj):
            value = getattr(obj, f.name)
            if f.name == "cleaning":
                for g in fields(value):
                    v = getattr(value, g.name)
                    if v != default_of(g):
                        out.append((f"data.cleaning.{g.name}", value_text(v)))
                continue
            if value != default_of(f) and f"{section}.{f.name}" not in _DERIVED:
                out.append((f"{section}.{f.name}", value_text(value)))
    return out


def _number(value: Any, digits: int = 4) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}g}"


def _cell(text: str) -> str:
    """A value as a markdown table cell: pipes escaped, newlines shown as \\n."""
    return text.replace("|", "\\|").replace("\n", "\\n")


def _corpus(config: WorkspaceConfig) -> str:
    data = config.data
    if data.toy_task:
        return f"generated pairs of the toy task {data.toy_task!r} ({data.toy_pairs:,} pairs)"
    if not data.corpus:
        return "Tiny Shakespeare (bundled with lmstudio: about 1 MB of Shakespeare's plays)"
    name = Path(data.corpus).name
    target = f" with target file `{Path(data.target).name}`" if data.target else ""
    return f"`{name}`{target} (read as {data.format})"


def model_card(loaded: LoadedRun, facts: dict[str, Any]) -> str:
    """README.md of an export; ``facts`` from the export (layout, checks) and :func:`training_summary`."""
    config = loaded.config
    m, t, tr = config.model, config.tokenizer, config.train
    name = loaded.run_dir.name
    architecture = facts["architecture"]
    layout_words = (
        "the GPT-2 layout, for learned positions"
        if facts["layout"] == "gpt2"
        else ("the GPT-NeoX layout, for rotary positions")
    )
    activation = "GELU, tanh approximation" if m.mlp_activation == "gelu_tanh" else "GELU"
    lines = [
        "---",
        "library_name: transformers",
        "pipeline_tag: text-generation",
        "tags:",
        "- lmstudio",
        f"- {facts['layout']}",
        "---",
        "",
        f"# {name}",
        "",
        f"A {facts['parameters']:,}-parameter Transformer language model trained from scratch with lmstudio and "
        f"exported as `{architecture}` ({layout_words}). It computes exactly what the lmstudio model computes: "
        f"the largest difference between the two models' logits, measured on {facts['logit_sequences']} sequences of "
        f"{m.block_size} "
        f"tokens when this folder was written, was {facts['max_logit_diff']:.2g} (logits up to "
        f"{facts['logit_scale']:.3g}).",
        "",
        "## Model",
        "",
        "| setting | value |",
        "|---|---|",
        f"| layers | {m.n_layer} |",
        f"| width (d_model) | {m.d_model} |",
        f"| heads | {m.n_head} |",
        f"| MLP hidden width | {m.mlp_ratio * m.d_model} ({activation}) |",
        f"| positions | {m.positions} |",
        f"| context (block size) | {m.block_size} tokens |",
        f"| biases | {'yes' if m.bias else 'no (written as zeros)'} |",
        f"| output head tied to the embedding | {'yes' if m.tie_weights else 'no'} |",
        f"| dropout | {m.dropout:g} |",
        f"| vocabulary | {m.vocab_size:,} tokens ({t.kind}) |",
        f"| checkpoint | {facts['checkpoint']} (step {facts['step']:,}) |",
        "",
        "## Training data",
        "",
        f"Corpus: {_corpus(config)}. Split {', '.join(f'{x:g}' for x in config.data.split_fractions)} "
        f"(train, validation, test) by {config.data.split_mode}, seed {config.data.seed}.",
    ]
    cleaning = [k for k, v in asdict(config.data.cleaning).items() if v not in (False, None, 0)]
    lines.append(f"Cleaning: {', '.join(cleaning) if cleaning else 'none (the text as it is)'}.")
    lines += [
        "",
        "## Training",
        "",
        f"{tr.optimizer} optimizer, peak learning rate {tr.lr:g} (floor {tr.min_lr:g}, {tr.schedule} schedule, "
        f"{tr.warmup_steps} warmup steps), batch {tr.batch_size} x {tr.grad_accum} of {m.block_size} tokens, "
        f"{tr.steps:,} steps{f' or {tr.max_time:g} s' if tr.max_time else ''}, weight decay {tr.weight_decay:g}, "
        f"seed {tr.seed}.",
        "",
    ]
    if "last_step" in facts:
        seen = f", {facts['tokens_seen']:,} tokens seen" if "tokens_seen" in facts else ""
        lines.append(f"Trained {facts['last_step']:,} steps{seen}.")
        lines.append("")
    lines += [
        "## Metrics (from the run's metrics.csv)",
        "",
        "| metric | value |",
        "|---|---|",
        f"| best validation loss (nats/token) | {_number(facts.get('best_val_loss'))} "
        f"{'at step ' + format(facts['best_val_step'], ',') if 'best_val_step' in facts else ''} |",
        f"| validation perplexity there | {_number(facts.get('best_val_perplexity'))} |",
        f"| bits per character there | {_number(facts.get('best_bits_per_char'))} |",
        f"| last training loss | {_number(facts.get('last_train_loss'))} |",
        "",
        "Perplexity is exp(loss) per token of this vocabulary; bits per character compare models with different "
        "tokenizers.",
        "",
        "## Train it again",
        "",
        f"`{CONFIG_COPY}` in this folder holds every setting of the run. With lmstudio installed "
        "(`pip install lmstudio-workbench`):",
        "",
        "```",
        f"lmstudio train --config {CONFIG_COPY} --out {name}",
        "```",
        "",
    ]
    changed = _changed(config)
    if changed:
        lines += ["Settings that differ from lmstudio's defaults:", "", "| setting | value |", "|---|---|"]
        lines += [f"| {key} | {_cell(value)} |" for key, value in changed]
        lines.append("")
    lines += [
        "## Use it",
        "",
        "```python",
        "from transformers import AutoModelForCausalLM, AutoTokenizer",
        "",
        'tokenizer = AutoTokenizer.from_pretrained("PATH/TO/THIS/FOLDER")',
        'model = AutoModelForCausalLM.from_pretrained("PATH/TO/THIS/FOLDER")',
        'ids = tokenizer("\\nROMEO:", return_tensors="pt").input_ids  # lmstudio starts a prompt after a newline',
        "out = model.generate(ids, max_new_tokens=50, do_sample=False)",
        "print(tokenizer.decode(out[0]))",
        "```",
        "",
        "Notes:",
        "",
        "- No BOS token is added (lmstudio adds none): texts are encoded as they are, and lmstudio conditions a "
        "prompt on a line start, so put a newline before the prompt to match its samples.",
        f"- The tokenizer encodes text to the same ids as lmstudio's {t.kind} tokenizer (checked on "
        f"{facts['tokenizer_texts']} texts when this folder was written)."
        + (
            ""
            if t.kind == "hf"
            else " `<s>` typed in a text is text (`split_special_tokens`). Decoding writes `<unk>` where lmstudio "
            "writes `\u2047`."
        ),
    ]
    if facts.get("tokenizer_note"):
        lines.append(f"- One known difference: {facts['tokenizer_note']}.")
    if m.positions == "learned":
        lines.append(
            f"- Learned positions: at most {m.block_size} tokens of context (`n_positions`); lmstudio slides its "
            "window over longer texts, transformers refuses them."
        )
    else:
        lines.append(
            f"- Rotary positions: trained on {m.block_size} tokens of context; longer inputs run but were never "
            "trained on (lmstudio slides its window instead)."
        )
    lines.append("")
    return "\n".join(lines)


__all__ = ["CONFIG_COPY", "model_card", "training_summary"]
