"""``lmstudio export RUN_DIR --format hf|onnx --out DIR``: a run's checkpoint in the formats the field uses.

hf: a folder ``transformers`` loads offline (AutoModelForCausalLM, AutoTokenizer) with a model card;
onnx: the model for ``onnxruntime``. Both are checked against the run's own model before the folder
appears; ``--out`` must be new or empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .progressbar import ProgressBar

FORMATS = ("hf", "onnx")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "export",
        help="export a run's model to Hugging Face (transformers) or ONNX",
        description="Export a run's checkpoint. --format hf writes a folder transformers loads offline "
        "(AutoModelForCausalLM and AutoTokenizer, a model card README.md): Transformer runs only, as GPT-2 "
        "(learned positions) or GPT-NeoX (rotary). --format onnx writes an ONNX model onnxruntime runs, for "
        "every architecture. The export is checked against the run's own model before --out appears.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="the run folder `lmstudio train --out` wrote")
    p.add_argument("--format", required=True, choices=FORMATS, help="hf (Hugging Face transformers) or onnx")
    p.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder to write")
    p.add_argument("--checkpoint", default="best", help="best, last or step-N (default best)")
    p.add_argument("--json", action="store_true", help="print what was exported and measured as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    run_dir, out_dir = Path(args.run_dir), Path(args.out)
    bar = ProgressBar(f"exporting {run_dir.name}")
    try:
        if args.format == "hf":
            from ..core.export.hf import export_hf

            facts = export_hf(run_dir, out_dir, checkpoint=args.checkpoint, progress=bar.callback)
        else:
            from ..core.export.onnx import export_onnx

            facts = export_onnx(run_dir, out_dir, checkpoint=args.checkpoint, progress=bar.callback)
    finally:
        bar.close()
    if args.json:
        print(json.dumps(_plain(facts), indent=2, ensure_ascii=False))
    else:
        print(summary(args.format, run_dir, out_dir, facts))
    return 0


def summary(fmt: str, run_dir: Path, out_dir: Path, facts: dict[str, Any]) -> str:
    """What the user reads after an export: where, what, and what the check measured."""
    if fmt == "hf":
        lines = [
            f"{run_dir} ({facts['checkpoint']}, step {facts['step']:,}) -> {out_dir}",
            f"  {facts['architecture']}, {facts['parameters']:,} parameters; logits match within "
            f"{facts['max_logit_diff']:.2g} (checked on {facts['logit_sequences']} sequences)",
            f"  {facts['tokenizer_kind']} tokenizer: same ids as lmstudio on {facts['tokenizer_texts']} texts",
        ]
        if facts.get("tokenizer_note"):
            lines.append(f"  note: {facts['tokenizer_note']}")
        lines.append(f"  load it with AutoModelForCausalLM.from_pretrained({str(out_dir)!r}); see {out_dir}/README.md")
        return "\n".join(lines)
    shown = [f"  {k}: {v}" for k, v in facts.items() if isinstance(v, (int, float, str)) and k != "out_dir"]
    return "\n".join([f"{run_dir} -> {out_dir}", *shown])


def _plain(value: Any) -> Any:
    """``value`` with paths and other objects as text, so json.dumps takes it."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
