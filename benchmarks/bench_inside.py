"""Inside the model (issue 16): the logit lens and the attention grid of one text, on the CPU.

A Transformer of 6 layers, width 256, 8 heads, vocabulary 65, block 256 (random weights: the time does not
depend on what was learned) reads 256 tokens. Timed separately and together, each the median of ``--repeats``
runs after one warm-up:

- ``logit_lens``: the residual stream after the embeddings and each block through the final norm and head;
- ``attention_grid``: every layer's and head's softmax weights, (6, 8, 256, 256).

Target (issue 16): the two together in < 200 ms. Writes benchmarks/out/inside.json and prints it.

    .venv/bin/python benchmarks/bench_inside.py [--repeats 15] [--tokens 256] [--threads N] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from benchmarks.common import write_result  # noqa: E402
from lmstudio.core.config import ModelConfig  # noqa: E402
from lmstudio.core.inference.lens import attention_grid, logit_lens  # noqa: E402
from lmstudio.core.models import build_model  # noqa: E402

VOCAB = 65
TARGET_MS = 200.0


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm-up: first-call allocations and kernel choices
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads; 0 = torch's default")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 repeats")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    repeats = 2 if args.quick else args.repeats
    torch.manual_seed(0)
    cfg = ModelConfig(arch="transformer", vocab_size=VOCAB, block_size=256, n_layer=6, n_head=8, d_model=256)
    model = build_model(cfg).eval()
    ids = torch.randint(0, VOCAB, (args.tokens,)).tolist()

    lens_ms = _median_ms(lambda: logit_lens(model, ids, "cpu"), repeats)
    attention_ms = _median_ms(lambda: attention_grid(model, ids, "cpu"), repeats)
    both_ms = _median_ms(lambda: (logit_lens(model, ids, "cpu"), attention_grid(model, ids, "cpu")), repeats)
    write_result(
        "inside",
        {
            "model": "transformer, 6 layers, width 256, 8 heads, vocabulary 65, random weights",
            "tokens": args.tokens,
            "repeats": repeats,
            "quick": args.quick,
            "logit_lens_ms": round(lens_ms, 2),
            "attention_grid_ms": round(attention_ms, 2),
            "both_ms": round(both_ms, 2),
            "target_ms": TARGET_MS,
            "meets_target": both_ms < TARGET_MS,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
