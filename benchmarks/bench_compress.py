"""Compression and export, measured (issue 14): what int8 and pruning cost and save, and how exactly exports match.

    python benchmarks/bench_compress.py [--seconds 150] [--finetune-steps 200]

Two runs are trained on Tiny Shakespeare with lmstudio's defaults, each for ``--seconds`` of training: the
``small`` Transformer preset and the LSTM ``small`` preset (characters). For each, ``lmstudio compress``'s pipeline
(``core.compress.pipeline.compress_run``) measures the model before and after, from the files it saved:

- dynamic int8 quantization: size on disk, validation perplexity (the first 20,000 validation tokens), tokens per
  second of generation (64 tokens, seeded, the faster of two runs), peak memory of a forward pass;
- L1 magnitude pruning, global, at 30%, 50% and 70% sparsity, without and with ``--finetune-steps`` steps of
  recovery fine-tuning (the pruned weights kept at zero): validation perplexity.

Export round trips: the Transformer to Hugging Face (GPT-NeoX layout: rotary positions) and both to ONNX; the
largest logit difference each export measured against lmstudio's model before writing its folder.

Writes benchmarks/out/compress.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import SHAKESPEARE, write_result  # noqa: E402
from lmstudio.core.compress.pipeline import compress_run  # noqa: E402
from lmstudio.core.config import WorkspaceConfig  # noqa: E402
from lmstudio.core.export.hf import export_hf  # noqa: E402
from lmstudio.core.export.onnx import export_onnx  # noqa: E402
from lmstudio.core.models.presets import PRESETS  # noqa: E402
from lmstudio.core.training.launch import new_trainer  # noqa: E402

MODELS = {"transformer-small": "transformer", "lstm-small": "lstm"}
SPARSITIES = (0.3, 0.5, 0.7)
KEEP = ("size_bytes", "parameters", "nonzero", "perplexity", "bits_per_char", "tokens_per_sec", "peak_memory_bytes")


def _figures(measured: dict) -> dict:
    return {k: measured.get(k) for k in KEEP}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=150.0, help="training budget per model")
    parser.add_argument("--finetune-steps", type=int, default=200)
    args = parser.parse_args()
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, arch in MODELS.items():
            config = WorkspaceConfig.from_dict(
                {
                    "data": {"corpus": str(SHAKESPEARE)},
                    "model": {"arch": arch, **PRESETS[arch]["small"]},
                    "train": {"steps": 10**9, "max_time": args.seconds, "eval_interval": 10**9},
                }
            )
            run_dir = Path(tmp) / name
            trainer = new_trainer(config, run_dir)
            for _ in trainer.run():
                pass
            print(f"{name}: trained {trainer.step} steps", flush=True)
            out: dict = {"steps": trainer.step, "threads": torch.get_num_threads()}
            q = compress_run(run_dir, quantize="int8")
            out["fp32"], out["int8"] = _figures(q.before), _figures(q.after)
            print(f"{name}: int8 {q.before['perplexity']:.3f} -> {q.after['perplexity']:.3f}", flush=True)
            pruned = {}
            for sparsity in SPARSITIES:
                for steps in (0, args.finetune_steps):
                    r = compress_run(run_dir, prune="l1", sparsity=sparsity, global_=True, finetune_steps=steps)
                    pruned[f"{round(sparsity * 100)}%{' + fine-tune' if steps else ''}"] = {
                        "perplexity": r.after["perplexity"],
                        "nonzero": r.after["nonzero"],
                    }
                    print(f"{name}: l1 {sparsity:.0%} ft {steps}: {r.after['perplexity']:.3f}", flush=True)
            out["l1_global"] = pruned
            exports = {"onnx": export_onnx(run_dir, Path(tmp) / f"{name}-onnx")}
            if arch == "transformer":
                exports["hf"] = export_hf(run_dir, Path(tmp) / f"{name}-hf")
            out["export_max_abs_diff"] = {k: v.get("max_abs_diff", v.get("max_logit_diff")) for k, v in exports.items()}
            runs[name] = out
    write_result(
        "compress",
        {
            "corpus": "Tiny Shakespeare (resources/corpora), characters, lmstudio's default split",
            "training": f"lmstudio's defaults, {args.seconds:g} s of training per model",
            "measured": "by core.compress.pipeline.compress_run, before and after, from the saved files: perplexity "
            "over the first 20,000 validation tokens; generation tokens/s: 64 tokens seeded, faster of two runs; "
            "pruning: L1 magnitude, global, the tied embedding/head left dense",
            "finetune_steps": args.finetune_steps,
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
