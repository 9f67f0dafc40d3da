"""KV-cached generation against recomputing the whole context for every token.

A GPT of the baby-GPT shape (4 layers, 4 heads, width 128, vocabulary 65, random weights: speed does
not depend on what was learned) generates at block sizes 64 and 256, three ways:

- recompute: nanoGPT's loop, a full forward over the (cropped) context for every token;
- cached: a bare loop over ``model.step`` with the KV cache and ``sample``;
- generate(): lmstudio's generator with everything it reports per token (alternatives, entropy,
  rank, text), to show its overhead over the bare cached loop.

Two scenarios per block size: "fill" (a 1-token prompt, generate block_size - 1 tokens: the cache
fills up) and "slide" (a full-block prompt, generate block_size more tokens: the window slides; the
recompute loop always runs full-length forwards, the cached one rebuilds its cache every
block/4 tokens). Targets (issue 3): cached >= 2x faster than recompute at block 64, >= 5x at 256.

    python benchmarks/bench_generation.py [--device cpu|cuda] [--repeats 5] [--threads N]

Prints a table and writes benchmarks/out/generation.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import torch

from lmstudio.core.config import ModelConfig, SampleConfig
from lmstudio.core.inference.generation import generate
from lmstudio.core.inference.sampling import sample
from lmstudio.core.models import build_model

VOCAB = 65


class _Tok:
    """Minimal character tokenizer over VOCAB code points (no tokenizer training needed)."""

    bos_id = eos_id = pad_id = unk_id = -1
    vocab_size = VOCAB

    def encode(self, text):
        return [ord(c) - 32 for c in text]

    def decode(self, ids):
        return "".join(chr(i + 32) for i in ids)

    def id_to_piece(self, i):
        return chr(i + 32)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


@torch.inference_mode()
def recompute(model, prompt: list[int], n: int, device, gen) -> None:
    ids = torch.tensor([prompt], device=device)
    block = model.config.block_size
    for _ in range(n):
        logits, _ = model(ids[:, -block:])
        nxt, _ = sample(logits[0, -1], temperature=1.0, generator=gen)
        ids = torch.cat([ids, nxt.view(1, 1)], dim=1)


@torch.inference_mode()
def cached(model, prompt: list[int], n: int, device, gen) -> None:
    """The bare loop: step with the KV cache, ids kept on the device (no host sync per token);
    past the window the cache is rebuilt from the last 3/4 of it, as generate() does."""
    from lmstudio.core.inference.context import SLIDE_KEEP

    window = model.context_window
    p = len(prompt)
    ids = torch.empty(p + n, dtype=torch.long, device=device)
    ids[:p] = torch.tensor(prompt)
    feed = ids[max(0, p - window) : p]
    logits, state = model.step(feed[None], model.init_state(1, device))
    fed = feed.numel()
    for i in range(n):
        nxt, _ = sample(logits[0, -1], temperature=1.0, generator=gen)
        ids[p + i] = nxt
        if i == n - 1:
            break
        if fed + 1 > window:
            keep = int(window * SLIDE_KEEP)
            logits, state = model.step(ids[p + i + 1 - keep : p + i + 1][None], model.init_state(1, device))
            fed = keep
        else:
            logits, state = model.step(nxt.view(1, 1), state)
            fed += 1


def full_generate(model, prompt: list[int], n: int, device, gen) -> None:
    cfg = SampleConfig(max_new_tokens=n, temperature=1.0, seed=0, alternatives=10)
    for _ in generate(model, _Tok(), "", cfg, device, context_ids=prompt):  # the same ids as the bare loops
        pass


def timed(fn, *args, repeats: int, device) -> float:
    fn(*args)  # warm-up
    _sync(device)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        _sync(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads; 0 = torch's default")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "out" / "generation.json"))
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    results = []
    print(
        f"{'block':>5} {'scenario':>8} {'tokens':>6} {'recompute tok/s':>15} {'cached tok/s':>12} "
        f"{'generate() tok/s':>16} {'speedup':>7} {'gen/bare':>8}"
    )
    for block in (64, 256):
        torch.manual_seed(0)
        cfg = ModelConfig(arch="transformer", vocab_size=VOCAB, block_size=block, n_layer=4, n_head=4, d_model=128)
        model = build_model(cfg).to(device).eval()
        g = torch.Generator(device=device).manual_seed(0)
        prompt_block = [int(i) for i in torch.randint(0, VOCAB, (block,), generator=torch.Generator().manual_seed(1))]
        for scenario, prompt, n in (("fill", prompt_block[:1], block - 1), ("slide", prompt_block, block)):
            t_re = timed(recompute, model, prompt, n, device, g, repeats=args.repeats, device=device)
            t_kv = timed(cached, model, prompt, n, device, g, repeats=args.repeats, device=device)
            t_gen = timed(full_generate, model, prompt, n, device, g, repeats=args.repeats, device=device)
            row = {
                "block_size": block,
                "scenario": scenario,
                "tokens": n,
                "recompute_tokens_per_s": n / t_re,
                "cached_tokens_per_s": n / t_kv,
                "generate_tokens_per_s": n / t_gen,
                "speedup_cached_vs_recompute": t_re / t_kv,
                "speedup_generate_vs_recompute": t_re / t_gen,
                "generate_over_bare_cached": t_gen / t_kv,
            }
            results.append(row)
            print(
                f"{block:>5} {scenario:>8} {n:>6} {n / t_re:>15.0f} {n / t_kv:>12.0f} {n / t_gen:>16.0f} "
                f"{t_re / t_kv:>6.2f}x {t_gen / t_kv:>7.2f}x"
            )
    targets = {64: 2.0, 256: 5.0}
    passed = all(r["speedup_cached_vs_recompute"] >= targets[r["block_size"]] for r in results)
    report = {
        "benchmark": "generation: KV cache vs recompute",
        "model": "transformer 4 layers, 4 heads, width 128, vocab 65 (random weights)",
        "device": str(device),
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "platform": platform.platform(),
        "targets": {"64": 2.0, "256": 5.0},
        "targets_met": passed,
        "results": results,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"targets (>= 2x at 64, >= 5x at 256): {'met' if passed else 'NOT met'}; wrote {out}")


if __name__ == "__main__":
    main()
