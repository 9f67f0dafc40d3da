"""``lmstudio sample`` and ``lmstudio eval``: use a trained run."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_sample_parser(sub) -> None:
    p = sub.add_parser("sample", help="generate text from a trained run",
                       description="Generate text from a run's checkpoint, streaming it to the terminal.")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder written by `lmstudio train`")
    p.add_argument("--prompt", default="\n", help="text to continue (default: a newline)")
    p.add_argument("--checkpoint", default="best", help="best, last or step-N (default best)")
    p.add_argument("--max-new-tokens", type=int, default=200, metavar="N", help="tokens to generate (default 200)")
    p.add_argument("--temperature", type=float, default=0.8, metavar="T", help="0 = greedy; higher = more random (default 0.8)")
    p.add_argument("--top-k", type=int, default=0, metavar="K", help="sample among the K most likely tokens (0 = off)")
    p.add_argument("--top-p", type=float, default=1.0, metavar="P", help="nucleus sampling mass (1 = off)")
    p.add_argument("--repetition-penalty", type=float, default=1.0, metavar="X", help=">1 discourages repeats (1 = off)")
    p.add_argument("--seed", type=int, default=None, metavar="N", help="seed: the same seed gives the same text")
    p.add_argument("--stop", default="", metavar="TEXT", help="stop when this text is generated")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"], help="compute device")
    p.set_defaults(func=run_sample)


def run_sample(args) -> int:
    from ..core.config import SampleConfig
    from ..core.generation import generate
    from ..core.runs import load_run

    cfg = SampleConfig(max_new_tokens=args.max_new_tokens, temperature=args.temperature, top_k=args.top_k,
                       top_p=args.top_p, repetition_penalty=args.repetition_penalty, seed=args.seed,
                       stop=args.stop, alternatives=0)
    loaded = load_run(Path(args.run_dir), args.checkpoint, args.device)
    sys.stdout.write(args.prompt)
    for event in generate(loaded.model, loaded.tokenizer, args.prompt, cfg, next(loaded.model.parameters()).device):
        sys.stdout.write(event.text)
        sys.stdout.flush()
    sys.stdout.write("\n")
    return 0


def add_eval_parser(sub) -> None:
    p = sub.add_parser("eval", help="perplexity and bits per character of a run",
                       description="Evaluate a run on its validation and test splits, or on any text file.")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder written by `lmstudio train`")
    p.add_argument("--text", metavar="FILE", help="score this UTF-8 text file instead of the run's splits")
    p.add_argument("--checkpoint", default="best", help="best, last or step-N (default best)")
    p.add_argument("--max-tokens", type=int, default=200_000, metavar="N", help="evaluate at most N tokens per split")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda", "mps"], help="compute device")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=run_eval)


def run_eval(args) -> int:
    import math

    from ..core.corpus import Corpus
    from ..core.evaluation import evaluate_tokens, score_text
    from ..core.pipeline import prepare_cached
    from ..core.runs import load_run

    loaded = load_run(Path(args.run_dir), args.checkpoint, args.device)
    device = next(loaded.model.parameters()).device
    results: dict[str, dict] = {}
    if args.text:
        corpus = Corpus.open(Path(args.text))
        text = "\n".join(corpus.iter_lines())
        scored = score_text(loaded.model, loaded.tokenizer, text, device)
        scored.pop("per_token", None)
        results[str(args.text)] = scored
    else:
        prepared = prepare_cached(loaded.config, tokenizer=loaded.tokenizer)
        for split in ("val", "test"):
            if prepared.store.count(split) <= 1:
                continue
            r = evaluate_tokens(loaded.model, prepared.store.split(split), loaded.config.model.block_size, device,
                                max_tokens=args.max_tokens)
            r["bits_per_char"] = r["loss"] / math.log(2) / max(prepared.chars_per_token(split), 1e-9)
            results[split] = r
    results = {k: {kk: vv for kk, vv in v.items() if isinstance(vv, (int, float))} for k, v in results.items()}
    if args.json:
        print(json.dumps({"run": str(args.run_dir), "checkpoint": loaded.checkpoint.name, "results": results}, indent=2))
    else:
        print(f"{args.run_dir} ({loaded.checkpoint.name}, step {loaded.checkpoint.step})")
        for name, r in results.items():
            print(f"{name:<8} loss {r['loss']:.4f}  perplexity {r['perplexity']:.3f}  "
                  f"bits/char {r.get('bits_per_char', float('nan')):.4f}  tokens {int(r.get('tokens', 0)):,}")
    return 0
