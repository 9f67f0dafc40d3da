"""Scaling efficiency of training in several processes (DistributedDataParallel under torchrun).

Each configuration is a real ``lmstudio train`` command on the bundled Tiny Shakespeare with the default model
(the ``small`` preset) and the default global batch (24 sequences), so every configuration trains on the same
batches; only how many processes share them changes. Throughput is the run's own training-time tokens/s from its
metrics.csv (the tokens and the training clock between a step after the warm-up and the last step; evaluations
and saves are not training time), the median over ``--reps`` runs, the configurations interleaved (A B C A B C
...) so that a slow spell of a noisy machine hits them alike.

Configurations:

- ``1 x 1``: one process with one thread (one worker's share of the machine)
- ``1 x N``: one process with N threads (the best one process does with the same cores)
- ``N x 1``: N processes with one thread each

Scaling efficiency = tokens/s of ``N x 1`` / (N x tokens/s of ``1 x 1``); the same against ``1 x N`` says
whether several processes beat one process with all the threads.

On a GPU machine (``--device cuda``) ``--processes N`` takes N GPUs, one per process, and the threads
settings do not matter; ``1 x 1`` is then one GPU and the efficiency is the usual multi-GPU one:

    python benchmarks/bench_ddp.py --device cuda --processes 8 --preset medium --steps 300

Results: benchmarks/out/ddp_scaling.json (benchmarks/out/ddp_scaling_cuda.json on a GPU).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import SHAKESPEARE, write_result  # noqa: E402


def throughput(run: Path, skip: int) -> tuple[float, int]:
    """Training tokens per second of a run between step ``skip`` and its last step, and that last step."""
    with (run / "metrics.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["train_loss"]]
    first = next(r for r in rows if int(r["step"]) >= skip)
    last = rows[-1]
    tokens = float(last["tokens"]) - float(first["tokens"])
    seconds = float(last["elapsed"]) - float(first["elapsed"])
    return tokens / seconds, int(last["step"])


def train(work: Path, name: str, processes: int, threads: int, args) -> float:
    run = work / name
    command = [
        sys.executable,
        "-m",
        "lmstudio",
        "train",
        "--corpus",
        str(SHAKESPEARE),
        "--preset",
        args.preset,
        "--steps",
        str(args.steps),
        "--eval-interval",
        str(args.steps),  # only step 0's evaluation and the last one
        "--checkpoint-interval",
        "0",
        "--device",
        args.device,
        "--threads",
        str(threads),
        "--processes",
        str(processes),
        "--out",
        str(run),
        "--quiet",
    ]
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS=str(threads))
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    tps, _ = throughput(run, args.skip)
    print(f"  {name}: {tps:,.0f} tokens/s", flush=True)
    return tps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=2, help="N, the processes of the distributed runs")
    parser.add_argument("--device", default="cpu", help="cpu (gloo) or cuda (NCCL, one GPU per process)")
    parser.add_argument("--preset", default="small")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--skip", type=int, default=30, help="warm-up steps left out of the throughput")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    n = args.processes
    configs = {"1x1": (1, 1), f"1x{n}": (1, n), f"{n}x1": (n, 1)}
    if args.device != "cpu":  # one process per GPU: threads play no part
        configs = {"1x1": (1, 1), f"{n}x1": (n, 1)}
    results: dict[str, list[float]] = {name: [] for name in configs}
    with tempfile.TemporaryDirectory(prefix="lmstudio-ddp-bench-") as tmp:
        work = Path(tmp)
        for rep in range(args.reps):
            print(f"round {rep + 1} of {args.reps}", flush=True)
            for name, (processes, threads) in configs.items():
                results[name].append(train(work, f"{name}-{rep}", processes, threads, args))
    median = {name: statistics.median(values) for name, values in results.items()}
    figures = {
        "tokens_per_sec": {name: round(v) for name, v in median.items()},
        "runs": {name: [round(v) for v in values] for name, values in results.items()},
        "scaling_efficiency": round(median[f"{n}x1"] / (n * median["1x1"]), 3),
        "speedup_vs_1_process_1_thread": round(median[f"{n}x1"] / median["1x1"], 3),
    }
    if f"1x{n}" in median:
        figures[f"speedup_vs_1_process_{n}_threads"] = round(median[f"{n}x1"] / median[f"1x{n}"], 3)
    suffix = "" if args.device == "cpu" else f"_{args.device}"
    write_result(
        f"ddp_scaling{suffix}",
        {
            "command": "python benchmarks/bench_ddp.py " + " ".join(sys.argv[1:]),
            "what": f"lmstudio train --preset {args.preset}, global batch 24, {args.steps} steps on Tiny Shakespeare; "
            f"training-time tokens/s after step {args.skip}, median of {args.reps} interleaved runs per "
            f"configuration (processes x threads each), device {args.device}",
            "cpu_cores": os.cpu_count(),
            **figures,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
